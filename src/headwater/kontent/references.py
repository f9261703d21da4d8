"""References (`{id}` | `{codename}` | `{external_id}`) and URL identifiers, resolved in one place.

Every Kontent.ai resource is addressed the same three ways, in bodies and in URLs. An object created
with an external id gets the id `guid_for_external_id(kind, external_id)`, so a reference by external
id made before the object existed (a dangling reference) points at the id the object later gets.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.kontent.errors import KontentError
from headwater.platform import ids
from headwater.storage import objects
from headwater.storage.database import Connection
from headwater.storage.objects import LookupColumn, StoredObject

MAX_EXTERNAL_ID_LENGTH = 255
FORBIDDEN_EXTERNAL_ID_CHARS = ("/", ".", ";")
REFERENCE_SHAPE = "A reference must be an object with exactly one of the properties 'id', 'codename' or 'external_id'."

ASGIHandler = Callable[[Request], Awaitable[Response]]


class InvalidReference(ValueError):
    """A malformed reference; the message is written for the API client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def validate_external_id(value: object) -> str | None:
    """Why `value` cannot be an external id, or None when it can.

    The hosted API forbids `/`, `.` and `;` in external ids used in references; the same rule applies to
    the `external_id` property, otherwise an object could be created that nothing can reference. The
    length cap is the width of the storage column.
    """
    if not isinstance(value, str):
        return "The external_id must be a string."
    if not value:
        return "The external_id must not be empty."
    if len(value) > MAX_EXTERNAL_ID_LENGTH:
        return f"The external_id is too long; external ids fit within {MAX_EXTERNAL_ID_LENGTH} characters."
    if any(ch in value for ch in FORBIDDEN_EXTERNAL_ID_CHARS):
        return f"The external_id '{value}' is invalid: external ids must not contain '/', '.' or ';'."
    return None


@dataclass(frozen=True, slots=True)
class Reference:
    """Exactly one of `id` (a normalized GUID), `codename` or `external_id` is set."""

    id: str | None = None
    codename: str | None = None
    external_id: str | None = None

    @classmethod
    def parse(cls, value: Any) -> Reference:
        """A reference from decoded JSON; null properties count as absent, unknown ones are ignored."""
        if not isinstance(value, dict):
            raise InvalidReference(REFERENCE_SHAPE)
        given = {key: value[key] for key in ("id", "codename", "external_id") if value.get(key) is not None}
        if len(given) != 1:
            raise InvalidReference(REFERENCE_SHAPE)
        key, raw = next(iter(given.items()))
        if key == "id":
            if not isinstance(raw, str) or not ids.is_guid(raw):
                raise InvalidReference(f"The id {_show(raw)} in the reference is not a valid GUID.")
            return cls(id=ids.normalize_guid(raw))
        if key == "codename":
            if not isinstance(raw, str) or not raw:
                raise InvalidReference("The codename in the reference must be a nonempty string.")
            return cls(codename=raw)
        problem = validate_external_id(raw)
        if problem is not None:
            raise InvalidReference(problem)
        return cls(external_id=raw)

    def matches(self, obj: Mapping[str, Any]) -> bool:
        """Whether this reference names `obj` (a wire document with id/codename/external_id)."""
        if self.id is not None:
            return bool(obj.get("id") == self.id)
        if self.codename is not None:
            return bool(obj.get("codename") == self.codename)
        return self.external_id is not None and obj.get("external_id") == self.external_id

    def describe(self) -> str:
        """The reference as the hosted API prints it in messages: `{codename: x}`."""
        if self.id is not None:
            return f"{{id: {self.id}}}"
        if self.codename is not None:
            return f"{{codename: {self.codename}}}"
        return f"{{external_id: {self.external_id}}}"


def _show(raw: object) -> str:
    return f"'{raw}'" if isinstance(raw, str) else "value"


