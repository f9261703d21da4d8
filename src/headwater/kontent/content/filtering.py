"""Items with variants: filter item-language pairs, and read items with their variants in bulk.

`POST …/items-with-variant/filter` answers `{variants: [{item: {id}, language: {id}}], pagination}`,
at most 50 pairs a page. One language per request (the default language when none is named); each
content item gives at most one pair. Filters combine with AND; the values inside one filter are
alternatives (OR). References name things by id, codename or external id; one that names nothing
is a 400 listing every such reference (a space, since Headwater has none, is the 121 the space
listing answers).

Where each filter runs. SQL decides language, content types, collections, workflow steps,
publishing states, component types, "no contributors" and the `not_translated` / `all_done`
completion statuses from columns, and pre-filters search words, contributors and taxonomy terms
with substring tests on the stored JSON that never drop a true match. Python then checks exactly,
over the rows SQL returned only, what needs the content type's elements: search words in text
elements, taxonomy terms per group, contributors, and `unfinished` versus `ready`. Such a page
examines at most `SCAN_BUDGET` candidate rows; when that budget runs out before 50 matches, the page
is shorter (possibly empty) and its continuation token resumes after the last row examined, which is
what the hosted API's "dynamically paginated" lists allow (clients follow tokens until null).

Semantics decided here (the reference names the values, not their rules):
- completion statuses partition every pair: `not_translated` (the item has no variant in the
  language; such pairs appear only when asked for), `all_done` (the variant sits in the Published,
  Scheduled or Archived step), `unfinished` (otherwise, when publishing would be refused: a required
  element is empty or an element limit is not met, `validation.py`) and `ready` (the rest).
  `completed`, the older name the reference's error sample lists, is taken to mean `ready`.
  Filters on what only a variant has (workflow steps, publishing states, contributors, taxonomy,
  component types) never match a `not_translated` pair.
- publishing states: `published` (a published version is live), `unpublished` (none is live and
  the variant is archived: Kontent.ai archives what it unpublishes), `not_published_yet` (the rest).
- `search_phrase`: every word of the phrase occurs, case-insensitively, in the item name or in the
  variant's text, rich text, URL slug or custom elements (components included); in rich text every
  tag separates words. Codenames are not searched: the reference names only names and element values.
- taxonomy groups: a pair matches a group when one of its elements of that group holds one of the
  listed terms, or (with `include_uncategorized`) none of its elements holds a term of the group.
  Without listed terms a group matches the pairs holding any of its terms, or with
  `include_uncategorized` only the uncategorized ones. Several groups must all match.
- order `name`, `last_modified`, `due_date` (variants without a due date last), `asc` by default;
  without `order`, pairs come in item creation order.

`POST …/items-with-variant/bulk-get` takes up to 100 `{item, language}` references and answers
`{data: [{item, variant?}], pagination}` in request order, 50 entries a page; `variant` is absent
when that variant does not exist. Unresolvable items are the reference's 274.

Both are reads: nothing is stored, and the default workflow is never materialized here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import errors, pagination
from headwater.kontent.content import validation, variantlists, workflows
from headwater.kontent.content.values import ElementDef, Problems
from headwater.kontent.errors import KontentError
from headwater.kontent.model import taxonomies
from headwater.kontent.model.elements import CONTENT_TYPE, TAXONOMY
from headwater.kontent.pipeline import Call, endpoint, respond_raw
from headwater.kontent.project.seed import COLLECTION, LANGUAGE
from headwater.kontent.references import InvalidReference, Reference, lookup_key
from headwater.platform import ids
from headwater.platform.ids import ZERO_GUID
from headwater.platform.requests import MAX_WIRE_INT
from headwater.storage import variants
from headwater.storage.database import Connection
from headwater.storage.objects import LookupColumn
from headwater.storage.variants import FilterOrder, FilterRow, PublishingState, SqlDialect, VariantFilter

Doc = dict[str, Any]

FILTER_PAGE_SIZE = 50
BULK_PAGE_SIZE = 50
MAX_BULK_PAIRS = 100
SCAN_BUDGET = 500
SCAN_CHUNK = 100

INVALID_COMPLETION_CODE = 265
UNRESOLVED_CODE = 274

COMPLETION_STATUSES = ("unfinished", "ready", "not_translated", "all_done")
LEGACY_READY = "completed"
PUBLISHING_STATES: tuple[PublishingState, ...] = ("published", "unpublished", "not_published_yet")
ORDER_BY = ("last_modified", "name", "due_date")
DIRECTIONS = ("asc", "desc")
DONE_STEP_IDS = (workflows.PUBLISHED_STEP_ID, workflows.SCHEDULED_STEP_ID, workflows.ARCHIVED_STEP_ID)
TEXT_ELEMENTS = ("text", "rich_text", "url_slug", "custom")
MAX_COMPONENT_DEPTH = 8

_TOKEN_MAX_LENGTH = 1024
_TAG = re.compile(r"<[^>]*>")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


# -- request bodies -------------------------------------------------------------------------------


@dataclass(slots=True)
class TaxonomyFilter:
    path: str
    group: Reference
    terms: list[tuple[str, Reference]] | None
    include_uncategorized: bool


@dataclass(slots=True)
class ParsedFilter:
    """A filter body whose shape is valid; references not resolved yet."""

    words: list[str] = field(default_factory=list)
    language: Reference | None = None
    content_types: list[tuple[str, Reference]] | None = None
    contributors: list[str] | None = None
    has_no_contributors: bool = False
    completion: set[str] | None = None
    workflow_steps: list[tuple[str, Reference, list[tuple[str, Reference]]]] | None = None
    taxonomy_groups: list[TaxonomyFilter] | None = None
    spaces: list[Reference] | None = None
    collections: list[tuple[str, Reference]] | None = None
    publishing_states: list[PublishingState] | None = None
    component_types: list[tuple[str, Reference]] | None = None
    order: FilterOrder = "item"
    descending: bool = False


def invalid_completion_status(value: str) -> KontentError:
    return KontentError(
        400,
        INVALID_COMPLETION_CODE,
        f"Invalid completion status name `{value}`. The values of the 'completion_statuses' property must be one "
        f"of the following: {', '.join(COMPLETION_STATUSES)}.",
    )


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else "a value of another type"


def _array(filters: Doc, name: str, problems: Problems) -> list[Any] | None:
    """A nullable filter array: absent and null mean no filter; empty arrays are not allowed."""
    raw = filters.get(name)
    if raw is None:
        return None
    if not isinstance(raw, list):
        problems.add(f"filters.{name}", f"The '{name}' property must be an array or null.")
        return None
    if not raw:
        problems.add(f"filters.{name}", f"The '{name}' property must not be an empty array; omit it or use null.")
        return None
    return raw


def _reference(raw: Any, path: str, problems: Problems) -> Reference | None:
    try:
        return Reference.parse(raw)
    except InvalidReference as exc:
        problems.add(path, exc.message)
        return None


def _references(filters: Doc, name: str, problems: Problems) -> list[tuple[str, Reference]] | None:
    raw = _array(filters, name, problems)
    if raw is None:
        return None
    out: list[tuple[str, Reference]] = []
    for index, value in enumerate(raw):
        path = f"filters.{name}[{index}]"
        ref = _reference(value, path, problems)
        if ref is not None:
            out.append((path, ref))
    return out


def _user_ids(filters: Doc, problems: Problems) -> list[str] | None:
    raw = _array(filters, "contributors", problems)
    if raw is None:
        return None
    out: list[str] = []
    for index, user in enumerate(raw):
        user_id = user.get("id") if isinstance(user, dict) else None
        email = user.get("email") if isinstance(user, dict) else None
        if isinstance(user_id, str) and ids.is_guid(user_id) and email is None:
            out.append(ids.normalize_guid(user_id))
        elif isinstance(email, str) and "@" in email and user_id is None:
            out.append(ids.guid_for_external_id("user", email.lower()))
        else:
            problems.add(
                f"filters.contributors[{index}]", "A user reference needs exactly one of 'id' (a GUID) or 'email'."
            )
    return out


def _completion(filters: Doc, problems: Problems) -> set[str] | None:
    raw = _array(filters, "completion_statuses", problems)
    if raw is None:
        return None
    out: set[str] = set()
    for index, value in enumerate(raw):
        if not isinstance(value, str):
            problems.add(f"filters.completion_statuses[{index}]", "A completion status must be a string.")
        elif value == LEGACY_READY:
            out.add("ready")
        elif value not in COMPLETION_STATUSES:
            raise invalid_completion_status(value)
        else:
            out.add(value)
    return out


def _publishing_states(filters: Doc, problems: Problems) -> list[PublishingState] | None:
    raw = _array(filters, "publishing_states", problems)
    if raw is None:
        return None
    out: list[PublishingState] = []
    for index, value in enumerate(raw):
        state = next((s for s in PUBLISHING_STATES if s == value), None)
        if state is None:
            problems.add(
                f"filters.publishing_states[{index}]",
                f"Invalid publishing state {_show(value)}. The values of the 'publishing_states' property must be "
                f"one of the following: {', '.join(PUBLISHING_STATES)}.",
            )
        elif state not in out:
            out.append(state)
    return out


def _workflow_steps(
    filters: Doc, problems: Problems
) -> list[tuple[str, Reference, list[tuple[str, Reference]]]] | None:
    raw = _array(filters, "workflow_steps", problems)
    if raw is None:
        return None
    out: list[tuple[str, Reference, list[tuple[str, Reference]]]] = []
    for index, entry in enumerate(raw):
        path = f"filters.workflow_steps[{index}]"
        if not isinstance(entry, dict):
            problems.add(
                path, "Each workflow step filter must be an object with 'workflow_identifier' and 'step_identifiers'."
            )
            continue
        workflow = _reference(entry.get("workflow_identifier"), f"{path}.workflow_identifier", problems)
        steps_raw = entry.get("step_identifiers")
        if not isinstance(steps_raw, list) or not steps_raw:
            problems.add(f"{path}.step_identifiers", "The 'step_identifiers' property must be a nonempty array.")
            continue
        steps: list[tuple[str, Reference]] = []
        for step_index, step in enumerate(steps_raw):
            step_path = f"{path}.step_identifiers[{step_index}]"
            ref = _reference(step, step_path, problems)
            if ref is not None:
                steps.append((step_path, ref))
        if workflow is not None:
            out.append((path, workflow, steps))
    return out


def _taxonomy_groups(filters: Doc, problems: Problems) -> list[TaxonomyFilter] | None:
    raw = _array(filters, "taxonomy_groups", problems)
    if raw is None:
        return None
    out: list[TaxonomyFilter] = []
    for index, entry in enumerate(raw):
        path = f"filters.taxonomy_groups[{index}]"
        if not isinstance(entry, dict):
            problems.add(path, "Each taxonomy group filter must be an object with 'taxonomy_identifier'.")
            continue
        group = _reference(entry.get("taxonomy_identifier"), f"{path}.taxonomy_identifier", problems)
        uncategorized = entry.get("include_uncategorized")
        if uncategorized is not None and not isinstance(uncategorized, bool):
            problems.add(f"{path}.include_uncategorized", "The 'include_uncategorized' property must be a boolean.")
        terms_raw = entry.get("term_identifiers")
        terms: list[tuple[str, Reference]] | None = None
        if terms_raw is not None:
            if not isinstance(terms_raw, list) or not terms_raw:
                problems.add(
                    f"{path}.term_identifiers",
                    "The 'term_identifiers' property must be a nonempty array or null.",
                )
            else:
                terms = []
                for term_index, term in enumerate(terms_raw):
                    term_path = f"{path}.term_identifiers[{term_index}]"
                    ref = _reference(term, term_path, problems)
                    if ref is not None:
                        terms.append((term_path, ref))
        if group is not None:
            out.append(TaxonomyFilter(path, group, terms, uncategorized is True))
    return out


def _order(body: Doc, parsed: ParsedFilter, problems: Problems) -> None:
    raw = body.get("order")
    if raw is None:
        return
    if not isinstance(raw, dict):
        problems.add("order", "The 'order' property must be an object with 'by' and 'direction', or null.")
        return
    by, direction = raw.get("by"), raw.get("direction")
    if by is not None and by not in ORDER_BY:
        problems.add("order.by", f"Invalid order {_show(by)}. Order by one of: {', '.join(ORDER_BY)}.")
    if direction is not None and direction not in DIRECTIONS:
        problems.add("order.direction", f"Invalid direction {_show(direction)}. Use one of: {', '.join(DIRECTIONS)}.")
    parsed.order = "name" if by == "name" else "due_date" if by == "due_date" else "last_modified"
    parsed.descending = direction == "desc"


def parse_filter(body: Any) -> ParsedFilter:
    """Check a filter body's shape; every problem is reported at once (400 / error_code 5)."""
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    problems = Problems()
    parsed = ParsedFilter()
    filters = body.get("filters")
    if filters is not None and not isinstance(filters, dict):
        problems.add("filters", "The 'filters' property must be an object or null.")
        filters = None
    filters = filters or {}
    phrase = filters.get("search_phrase")
    if phrase is not None and not isinstance(phrase, str):
        problems.add("filters.search_phrase", "The 'search_phrase' property must be a string or null.")
    elif isinstance(phrase, str):
        parsed.words = phrase.lower().split()
    if filters.get("language") is not None:
        parsed.language = _reference(filters["language"], "filters.language", problems)
    parsed.content_types = _references(filters, "content_types", problems)
    parsed.contributors = _user_ids(filters, problems)
    no_contributors = filters.get("has_no_contributors")
    if no_contributors is not None and not isinstance(no_contributors, bool):
        problems.add("filters.has_no_contributors", "The 'has_no_contributors' property must be a boolean or null.")
    parsed.has_no_contributors = no_contributors is True
    if parsed.has_no_contributors and parsed.contributors:
        problems.add(
            "filters.has_no_contributors",
            "When 'has_no_contributors' is true, the 'contributors' property must be null or omitted.",
        )
    parsed.completion = _completion(filters, problems)
    parsed.workflow_steps = _workflow_steps(filters, problems)
    parsed.taxonomy_groups = _taxonomy_groups(filters, problems)
    spaces = _references(filters, "spaces", problems)
    parsed.spaces = [ref for _, ref in spaces] if spaces is not None else None
    parsed.collections = _references(filters, "collections", problems)
    parsed.publishing_states = _publishing_states(filters, problems)
    parsed.component_types = _references(filters, "component_types", problems)
    _order(body, parsed, problems)
    if problems:
        raise KontentError(400, 5, errors.INVALID_BODY, problems.errors)
    return parsed


