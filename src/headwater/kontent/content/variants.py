"""Language variants: upsert, retrieve (latest and published), list and delete.

A variant is an item's content in one language: one value per element of the item's type, its
position in a workflow, its schedule. The stored document is the wire shape and lists every element
of the type, empty ones included (data-ops and the migration toolkit rely on that). Only the elements
present in an upsert change. Non-localizable elements are shared: an upsert in the default language
writes them into every variant of the item; in other languages they are ignored, as the hosted API
filters them out.

An upsert resolves everything it needs with a bounded number of queries (see `values.py`), checks
all values, and writes in one transaction under the environment lock; a refused request stores
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import errors, references
from headwater.kontent.content import items, values, workflows
from headwater.kontent.content.values import ElementDef, Problems
from headwater.kontent.errors import KontentError
from headwater.kontent.model.elements import ASSET, CONTENT_TYPE, SNIPPET, TAXONOMY
from headwater.kontent.pipeline import Call, endpoint, no_content, respond, respond_raw
from headwater.kontent.project.seed import LANGUAGE
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock, ids
from headwater.platform.ids import ZERO_GUID
from headwater.storage import objects, tenancy, variants
from headwater.storage.database import Connection
from headwater.storage.objects import StoredObject
from headwater.storage.variants import StoredVariant

LANGUAGE_PARAM = "language"
VARIANT_NOT_FOUND_CODE = 103
NO_PUBLISHED_CODE = 122
LANGUAGE_NOT_FOUND_CODE = 111
_LOCKED_STEP_IDS = {
    workflows.PUBLISHED_STEP_ID: "published",
    workflows.SCHEDULED_STEP_ID: "scheduled",
    workflows.ARCHIVED_STEP_ID: "archived",
}

Doc = dict[str, Any]


def encode(doc: Any) -> str:
    return msgspec.json.encode(doc).decode()


def variant_not_found(item_id: str, language_id: str) -> KontentError:
    return errors.not_found(
        VARIANT_NOT_FOUND_CODE, f"The requested variant '{language_id}' of content item '{item_id}' was not found."
    )


def no_published_version(item_id: str, language_id: str) -> KontentError:
    return errors.not_found(
        NO_PUBLISHED_CODE,
        f"The requested variant '{language_id}' of content item '{item_id}' has no published version.",
    )


def language_not_found() -> KontentError:
    return errors.not_found(LANGUAGE_NOT_FOUND_CODE, "The requested language was not found.")


def empty_schedule() -> Doc:
    return {
        "publish_time": None,
        "publish_display_timezone": None,
        "unpublish_time": None,
        "unpublish_display_timezone": None,
    }


def document(
    *,
    item_id: str,
    language_id: str,
    elements: list[Doc],
    workflow_id: str,
    step_id: str,
    last_modified: str,
    schedule: Doc | None = None,
    due_date: str | None = None,
    contributors: list[Doc] | None = None,
    note: str | None = None,
) -> Doc:
    """The wire shape (the SDK dereferences `workflow`, `schedule`, `elements`, `item`, `language`)."""
    return {
        "item": {"id": item_id},
        "language": {"id": language_id},
        "elements": elements,
        "workflow": {"workflow_identifier": {"id": workflow_id}, "step_identifier": {"id": step_id}},
        "workflow_step": {"id": step_id},
        "last_modified": last_modified,
        "schedule": schedule if schedule is not None else empty_schedule(),
        "due_date": {"value": due_date},
        "contributors": contributors if contributors is not None else [],
        "note": note,
    }


# -- context: what an upsert loads, each thing once ---------------------------------------------


@dataclass(slots=True)
class Context:
    """Storage lookups of one request, cached: types, snippets, taxonomies, codename references."""

    conn: Connection
    env_pk: str
    types: dict[str, Doc] = field(default_factory=dict)
    snippets: dict[str, Doc] = field(default_factory=dict)
    taxonomies: dict[str, Doc] = field(default_factory=dict)
    resolved: values.Resolved = field(default_factory=values.Resolved)

    async def type_doc(self, ref: Reference) -> Doc | None:
        for doc in self.types.values():
            if ref.matches(doc):
                return doc
        stored = await references.resolve(self.conn, self.env_pk, CONTENT_TYPE, ref)
        if stored is None:
            return None
        loaded: Doc = msgspec.json.decode(stored.data)
        self.types[loaded["id"]] = loaded
        return loaded

    async def elements_of(self, type_doc: Doc) -> list[ElementDef]:
        wanted = [
            (element.get("snippet") or {}).get("id")
            for element in type_doc.get("elements", [])
            if element.get("type") == "snippet"
        ]
        for snippet_id in wanted:
            if isinstance(snippet_id, str) and snippet_id not in self.snippets:
                stored = await objects.get(self.conn, self.env_pk, SNIPPET, snippet_id)
                if stored is not None:
                    self.snippets[snippet_id] = msgspec.json.decode(stored.data)
        return values.type_elements(type_doc, self.snippets)

    async def load_taxonomies(self, elements: list[ElementDef]) -> None:
        for element in elements:
            if element.type != "taxonomy":
                continue
            group_id = (element.definition.get("taxonomy_group") or {}).get("id")
            if isinstance(group_id, str) and group_id not in self.taxonomies:
                stored = await objects.get(self.conn, self.env_pk, TAXONOMY, group_id)
                if stored is not None:
                    self.taxonomies[group_id] = msgspec.json.decode(stored.data)

    async def resolve(self, lookups: values.Lookups) -> None:
        found = self.resolved
        missing_items = [c for c in lookups.item_codenames if c not in found.items]
        for column_value, row_id in await _ids_by(self.conn, self.env_pk, items.KIND, "codename", missing_items):
            found.items[column_value] = row_id
        missing_assets = [c for c in lookups.asset_codenames if c not in found.assets]
        for column_value, row_id in await _ids_by(self.conn, self.env_pk, ASSET, "codename", missing_assets):
            found.assets[column_value] = row_id
        unknown_ids = [i for i in lookups.item_ids if i not in found.existing_item_ids]
        for _, row_id in await _ids_by(self.conn, self.env_pk, items.KIND, "id", unknown_ids):
            found.existing_item_ids.add(row_id)


async def _ids_by(conn: Connection, env_pk: str, kind: str, column: str, wanted: list[str]) -> list[tuple[str, str]]:
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    rows = await conn.fetchall(
        f"SELECT {column}, id FROM objects WHERE env_pk = ? AND kind = ? AND {column} IN ({marks})",
        (env_pk, kind, *wanted),
    )
    return [(row[0], row[1]) for row in rows]


async def build_values(
    ctx: Context, raw: Any, elements: list[ElementDef], problems: Problems, where: str, depth: int
) -> list[Doc]:
    """Checked, stored-form values for the elements the request names (components built recursively)."""
    matched = values.match_elements(raw, elements, problems, where)
    lookups = values.Lookups()
    raw_components = values.collect(matched, lookups, problems, depth)
    await ctx.resolve(lookups)
    await ctx.load_taxonomies([value.element for value in matched])
    components: dict[str, Doc] = {}
    for component in raw_components:
        type_doc = await ctx.type_doc(component.type_ref)
        if type_doc is None:
            problems.add(f"{component.where}.type", f"The content type {component.type_ref.describe()} does not exist.")
            continue
        component_elements = await ctx.elements_of(type_doc)
        built = await build_values(
            ctx, component.elements, component_elements, problems, f"{component.where}.elements", component.depth
        )
        components[component.id] = {
            "id": component.id,
            "type": {"id": type_doc["id"]},
            "elements": _complete(component_elements, built),
        }
    builder = values.ValueBuilder(ctx.resolved, ctx.taxonomies, problems)
    out: list[Doc] = []
    for value in matched:
        built_value = builder.build(value, components)
        if built_value is not None:
            out.append(built_value)
    return out


def _complete(elements: list[ElementDef], given: list[Doc], previous: list[Doc] | None = None) -> list[Doc]:
    """Every element of the type in type order: the given value, else the previous one, else empty;
    autogenerated URL slugs then follow their source element."""
    by_id = {value["element"]["id"]: value for value in previous or []}
    by_id.update({value["element"]["id"]: value for value in given})
    out = [by_id.get(element.id) or values.empty_value(element) for element in elements]
    _autogenerate_slugs(elements, out)
    return out


def _autogenerate_slugs(elements: list[ElementDef], out: list[Doc]) -> None:
    by_id = {value["element"]["id"]: value for value in out}
    for element, value in zip(elements, out, strict=True):
        if element.type != "url_slug" or value.get("mode") != "autogenerated":
            continue
        source_id = ((element.definition.get("depends_on") or {}).get("element") or {}).get("id")
        source = by_id.get(source_id or "")
        text = source.get("value") if source is not None else None
        value["value"] = values.slugify(text if isinstance(text, str) else None)


# -- upsert ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Meta:
    """The non-element properties of an upsert body; None means absent."""

    workflow: tuple[Reference, Reference] | None = None
    due_date: tuple[bool, str | None] = (False, None)
    note: tuple[bool, str | None] = (False, None)
    contributors: list[Doc] | None = None


def parse_meta(body: Doc, problems: Problems) -> Meta:
    meta = Meta()
    workflow = body.get("workflow")
    if workflow is not None:
        if not isinstance(workflow, dict):
            problems.add(
                "workflow",
                "The 'workflow' property must be an object with 'workflow_identifier' and 'step_identifier'.",
            )
        else:
            try:
                meta.workflow = (
                    Reference.parse(workflow.get("workflow_identifier")),
                    Reference.parse(workflow.get("step_identifier")),
                )
            except InvalidReference as exc:
                problems.add("workflow", exc.message)
    if "due_date" in body:
        due = body["due_date"]
        value = due.get("value") if isinstance(due, dict) else None
        if (due is not None and not isinstance(due, dict)) or (value is not None and not _is_datetime(value)):
            problems.add(
                "due_date",
                "The 'due_date' property must be an object whose 'value' is an ISO-8601 date and time or null.",
            )
        else:
            meta.due_date = (True, value)
    if "note" in body:
        note = body["note"]
        if note is not None and not isinstance(note, str):
            problems.add("note", "The 'note' property must be a string or null.")
        else:
            meta.note = (True, note)
    contributors = body.get("contributors")
    if contributors is not None:
        meta.contributors = _contributors(contributors, problems)
    return meta


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _contributors(raw: Any, problems: Problems) -> list[Doc]:
    """Users by id or e-mail; Headwater has no project users yet, so an e-mail maps to a stable id."""
    if not isinstance(raw, list):
        problems.add("contributors", "The 'contributors' property must be an array of user references.")
        return []
    out: list[Doc] = []
    for index, user in enumerate(raw):
        user_id = user.get("id") if isinstance(user, dict) else None
        email = user.get("email") if isinstance(user, dict) else None
        if isinstance(user_id, str) and ids.is_guid(user_id):
            out.append({"id": ids.normalize_guid(user_id)})
        elif isinstance(email, str) and "@" in email:
            out.append({"id": ids.guid_for_external_id("user", email.lower())})
        else:
            problems.add(f"contributors[{index}]", "A user reference needs an 'id' (a GUID) or an 'email'.")
    return out


def _invalid(problems: Problems) -> KontentError:
    return KontentError(400, 5, errors.INVALID_BODY, problems.errors)


async def upsert(
    conn: Connection, env_pk: str, item_identifier: str, language_identifier: str, body: Any, now: str
) -> tuple[Doc, bool]:
    """Create or update a variant; returns (document, created)."""
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    if not isinstance(body.get("elements"), list):
        raise errors.invalid(
            "The 'elements' property is required: provide an array of element values.", path="elements"
        )
    await tenancy.lock_environment(conn, env_pk)
    item_ref = references.parse_identifier(item_identifier)
    language_ref = references.parse_identifier(language_identifier)
    if item_ref is None:
        raise items.not_found(item_identifier)
    if language_ref is None:
        raise language_not_found()
    found = await variants.for_write(conn, env_pk, references.lookup_key(item_ref), references.lookup_key(language_ref))
    if found.item_id is None or found.item_data is None:
        raise items.not_found(item_identifier)
    if found.language_data is None:
        raise language_not_found()
    item_id: str = found.item_id
    item_doc: Doc = msgspec.json.decode(found.item_data)
    language: Doc = msgspec.json.decode(found.language_data)
    if not language.get("is_active"):
        raise language_not_found()
    stored = found.variant
    ctx = Context(conn, env_pk)
    type_doc = await ctx.type_doc(Reference(id=item_doc["type"]["id"]))
    if type_doc is None:  # pragma: no cover - a type with items cannot be deleted
        raise errors.invalid("The content item's content type does not exist.")
    elements = await ctx.elements_of(type_doc)
    is_default = language["id"] == ZERO_GUID
    problems = Problems()
    meta = parse_meta(body, problems)
    raw_elements = body["elements"]
    if not is_default:
        shared = {e.id for e in elements if not e.localizable}
        raw_elements = [v for v in raw_elements if not _names_shared(v, elements, shared)]
    if stored is not None and stored.step_id in _LOCKED_STEP_IDS:
        # The system steps have the same ids in every workflow, so no workflow needs loading here.
        raise _locked(_LOCKED_STEP_IDS[stored.step_id])
    given = await build_values(ctx, raw_elements, elements, problems, "elements", 0)
    workflow_id, step_id = await _target_step(conn, env_pk, stored, meta, item_doc, problems)
    if problems:
        raise _invalid(problems)
    previous: Doc | None = msgspec.json.decode(stored.data) if stored is not None else None
    prior_values = (
        previous["elements"]
        if previous is not None
        else await _shared_from_default(conn, env_pk, item_id, elements, is_default)
    )
    complete = _complete(elements, given, prior_values)
    doc = document(
        item_id=item_id,
        language_id=language["id"],
        elements=complete,
        workflow_id=workflow_id,
        step_id=step_id,
        last_modified=previous["last_modified"] if previous is not None else clock.kontent(now),
        schedule=previous["schedule"] if previous is not None else None,
        due_date=meta.due_date[1] if meta.due_date[0] else (previous or {}).get("due_date", {}).get("value"),
        contributors=meta.contributors if meta.contributors is not None else (previous or {}).get("contributors"),
        note=meta.note[1] if meta.note[0] else (previous or {}).get("note"),
    )
    if previous is not None and doc == previous:
        return previous, False
    doc["last_modified"] = clock.kontent(now)
    row = StoredVariant(
        seq=0,
        item_id=item_id,
        language_id=language["id"],
        type_id=type_doc["id"],
        collection_id=item_doc["collection"]["id"],
        workflow_id=workflow_id,
        step_id=step_id,
        data=encode(doc),
        published=stored.published if stored is not None else None,
        publish_at=stored.publish_at if stored is not None else None,
        unpublish_at=stored.unpublish_at if stored is not None else None,
        return_step_id=stored.return_step_id if stored is not None else None,
        created_at=stored.created_at if stored is not None else now,
        updated_at=now,
    )
    if stored is None:
        await variants.insert(conn, env_pk, row)
    else:
        await variants.update(conn, env_pk, row)
    types_now = component_types(complete)
    if previous is None or types_now != component_types(previous["elements"]):
        await variants.set_component_types(conn, env_pk, item_id, language["id"], types_now)
    if is_default:
        await _share_non_localizable(conn, env_pk, item_id, elements, complete, now)
    return doc, stored is None


def component_types(elements: list[Doc]) -> set[str]:
    """The types of every component the values hold, nested ones included (the listing index is rebuilt
    from the whole variant, so an upsert that leaves rich text out keeps its components listed)."""
    found: set[str] = set()
    for value in elements:
        for component in value.get("components") or []:
            found.add(component["type"]["id"])
            found |= component_types(component.get("elements", []))
    return found


def _names_shared(raw: Any, elements: list[ElementDef], shared: set[str]) -> bool:
    if not isinstance(raw, dict):
        return False
    try:
        ref = Reference.parse(raw.get("element"))
    except InvalidReference:
        return False
    element = values.find_element(elements, ref)
    return element is not None and element.id in shared


def _locked(kind: str | None) -> KontentError:
    return KontentError(
        400,
        0,
        f"The language variant is {kind} and cannot be changed. "
        + (
            "Create a new version of the variant first."
            if kind == "published"
            else "Cancel the scheduled publishing first."
            if kind == "scheduled"
            else "Move it to a workflow step first."
        ),
    )


async def _target_step(
    conn: Connection, env_pk: str, stored: StoredVariant | None, meta: Meta, item_doc: Doc, problems: Problems
) -> tuple[str, str]:
    """The workflow and step the variant will be in: as requested, unchanged, or a new variant's first step."""
    if meta.workflow is not None:
        workflow_ref, step_ref = meta.workflow
        workflow = await workflows.find_workflow(conn, env_pk, workflow_ref)
        if workflow is None:
            problems.add("workflow.workflow_identifier", f"The workflow {workflow_ref.describe()} does not exist.")
            return workflows.DEFAULT_WORKFLOW_ID, ""
        step = workflows.find_step(workflow, step_ref)
        if step is None:
            problems.add("workflow.step_identifier", f"The step {step_ref.describe()} is not a step of the workflow.")
            return str(workflow["id"]), ""
        if workflows.step_kind(workflow, step["id"]) != "custom":
            problems.add(
                "workflow.step_identifier",
                "An upsert can move a variant only to a custom workflow step; use the publishing endpoints for "
                "the Published, Scheduled and Archived steps.",
            )
        return str(workflow["id"]), str(step["id"])
    if stored is not None:
        return stored.workflow_id, stored.step_id
    workflow = await workflows.for_new_variant(conn, env_pk, item_doc["type"]["id"], item_doc["collection"]["id"])
    return str(workflow["id"]), workflows.first_step_id(workflow)


