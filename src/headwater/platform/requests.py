"""Request plumbing shared by both dialects: request ids, bounded body reading, JSON decoding."""

from __future__ import annotations

import secrets
from typing import Any

import msgspec
from starlette.requests import Request


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


class MalformedJson(Exception):
    """The body is not JSON at all (as opposed to JSON of the wrong shape)."""


def new_request_id() -> str:
    return secrets.token_hex(16)


async def read_body(request: Request, limit: int) -> bytes:
    """Read the body, refusing early on Content-Length and again while streaming."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def decode_json(body: bytes) -> Any:
    if not body.strip():
        raise MalformedJson("The request body is empty.")
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedJson(str(exc)) from None
    except RecursionError:
        raise MalformedJson("JSON is nested too deeply") from None


def encode(value: Any) -> bytes:
    return msgspec.json.encode(value)
