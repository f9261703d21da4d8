"""Contentful collection paging: `skip`/`limit` query parameters, limit capped at 1000.

Both are ASCII digits up to SQL's BIGINT (`platform.requests.parse_wire_int`); anything else, including
`+1`, `1_0` and numbers past 2**63 - 1, is 400 `InvalidQuery`.
"""

from __future__ import annotations

from starlette.requests import Request

from headwater.contentful import errors
from headwater.platform.requests import parse_wire_int

MAX_LIMIT = 1000


def skip_limit(request: Request, default_limit: int = 100) -> tuple[int, int]:
    skip = _non_negative(request, "skip", 0)
    limit = _non_negative(request, "limit", default_limit)
    return skip, min(limit, MAX_LIMIT)


def _non_negative(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = parse_wire_int(raw)
    if value is None:
        raise errors.ContentfulError(
            400,
            "InvalidQuery",
            f'The value provided for "{name}" is invalid. It must be a non-negative integer.',
            {"errors": []},
        )
    return value