# -- resolving references -------------------------------------------------------------------------


async def _resolve(
    conn: Connection, env_pk: str, kind: str, refs: list[tuple[str, Reference]]
) -> dict[Reference, tuple[str, str]]:
    """`reference → (id, data)` for the references that name an object (one statement per column)."""
    by_column: dict[LookupColumn, list[Reference]] = {}
    for _, ref in refs:
        by_column.setdefault(lookup_key(ref)[0], []).append(ref)
    found: dict[Reference, tuple[str, str]] = {}
    for column, wanted in by_column.items():
        rows = await variants.objects_by(conn, env_pk, kind, column, [lookup_key(ref)[1] for ref in wanted])
        for ref in wanted:
            hit = rows.get(lookup_key(ref)[1])
            if hit is not None:
                found[ref] = hit
    return found


async def _ids(
    conn: Connection, env_pk: str, kind: str, refs: list[tuple[str, Reference]], what: str, problems: Problems
) -> tuple[str, ...]:
    found = await _resolve(conn, env_pk, kind, refs)
    out: list[str] = []
    for path, ref in refs:
        hit = found.get(ref)
        if hit is None:
            problems.add(path, f"The {what} {ref.describe()} does not exist.")
        elif hit[0] not in out:
            out.append(hit[0])
    return tuple(out)


