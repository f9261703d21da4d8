"""The request pipeline of every Contentful CMA endpoint.

Authenticate the personal access token (401 `AccessTokenInvalid`), apply the per-space rate limit
(headers on every response when emulating), run the handler, render `ContentfulError`s. Every
response carries `X-Contentful-Request-Id`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from headwater.contentful import errors
from headwater.contentful.errors import ContentfulError
from headwater.platform.auth import Principal, Verdict
from headwater.platform.requests import (
    BodyTooLarge,
    MalformedJson,
    NulCharacter,
    UnsupportedMediaType,
    new_request_id,
    parse_wire_int,
    read_json_body,
)
from headwater.services import Services
from headwater.storage import tenancy
from headwater.storage.tenancy import Environment, Space

log = logging.getLogger("headwater.contentful")

MEDIA_TYPE = errors.MEDIA_TYPE
TOKEN_KINDS = ("contentful_pat",)


_UNREAD = object()
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(slots=True)
class Call:
    """One authenticated CMA request; `user_id` is the token's owner."""

    request: Request
    request_id: str
    services: Services
    principal: Principal
    headers: dict[str, str] = field(default_factory=dict)
    _body: Any = field(default=_UNREAD)

    @property
    def user_id(self) -> str:
        return self.principal.owner_id

    def param(self, name: str) -> str:
        value: str = self.request.path_params[name]
        return value

    async def json(self) -> Any:
        """The decoded JSON body (read once; the pipeline may already have read it)."""
        if self._body is not _UNREAD:
            return self._body
        try:
            self._body = await read_json_body(self.request, self.services.settings.max_body_bytes)
            return self._body
        except BodyTooLarge as exc:
            raise errors.payload_too_large(exc.limit) from None
        except UnsupportedMediaType as exc:
            raise errors.unsupported_media_type(str(exc)) from None
        except MalformedJson as exc:
            raise errors.invalid_json(str(exc)) from None
        except NulCharacter as exc:
            raise errors.bad_request(str(exc)) from None

    def body_announced(self) -> bool:
        headers = self.request.headers
        length = headers.get("content-length")
        return length.strip() not in ("", "0") if length is not None else "transfer-encoding" in headers

    async def json_object(self) -> dict[str, Any]:
        body = await self.json()
        if not isinstance(body, dict):
            raise errors.bad_request("The request body must be a JSON object.")
        return body

    def version(self, required: bool = True) -> int | None:
        """`X-Contentful-Version` as an integer; a missing header on an update is a version mismatch."""
        raw = self.request.headers.get("x-contentful-version")
        if raw is None:
            if required:
                raise errors.version_mismatch()
            return None
        version = parse_wire_int(raw.strip())
        if version is None:
            raise errors.bad_request(f"The X-Contentful-Version header must be a non-negative integer, got '{raw}'.")
        return version

    async def space(self, space_id: str) -> Space:
        """The space, if it exists and the token's user belongs to its organization."""
        async with self.services.db.read() as conn:
            space = await tenancy.get_space(conn, space_id)
            if space is None or not await tenancy.is_member(conn, space.organization_id, self.user_id):
                raise errors.not_found("Space", space_id)
        return space

    async def environment(self, space_id: str, environment_id: str) -> tuple[Space, Environment]:
        found = await self.services.environments.contentful_member(space_id, environment_id, self.user_id)
        if found is not None:
            return found
        space = await self.space(space_id)
        async with self.services.db.read() as conn:
            env = await tenancy.contentful_environment(conn, space_id, environment_id)
        if env is None:
            raise errors.not_found("Environment", environment_id, space=space_id)
        return space, env


def respond(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(msgspec.json.encode(value), status, headers, MEDIA_TYPE)


def no_content() -> Response:
    return Response(status_code=204)


async def authenticate(services: Services, request: Request) -> Principal:
    result = await services.auth.authenticate(request.headers.get("authorization"), TOKEN_KINDS)
    if result.verdict is Verdict.OK and result.principal is not None:
        return result.principal
    raise errors.access_token_invalid()


Handler = Callable[[Call], Awaitable[Response]]


def endpoint(handler: Handler, *, raw_body: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with auth, rate limiting, request ids and error rendering; `raw_body` handlers
    (uploads) read their bytes themselves instead of a JSON body."""

    async def run(request: Request) -> Response:
        request_id = new_request_id()
        services: Services = request.app.state.services
        limit_headers: dict[str, str] = {}
        try:
            principal = await authenticate(services, request)
            if services.limiter is not None:
                bucket = request.path_params.get("space_id") or f"user:{principal.owner_id}"
                decision = await services.limiter.hit_contentful(bucket)
                limit_headers = decision.headers()
                if not decision.allowed:
                    raise errors.rate_limited()
            call = Call(request, request_id, services, principal)
            if request.method in BODY_METHODS and not raw_body and call.body_announced():
                # Every JSON write's body obeys the raw-input rules (JSON media type, UTF-8, no U+0000),
                # also where the action ignores it (publish, archive, process), before anything changes.
                await call.json()
            response = await handler(call)
        except ContentfulError as exc:
            return exc.response(request_id, limit_headers)
        except Exception:
            log.exception("unhandled error in %s %s", request.method, request.url.path)
            return errors.server_error().response(request_id, limit_headers)
        response.headers["X-Contentful-Request-Id"] = request_id
        for name, value in limit_headers.items():
            response.headers[name] = value
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def raw_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """`endpoint` for a handler whose body is bytes, not JSON (uploads)."""
    return endpoint(handler, raw_body=True)