def lookup_key(ref: Reference) -> tuple[LookupColumn, str]:
    """The indexed column and value that find what `ref` names."""
    if ref.id is not None:
        return "id", ref.id
    if ref.codename is not None:
        return "codename", ref.codename
    assert ref.external_id is not None
    return "external_id", ref.external_id


async def resolve(conn: Connection, env_pk: str, kind: str, ref: Reference) -> StoredObject | None:
    """The stored object `ref` names, or None."""
    column, value = lookup_key(ref)
    return await objects.get_by(conn, env_pk, kind, column, value)


async def resolve_data(conn: Connection, env_pk: str, kind: str, ref: Reference) -> str | None:
    """Just the stored document `ref` names: the hot path of single-object GETs."""
    column, value = lookup_key(ref)
    return await objects.get_data(conn, env_pk, kind, column, value)


def target_id(kind: str, ref: Reference) -> str | None:
    """The id `ref` points at even when nothing carries it yet (None for codenames, which cannot dangle)."""
    if ref.id is not None:
        return ref.id
    if ref.external_id is not None:
        return ids.guid_for_external_id(kind, ref.external_id)
    return None


def new_object_id(kind: str, external_id: str | None) -> str:
    """The id of a new object: derived from its external id when it has one, so dangling refs resolve."""
    return ids.guid_for_external_id(kind, external_id) if external_id is not None else ids.new_guid()


# -- identifiers in URLs --------------------------------------------------------------------------


class IdentifierConvertor(Convertor[str]):
    """One URL segment slot for the three identifier forms: `{id}`, `codename/{c}`, `external-id/{e}`.

    A single route per resource (rather than three) keeps the URL table readable, gives a wrong method
    one 405 listing every allowed method, and nests (`/items/{item}/variants/{language}`) without
    ambiguity, because each form is exactly one or two segments.
    """

    regex = "codename/[^/]+|external-id/[^/]+|[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


CONVERTOR = "kontent_identifier"
register_url_convertor(CONVERTOR, IdentifierConvertor())


def identifier(name: str) -> str:
    """The route template slot for an identifier named `name`, e.g. `{language:kontent_identifier}`."""
    return f"{{{name}:{CONVERTOR}}}"


def parse_identifier(raw: str) -> Reference | None:
    """The reference a URL identifier spells; None when it cannot name anything (e.g. a malformed id).

    Callers answer None with their resource's 404, as for an unknown object.
    """
    if raw.startswith("codename/"):
        codename = raw.removeprefix("codename/")
        return Reference(codename=codename) if codename else None
    if raw.startswith("external-id/"):
        external_id = raw.removeprefix("external-id/")
        return Reference(external_id=external_id) if validate_external_id(external_id) is None else None
    return Reference(id=ids.normalize_guid(raw)) if ids.is_guid(raw) else None


def method_route(path: str, handlers: Mapping[str, ASGIHandler]) -> Route:
    """One route carrying several methods, so a wrong method gets a 405 whose `Allow` lists them all."""

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    dispatch.__name__ = "_".join(handler.__name__ for handler in handlers.values())
    return Route(path, dispatch, methods=list(handlers))


def identifier_route(base: str, name: str, handlers: Mapping[str, ASGIHandler]) -> Route:
    """The route of one object of a resource in all three identifier forms: `{base}/{name}`.

    Handlers read the identifier with `parse_identifier(call.param(name))`.
    """
    return method_route(f"{base}/{identifier(name)}", handlers)


def placement(
    operation: dict[str, Any], fail: Callable[[str], KontentError], *, required: bool
) -> tuple[str, Any, int] | None:
    """The `before`/`after` property of a patch operation: (name, raw reference, insertion offset).

    One rule for every reference-placed patch (collections, taxonomy terms, type elements, options).
    """
    before, after = operation.get("before"), operation.get("after")
    if before is not None and after is not None:
        raise fail("The 'before' and 'after' properties are mutually exclusive.")
    if before is not None:
        return "before", before, 0
    if after is not None:
        return "after", after, 1
    if required:
        raise fail("Provide exactly one of the properties 'before' or 'after'.")
    return None
