"""The one middleware every request passes: server-level limits and the last line of defence.

Before routing: the URL length (414), U+0000 in the path or query (400, the NUL rule of
`platform.requests`, so no identifier or filter value carrying it reaches storage) and the header size
(431). Each refusal is answered in the owning dialect's error shape (the app passes `refuse`), not with
the HTTP server's empty default; granian's own hard limits (`serve.run`) sit above these, so only
requests beyond both get granian's bare answer.

While the request runs: the body timeout is an idle timeout, so each wait for the next part of the
body may last at most `body_timeout` seconds; a slow but steady upload passes, while a truncated
`Content-Length` body or a chunked body that never ends is answered 408 and its connection closed. A
client that disconnects mid-body is let go quietly (nobody is left to answer). Any other exception that
escapes everything else becomes the dialect's 500 (the app passes `fail`) unless the response has begun.

One layer rather than several: each ASGI middleware costs a call and closures on every request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from headwater.platform.requests import target_holds_nul

log = logging.getLogger("headwater")

Refuse = Callable[[str, int, str], Response]
"""(path, status, message) → the dialect-shaped error response."""
Fail = Callable[[str, str], Response]
"""(path, method) → the dialect-shaped 500."""


class BodyNotReceived(BaseException):
    """Raised from `receive` when the body will not be completed.

    A BaseException (like `CancelledError`) so that the pipelines' `except Exception`, which turns a
    surprise into a logged 500, lets it through to `RequestGuard`'s own handlers.
    """


class BodyReadTimeout(BodyNotReceived):
    """No part of the body arrived in time: answered 408."""


class BodyAbandoned(BodyNotReceived):
    """The client disconnected before the end of the body: nobody to answer."""


class RequestGuard:
    """ASGI middleware: 414, 400 (U+0000), 431 before routing; 408 for stalled bodies; 500 for the rest."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        refuse: Refuse,
        fail: Fail,
        max_url_bytes: int,
        max_header_bytes: int,
        body_timeout: float,
    ) -> None:
        self.app = app
        self.refuse = refuse
        self.fail = fail
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes
        self.body_timeout = body_timeout if body_timeout > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "/")
        if url_bytes(scope) > self.max_url_bytes:
            message = f"The request URL is too long. The maximum length is {self.max_url_bytes} bytes."
            await self.refuse(path, 414, message)(scope, receive, send)
            return
        if target_holds_nul(path, scope.get("query_string", b"")):
            message = "The request URL contains the character U+0000, which is not allowed."
            await self.refuse(path, 400, message)(scope, receive, send)
            return
        size, has_body = header_facts(scope)
        if size > self.max_header_bytes:
            message = f"The request headers are too large. The maximum total size is {self.max_header_bytes} bytes."
            await self.refuse(path, 431, message)(scope, receive, send)
            return

        started = False
        body_done = not has_body

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        async def guarded_receive() -> Message:
            nonlocal body_done
            # Only the wait for body parts is guarded: after the body (or once answering), `receive`
            # waits for a disconnect, which may rightly take as long as the response does.
            if body_done or started:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                raise BodyReadTimeout from None
            if message["type"] == "http.disconnect":
                raise BodyAbandoned
            if not message.get("more_body", False):
                body_done = True
            return message

        method: str = scope.get("method", "GET")
        try:
            # No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body to wait for.
            await self.app(scope, guarded_receive if has_body else receive, tracking_send)
        except BodyReadTimeout:
            log.info("request body stalled for %ss: %s %s", self.body_timeout, method, path)
            if started:
                return
            message = f"The request body was not received in time: no part of it arrived for {self.body_timeout:g} s."
            response = self.refuse(path, 408, message)
            # The rest of the body may still arrive; the connection cannot be reused.
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
        except BodyAbandoned:
            log.info("client left before the end of the body: %s %s", method, path)
        except Exception:
            log.exception("unhandled error in %s %s", method, path)
            if started:
                raise
            await self.fail(path, method)(scope, receive, send)


def url_bytes(scope: Scope) -> int:
    """Length of the request target as sent: raw path, plus `?` and the query string."""
    raw_path: bytes | None = scope.get("raw_path")
    size = len(raw_path) if raw_path else len(scope.get("path", "/").encode())
    query: bytes = scope.get("query_string", b"")
    return size + (1 + len(query) if query else 0)


def header_facts(scope: Scope) -> tuple[int, bool]:
    """The headers' total size (what proxies and CDNs bound), and whether they announce a body
    (Content-Length or Transfer-Encoding; HTTP/2 bodies need neither, so HTTP/2 always counts)."""
    size = 0
    has_body = scope.get("http_version") == "2"
    for name, value in scope.get("headers", ()):
        size += len(name) + len(value)
        if name == b"content-length" or name == b"transfer-encoding":
            has_body = True
    return size, has_body
