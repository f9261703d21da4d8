"""Build the ASGI application from `Settings`: both dialects, health probes, dialect-shaped errors.

The Kontent.ai dialect owns `/v2/…`; everything else is the Contentful CMA (its hosted API lives at
the root of its host). Unknown routes and wrong methods are answered in the owning dialect's format,
never with a framework default body.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import msgspec
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from headwater import health
from headwater.config import Settings
from headwater.contentful import errors as contentful_errors
from headwater.contentful.routes import routes as contentful_routes
from headwater.kontent import errors as kontent_errors
from headwater.kontent.content import schedule as kontent_schedule
from headwater.kontent.routes import routes as kontent_routes
from headwater.platform import routing
from headwater.platform.requestguard import RequestGuard
from headwater.platform.requests import new_request_id
from headwater.platform.scheduler import Scheduler
from headwater.services import Services

KONTENT_PREFIX = "/v2/"
KONTENT_V1_PREFIX = "/v1/projects/"


def is_kontent(path: str) -> bool:
    """Kontent.ai paths: the v2 API and the v1 item paths older tools still call; the rest is Contentful."""
    return path.startswith((KONTENT_PREFIX, KONTENT_V1_PREFIX)) or path == "/v2"


def error_response(path: str, status: int, method: str, allow: str = "") -> Response:
    request_id = new_request_id()
    if is_kontent(path):
        if status == 405:
            return kontent_errors.method_not_allowed(method, allow).response(request_id)
        if status == 404:
            return kontent_errors.route_not_found(path).response(request_id)
        return kontent_errors.internal_error().response(request_id)
    if status in (404, 405):
        # The hosted CMA answers a wrong method like an unknown path (404 UnknownRoute).
        return contentful_errors.unknown_route().response(request_id)
    return contentful_errors.server_error().response(request_id)


# The hosted CMA documents no body for these; ids follow the reason phrase, like RequestEntityTooLarge.
CONTENTFUL_LIMIT_IDS = {408: "RequestTimeout", 414: "RequestUriTooLong", 431: "RequestHeaderFieldsTooLarge"}


def limit_response(path: str, status: int, message: str) -> Response:
    """A request refused by the server-level limits (400, 408, 414, 431), in the dialect's error shape."""
    request_id = new_request_id()
    if is_kontent(path):
        return kontent_errors.KontentError(status, 0, message).response(request_id)
    error_id = CONTENTFUL_LIMIT_IDS.get(status, "BadRequest")
    return contentful_errors.ContentfulError(status, error_id, message).response(request_id)


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    allow = (exc.headers or {}).get("Allow", "")
    return error_response(request.url.path, exc.status_code, request.method, allow)


def server_error(path: str, method: str) -> Response:
    """The dialect-shaped 500 for an exception that escaped everything else (`RequestGuard`)."""
    return error_response(path, 500, method)


async def bench_hello(request: Request) -> Response:
    """The benchmark baseline: a bare Starlette JSON endpoint on the same server."""
    return Response(msgspec.json.encode({"hello": "world"}), media_type="application/json")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = await Services.start(settings)
        app.state.services = services
        scheduler = Scheduler(services.db, [kontent_schedule.run_due], settings.scheduler_interval_seconds)
        app.state.scheduler = scheduler
        scheduler.start()
        try:
            yield
        finally:
            await scheduler.stop()
            await services.stop()

    routes: list[BaseRoute] = [
        Route("/healthz", health.healthz, methods=["GET"]),
        Route("/readyz", health.readyz, methods=["GET"]),
    ]
    if settings.bench_routes:
        routes.append(Route("/_bench/hello", bench_hello, methods=["GET"]))
    routes += kontent_routes
    routes += contentful_routes
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
    # Limits before routing, the body timeout, and the last line of defence, in one layer.
    app.add_middleware(
        RequestGuard,
        refuse=limit_response,
        fail=server_error,
        max_url_bytes=settings.max_url_bytes,
        max_header_bytes=settings.max_header_bytes,
        body_timeout=settings.body_timeout_seconds,
    )
    # Neither hosted API redirects `…/types/` to `…/types`; an empty 307 is no dialect's answer, so a
    # trailing slash is an unknown route like any other.
    app.router.redirect_slashes = False
    app.router.routes = routing.indexed(app.router.routes)
    return app


def create_app_from_env() -> Starlette:
    """Factory target for granian workers: settings arrive as `HEADWATER_*` variables."""
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper())
    return create_app(settings)