@dataclass(slots=True)
class GroupCondition:
    """One taxonomy group filter, resolved."""

    group_id: str
    term_ids: frozenset[str] | None
    include_uncategorized: bool


@dataclass(slots=True)
class FilterQuery:
    """A resolved filter: what SQL decides, and what the Python pass checks exactly."""

    sql: VariantFilter
    words: list[str]
    contributor_ids: frozenset[str] | None
    groups: list[GroupCondition]
    completion: frozenset[str] | None
    empty: bool = False

    @property
    def needs_python(self) -> bool:
        return bool(self.words or self.contributor_ids or self.groups or self.completion)


async def _workflow_conditions(
    conn: Connection, env_pk: str, parsed: ParsedFilter, problems: Problems
) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    if parsed.workflow_steps is None:
        return None
    out: list[tuple[str, tuple[str, ...]]] = []
    for path, workflow_ref, step_refs in parsed.workflow_steps:
        workflow = await workflows.find_workflow(conn, env_pk, workflow_ref, persist=False)
        if workflow is None:
            problems.add(f"{path}.workflow_identifier", f"The workflow {workflow_ref.describe()} does not exist.")
            continue
        step_ids: list[str] = []
        for step_path, step_ref in step_refs:
            step = workflows.find_step(workflow, step_ref)
            if step is None:
                problems.add(step_path, f"The step {step_ref.describe()} is not a step of the workflow.")
            elif step["id"] not in step_ids:
                step_ids.append(str(step["id"]))
        out.append((str(workflow["id"]), tuple(step_ids)))
    return tuple(out)


