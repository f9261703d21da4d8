"""The request pipeline of every environment-scoped Kontent.ai endpoint.

Order matters and matches the hosted API: authenticate the key (401), resolve the environment and
check the key's project owns it (403), apply the rate limit (429), then run the handler. Handlers are
thin: they read the `Call`, call a domain module and return `respond(...)`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from headwater.kontent import errors, pagination
from headwater.kontent.errors import KontentError
from headwater.platform import ids
from headwater.platform.auth import Principal, Verdict
from headwater.platform.requests import (
    BodyTooLarge,
    MalformedJson,
    NulCharacter,
    UnsupportedMediaType,
    new_request_id,
    read_json_body,
)
from headwater.services import Services
from headwater.storage.tenancy import Environment

log = logging.getLogger("headwater.kontent")

MEDIA_TYPE = errors.MEDIA_TYPE
MANAGEMENT_KEY_KINDS = ("kontent_management",)

T = TypeVar("T")


@dataclass(slots=True)
class Call:
    """One authenticated request against one environment."""

    request: Request
    request_id: str
    services: Services
    env: Environment
    principal: Principal

    def param(self, name: str) -> str:
        value: str = self.request.path_params[name]
        return value

    async def json(self) -> Any:
        try:
            return await read_json_body(self.request, self.services.settings.max_body_bytes)
        except BodyTooLarge as exc:
            raise errors.payload_too_large(exc.limit) from None
        except UnsupportedMediaType as exc:
            raise errors.unsupported_media_type(str(exc)) from None
        except MalformedJson as exc:
            raise errors.invalid(f"The request body is not valid JSON: {exc}") from None
        except NulCharacter as exc:
            raise errors.invalid(str(exc)) from None

    async def optional_json(self) -> Any:
        """The decoded body of an endpoint whose body is optional (publish, validate): None when the
        request announces none; a body that is sent must still be JSON under a JSON media type."""
        headers = self.request.headers
        length = headers.get("content-length")
        sent = length.strip() not in ("", "0") if length is not None else "transfer-encoding" in headers
        return await self.json() if sent else None

    async def body_as(self, model: type[T]) -> T:
        return convert(await self.json(), model)


def convert(value: Any, model: type[T]) -> T:
    """Validate decoded JSON against a wire model; mismatches become error_code 5."""
    try:
        return msgspec.convert(value, model)
    except msgspec.ValidationError as exc:
        raise errors.invalid(_describe(exc)) from None


def _describe(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    message, _, path = text.partition(" - at `")
    if path:
        return f"{message} at '{path.rstrip('`')}'."
    return text if text.endswith(".") else text + "."


def respond(value: Any, status: int = 200) -> Response:
    return Response(msgspec.json.encode(value), status, media_type=MEDIA_TYPE)


def respond_raw(body: bytes | str, status: int = 200) -> Response:
    """A stored document sent as it is (no decode/encode on the hot path)."""
    return Response(body, status, media_type=MEDIA_TYPE)


async def list_stored(call: Call, kind: str, list_key: str) -> Response:
    """A paginated list of stored wire documents (`{list_key: [...], pagination}`)."""
    after = pagination.after_seq(call.request, kind)
    async with call.services.db.read() as conn:
        page = await pagination.keyset_page(conn, call.env.pk, kind, after, call.services.settings.kontent_page_size)
    return respond_raw(page.wire(list_key, call.request))


def no_content() -> Response:
    return Response(status_code=204)


async def authenticate(services: Services, request: Request, kinds: tuple[str, ...]) -> Principal:
    result = await services.auth.authenticate(request.headers.get("authorization"), kinds)
    verdict = result.verdict
    if verdict is Verdict.OK and result.principal is not None:
        return result.principal
    if verdict is Verdict.MISSING:
        raise errors.unauthorized(
            "The request is missing the API key. Provide it in the Authorization header as 'Bearer <API key>'."
        )
    if verdict is Verdict.MALFORMED:
        raise errors.unauthorized(
            "The provided API key is in the wrong format. Use the Authorization header as 'Bearer <API key>'."
        )
    if verdict is Verdict.EXPIRED:
        raise errors.unauthorized("The provided API key expired. Create a new API key for your project.")
    if verdict is Verdict.REVOKED:
        raise errors.forbidden(7, "The provided API key was revoked. Create a new API key for your project.")
    raise errors.unauthorized("The provided API key is invalid. Check that you use the current API key.")


async def resolve_environment(services: Services, principal: Principal, environment_id: str) -> Environment:
    if not ids.is_guid(environment_id):
        raise errors.KontentError(
            400, 0, f"The environment ID '{environment_id}' is not valid. Environment IDs are GUIDs."
        )
    env = await services.environments.kontent(ids.normalize_guid(environment_id))
    if env is None or env.container_id != principal.owner_id:
        raise errors.forbidden(
            4, "The specified API key does not provide the permissions required to access the environment."
        )
    return env


Handler = Callable[[Call], Awaitable[Response]]


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with auth, environment resolution, rate limiting and error rendering."""

    async def run(request: Request) -> Response:
        request_id = new_request_id()
        services: Services = request.app.state.services
        try:
            principal = await authenticate(services, request, MANAGEMENT_KEY_KINDS)
            env = await resolve_environment(services, principal, request.path_params["environment_id"])
            if services.limiter is not None:
                decision = await services.limiter.hit_kontent(env.id)
                if not decision.allowed:
                    raise errors.too_many_requests(decision.retry_after)
            response = await handler(Call(request, request_id, services, env, principal))
        except KontentError as exc:
            return exc.response(request_id)
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.url.path)
            return errors.internal_error().response(request_id)
        response.headers["X-Request-Id"] = request_id
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
