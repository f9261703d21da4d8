"""Content types: list (paginated), add, retrieve, modify (path-based patch) and delete.

Snippets share everything but their list key, not-found codes and a few rules, so the domain functions
here take an `Owner` and `snippets.py` reuses them. Stored documents are the exact wire JSON, so GETs
return them raw. Every write takes the environment lock first: codenames, external ids and snippet use
are rules that span objects.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import codenames, errors, references
from headwater.kontent.errors import KontentError
from headwater.kontent.model import elements
from headwater.kontent.model.elements import CONTENT_TYPE, SNIPPET, TAXONOMY, Catalog, Doc
from headwater.kontent.model.typepatch import TypePatch
from headwater.kontent.pipeline import Call, endpoint, list_stored, no_content, respond, respond_raw
from headwater.platform import clock
from headwater.storage import objects, tenancy, variants
from headwater.storage.database import Connection

TYPE_PARAM = "type"


@dataclass(frozen=True, slots=True)
class Owner:
    """What differs between content types and snippets."""

    kind: str
    label: str
    list_key: str
    patch_not_found_code: int

    def not_found(self, identifier: str | None = None) -> KontentError:
        """GET and DELETE name the identifier (code 105); PATCH uses its own code without it."""
        if identifier is None:
            return errors.not_found(105, f"The requested {self.label} was not found.")
        return errors.not_found(105, f"The requested {self.label} '{identifier}' was not found.")

    def patch_not_found(self) -> KontentError:
        return errors.not_found(self.patch_not_found_code, f"The requested {self.label} was not found.")


TYPES = Owner(CONTENT_TYPE, "content type", "types", 107)
SNIPPETS = Owner(SNIPPET, "content type snippet", "snippets", 109)


async def type_is_used(conn: Connection, env_pk: str, type_id: str) -> bool:
    """Whether content items (or components in variants) use the type, which then cannot be deleted."""
    return await variants.type_is_used(conn, env_pk, type_id)


def _encode(doc: Doc) -> str:
    return msgspec.json.encode(doc).decode()


def _docs(rows: list[objects.StoredObject]) -> list[Doc]:
    return [msgspec.json.decode(row.data) for row in rows]


async def load_catalog(conn: Connection, env_pk: str) -> Catalog:
    """Every type, snippet and taxonomy: what element references resolve against."""
    return Catalog(
        types=_docs(await objects.all_of(conn, env_pk, CONTENT_TYPE)),
        snippets=_docs(await objects.all_of(conn, env_pk, SNIPPET)),
        taxonomies=_docs(await objects.all_of(conn, env_pk, TAXONOMY)),
    )


def _siblings(owner: Owner, catalog: Catalog) -> list[Doc]:
    return catalog.types if owner.kind == CONTENT_TYPE else catalog.snippets


def _codename_limit(owner: Owner) -> int:
    return elements.MAX_SNIPPET_CODENAME_LENGTH if owner.kind == SNIPPET else codenames.MAX_LENGTH


def _validated(
    owner: Owner,
    raw: Any,
    catalog: Catalog,
    problems: list[str],
    *,
    object_id: str,
    now: str,
    previous: Doc | None = None,
) -> Doc:
    """The document to store, or 400 with every problem: `problems` found so far, the document's own,
    and (for a valid snippet) what it would break in the types that use it."""
    doc, found = elements.normalize(
        owner.kind, raw, catalog, object_id=object_id, last_modified=clock.kontent(now), previous=previous
    )
    problems = problems + found
    if owner.kind == SNIPPET and not found:
        problems.extend(dependent_problems(catalog, doc))
    if problems:
        raise errors.invalid(*problems)
    return doc


# -- add ------------------------------------------------------------------------------------------


async def add(conn: Connection, env_pk: str, owner: Owner, body: Any, now: str) -> Doc:
    """Create a type or snippet; all problems are reported together and nothing is stored on any."""
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    await tenancy.lock_environment(conn, env_pk)
    catalog = await load_catalog(conn, env_pk)
    siblings = _siblings(owner, catalog)
    external_id = body.get("external_id")
    valid_external = isinstance(external_id, str) and references.validate_external_id(external_id) is None
    object_id = references.new_object_id(owner.kind, external_id if valid_external else None)
    raw = dict(body)
    problems: list[str] = []
    if valid_external and any(doc.get("external_id") == external_id for doc in siblings):
        problems.append(f"external_id: a {owner.label} with the external_id '{external_id}' already exists.")
    taken = {doc["codename"] for doc in siblings}
    if raw.get("codename") is None:
        name = raw.get("name")
        source = name if isinstance(name, str) and name.strip() else owner.list_key
        raw["codename"] = codenames.generate(source, taken, object_id, _codename_limit(owner))
    elif isinstance(raw["codename"], str) and raw["codename"] in taken:
        problems.append(f"codename: a {owner.label} with the codename '{raw['codename']}' already exists.")
    for key in ("content_groups", "elements"):
        if isinstance(raw.get(key), list):
            raw[key] = [
                elements.fresh(item, element=key == "elements") if isinstance(item, dict) else item for item in raw[key]
            ]
    doc = _validated(owner, raw, catalog, problems, object_id=object_id, now=now)
    await objects.insert(
        conn,
        env_pk,
        owner.kind,
        object_id,
        _encode(doc),
        codename=doc["codename"],
        external_id=doc.get("external_id"),
        created_at=now,
    )
    return doc


# -- modify ---------------------------------------------------------------------------------------


async def modify(conn: Connection, env_pk: str, owner: Owner, identifier: str, body: Any, now: str) -> Doc:
    """Apply a patch all-or-nothing: operations in order, then the whole document is re-validated."""
    ref = references.parse_identifier(identifier)
    await tenancy.lock_environment(conn, env_pk)
    stored = await references.resolve(conn, env_pk, owner.kind, ref) if ref is not None else None
    if stored is None:
        raise owner.patch_not_found()
    catalog = await load_catalog(conn, env_pk)
    previous: Doc = msgspec.json.decode(stored.data)
    patched = TypePatch(owner.kind, copy.deepcopy(previous), catalog).apply_all(body)
    problems: list[str] = []
    codename = patched.get("codename")
    if any(doc["codename"] == codename and doc["id"] != stored.id for doc in _siblings(owner, catalog)):
        problems.append(f"codename: a {owner.label} with the codename '{codename}' already exists.")
    doc = _validated(owner, patched, catalog, problems, object_id=stored.id, now=now, previous=previous)
    await objects.save_version(conn, env_pk, owner.kind, stored, _encode(doc), codename=doc["codename"], updated_at=now)
    return doc


# -- types that use a snippet -------------------------------------------------------------------


def dependent_problems(catalog: Catalog, snippet: Doc) -> list[str]:
    """What a new or edited snippet would break in the types that use it.

    A type brings its snippets' elements into its variants and may point a URL slug at one of them, so
    a snippet edit must keep every using type valid: no element codename clash, no dangling
    `depends_on`. Each using type is validated against the catalog before and after the edit; only the
    problems the edit introduces are reported, so an unrelated older issue cannot block the snippet.
    """
    after = replace(catalog, snippets=[doc for doc in catalog.snippets if doc["id"] != snippet["id"]] + [snippet])
    problems: list[str] = []
    for type_doc in catalog.types:
        if not _uses_snippet(type_doc, snippet["id"]):
            continue
        known = set(_revalidate(type_doc, catalog))
        for problem in _revalidate(type_doc, after):
            if problem not in known:
                problems.append(f"The content type '{type_doc['codename']}' uses this snippet: {problem}")
    return problems


def _revalidate(type_doc: Doc, catalog: Catalog) -> list[str]:
    _, problems = elements.normalize(
        CONTENT_TYPE,
        copy.deepcopy(type_doc),
        catalog,
        object_id=type_doc["id"],
        last_modified=type_doc["last_modified"],
    )
    return problems


# -- delete ---------------------------------------------------------------------------------------


def _uses_snippet(type_doc: Doc, snippet_id: str) -> bool:
    for element in type_doc.get("elements", []):
        if element.get("type") == "snippet" and element.get("snippet", {}).get("id") == snippet_id:
            return True
        depends = element.get("depends_on") if element.get("type") == "url_slug" else None
        if isinstance(depends, dict) and (depends.get("snippet") or {}).get("id") == snippet_id:
            return True
    return False


async def delete(conn: Connection, env_pk: str, owner: Owner, identifier: str) -> None:
    """Delete an unused type or snippet (a snippet is used while any type has a snippet element for it)."""
    ref = references.parse_identifier(identifier)
    await tenancy.lock_environment(conn, env_pk)
    stored = await references.resolve(conn, env_pk, owner.kind, ref) if ref is not None else None
    if stored is None:
        raise owner.not_found(identifier) if owner.kind == SNIPPET else owner.not_found()
    doc: Doc = msgspec.json.decode(stored.data)
    if owner.kind == CONTENT_TYPE:
        used = await type_is_used(conn, env_pk, stored.id)
    else:
        used = any(_uses_snippet(t, stored.id) for t in _docs(await objects.all_of(conn, env_pk, CONTENT_TYPE)))
    if used:
        raise KontentError(400, 0, f"Type '{doc['name']} ({stored.id})' is still used and cannot be archived.")
    await objects.delete(conn, env_pk, owner.kind, stored.id)


# -- handlers (shared by snippets.py) ------------------------------------------------------------


async def list_response(call: Call, owner: Owner) -> Response:
    return await list_stored(call, owner.kind, owner.list_key)


async def add_response(call: Call, owner: Owner) -> Response:
    body = await call.json()
    async with call.services.db.write() as conn:
        doc = await add(conn, call.env.pk, owner, body, clock.stamp())
    return respond(doc, 201)


async def get_response(call: Call, owner: Owner, param: str) -> Response:
    identifier = call.param(param)
    ref = references.parse_identifier(identifier)
    data = None
    if ref is not None:
        async with call.services.db.read() as conn:
            data = await references.resolve_data(conn, call.env.pk, owner.kind, ref)
    if data is None:
        raise owner.not_found(identifier)
    return respond_raw(data)


async def modify_response(call: Call, owner: Owner, param: str) -> Response:
    body = await call.json()
    async with call.services.db.write() as conn:
        doc = await modify(conn, call.env.pk, owner, call.param(param), body, clock.stamp())
    return respond(doc)


async def delete_response(call: Call, owner: Owner, param: str) -> Response:
    async with call.services.db.write() as conn:
        await delete(conn, call.env.pk, owner, call.param(param))
    return no_content()


@endpoint
async def list_types(call: Call) -> Response:
    return await list_response(call, TYPES)


@endpoint
async def add_type(call: Call) -> Response:
    return await add_response(call, TYPES)


@endpoint
async def get_type(call: Call) -> Response:
    return await get_response(call, TYPES, TYPE_PARAM)


@endpoint
async def modify_type(call: Call) -> Response:
    return await modify_response(call, TYPES, TYPE_PARAM)


@endpoint
async def delete_type(call: Call) -> Response:
    return await delete_response(call, TYPES, TYPE_PARAM)
