"""`sys` objects and links as the hosted CMA renders them."""

from __future__ import annotations

from typing import Any

from headwater.platform import clock


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


def user_link(user_id: str) -> dict[str, Any]:
    return link("User", user_id)


def audit(created_by: str, created_at: str, updated_by: str, updated_at: str) -> dict[str, Any]:
    """The created/updated quartet, in the hosted API's key order."""
    return {
        "createdBy": user_link(created_by),
        "createdAt": clock.contentful(created_at),
        "updatedBy": user_link(updated_by),
        "updatedAt": clock.contentful(updated_at),
    }


def array(items: list[Any], total: int, skip: int, limit: int) -> dict[str, Any]:
    return {"total": total, "limit": limit, "skip": skip, "sys": {"type": "Array"}, "items": items}


def timestamp(value: str | None) -> str | None:
    """A stored timestamp as the CMA renders it (millisecond ISO, `Z`)."""
    return clock.contentful(value) if value is not None else None