async def _group_conditions(
    conn: Connection, env_pk: str, parsed: ParsedFilter, problems: Problems
) -> list[GroupCondition]:
    if parsed.taxonomy_groups is None:
        return []
    found = await _resolve(
        conn, env_pk, TAXONOMY, [(f"{g.path}.taxonomy_identifier", g.group) for g in parsed.taxonomy_groups]
    )
    out: list[GroupCondition] = []
    for wanted in parsed.taxonomy_groups:
        hit = found.get(wanted.group)
        if hit is None:
            problems.add(
                f"{wanted.path}.taxonomy_identifier", f"The taxonomy group {wanted.group.describe()} does not exist."
            )
            continue
        group_id, data = hit
        term_ids: set[str] | None = None
        if wanted.terms is not None:
            terms = list(taxonomies.walk(msgspec.json.decode(data).get("terms", [])))
            term_ids = set()
            for term_path, term_ref in wanted.terms:
                term = next((t for t in terms if term_ref.matches(t)), None)
                if term is None:
                    problems.add(term_path, f"The taxonomy term {term_ref.describe()} is not a term of the group.")
                else:
                    term_ids.add(str(term["id"]))
        out.append(
            GroupCondition(
                group_id, frozenset(term_ids) if term_ids is not None else None, wanted.include_uncategorized
            )
        )
    return out


