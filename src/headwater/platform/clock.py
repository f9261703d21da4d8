"""Time in one place: stored as ISO-8601 UTC text, rendered per dialect."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """Storage form: microsecond ISO-8601 with a `Z` suffix (sorts lexically)."""
    moment = moment or now()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def kontent(text: str) -> str:
    """Kontent.ai renders seven fractional digits (.NET ticks)."""
    return text[:-1] + "0Z" if text.endswith("Z") and len(text) == 27 else text


def contentful(text: str) -> str:
    """Contentful renders milliseconds."""
    return text[:23] + "Z" if len(text) >= 24 else text