async def _shared_from_default(
    conn: Connection, env_pk: str, item_id: str, elements: list[ElementDef], is_default: bool
) -> list[Doc] | None:
    """A new non-default variant starts with the default variant's non-localizable values."""
    if is_default:
        return None
    default = await variants.get(conn, env_pk, item_id, ZERO_GUID)
    if default is None:
        return None
    shared = {e.id for e in elements if not e.localizable}
    doc: Doc = msgspec.json.decode(default.data)
    return [value for value in doc["elements"] if value["element"]["id"] in shared]


async def _share_non_localizable(
    conn: Connection, env_pk: str, item_id: str, elements: list[ElementDef], complete: list[Doc], now: str
) -> None:
    shared = {e.id: v for e, v in zip(elements, complete, strict=True) if not e.localizable}
    if not shared:
        return
    for other in await variants.of_item(conn, env_pk, item_id):
        if other.language_id == ZERO_GUID:
            continue
        doc: Doc = msgspec.json.decode(other.data)
        changed = False
        for index, value in enumerate(doc["elements"]):
            new = shared.get(value["element"]["id"])
            if new is not None and new != value:
                doc["elements"][index] = new
                changed = True
        if changed:
            other.data = encode(doc)
            other.updated_at = now
            await variants.update(conn, env_pk, other)