async def resolve_filter(conn: Connection, env_pk: str, parsed: ParsedFilter) -> FilterQuery:
    """Resolve every reference of a parsed filter; unknown ones are one 400 listing them all."""
    problems = Problems()
    language_id = ZERO_GUID
    if parsed.language is not None:
        language_ids = await _ids(conn, env_pk, LANGUAGE, [("filters.language", parsed.language)], "language", problems)
        language_id = language_ids[0] if language_ids else ZERO_GUID
    type_ids = (
        await _ids(conn, env_pk, CONTENT_TYPE, parsed.content_types, "content type", problems)
        if parsed.content_types is not None
        else None
    )
    component_type_ids = (
        await _ids(conn, env_pk, CONTENT_TYPE, parsed.component_types, "content type", problems)
        if parsed.component_types is not None
        else None
    )
    collection_ids = (
        await _ids(conn, env_pk, COLLECTION, parsed.collections, "collection", problems)
        if parsed.collections is not None
        else None
    )
    steps = await _workflow_conditions(conn, env_pk, parsed, problems)
    groups = await _group_conditions(conn, env_pk, parsed, problems)
    if problems:
        raise KontentError(400, 5, errors.INVALID_BODY, problems.errors)
    if parsed.spaces:
        shown = parsed.spaces[0].describe()
        raise errors.not_found(variantlists.SPACE_NOT_FOUND_CODE, f"The requested space '{shown}' was not found.")
    return _query(parsed, language_id, type_ids, component_type_ids, collection_ids, steps, groups)


def _query(
    parsed: ParsedFilter,
    language_id: str,
    type_ids: tuple[str, ...] | None,
    component_type_ids: tuple[str, ...] | None,
    collection_ids: tuple[str, ...] | None,
    steps: tuple[tuple[str, tuple[str, ...]], ...] | None,
    groups: list[GroupCondition],
) -> FilterQuery:
    statuses = parsed.completion
    variant_only = bool(
        steps is not None
        or parsed.publishing_states is not None
        or component_type_ids is not None
        or parsed.contributors
        or parsed.has_no_contributors
        or groups
    )
    with_variant = statuses is None or bool(statuses & {"unfinished", "ready", "all_done"})
    without_variant = statuses is not None and "not_translated" in statuses and not variant_only
    in_progress = statuses & {"unfinished", "ready"} if statuses is not None else set()
    step_ids_in = DONE_STEP_IDS if statuses is not None and "all_done" in statuses and not in_progress else None
    step_ids_not_in = DONE_STEP_IDS if in_progress and statuses is not None and "all_done" not in statuses else None
    contributor_ids = frozenset(parsed.contributors) if parsed.contributors else None
    sql = VariantFilter(
        language_id=language_id,
        with_variant=with_variant,
        without_variant=without_variant,
        type_ids=type_ids,
        collection_ids=collection_ids,
        workflow_steps=steps,
        step_ids_in=step_ids_in,
        step_ids_not_in=step_ids_not_in,
        publishing_states=tuple(parsed.publishing_states) if parsed.publishing_states is not None else None,
        archived_step_id=workflows.ARCHIVED_STEP_ID,
        component_type_ids=component_type_ids,
        no_contributors=parsed.has_no_contributors,
        contributor_hints=tuple(f'{{"id":"{user_id}"}}' for user_id in sorted(contributor_ids or ())),
        term_hints=tuple(
            tuple(f'"{term_id}"' for term_id in sorted(group.term_ids))
            for group in groups
            if group.term_ids and not group.include_uncategorized
        ),
        words=tuple(word for word in parsed.words if _ASCII_WORD.fullmatch(word)),
        order=parsed.order,
        descending=parsed.descending,
    )
    return FilterQuery(
        sql=sql,
        words=parsed.words,
        contributor_ids=contributor_ids,
        groups=groups,
        completion=frozenset(in_progress) if len(in_progress) == 1 else None,
        empty=not with_variant and not without_variant,
    )


