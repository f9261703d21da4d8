"""Collections: the ordered list (`GET /collections`) and its patch operations (`PATCH /collections`).

The list is small and not paginated, so a PATCH loads it, applies the operations in order to an
in-memory copy — each one validated against the state the earlier ones left — and writes the
difference in one transaction. Any failing operation rejects the whole request and nothing is
stored. Stored documents are the wire shape `{id, name, codename, external_id?}`; the order lives in
the `position` column, and the list's `last_modified` in the `collections` meta document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import codenames, errors, references
from headwater.kontent.content import items
from headwater.kontent.errors import KontentError
from headwater.kontent.pipeline import Call, endpoint, respond, respond_raw
from headwater.kontent.project.seed import COLLECTION, COLLECTIONS_META_ID, META
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock
from headwater.platform.ids import ZERO_GUID
from headwater.storage import objects, tenancy
from headwater.storage.database import Connection
from headwater.storage.objects import StoredObject

MAX_NAME_LENGTH = 200
# The collection object allows longer codenames (1..210) than the general 60; generated ones stay ≤ 60.
MAX_CODENAME_LENGTH = 210
NOT_FOUND = "The referenced object was not found."
NAME_RULE = f"Provide a nonempty collection name that fits within {MAX_NAME_LENGTH} characters."

Doc = dict[str, Any]


async def is_used(conn: Connection, env_pk: str, collection_id: str) -> bool:
    """Whether content items are assigned to the collection, which then cannot be removed."""
    return await items.collection_is_used(conn, env_pk, collection_id)


def _encode(doc: Doc) -> str:
    return msgspec.json.encode(doc).decode()


def _operation_error(index: int) -> Callable[[str], KontentError]:
    return lambda message: errors.invalid_operation(index, message)


class _Patch:
    """The collection list while a PATCH is applied: `state` is the new order, `stored` the rows before."""

    def __init__(self, conn: Connection, env_pk: str, rows: list[StoredObject]) -> None:
        self.conn = conn
        self.env_pk = env_pk
        self.stored = {row.id: row for row in rows}
        self.state: list[Doc] = [msgspec.json.decode(row.data) for row in rows]

    # -- helpers ---------------------------------------------------------------------------------

    def find(self, ref: Reference) -> Doc | None:
        return next((doc for doc in self.state if ref.matches(doc)), None)

    def _reference(self, raw: Any, fail: Callable[[str], KontentError], prop: str) -> Doc:
        if raw is None:
            raise fail(f"The '{prop}' property is required.")
        try:
            ref = Reference.parse(raw)
        except InvalidReference as exc:
            raise fail(exc.message) from None
        doc = self.find(ref)
        if doc is None:
            raise fail(NOT_FOUND)
        return doc

    def _anchor(self, operation: Doc, fail: Callable[[str], KontentError], required: bool) -> tuple[Doc, int] | None:
        """The `before`/`after` neighbour and the offset to insert at relative to it."""
        placed = references.placement(operation, fail, required=required)
        if placed is None:
            return None
        prop, raw, offset = placed
        return self._reference(raw, fail, prop), offset

    def _check_codename(self, codename: Any, fail: Callable[[str], KontentError], owner: Doc | None) -> str:
        problem = codenames.validate(codename, MAX_CODENAME_LENGTH)
        if problem is not None:
            raise fail(problem)
        if any(doc["codename"] == codename and doc is not owner for doc in self.state):
            raise fail(f"A collection with the codename '{codename}' already exists.")
        assert isinstance(codename, str)
        return codename

    @staticmethod
    def _check_name(name: Any, fail: Callable[[str], KontentError]) -> str:
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
            raise fail(NAME_RULE)
        return name

    # -- operations ------------------------------------------------------------------------------

    async def apply(self, index: int, operation: Any) -> None:
        fail = _operation_error(index)
        if not isinstance(operation, dict):
            raise fail("The operation must be a JSON object.")
        op = operation.get("op")
        kind = op.lower() if isinstance(op, str) else None
        if kind == "addinto":
            self.add_into(operation, fail)
        elif kind == "move":
            self.move(operation, fail)
        elif kind == "remove":
            await self.remove(operation, fail)
        elif kind == "replace":
            self.replace(operation, fail)
        else:
            raise fail(
                "The value of the 'op' property is missing or invalid. Use 'addInto', 'move', 'remove' or 'replace'."
            )

    def add_into(self, operation: Doc, fail: Callable[[str], KontentError]) -> None:
        value = operation.get("value")
        if not isinstance(value, dict):
            raise fail("The 'value' property must be a collection object with at least a 'name'.")
        name = self._check_name(value.get("name"), fail)
        external_id = value.get("external_id")
        if external_id is not None:
            problem = references.validate_external_id(external_id)
            if problem is not None:
                raise fail(problem)
            if any(doc.get("external_id") == external_id for doc in self.state):
                raise fail(f"A collection with the external_id '{external_id}' already exists.")
        codename = value.get("codename")
        if codename is not None:
            codename = self._check_codename(codename, fail, None)
        anchor = self._anchor(operation, fail, required=False)
        collection_id = references.new_object_id(COLLECTION, external_id)
        if codename is None:
            codename = codenames.generate(name, {doc["codename"] for doc in self.state}, collection_id)
        doc: Doc = {"id": collection_id, "name": name, "codename": codename}
        if external_id is not None:
            doc["external_id"] = external_id
        self._insert(doc, anchor)

    def move(self, operation: Doc, fail: Callable[[str], KontentError]) -> None:
        doc = self._reference(operation.get("reference"), fail, "reference")
        anchor = self._anchor(operation, fail, required=True)
        assert anchor is not None
        if anchor[0] is doc:
            raise fail("A collection cannot be moved before or after itself.")
        self.state.remove(doc)
        self._insert(doc, anchor)

    async def remove(self, operation: Doc, fail: Callable[[str], KontentError]) -> None:
        doc = self._reference(operation.get("reference"), fail, "reference")
        if doc["id"] == ZERO_GUID:
            raise fail("The default collection cannot be removed.")
        if doc["id"] in self.stored and await is_used(self.conn, self.env_pk, doc["id"]):
            raise fail(f"The collection '{doc['codename']}' is used by content items and cannot be removed.")
        self.state.remove(doc)

    def replace(self, operation: Doc, fail: Callable[[str], KontentError]) -> None:
        doc = self._reference(operation.get("reference"), fail, "reference")
        prop = operation.get("property_name")
        if prop not in ("name", "codename"):
            raise fail("The value of the 'property_name' property is missing or invalid. Use 'name' or 'codename'.")
        if "value" not in operation:
            raise fail("The 'value' property is required.")
        if prop == "name":
            doc["name"] = self._check_name(operation["value"], fail)
        else:
            doc["codename"] = self._check_codename(operation["value"], fail, doc)

    def _insert(self, doc: Doc, anchor: tuple[Doc, int] | None) -> None:
        if anchor is None:
            self.state.append(doc)
        else:
            neighbour, offset = anchor
            self.state.insert(self.state.index(neighbour) + offset, doc)

    # -- storing ---------------------------------------------------------------------------------

    async def store(self, now: str) -> None:
        """Write the difference: removals first, and codename changes in two steps, so the unique
        constraints never see a transient clash (a swap of codenames, a freed external id reused)."""
        conn, env_pk = self.conn, self.env_pk
        kept = {doc["id"] for doc in self.state}
        for object_id in self.stored:
            if object_id not in kept:
                await objects.delete(conn, env_pk, COLLECTION, object_id)
        existing = [
            (position, doc, self.stored[doc["id"]])
            for position, doc in enumerate(self.state)
            if doc["id"] in self.stored
        ]
        for _, doc, row in existing:
            if doc["codename"] != row.codename:
                await objects.update(
                    conn,
                    env_pk,
                    COLLECTION,
                    row.id,
                    row.data,
                    codename=None,
                    external_id=row.external_id,
                    position=row.position,
                    version=row.version,
                    updated_at=row.updated_at,
                )
        for position, doc, row in existing:
            data = _encode(doc)
            changed = data != row.data
            if changed or position != row.position or doc["codename"] != row.codename:
                await objects.update(
                    conn,
                    env_pk,
                    COLLECTION,
                    row.id,
                    data,
                    codename=doc["codename"],
                    external_id=row.external_id,
                    position=position,
                    version=row.version + 1 if changed else row.version,
                    updated_at=now if changed else row.updated_at,
                )
        for position, doc in enumerate(self.state):
            if doc["id"] not in self.stored:
                await objects.insert(
                    conn,
                    env_pk,
                    COLLECTION,
                    doc["id"],
                    _encode(doc),
                    codename=doc["codename"],
                    external_id=doc.get("external_id"),
                    position=position,
                    created_at=now,
                )


async def _touch(conn: Connection, env_pk: str, now: str) -> None:
    """Record the list's `last_modified`."""
    meta = await objects.get(conn, env_pk, META, COLLECTIONS_META_ID)
    data = _encode({"last_modified": now})
    if meta is None:
        await objects.insert(conn, env_pk, META, COLLECTIONS_META_ID, data, created_at=now)
        return
    await objects.save_version(conn, env_pk, META, meta, data, codename=None, updated_at=now)


