"""Kontent.ai continuation-token paging (Management and Subscription APIs).

A token is opaque to clients: base64url of `{"k": kind, "s": seq}`, the object kind of the list and
the `objects.seq` of the last row served. Pages are keyset pages over `seq` (insertion order), so
rows inserted or deleted between two requests are never skipped or served twice: new rows sort after
every existing row and a deleted row simply is not there. The kind inside the token makes a token
from one list useless for another. Clients send the token in the `x-continuation` header (the SDKs)
or as the `continuationToken` query parameter (the `next_page` URL); the header wins when both come.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec
from starlette.requests import Request

from headwater.kontent.errors import KontentError
from headwater.platform.requests import MAX_WIRE_INT
from headwater.storage import objects
from headwater.storage.database import Connection

HEADER = "x-continuation"
QUERY_PARAM = "continuationToken"
INVALID_TOKEN_CODE = 1007
INVALID_TOKEN_MESSAGE = (
    "Query parameter 'continuationToken' is invalid. Please include the valid token specified in the pagination "
    "response."
)
_MAX_TOKEN_LENGTH = 512


def invalid_token() -> KontentError:
    return KontentError(400, INVALID_TOKEN_CODE, INVALID_TOKEN_MESSAGE)


def encode_token(kind: str, last_seq: int) -> str:
    payload = msgspec.json.encode({"k": kind, "s": last_seq})
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def decode_token(token: str, kind: str) -> int:
    """The `seq` to continue after; any token not minted for this kind of list is a 1007."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise invalid_token()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload: Any = msgspec.json.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise invalid_token() from None
    if not isinstance(payload, dict) or payload.get("k") != kind:
        raise invalid_token()
    seq = payload.get("s")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq <= MAX_WIRE_INT:
        raise invalid_token()
    return seq


def token_from(request: Request) -> str | None:
    """The continuation token the client sent, if any (an empty value means none)."""
    token = request.headers.get(HEADER) or request.query_params.get(QUERY_PARAM)
    return token or None


def after_seq(request: Request, kind: str) -> int:
    """Where the requested page starts: 0 for the first page."""
    token = token_from(request)
    return 0 if token is None else decode_token(token, kind)


class Row(Protocol):
    """A stored row whose `data` is a wire document: objects, variants."""

    @property
    def data(self) -> str: ...


@dataclass(slots=True)
class Page:
    rows: Sequence[Row]
    continuation_token: str | None

    def pagination(self, request: Request) -> dict[str, str | None]:
        """The wire `pagination` object; `next_page` is this request's URL with the token as a query."""
        if self.continuation_token is None:
            return {"continuation_token": None, "next_page": None}
        next_page = request.url.remove_query_params(QUERY_PARAM).include_query_params(
            **{QUERY_PARAM: self.continuation_token}
        )
        return {"continuation_token": self.continuation_token, "next_page": str(next_page)}

    def wire(self, list_key: str, request: Request) -> bytes:
        """`{list_key: [...stored documents...], pagination}` without decoding the stored JSON."""
        return b"".join(
            (
                b'{"' + list_key.encode() + b'":[',
                b",".join(row.data.encode() for row in self.rows),
                b'],"pagination":',
                msgspec.json.encode(self.pagination(request)),
                b"}",
            )
        )


async def keyset_page(conn: Connection, env_pk: str, kind: str, after: int, size: int) -> Page:
    """Up to `size` rows after `after`; a token only when at least one more row exists."""
    rows = await objects.page_after(conn, env_pk, kind, after, size + 1)
    if len(rows) <= size:
        return Page(rows, None)
    rows = rows[:size]
    return Page(rows, encode_token(kind, rows[-1].seq))


async def page_for(request: Request, conn: Connection, env_pk: str, kind: str, size: int) -> Page:
    """The page a list request asks for (token validated before any query runs)."""
    return await keyset_page(conn, env_pk, kind, after_seq(request, kind), size)
