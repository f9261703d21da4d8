"""Languages: list (paginated), add, retrieve and modify. The hosted API has no DELETE for languages.

Stored documents are the wire shape: `{id, name, codename, external_id?, is_active, is_default,
fallback_language: {id}}`. Every write keeps these invariants, so a fallback chain always ends at the
default language:

* the default language is active and falls back to itself;
* an active language falls back to an existing, active language other than itself, without a loop;
* codenames and external ids are unique, and an external id never changes.

Modify requests are all-or-nothing and their operations apply in order. Only an active language can
be modified (as on the hosted API), but a request may activate the language first and deactivate it
again last — the sequence data-ops' `clean` sends to rename retired languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import codenames, errors, references
from headwater.kontent.errors import KontentError
from headwater.kontent.pipeline import Call, endpoint, list_stored, respond, respond_raw
from headwater.kontent.project.seed import LANGUAGE
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock
from headwater.platform.ids import ZERO_GUID
from headwater.storage import objects, tenancy
from headwater.storage.database import Connection

MAX_NAME_LENGTH = codenames.LANGUAGE_MAX_LENGTH
NOT_FOUND_CODE = 111
NOT_FOUND_MESSAGE = "The requested language was not found."
FALLBACK_INVALID = "The specified fallback language is inactive or does not exist."
LANGUAGE_PARAM = "language"
PROPERTIES = ("name", "codename", "is_active", "fallback_language")

NAME_RULE = f"Provide a nonempty language name that fits within {MAX_NAME_LENGTH} characters."


def not_found() -> KontentError:
    return errors.not_found(NOT_FOUND_CODE, NOT_FOUND_MESSAGE)


def _encode(doc: dict[str, Any]) -> str:
    return msgspec.json.encode(doc).decode()


def _name_problem(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME_LENGTH:
        return NAME_RULE
    return None


# -- add ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class NewLanguage:
    name: str
    codename: str
    external_id: str | None
    is_active: bool
    fallback: Reference | None


def parse_new(body: Any) -> NewLanguage:
    """Validate an add-language body, reporting every broken property at once."""
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    problems: list[str] = []
    name = body.get("name")
    if _name_problem(name) is not None:
        problems.append(f"The 'name' property is required. {NAME_RULE}")
    codename = body.get("codename")
    if codename is None:
        problems.append("The 'codename' property is required.")
    elif (problem := codenames.validate_language(codename)) is not None:
        problems.append(problem)
    external_id = body.get("external_id")
    if external_id is not None and (problem := references.validate_external_id(external_id)) is not None:
        problems.append(problem)
    is_active = body.get("is_active")
    if is_active is not None and not isinstance(is_active, bool):
        problems.append("The 'is_active' property must be true or false.")
    fallback: Reference | None = None
    if body.get("fallback_language") is not None:
        try:
            fallback = Reference.parse(body["fallback_language"])
        except InvalidReference as exc:
            problems.append(f"The 'fallback_language' property is invalid. {exc.message}")
    if problems:
        raise errors.invalid(*problems)
    assert isinstance(name, str) and isinstance(codename, str)
    return NewLanguage(name, codename, external_id, is_active is not False, fallback)


async def add(conn: Connection, env_pk: str, new: NewLanguage, now: str) -> dict[str, Any]:
    """Create a language; it falls back to the default language unless told otherwise."""
    await tenancy.lock_environment(conn, env_pk)
    if new.external_id is not None and await objects.get_by(conn, env_pk, LANGUAGE, "external_id", new.external_id):
        raise errors.invalid(f"A language with the external_id '{new.external_id}' already exists.")
    if await objects.get_by(conn, env_pk, LANGUAGE, "codename", new.codename):
        raise errors.invalid(f"A language with the codename '{new.codename}' already exists.")
    fallback_id = ZERO_GUID
    if new.fallback is not None:
        fallback = await references.resolve(conn, env_pk, LANGUAGE, new.fallback)
        if fallback is None or not msgspec.json.decode(fallback.data)["is_active"]:
            # The hosted API answers this case with a generic error, not a validation error.
            raise KontentError(400, 0, "Fallback language not found or inactive")
        fallback_id = fallback.id
    language_id = references.new_object_id(LANGUAGE, new.external_id)
    doc: dict[str, Any] = {"id": language_id, "name": new.name, "codename": new.codename}
    if new.external_id is not None:
        doc["external_id"] = new.external_id
    doc.update({"is_active": new.is_active, "is_default": False, "fallback_language": {"id": fallback_id}})
    await objects.insert(
        conn,
        env_pk,
        LANGUAGE,
        language_id,
        _encode(doc),
        codename=new.codename,
        external_id=new.external_id,
        created_at=now,
    )
    return doc


# -- modify ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Operation:
    index: int
    property_name: str
    value: Any


def parse_operations(body: Any) -> list[Operation]:
    """Check the shape of every `replace` operation before anything is looked up."""
    if not isinstance(body, list):
        raise errors.invalid("The request body must be an array of operations.")
    if not body:
        raise errors.invalid("No patch operations were provided, provide at least one operation.")
    return [_parse_operation(index, raw) for index, raw in enumerate(body)]


def _parse_operation(index: int, raw: Any) -> Operation:
    if not isinstance(raw, dict):
        raise errors.invalid_operation(index, "The operation must be a JSON object.")
    op = raw.get("op")
    if not isinstance(op, str) or op.lower() != "replace":
        raise errors.invalid_operation(
            index, "The value of the 'op' property is missing or invalid. Languages support only 'replace'."
        )
    prop = raw.get("property_name")
    if prop not in PROPERTIES:
        raise errors.invalid_operation(
            index,
            "The value of the 'property_name' property is missing or invalid. Use 'name', 'codename', "
            "'is_active' or 'fallback_language'.",
        )
    if "value" not in raw:
        raise errors.invalid_operation(index, "The 'value' property is required.")
    value = raw["value"]
    if prop == "name" and _name_problem(value) is not None:
        raise errors.invalid_operation(index, NAME_RULE)
    if prop == "codename" and (problem := codenames.validate_language(value)) is not None:
        raise errors.invalid_operation(index, problem)
    if prop == "is_active" and not isinstance(value, bool):
        raise errors.invalid_operation(index, "The value of the 'is_active' property must be true or false.")
    if prop == "fallback_language":
        try:
            value = Reference.parse(value)
        except InvalidReference as exc:
            raise errors.invalid_operation(index, exc.message) from None
    return Operation(index, str(prop), value)


class _Languages:
    """Every language of an environment, in memory: the target changes, the others are read-only."""

    def __init__(self, docs: list[dict[str, Any]], target: dict[str, Any]) -> None:
        self.others = [doc for doc in docs if doc["id"] != target["id"]]
        self.target = target
        self.by_id = {doc["id"]: doc for doc in self.others}
        self.by_id[target["id"]] = target

    def find(self, ref: Reference) -> dict[str, Any] | None:
        if ref.matches(self.target):
            return self.target
        return next((doc for doc in self.others if ref.matches(doc)), None)

    def falls_back_to_target(self, start_id: str) -> bool:
        """Whether following fallbacks from `start_id` reaches the target (a loop through it)."""
        seen: set[str] = set()
        current = start_id
        while current not in seen:
            if current == self.target["id"]:
                return True
            seen.add(current)
            doc = self.by_id.get(current)
            if doc is None or doc["is_default"]:
                return False
            current = doc["fallback_language"]["id"]
        return False

    def active_dependant(self) -> dict[str, Any] | None:
        """An active language that falls back to the target, if any."""
        target_id = self.target["id"]
        return next(
            (doc for doc in self.others if doc["is_active"] and doc["fallback_language"]["id"] == target_id), None
        )


def apply(languages: _Languages, operations: list[Operation]) -> None:
    """Apply the operations in order to `languages.target`, enforcing the module's invariants."""
    doc = languages.target
    # The operation to blame if the final fallback is unusable: the last activation or fallback change.
    blame = 0
    for operation in operations:
        index, prop, value = operation.index, operation.property_name, operation.value
        if not doc["is_active"] and prop != "is_active":
            raise errors.invalid_operation(
                index, "Only active languages can be modified. Activate the language first (in this request or before)."
            )
        if prop == "name":
            doc["name"] = value
        elif prop == "codename":
            if value != doc["codename"] and any(other["codename"] == value for other in languages.others):
                raise errors.invalid_operation(index, f"A language with the codename '{value}' already exists.")
            doc["codename"] = value
        elif prop == "is_active":
            _set_active(languages, index, value)
            blame = index if value else blame
        else:
            _set_fallback(languages, index, value)
            blame = index
    if doc["is_active"] and not doc["is_default"]:
        fallback = languages.by_id.get(doc["fallback_language"]["id"])
        if fallback is None or not fallback["is_active"]:
            raise errors.invalid_operation(blame, FALLBACK_INVALID)