# -- reads ----------------------------------------------------------------------------------------


async def read(call: Call, *, published: bool) -> Response:
    """GET a variant in one database round trip (identifiers resolved in the same statement)."""
    item_identifier = call.param(items.ITEM_PARAM)
    language_identifier = call.param(LANGUAGE_PARAM)
    item_ref = references.parse_identifier(item_identifier)
    language_ref = references.parse_identifier(language_identifier)
    if item_ref is None:
        raise items.not_found(item_identifier)
    if language_ref is None:
        raise language_not_found()
    async with call.services.db.read() as conn:
        found = await variants.address(
            conn, call.env.pk, references.lookup_key(item_ref), references.lookup_key(language_ref)
        )
    if found.item_id is None:
        raise items.not_found(item_identifier)
    if found.language_id is None or not found.language_active:
        raise language_not_found()
    if found.data is None:
        raise variant_not_found(found.item_id, found.language_id)
    if published:
        if found.published is None:
            raise no_published_version(found.item_id, found.language_id)
        return respond_raw(found.published)
    return respond_raw(found.data)


async def list_of_item(conn: Connection, env_pk: str, item_identifier: str) -> bytes:
    item = await items.find(conn, env_pk, item_identifier)
    rows = await variants.of_item(conn, env_pk, item.id)
    return b"[" + b",".join(row.data.encode() for row in rows) + b"]"


