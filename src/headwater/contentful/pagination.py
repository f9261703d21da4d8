"""Contentful collection paging: `skip`/`limit` query parameters, limit capped at 1000."""

from __future__ import annotations

from starlette.requests import Request

from headwater.contentful import errors

MAX_LIMIT = 1000


def skip_limit(request: Request, default_limit: int = 100) -> tuple[int, int]:
    skip = _non_negative(request, "skip", 0)
    limit = _non_negative(request, "limit", default_limit)
    return skip, min(limit, MAX_LIMIT)


def _non_negative(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise errors.ContentfulError(
            400,
            "InvalidQuery",
            f'The value provided for "{name}" is invalid. It must be a non-negative integer.',
            {"errors": []},
        )
    return value