def _set_active(languages: _Languages, index: int, active: bool) -> None:
    doc = languages.target
    if not active and doc["is_active"]:
        if doc["is_default"]:
            raise errors.invalid_operation(index, "The default language cannot be deactivated.")
        dependant = languages.active_dependant()
        if dependant is not None:
            raise errors.invalid_operation(
                index,
                f"The language cannot be deactivated because the active language '{dependant['codename']}' "
                "falls back to it. Change that language's fallback language first.",
            )
    doc["is_active"] = active


def _set_fallback(languages: _Languages, index: int, ref: Reference) -> None:
    doc = languages.target
    fallback = languages.find(ref)
    if doc["is_default"]:
        if fallback is not doc:
            raise errors.invalid_operation(
                index, "The fallback language of the default language cannot be changed; it falls back to itself."
            )
        return
    if fallback is None or not fallback["is_active"]:
        raise errors.invalid_operation(index, FALLBACK_INVALID)
    if fallback is doc:
        raise errors.invalid_operation(index, "A language other than the default language cannot fall back to itself.")
    if languages.falls_back_to_target(fallback["id"]):
        raise errors.invalid_operation(
            index,
            f"The fallback language '{fallback['codename']}' would create a loop: its fallback chain leads back "
            f"to '{doc['codename']}'.",
        )
    doc["fallback_language"] = {"id": fallback["id"]}