# -- delete ---------------------------------------------------------------------------------------


async def delete(conn: Connection, env_pk: str, item_identifier: str, language_identifier: str) -> None:
    """Delete one variant; deleting an item's last variant deletes the item."""
    await tenancy.lock_environment(conn, env_pk)
    item = await items.find(conn, env_pk, item_identifier)
    ref = references.parse_identifier(language_identifier)
    language: StoredObject | None = await references.resolve(conn, env_pk, LANGUAGE, ref) if ref is not None else None
    if language is None:
        raise language_not_found()
    if await variants.delete(conn, env_pk, item.id, language.id) == 0:
        raise variant_not_found(item.id, language.id)
    if not await variants.of_item(conn, env_pk, item.id):
        await objects.delete(conn, env_pk, items.KIND, item.id)


# -- handlers -------------------------------------------------------------------------------------


@endpoint
async def upsert_variant(call: Call) -> Response:
    body = await call.json()
    async with call.services.db.write() as conn:
        doc, created = await upsert(
            conn, call.env.pk, call.param(items.ITEM_PARAM), call.param(LANGUAGE_PARAM), body, clock.stamp()
        )
    return respond(doc, 201 if created else 200)


@endpoint
async def get_variant(call: Call) -> Response:
    return await read(call, published=False)


@endpoint
async def get_published_variant(call: Call) -> Response:
    return await read(call, published=True)


@endpoint
async def list_item_variants(call: Call) -> Response:
    async with call.services.db.read() as conn:
        body = await list_of_item(conn, call.env.pk, call.param(items.ITEM_PARAM))
    return respond_raw(body)


@endpoint
async def delete_variant(call: Call) -> Response:
    async with call.services.db.write() as conn:
        await delete(conn, call.env.pk, call.param(items.ITEM_PARAM), call.param(LANGUAGE_PARAM))
    return no_content()
