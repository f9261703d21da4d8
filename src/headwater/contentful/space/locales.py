"""Locales: `/spaces/{s}/environments/{e}/locales[/{locale_id}]`, and the environment-less short forms
`/spaces/{s}/locales[/{locale_id}]`, which the hosted API routes to `master`.

Rules that span locales (one default, unique codes, fallbacks that exist and never loop, no renaming
or deleting a locale another one falls back to) are checked under the environment's row lock, so
concurrent writes cannot both pass them. `internal_code` is fixed at creation: it keeps naming the
locale's stored content when the public `code` changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, sys
from headwater.contentful.bodies import check_name, invalid, is_locale_code, reject_unknown_keys, type_error
from headwater.contentful.errors import ContentfulError
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, no_content, respond
from headwater.contentful.space import seed
from headwater.contentful.space.spaces import space_url
from headwater.platform import clock, ids
from headwater.storage import objects, tenancy
from headwater.storage.database import Connection, IntegrityViolation
from headwater.storage.objects import StoredObject
from headwater.storage.tenancy import Environment

KIND = seed.LOCALE
# One row per internal code of a deleted locale (id = the internal code): entries may still hold values
# under it, which must never reappear under a new locale ("deletes a locale and all associated content").
RETIRED = "locale_retired"
MASTER = "master"
WRITABLE_KEYS = {
    "name",
    "code",
    "fallbackCode",
    "default",
    "contentManagementApi",
    "contentDeliveryApi",
    "optional",
    "internal_code",  # read-only, but the JS SDK sends it back on update
}
FLAGS = {"contentManagementApi": True, "contentDeliveryApi": True, "optional": False}


@dataclass(slots=True)
class Draft:
    """A locale body that passed the per-field checks; `default` is None when not sent."""

    name: str
    code: str
    fallback_code: str | None
    default: bool | None
    flags: dict[str, bool]


def render_locale(space_id: str, env_id: str, obj: StoredObject) -> dict[str, Any]:
    doc = msgspec.json.decode(obj.data)
    return {
        **doc["fields"],
        "sys": {
            "type": "Locale",
            "id": obj.id,
            "version": obj.version,
            "space": sys.link("Space", space_id),
            "environment": sys.link("Environment", env_id),
            **sys.audit(doc["createdBy"], obj.created_at, doc["updatedBy"], obj.updated_at),
        },
    }


def default_locale_not_deletable() -> ContentfulError:
    return ContentfulError(403, "DefaultLocaleNotDeletable", "Cannot delete a default locale")


def fallback_locale_not_deletable() -> ContentfulError:
    return ContentfulError(403, "FallbackLocaleNotDeletable", "Cannot delete locale which is fallback of another one")


def fallback_locale_not_renameable() -> ContentfulError:
    return ContentfulError(
        403, "FallbackLocaleNotRenameable", "Cannot change the code of a locale which is fallback of another one"
    )


def missing_resource() -> ContentfulError:
    """An empty body: the hosted API answers with this message-less error."""
    return ContentfulError(400, "MissingKey", None, {"key": "resource"})


# -- handlers ------------------------------------------------------------------------------------


def _environment_id(call: Call) -> str:
    env_id: str = call.request.path_params.get("environment_id", MASTER)
    return env_id


@endpoint
async def list_locales(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), _environment_id(call))
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        total, page = await objects.page_offset(conn, env.pk, KIND, skip, limit)
    items = [render_locale(env.container_id, env.id, obj) for obj in page]
    return respond(sys.array(items, total, skip, limit))


@endpoint
async def get_locale(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), _environment_id(call))
    locale_id = call.param("locale_id")
    async with call.services.db.read() as conn:
        obj = await objects.get(conn, env.pk, KIND, locale_id)
    if obj is None:
        raise _not_found(env, locale_id)
    return respond(render_locale(env.container_id, env.id, obj))


@endpoint
async def create_locale(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), _environment_id(call))
    draft = _parse(await call.json_object())
    locale_id = ids.contentful_id()
    now = clock.stamp()
    try:
        async with call.services.db.write() as conn:
            others = await _locked_locales(conn, env)
            _check_rules(draft, others, current=None)
            doc = seed.locale_document(
                draft.name,
                draft.code,
                draft.fallback_code,
                default=False,
                user_id=call.user_id,
                content_management_api=draft.flags["contentManagementApi"],
                content_delivery_api=draft.flags["contentDeliveryApi"],
                optional=draft.flags["optional"],
            )
            fields = doc["fields"]
            assert isinstance(fields, dict)
            retired = {o.id for o in await objects.all_of(conn, env.pk, RETIRED)}
            fields["internal_code"] = _free_internal_code(draft.code, others, retired)
            data = msgspec.json.encode(doc).decode()
            await objects.insert(conn, env.pk, KIND, locale_id, data, codename=draft.code, created_at=now)
    except IntegrityViolation:
        raise errors.validation_failed([_taken(draft.code)]) from None
    created = StoredObject(0, locale_id, draft.code, None, 0, 1, data, now, now)
    location = f"{space_url(call, env.container_id)}/environments/{env.id}/locales/{locale_id}"
    return respond(render_locale(env.container_id, env.id, created), 201, {"Location": location})


@endpoint
async def update_locale(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), _environment_id(call))
    locale_id = call.param("locale_id")
    body = await call.json_object()
    expected = call.version(required=False)
    try:
        async with call.services.db.write() as conn:
            others = await _locked_locales(conn, env)
            current = next((o for o in others if o.id == locale_id), None)
            if current is None:
                raise _not_found(env, locale_id)
            if expected is None or current.version != expected:  # a missing header is a mismatch too
                raise errors.version_mismatch()
            draft = _parse(body)
            others = [o for o in others if o.id != locale_id]
            fields = _fields(current)
            if draft.code != fields["code"] and any(_fields(o)["fallbackCode"] == fields["code"] for o in others):
                raise fallback_locale_not_renameable()
            _check_rules(draft, others, current=fields)
            updated = _replaced(current, draft, call.user_id)
            await objects.update(
                conn,
                env.pk,
                KIND,
                locale_id,
                updated.data,
                codename=updated.codename,
                external_id=updated.external_id,
                position=updated.position,
                version=updated.version,
                updated_at=updated.updated_at,
            )
    except IntegrityViolation:
        raise errors.validation_failed([_taken(str(body.get("code")))]) from None
    return respond(render_locale(env.container_id, env.id, updated))


@endpoint
async def delete_locale(call: Call) -> Response:
    """204. A version header is optional (the SDKs send none) but must match when sent."""
    _, env = await call.environment(call.param("space_id"), _environment_id(call))
    locale_id = call.param("locale_id")
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        others = await _locked_locales(conn, env)
        current = next((o for o in others if o.id == locale_id), None)
        if current is None:
            raise _not_found(env, locale_id)
        if expected is not None and current.version != expected:
            raise errors.version_mismatch()
        fields = _fields(current)
        if fields["default"]:
            raise default_locale_not_deletable()
        if any(_fields(o)["fallbackCode"] == fields["code"] for o in others if o.id != locale_id):
            raise fallback_locale_not_deletable()
        await objects.delete(conn, env.pk, KIND, locale_id)
        internal = fields.get("internal_code") or fields["code"]
        if await objects.get(conn, env.pk, RETIRED, internal) is None:
            await objects.insert(conn, env.pk, RETIRED, internal, "{}", created_at=clock.stamp())
    return no_content()


# -- domain --------------------------------------------------------------------------------------


def _parse(body: dict[str, Any]) -> Draft:
    """Per-field checks of a create or full-replacement update body (422 lists every problem)."""
    if not any(key != "sys" for key in body):
        raise missing_resource()
    reject_unknown_keys(body, WRITABLE_KEYS)
    problems: list[dict[str, Any]] = []
    code = body.get("code")
    if code is None:
        problems.append({"name": "invalid", "path": "code", "value": None})
    elif not isinstance(code, str):
        problems.append(type_error("code", code, "Symbol"))
    elif not is_locale_code(code):
        problems.append(invalid("code", code, f"'{code}' is not a valid locale code."))
    name = check_name(body, problems, default=seed.locale_name(code) if isinstance(code, str) else "")
    fallback = body.get("fallbackCode")
    if fallback == "":
        fallback = None  # the Python SDK's "no fallback" default
    if fallback is not None and not isinstance(fallback, str):
        problems.append(type_error("fallbackCode", fallback, "Symbol"))
    default = body.get("default")
    if default is not None and not isinstance(default, bool):
        problems.append(type_error("default", default, "Boolean"))
    flags: dict[str, bool] = {}
    for key, standard in FLAGS.items():
        value = body.get(key, standard)
        if isinstance(value, bool):
            flags[key] = value
        else:
            problems.append(type_error(key, value, "Boolean"))
    if problems:
        raise errors.validation_failed(problems)
    assert isinstance(code, str) and name is not None
    return Draft(name, code, fallback, default, flags)


def _check_rules(draft: Draft, others: list[StoredObject], current: dict[str, Any] | None) -> None:
    """Rules against the environment's other locales; `current` is the stored fields on update."""
    problems: list[dict[str, Any]] = []
    other_fields = [_fields(o) for o in others]
    if any(f["code"] == draft.code for f in other_fields):
        problems.append(_taken(draft.code))
    is_default = bool(current and current["default"])
    if draft.default is not None and draft.default != is_default:
        details = (
            "The default locale cannot be changed."
            if current is not None
            else "An environment has exactly one default locale; a new locale cannot be the default."
        )
        problems.append(invalid("default", draft.default, details))
    if is_default and draft.fallback_code is not None:
        problems.append(invalid("fallbackCode", draft.fallback_code, "The default locale cannot have a fallback."))
    if is_default and draft.flags["optional"]:
        problems.append(invalid("optional", True, "The default locale cannot be optional."))
    if draft.fallback_code is not None and not is_default:
        problem = _fallback_problem(draft, {f["code"]: f["fallbackCode"] for f in other_fields})
        if problem is not None:
            problems.append(problem)
    if problems:
        raise errors.validation_failed(problems)