async def modify(
    conn: Connection, env_pk: str, ref: Reference | None, operations: list[Operation], now: str
) -> dict[str, Any]:
    await tenancy.lock_environment(conn, env_pk)
    stored = await references.resolve(conn, env_pk, LANGUAGE, ref) if ref is not None else None
    if stored is None:
        raise not_found()
    docs: list[dict[str, Any]] = [msgspec.json.decode(row.data) for row in await objects.all_of(conn, env_pk, LANGUAGE)]
    target: dict[str, Any] = next(doc for doc in docs if doc["id"] == stored.id)
    before = dict(target)
    languages = _Languages(docs, target)
    apply(languages, operations)
    if target != before:
        await objects.save_version(
            conn, env_pk, LANGUAGE, stored, _encode(target), codename=target["codename"], updated_at=now
        )
    return target


# -- handlers -------------------------------------------------------------------------------------


@endpoint
async def list_languages(call: Call) -> Response:
    return await list_stored(call, LANGUAGE, "languages")


@endpoint
async def add_language(call: Call) -> Response:
    new = parse_new(await call.json())
    async with call.services.db.write() as conn:
        doc = await add(conn, call.env.pk, new, clock.stamp())
    return respond(doc, 201)


@endpoint
async def get_language(call: Call) -> Response:
    ref = references.parse_identifier(call.param(LANGUAGE_PARAM))
    data = None
    if ref is not None:
        async with call.services.db.read() as conn:
            data = await references.resolve_data(conn, call.env.pk, LANGUAGE, ref)
    if data is None:
        raise not_found()
    return respond_raw(data)


@endpoint
async def modify_language(call: Call) -> Response:
    ref = references.parse_identifier(call.param(LANGUAGE_PARAM))
    operations = parse_operations(await call.json())
    async with call.services.db.write() as conn:
        doc = await modify(conn, call.env.pk, ref, operations, clock.stamp())
    return respond(doc)
