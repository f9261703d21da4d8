"""Taxonomy groups: list (paginated), add, retrieve, modify (reference-based patch) and delete.

A group is one stored document in the wire shape `{id, name, codename, external_id?, last_modified,
terms: [{id, name, codename, external_id?, terms: [...]}]}`, so GETs return it unchanged. Terms live
only inside their group's document; a PATCH decodes it, applies the operations in order to the
in-memory tree — each validated against the state the earlier ones left — and stores the result only
when every operation succeeded.

Uniqueness: group codenames and external ids among groups (also enforced by the `objects` columns);
term codenames within their group (they are only meaningful next to the group, e.g. in a taxonomy
element); term external ids across the environment, because a term's id is derived from its external
id (`guid_for_external_id("taxonomy_term", …)`) so that references made before the term existed resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import codenames, errors, references
from headwater.kontent.errors import KontentError
from headwater.kontent.pipeline import Call, endpoint, list_stored, no_content, respond, respond_raw
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock
from headwater.storage import objects, tenancy
from headwater.storage.database import Connection

TAXONOMY = "taxonomy"
TERM = "taxonomy_term"
TAXONOMY_PARAM = "taxonomy"
NOT_FOUND_CODE = 107
NOT_FOUND_MESSAGE = "The requested taxonomy was not found."
REFERENCE_NOT_FOUND = "The referenced object was not found."
NO_TERMS = "No terms were provided, provide at least an empty collection of terms."

MAX_NAME_LENGTH = 200
GROUP_CODENAME_LENGTH = codenames.MAX_LENGTH
# Term codenames may be longer than the general 60 (NOTES §6.1); generated ones stay within 60.
TERM_CODENAME_LENGTH = 210
# Far beyond any real taxonomy, and keeps every recursive walk well inside Python's recursion limit.
MAX_DEPTH = 100

GROUP_NAME_RULE = f"Provide a nonempty taxonomy group name that fits within {MAX_NAME_LENGTH} characters."
TERM_NAME_RULE = f"Provide a nonempty term name that fits within {MAX_NAME_LENGTH} characters."
PROPERTY_NAMES = ("name", "codename", "terms")

Doc = dict[str, Any]
Fail = Callable[[str], KontentError]


def not_found() -> KontentError:
    return errors.not_found(NOT_FOUND_CODE, NOT_FOUND_MESSAGE)


def _encode(doc: Doc) -> str:
    return msgspec.json.encode(doc).decode()


def _name_ok(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_NAME_LENGTH


def walk(terms: list[Doc]) -> Iterator[Doc]:
    """Every term of a tree, depth first in document order."""
    for term in terms:
        yield term
        yield from walk(term["terms"])


def _height(term: Doc) -> int:
    return 1 + max((_height(child) for child in term["terms"]), default=0)


# -- term trees from request bodies ---------------------------------------------------------------


@dataclass(slots=True)
class NewTerm:
    """A term tree as a client sent it, validated for shape; ids and codenames are assigned later."""

    where: str
    name: str
    codename: str | None
    external_id: str | None
    terms: list[NewTerm] = field(default_factory=list)

    def all(self) -> Iterator[NewTerm]:
        yield self
        for child in self.terms:
            yield from child.all()


def parse_term(raw: Any, where: str, problems: list[str], depth: int = 1) -> NewTerm | None:
    """One term tree; every problem found is appended (with the term's location) to `problems`."""
    if not isinstance(raw, dict):
        problems.append(f"The term at '{where}' must be a JSON object with at least a 'name'.")
        return None
    if depth > MAX_DEPTH:
        problems.append(f"The term at '{where}' is nested too deeply; terms nest at most {MAX_DEPTH} levels.")
        return None
    name = raw.get("name")
    if not _name_ok(name):
        problems.append(f"The 'name' property of the term at '{where}' is missing or invalid. {TERM_NAME_RULE}")
    codename = raw.get("codename")
    if codename is not None and (problem := codenames.validate(codename, TERM_CODENAME_LENGTH)) is not None:
        problems.append(f"The 'codename' property of the term at '{where}' is invalid. {problem}")
    external_id = raw.get("external_id")
    if external_id is not None and (problem := references.validate_external_id(external_id)) is not None:
        problems.append(f"The 'external_id' property of the term at '{where}' is invalid. {problem}")
    children = parse_terms(raw.get("terms"), f"{where}.terms", problems, depth + 1, required=False)
    if not isinstance(name, str) or children is None:
        return None
    return NewTerm(where, name, codename, external_id, children)


def parse_terms(raw: Any, where: str, problems: list[str], depth: int = 1, *, required: bool) -> list[NewTerm] | None:
    """A list of term trees; absent children of a term mean none, absent group terms are an error."""
    if raw is None:
        if required:
            problems.append(NO_TERMS)
            return None
        return []
    if not isinstance(raw, list):
        problems.append(f"The '{where}' property must be an array of terms.")
        return None
    parsed = [parse_term(item, f"{where}[{index}]", problems, depth) for index, item in enumerate(raw)]
    return [term for term in parsed if term is not None]


# -- the group being written ----------------------------------------------------------------------


class Group:
    """One group's document while it is written, plus what other groups hold that must stay unique."""

    def __init__(self, doc: Doc, others: list[Doc]) -> None:
        self.doc = doc
        self.other_codenames = {other["codename"] for other in others}
        self.other_term_external_ids = {
            term["external_id"] for other in others for term in walk(other["terms"]) if "external_id" in term
        }

    def terms(self) -> Iterator[Doc]:
        return walk(self.doc["terms"])

    def locate(self, ref: Reference) -> tuple[Doc, list[Doc]] | None:
        """The term `ref` names and the list holding it (its siblings)."""
        stack: list[list[Doc]] = [self.doc["terms"]]
        while stack:
            siblings = stack.pop()
            for term in siblings:
                if ref.matches(term):
                    return term, siblings
                stack.append(term["terms"])
        return None

    def depth_of(self, target: Doc) -> int:
        """How deep `target` sits: 1 for a top-level term."""

        def search(terms: list[Doc], depth: int) -> int:
            for term in terms:
                if term is target:
                    return depth
                found = search(term["terms"], depth + 1)
                if found:
                    return found
            return 0

        return search(self.doc["terms"], 1)

    def build(self, new_terms: list[NewTerm], fail_all: Callable[[list[str]], KontentError]) -> list[Doc]:
        """Term documents for `new_terms`, checking codenames and external ids against the whole state.

        Codenames the client chose are reserved before any is generated, so a generated codename never
        takes one that a later term in the same request asks for.
        """
        problems: list[str] = []
        taken = {term["codename"] for term in self.terms()}
        external_ids = {term["external_id"] for term in self.terms() if "external_id" in term}
        chosen: set[str] = set()
        given_external: set[str] = set()
        for new in (item for tree in new_terms for item in tree.all()):
            if new.codename is not None:
                if new.codename in taken or new.codename in chosen:
                    problems.append(
                        f"The codename '{new.codename}' of the term at '{new.where}' is already used by another "
                        "term of the taxonomy group."
                    )
                chosen.add(new.codename)
            if new.external_id is not None:
                if (
                    new.external_id in external_ids
                    or new.external_id in given_external
                    or new.external_id in self.other_term_external_ids
                ):
                    problems.append(
                        f"The external_id '{new.external_id}' of the term at '{new.where}' is already used by "
                        "another taxonomy term."
                    )
                given_external.add(new.external_id)
        if problems:
            raise fail_all(problems)
        taken |= chosen

        def make(new: NewTerm) -> Doc:
            term_id = references.new_object_id(TERM, new.external_id)
            codename = new.codename
            if codename is None:
                codename = codenames.generate(new.name, taken, term_id)
                taken.add(codename)
            doc: Doc = {"id": term_id, "name": new.name, "codename": codename}
            if new.external_id is not None:
                doc["external_id"] = new.external_id
            doc["terms"] = [make(child) for child in new.terms]
            return doc

        return [make(tree) for tree in new_terms]

    # -- patch operations ----------------------------------------------------------------------------

    def apply(self, index: int, operation: Any) -> None:
        def fail(message: str) -> KontentError:
            return errors.invalid_operation(index, message)

        def fail_all(problems: list[str]) -> KontentError:
            return errors.invalid(*(f"Invalid operation with index '{index}': {problem}" for problem in problems))

        if not isinstance(operation, dict):
            raise fail("The operation must be a JSON object.")
        op = operation.get("op")
        kind = op.lower() if isinstance(op, str) else None
        if kind == "addinto":
            self.add_into(operation, fail, fail_all)
        elif kind == "move":
            self.move(operation, fail)
        elif kind == "remove":
            term, siblings = self._term(operation.get("reference"), fail, "reference")
            siblings.remove(term)
        elif kind == "replace":
            self.replace(operation, fail, fail_all)
        else:
            raise fail(
                "The value of the 'op' property is missing or invalid. Use 'addInto', 'move', 'remove' or 'replace'."
            )

    def _term(self, raw: Any, fail: Fail, prop: str) -> tuple[Doc, list[Doc]]:
        if raw is None:
            raise fail(f"The '{prop}' property is required.")
        try:
            ref = Reference.parse(raw)
        except InvalidReference as exc:
            raise fail(f"The '{prop}' property is invalid. {exc.message}") from None
        found = self.locate(ref)
        if found is None:
            raise fail(f"The '{prop}' property is invalid. {REFERENCE_NOT_FOUND}")
        return found

    def add_into(self, operation: Doc, fail: Fail, fail_all: Callable[[list[str]], KontentError]) -> None:
        parent: Doc | None = None
        if operation.get("reference") is not None:
            parent = self._term(operation["reference"], fail, "reference")[0]
        siblings: list[Doc] = parent["terms"] if parent is not None else self.doc["terms"]
        base_depth = self.depth_of(parent) if parent is not None else 0
        value = operation.get("value")
        if value is None:
            raise fail("The 'value' property is required. Provide the term to add, with at least a 'name'.")
        problems: list[str] = []
        new = parse_term(value, "value", problems, base_depth + 1)
        if problems or new is None:
            raise fail_all(problems)
        position = len(siblings)
        placed = references.placement(operation, fail, required=False)
        if placed is not None:
            prop, raw, offset = placed
            anchor = self._term(raw, fail, prop)[0]
            if not any(term is anchor for term in siblings):
                where = "the referenced parent term" if parent is not None else "the taxonomy group's top level"
                raise fail(f"The '{prop}' property is invalid. The referenced term is not a child of {where}.")
            position = next(i for i, term in enumerate(siblings) if term is anchor) + offset
        siblings.insert(position, self.build([new], fail_all)[0])

    def move(self, operation: Doc, fail: Fail) -> None:
        term, siblings = self._term(operation.get("reference"), fail, "reference")
        given = [prop for prop in ("before", "after", "under") if operation.get(prop) is not None]
        if len(given) != 1:
            raise fail("Provide exactly one of the properties 'before', 'after' or 'under'.")
        prop = given[0]
        target, target_siblings = self._term(operation[prop], fail, prop)
        if target is term:
            raise fail(f"The '{prop}' property is invalid. A term cannot be moved {prop} itself.")
        if any(descendant is target for descendant in walk(term["terms"])):
            raise fail(
                f"The '{prop}' property is invalid. The referenced term is a descendant of the moved term; "
                "moving a term into its own subtree would create a cycle."
            )
        target_depth = self.depth_of(target) + (1 if prop == "under" else 0)
        if target_depth + _height(term) - 1 > MAX_DEPTH:
            raise fail(f"The term cannot be moved there: terms nest at most {MAX_DEPTH} levels.")
        siblings.remove(term)
        if prop == "under":
            target["terms"].append(term)
            return
        position = next(i for i, other in enumerate(target_siblings) if other is target)
        target_siblings.insert(position + (1 if prop == "after" else 0), term)

    def replace(self, operation: Doc, fail: Fail, fail_all: Callable[[list[str]], KontentError]) -> None:
        target: Doc = self.doc
        if operation.get("reference") is not None:
            target = self._term(operation["reference"], fail, "reference")[0]
        is_group = target is self.doc
        prop = operation.get("property_name")
        if prop not in PROPERTY_NAMES:
            raise fail(
                "The value of the 'property_name' property is missing or invalid. Use 'name', 'codename' or 'terms'."
            )
        if "value" not in operation:
            raise fail("The 'value' property is required.")
        value = operation["value"]
        if prop == "name":
            if not _name_ok(value):
                raise fail(f"The 'value' property is invalid. {GROUP_NAME_RULE if is_group else TERM_NAME_RULE}")
            target["name"] = value
        elif prop == "codename":
            problem = codenames.validate(value, GROUP_CODENAME_LENGTH if is_group else TERM_CODENAME_LENGTH)
            if problem is not None:
                raise fail(f"The 'value' property is invalid. {problem}")
            if is_group and value in self.other_codenames:
                raise fail(f"A taxonomy group with the codename '{value}' already exists.")
            if not is_group and any(term["codename"] == value and term is not target for term in self.terms()):
                raise fail(f"The codename '{value}' is already used by another term of the taxonomy group.")
            target["codename"] = value
        else:
            depth = 0 if is_group else self.depth_of(target)
            problems: list[str] = []
            new_terms = parse_terms(value, "value", problems, depth + 1, required=True)
            if problems or new_terms is None:
                raise fail_all(problems or ["The 'value' property must be an array of terms."])
            target["terms"] = []
            target["terms"] = self.build(new_terms, fail_all)


# -- add ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class NewGroup:
    name: str
    codename: str | None
    external_id: str | None
    terms: list[NewTerm]


def parse_new(body: Any) -> NewGroup:
    """Validate an add-taxonomy body, reporting every broken property (at any depth) at once."""
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    problems: list[str] = []
    name = body.get("name")
    if not _name_ok(name):
        problems.append(f"The 'name' property is required. {GROUP_NAME_RULE}")
    codename = body.get("codename")
    if codename is not None and (problem := codenames.validate(codename, GROUP_CODENAME_LENGTH)) is not None:
        problems.append(problem)
    external_id = body.get("external_id")
    if external_id is not None and (problem := references.validate_external_id(external_id)) is not None:
        problems.append(problem)
    terms = parse_terms(body.get("terms"), "terms", problems, required=True)
    if problems or terms is None:
        raise errors.invalid(*problems)
    assert isinstance(name, str)
    return NewGroup(name, codename, external_id, terms)


async def _all_groups(conn: Connection, env_pk: str) -> list[tuple[str, Doc]]:
    return [(row.id, msgspec.json.decode(row.data)) for row in await objects.all_of(conn, env_pk, TAXONOMY)]


async def add(conn: Connection, env_pk: str, new: NewGroup, now: str) -> Doc:
    """Create a group with its whole term tree."""
    await tenancy.lock_environment(conn, env_pk)
    others = [doc for _, doc in await _all_groups(conn, env_pk)]
    if new.external_id is not None and any(doc.get("external_id") == new.external_id for doc in others):
        raise errors.invalid(f"A taxonomy group with the external_id '{new.external_id}' already exists.")
    if new.codename is not None and any(doc["codename"] == new.codename for doc in others):
        raise errors.invalid(f"A taxonomy group with the codename '{new.codename}' already exists.")
    group_id = references.new_object_id(TAXONOMY, new.external_id)
    codename = new.codename or codenames.generate(new.name, {doc["codename"] for doc in others}, group_id)
    doc: Doc = {"id": group_id, "name": new.name, "codename": codename}
    if new.external_id is not None:
        doc["external_id"] = new.external_id
    doc["last_modified"] = clock.kontent(now)
    doc["terms"] = []
    group = Group(doc, others)
    doc["terms"] = group.build(new.terms, lambda problems: errors.invalid(*problems))
    await objects.insert(
        conn,
        env_pk,
        TAXONOMY,
        group_id,
        _encode(doc),
        codename=codename,
        external_id=new.external_id,
        created_at=now,
    )
    return doc


# -- modify and delete ----------------------------------------------------------------------------


async def modify(conn: Connection, env_pk: str, ref: Reference | None, body: Any, now: str) -> Doc:
    """Apply a PATCH body to one group; any failing operation leaves everything as it was."""
    if not isinstance(body, list):
        raise errors.invalid("The request body must be an array of operations.")
    if not body:
        raise errors.invalid("No patch operations were provided, provide at least one operation.")
    await tenancy.lock_environment(conn, env_pk)
    stored = await references.resolve(conn, env_pk, TAXONOMY, ref) if ref is not None else None
    if stored is None:
        raise not_found()
    groups = await _all_groups(conn, env_pk)
    doc = next(doc for group_id, doc in groups if group_id == stored.id)
    group = Group(doc, [other for group_id, other in groups if group_id != stored.id])
    for index, operation in enumerate(body):
        group.apply(index, operation)
    doc["last_modified"] = clock.kontent(now)
    await objects.save_version(conn, env_pk, TAXONOMY, stored, _encode(doc), codename=doc["codename"], updated_at=now)
    return doc


async def delete(conn: Connection, env_pk: str, ref: Reference | None) -> None:
    """Delete a group. References to its terms elsewhere stay, as on the hosted API."""
    await tenancy.lock_environment(conn, env_pk)
    stored = await references.resolve(conn, env_pk, TAXONOMY, ref) if ref is not None else None
    if stored is None:
        raise not_found()
    await objects.delete(conn, env_pk, TAXONOMY, stored.id)


# -- handlers -------------------------------------------------------------------------------------


@endpoint
async def list_taxonomies(call: Call) -> Response:
    return await list_stored(call, TAXONOMY, "taxonomies")


@endpoint
async def add_taxonomy(call: Call) -> Response:
    new = parse_new(await call.json())
    async with call.services.db.write() as conn:
        doc = await add(conn, call.env.pk, new, clock.stamp())
    return respond(doc, 201)


@endpoint
async def get_taxonomy(call: Call) -> Response:
    ref = references.parse_identifier(call.param(TAXONOMY_PARAM))
    data = None
    if ref is not None:
        async with call.services.db.read() as conn:
            data = await references.resolve_data(conn, call.env.pk, TAXONOMY, ref)
    if data is None:
        raise not_found()
    return respond_raw(data)


@endpoint
async def modify_taxonomy(call: Call) -> Response:
    ref = references.parse_identifier(call.param(TAXONOMY_PARAM))
    body = await call.json()
    async with call.services.db.write() as conn:
        doc = await modify(conn, call.env.pk, ref, body, clock.stamp())
    return respond(doc)


@endpoint
async def delete_taxonomy(call: Call) -> Response:
    ref = references.parse_identifier(call.param(TAXONOMY_PARAM))
    async with call.services.db.write() as conn:
        await delete(conn, call.env.pk, ref)
    return no_content()