def _fallback_problem(draft: Draft, fallbacks: dict[str, str | None]) -> dict[str, Any] | None:
    """The fallback must name another locale, and following fallbacks must never come back."""
    start = draft.fallback_code
    assert start is not None
    if start != draft.code and start not in fallbacks:
        return invalid("fallbackCode", start, f"There is no locale with the code '{start}' in this environment.")
    seen: set[str] = set()
    step: str | None = start
    while step is not None and step not in seen:
        if step == draft.code:
            return invalid("fallbackCode", start, "Fallback locale creates a loop.")
        seen.add(step)
        step = fallbacks.get(step)
    return None


def _free_internal_code(code: str, others: list[StoredObject], retired: set[str]) -> str:
    """`code`, unless content is already stored under it, by another locale (renamed away from `code`) or
    by a deleted one: then `code-1`, `code-2`, …, so no two locales ever share stored values and a
    deleted locale's content never comes back. The hosted API keeps `internal_code` unique too."""
    taken = retired | {_fields(o).get("internal_code") or _fields(o)["code"] for o in others}
    candidate, n = code, 0
    while candidate in taken:
        n += 1
        candidate = f"{code}-{n}"
    return candidate


def _replaced(current: StoredObject, draft: Draft, user_id: str) -> StoredObject:
    """The stored locale after a full-replacement update: `internal_code` and `default` stay as they were."""
    doc = msgspec.json.decode(current.data)
    doc["fields"].update({"name": draft.name, "code": draft.code, "fallbackCode": draft.fallback_code, **draft.flags})
    doc["updatedBy"] = user_id
    return StoredObject(
        current.seq,
        current.id,
        draft.code,
        current.external_id,
        current.position,
        current.version + 1,
        msgspec.json.encode(doc).decode(),
        current.created_at,
        clock.stamp(),
    )


async def _locked_locales(conn: Connection, env: Environment) -> list[StoredObject]:
    """Every locale of the environment, read after taking the environment's row lock."""
    if not await tenancy.lock_environment(conn, env.pk):
        raise errors.not_found("Environment", env.id, space=env.container_id)
    return await objects.all_of(conn, env.pk, KIND)


def _fields(obj: StoredObject) -> dict[str, Any]:
    fields: dict[str, Any] = msgspec.json.decode(obj.data)["fields"]
    return fields


def _taken(code: str) -> dict[str, Any]:
    return {"name": "taken", "path": "code", "value": code}


def _not_found(env: Environment, locale_id: str) -> ContentfulError:
    return errors.not_found("Locale", locale_id, space=env.container_id, environment=env.id)
