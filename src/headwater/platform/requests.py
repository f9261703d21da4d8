"""Request plumbing shared by both dialects: request ids, bounded body reading, JSON decoding, the
media-type check, strict integers from headers and query strings, and the NUL rule.

Every rule about raw input lives here once, so each endpoint inherits it:

- A body must be UTF-8 JSON; invalid UTF-8 (even inside a string) is malformed JSON, not a crash, and
  so is JSON nested deeper than `MAX_JSON_DEPTH`.
- U+0000 is refused everywhere a client can put it (JSON strings and keys, path segments, query
  values): PostgreSQL cannot store it in text, and the hosted APIs refuse control characters in
  identifiers. One rule for both backends keeps stored data portable between them.
- Integers from the wire are ASCII digits only (`1_0`, `+1`, ` 1`, `１` are not numbers) and bounded
  before they reach SQL.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import msgspec
from starlette.requests import Request

# How deeply a JSON body may nest. Real documents stay far below (Contentful rich text and Kontent.ai
# components with six levels of nesting need a few dozen; a taxonomy at its 100-term depth limit about
# 200); anything deeper is refused before a domain module walks it recursively (Python's recursion
# limit would turn it into a 500).
MAX_JSON_DEPTH = 256
# The largest integer any query parameter, header or token field may carry: SQL's BIGINT.
MAX_WIRE_INT = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")
_NUL_ESCAPE = b"\\u0000"


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


class MalformedJson(Exception):
    """The body is not JSON at all (as opposed to JSON of the wrong shape)."""


class NulCharacter(Exception):
    """A JSON string or key holds U+0000."""


class UnsupportedMediaType(Exception):
    """A body arrived with a `Content-Type` the endpoint does not read (or with none)."""

    def __init__(self, media_type: str | None) -> None:
        self.media_type = media_type
        if media_type is None:
            message = "The request has a body but no Content-Type header; send Content-Type: application/json."
        else:
            message = f"The Content-Type '{media_type}' is not supported; send Content-Type: application/json."
        super().__init__(message)


def new_request_id() -> str:
    return secrets.token_hex(16)


def parse_wire_int(raw: str) -> int | None:
    """A non-negative integer written as 1–19 ASCII digits and at most `MAX_WIRE_INT`, else None."""
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= MAX_WIRE_INT else None


def media_type(request: Request) -> str | None:
    """The request's media type without parameters, lower-cased; None when the header is absent."""
    raw = request.headers.get("content-type")
    if raw is None:
        return None
    return raw.split(";", 1)[0].strip().lower()


def is_json_media_type(value: str) -> bool:
    """`application/json`, `text/json` and every `…+json` type (the CMA's vendor type, JSON Patch)."""
    kind, _, subtype = value.partition("/")
    return kind in {"application", "text"} and (subtype == "json" or subtype.endswith("+json"))


async def read_body(request: Request, limit: int) -> bytes:
    """Read the body, refusing early on Content-Length and again while streaming."""
    declared = request.headers.get("content-length")
    if declared is not None:
        size = parse_wire_int(declared)
        if size is not None and size > limit:
            raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json_body(request: Request, limit: int) -> Any:
    """The decoded JSON body, after the media-type check (a body needs a JSON `Content-Type`)."""
    kind = media_type(request)
    if kind is not None and not is_json_media_type(kind):
        raise UnsupportedMediaType(kind)
    body = await read_body(request, limit)
    if kind is None and body.strip():
        raise UnsupportedMediaType(None)
    return decode_json(body)


def decode_json(body: bytes) -> Any:
    if not body.strip():
        raise MalformedJson("The request body is empty.")
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedJson(str(exc)) from None
    except UnicodeDecodeError:
        raise MalformedJson("The request body is not valid UTF-8.") from None
    except RecursionError:
        raise MalformedJson(f"JSON is nested too deeply: at most {MAX_JSON_DEPTH} levels are allowed.") from None
    # Depth cannot exceed the number of brackets, so most bodies skip the walk.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        raise MalformedJson(f"JSON is nested too deeply: at most {MAX_JSON_DEPTH} levels are allowed.")
    # Only an escaped NUL can produce U+0000 (a raw one is invalid JSON), so most bodies skip the walk.
    if _NUL_ESCAPE in body and _holds_nul(value):
        raise NulCharacter("The request body contains the character U+0000, which is not allowed in any value.")
    return value


def _depth(value: Any) -> int:
    """The nesting depth of decoded JSON (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
            stack.extend((inner, depth) for inner in item)
    return deepest


def _holds_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            for key, inner in item.items():
                if "\x00" in key:
                    return True
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return False


def target_holds_nul(path: str, query_string: bytes) -> bool:
    """Whether the decoded path or any decoded query value holds U+0000."""
    if "\x00" in path:
        return True
    # `%00` is the only spelling of U+0000 in a query string (hex digits have no case).
    return b"%00" in query_string or b"\x00" in query_string


def encode(value: Any) -> bytes:
    return msgspec.json.encode(value)