async def modify(conn: Connection, env_pk: str, body: Any, now: str) -> list[Doc]:
    """Apply a PATCH body; returns the new ordered list."""
    if not isinstance(body, list):
        raise errors.invalid("The request body must be an array of operations.")
    if not body:
        raise errors.invalid("No patch operations were provided, provide at least one operation.")
    await tenancy.lock_environment(conn, env_pk)
    patch = _Patch(conn, env_pk, await objects.all_of(conn, env_pk, COLLECTION, by_position=True))
    for index, operation in enumerate(body):
        await patch.apply(index, operation)
    await patch.store(now)
    await _touch(conn, env_pk, now)
    return patch.state


def _last_modified(meta: str | None) -> str | None:
    if meta is None:
        return None
    stamp: str = msgspec.json.decode(meta)["last_modified"]
    return clock.kontent(stamp)


# -- handlers -------------------------------------------------------------------------------------


@endpoint
async def list_collections(call: Call) -> Response:
    async with call.services.db.read() as conn:
        rows = await objects.all_of(conn, call.env.pk, COLLECTION, by_position=True)
        meta = await objects.get_data(conn, call.env.pk, META, "id", COLLECTIONS_META_ID)
    body = b"".join(
        (
            b'{"collections":[',
            b",".join(row.data.encode() for row in rows),
            b'],"last_modified":',
            msgspec.json.encode(_last_modified(meta)),
            b"}",
        )
    )
    return respond_raw(body)


@endpoint
async def modify_collections(call: Call) -> Response:
    body = await call.json()
    now = clock.stamp()
    async with call.services.db.write() as conn:
        state = await modify(conn, call.env.pk, body, now)
    return respond({"collections": state, "last_modified": clock.kontent(now)})