# -- the exact checks (Python, over the rows SQL returned) ----------------------------------------


@dataclass(slots=True)
class _Candidate:
    row: FilterRow
    name: str
    doc: Doc | None
    prepared: validation.Prepared | None = None


class Checker:
    """Exact checks of what SQL only pre-filtered, over one batch of candidate rows.

    Types, snippets and linked items are read through one `validation.Lookup`, each once; the
    completion check prepares the whole batch first so linked items load in one statement per 500.
    """

    def __init__(self, conn: Connection, env_pk: str, query: FilterQuery) -> None:
        self.query = query
        self.lookup = validation.Lookup(conn, env_pk)

    async def accepted(self, rows: list[FilterRow]) -> list[FilterRow]:
        candidates = [
            _Candidate(
                row,
                str(msgspec.json.decode(row.item_data).get("name", "")) if row.item_data else "",
                msgspec.json.decode(row.variant_data) if row.has_variant and row.variant_data else None,
            )
            for row in rows
        ]
        if self.query.completion is not None:
            linked: set[str] = set()
            for candidate in candidates:
                if candidate.doc is not None and candidate.row.step_id not in DONE_STEP_IDS:
                    candidate.prepared = await validation.prepare(
                        self.lookup, candidate.row.type_id or "", candidate.doc
                    )
                    if candidate.prepared is not None:
                        linked |= candidate.prepared.item_ids
            await self.lookup.load_items(linked)
        return [candidate.row for candidate in candidates if await self._accepts(candidate)]

    async def _accepts(self, candidate: _Candidate) -> bool:
        query, doc = self.query, candidate.doc
        if doc is None:
            return await self._has_words(candidate.name, None, "")
        if query.contributor_ids is not None and not (
            {c.get("id") for c in doc.get("contributors", []) if isinstance(c, dict)} & query.contributor_ids
        ):
            return False
        if query.groups:
            elements = await self.lookup.elements_of(candidate.row.type_id or "") or []
            if not all(_in_group(group, elements, doc) for group in query.groups):
                return False
        if query.completion is not None and candidate.row.step_id not in DONE_STEP_IDS:
            prepared = candidate.prepared
            issues = await validation.check(self.lookup, prepared, missing_items=False) if prepared else []
            if ("unfinished" if issues else "ready") not in query.completion:
                return False
        return await self._has_words(candidate.name, doc, candidate.row.type_id or "")

    async def _has_words(self, name: str, doc: Doc | None, type_id: str) -> bool:
        remaining = [word for word in self.query.words if word not in name.lower()]
        if not remaining:
            return True
        if doc is None:
            return False
        texts: list[str] = []
        await self._collect_text(doc.get("elements"), type_id, texts, 0)
        text = " ".join(texts).lower()
        return all(word in text for word in remaining)

    async def _collect_text(self, values: Any, type_id: str, out: list[str], depth: int) -> None:
        elements = await self.lookup.elements_of(type_id) or []
        kinds = {element.id: element.type for element in elements}
        for value in values if isinstance(values, list) else []:
            if not isinstance(value, dict):
                continue
            kind = kinds.get((value.get("element") or {}).get("id", ""))
            if kind not in TEXT_ELEMENTS:
                continue
            raw = value.get("value")
            if isinstance(raw, str):
                out.append(visible_text(raw) if kind == "rich_text" else raw)
            searchable = value.get("searchable_value")
            if kind == "custom" and isinstance(searchable, str):
                out.append(searchable)
            if kind == "rich_text" and depth < MAX_COMPONENT_DEPTH:
                for component in value.get("components") or []:
                    component_type = (component.get("type") or {}).get("id") if isinstance(component, dict) else None
                    if isinstance(component_type, str):
                        await self._collect_text(component.get("elements"), component_type, out, depth + 1)


def visible_text(rich_text: str) -> str:
    """Stored rich text as searched: every tag separates words, character references are decoded."""
    return html.unescape(_TAG.sub(" ", rich_text))


def _in_group(group: GroupCondition, elements: list[ElementDef], doc: Doc) -> bool:
    element_ids = {
        element.id
        for element in elements
        if element.type == "taxonomy" and (element.definition.get("taxonomy_group") or {}).get("id") == group.group_id
    }
    assigned: set[str] = set()
    for value in doc.get("elements", []):
        if isinstance(value, dict) and (value.get("element") or {}).get("id") in element_ids:
            assigned |= {ref["id"] for ref in value.get("value") or [] if isinstance(ref, dict) and "id" in ref}
    if not assigned:
        return group.include_uncategorized
    if group.term_ids is None:
        return not group.include_uncategorized
    return bool(assigned & group.term_ids)


# -- pages ----------------------------------------------------------------------------------------

Position = tuple[str | None, int]


def _body_kind(prefix: str, body: Any) -> str:
    """The token kind of one request body: a token continues only the list it came from."""
    digest = hashlib.sha256(msgspec.json.encode(body, order="sorted")).hexdigest()[:24]
    return f"{prefix}:{digest}"


def encode_position(kind: str, position: Position) -> str:
    key, seq = position
    payload = msgspec.json.encode({"k": kind, "s": seq, "v": key})
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def decode_position(token: str, kind: str, keyed: bool) -> Position:
    """Where the requested page starts; a token not minted for this very filter is a 1007."""
    if len(token) > _TOKEN_MAX_LENGTH:
        raise pagination.invalid_token()
    try:
        payload: Any = msgspec.json.decode(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise pagination.invalid_token() from None
    if not isinstance(payload, dict) or payload.get("k") != kind:
        raise pagination.invalid_token()
    seq, key = payload.get("s"), payload.get("v")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= MAX_WIRE_INT:
        raise pagination.invalid_token()
    if (keyed and not isinstance(key, str)) or (not keyed and key is not None):
        raise pagination.invalid_token()
    return key, seq


async def filter_page(
    conn: Connection, env_pk: str, dialect: SqlDialect, query: FilterQuery, after: Position | None, size: int
) -> tuple[list[str], Position | None]:
    """One page of item ids and where the next one starts (None on the last page)."""
    if query.empty:
        return [], None
    if not query.needs_python:
        rows = await variants.filter_page(conn, env_pk, dialect, query.sql, after, size + 1, documents=False)
        if len(rows) <= size:
            return [row.item_id for row in rows], None
        rows = rows[:size]
        return [row.item_id for row in rows], (rows[-1].key, rows[-1].seq)
    # Item order reads the index in short chunks; the other orders sort every candidate per statement,
    # so they read the whole budget at once.
    chunk = SCAN_CHUNK if query.sql.order == "item" else SCAN_BUDGET
    checker = Checker(conn, env_pk, query)
    matched: list[FilterRow] = []
    scanned = 0
    position = after
    while scanned < SCAN_BUDGET:
        rows = await variants.filter_page(
            conn, env_pk, dialect, query.sql, position, min(chunk, SCAN_BUDGET - scanned), documents=True
        )
        matched += await checker.accepted(rows)
        if len(matched) > size:
            matched = matched[:size]
            return [row.item_id for row in matched], (matched[-1].key, matched[-1].seq)
        if len(rows) < min(chunk, SCAN_BUDGET - scanned):
            return [row.item_id for row in matched], None
        scanned += len(rows)
        position = (rows[-1].key, rows[-1].seq)
    return [row.item_id for row in matched], position


def _page_body(list_key: str, entries: list[bytes], token: str | None, call: Call) -> bytes:
    page = pagination.Page([], token)
    return b"".join(
        (
            b'{"' + list_key.encode() + b'":[',
            b",".join(entries),
            b'],"pagination":',
            msgspec.json.encode(page.pagination(call.request)),
            b"}",
        )
    )


@endpoint
async def filter_items_with_variants(call: Call) -> Response:
    body = await call.json()
    parsed = parse_filter(body)
    kind = _body_kind("items-with-variant:filter", body)
    token = pagination.token_from(call.request)
    after = decode_position(token, kind, parsed.order != "item") if token is not None else None
    size = min(FILTER_PAGE_SIZE, call.services.settings.kontent_page_size)
    db = call.services.db
    async with db.read() as conn:
        query = await resolve_filter(conn, call.env.pk, parsed)
        item_ids, position = await filter_page(conn, call.env.pk, db.dialect, query, after, size)
    language = msgspec.json.encode({"id": query.sql.language_id})
    entries = [
        b'{"item":{"id":' + msgspec.json.encode(item_id) + b'},"language":' + language + b"}" for item_id in item_ids
    ]
    next_token = encode_position(kind, position) if position is not None else None
    return respond_raw(_page_body("variants", entries, next_token, call))


# -- bulk get -------------------------------------------------------------------------------------


def parse_pairs(body: Any) -> list[tuple[Reference, Reference]]:
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    raw = body.get("variants")
    if not isinstance(raw, list):
        raise errors.invalid(
            "The 'variants' property is required: provide an array of item and language references.",
            path="variants",
        )
    if len(raw) > MAX_BULK_PAIRS:
        raise errors.invalid(
            f"The 'variants' property lists {len(raw)} item-language pairs; at most {MAX_BULK_PAIRS} are allowed "
            "in one request.",
            path="variants",
        )
    problems = Problems()
    pairs: list[tuple[Reference, Reference]] = []
    for index, entry in enumerate(raw):
        path = f"variants[{index}]"
        if not isinstance(entry, dict):
            problems.add(path, "Each entry must be an object with 'item' and 'language' references.")
            continue
        item = _reference(entry.get("item"), f"{path}.item", problems)
        language = _reference(entry.get("language"), f"{path}.language", problems)
        if item is not None and language is not None:
            pairs.append((item, language))
    if problems:
        raise KontentError(400, 5, errors.INVALID_BODY, problems.errors)
    return pairs


def _unresolved(what: str, refs: list[Reference]) -> KontentError:
    shown = ", ".join(dict.fromkeys(ref.describe() for ref in refs))
    return KontentError(400, UNRESOLVED_CODE, f"The following {what} references could not be resolved: {shown}.")


async def bulk_page(
    conn: Connection, env_pk: str, pairs: list[tuple[Reference, Reference]], offset: int, size: int
) -> tuple[list[bytes], int | None]:
    """Entries `{item, variant?}` of one page (raw stored documents) and the next offset, if any."""
    items = await _resolve(conn, env_pk, variants.ITEM_KIND, [("", item) for item, _ in pairs])
    missing = [item for item, _ in pairs if item not in items]
    if missing:
        raise _unresolved("item", missing)
    languages = await _resolve(conn, env_pk, LANGUAGE, [("", language) for _, language in pairs])
    missing = [language for _, language in pairs if language not in languages]
    if missing:
        raise _unresolved("language", missing)
    page = [(items[item], languages[language][0]) for item, language in pairs[offset : offset + size]]
    found = await variants.data_of_pairs(conn, env_pk, [(item_id, language_id) for (item_id, _), language_id in page])
    entries: list[bytes] = []
    for (item_id, item_data), language_id in page:
        entry = b'{"item":' + item_data.encode()
        variant = found.get((item_id, language_id))
        if variant is not None:
            entry += b',"variant":' + variant.encode()
        entries.append(entry + b"}")
    following = offset + size
    return entries, following if following < len(pairs) else None


@endpoint
async def bulk_get_items_with_variants(call: Call) -> Response:
    body = await call.json()
    pairs = parse_pairs(body)
    kind = _body_kind("items-with-variant:bulk-get", body)
    token = pagination.token_from(call.request)
    offset = pagination.decode_token(token, kind) if token is not None else 0
    if offset and offset >= len(pairs):
        raise pagination.invalid_token()
    size = min(BULK_PAGE_SIZE, call.services.settings.kontent_page_size)
    async with call.services.db.read() as conn:
        entries, following = await bulk_page(conn, call.env.pk, pairs, offset, size)
    next_token = pagination.encode_token(kind, following) if following is not None else None
    return respond_raw(_page_body("data", entries, next_token, call))
