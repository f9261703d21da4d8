"""Contentful entry scenarios: create, update (versioned full replacement) and publish rates.

The content set: one activated content type `benchEntry` with a Symbol title, a Text body, an Integer
count and an Entry link, and `ENTRIES` entries (each linking an earlier one) made before measuring.

- create: `POST …/entries` with `X-Contentful-Content-Type` (one request; the entries stay);
- update: `PUT …/entries/{id}` with `X-Contentful-Version`, every field changed each time;
- publish: `PUT …/entries/{id}/published` with the current version (a republish: the hosted API
  allows publishing a published entry, and every publish validates fields and links and writes a
  snapshot);
- update + publish: both requests, the editor's "change and publish" (one operation, two requests).

Versions are tracked per entry: an operation takes an entry out of a free pool, so no two connections
ever hold the same entry and no request meets a version conflict; it puts the entry back with the
version the response carried.
"""

from __future__ import annotations

import collections
import itertools
import json
import urllib.request
from typing import Any

from bench.loadgen import Client, Scenario

ENTRIES = 500
TYPE_ID = "benchEntry"
CONTENT_TYPE = {
    "name": "Bench entry",
    "displayField": "title",
    "fields": [
        {"id": "title", "name": "Title", "type": "Symbol", "required": True},
        {"id": "body", "name": "Body", "type": "Text"},
        {"id": "count", "name": "Count", "type": "Integer"},
        {"id": "related", "name": "Related", "type": "Link", "linkType": "Entry"},
    ],
}
MEDIA_TYPE = "application/vnd.contentful.management.v1+json"


def _fields(n: int, locale: str, related: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": {locale: f"Entry {n}"},
        "body": {locale: f"Body of entry {n}. " * 8},
        "count": {locale: n},
    }
    if related is not None:
        fields["related"] = {locale: {"sys": {"type": "Link", "linkType": "Entry", "id": related}}}
    return fields


def _call(url: str, method: str, token: str, body: Any = None, **headers: str) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", MEDIA_TYPE)
    for name, value in headers.items():
        req.add_header(name.replace("_", "-"), value)
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


class _Pool:
    """Entries not in use by any connection, with their current version."""

    def __init__(self, entries: list[tuple[str, int]]) -> None:
        self.free: collections.deque[tuple[str, int | None]] = collections.deque(entries)

    def take(self) -> tuple[str, int | None]:
        return self.free.popleft()

    def give(self, entry_id: str, version: int | None) -> None:
        """`None`: the outcome is unknown (failed or cancelled mid-request); re-read before the next use."""
        self.free.append((entry_id, version))


def scenarios(base: str, space_id: str, token: str) -> dict[str, Scenario]:
    """Make and activate the bench content type and `ENTRIES` entries (half published); the scenarios."""
    prefix = f"/spaces/{space_id}/environments/master"
    url = base + prefix
    locale = next(item["code"] for item in _call(f"{url}/locales", "GET", token)["items"] if item["default"])
    created = _call(f"{url}/content_types/{TYPE_ID}", "PUT", token, CONTENT_TYPE)
    _call(
        f"{url}/content_types/{TYPE_ID}/published",
        "PUT",
        token,
        X_Contentful_Version=str(created["sys"]["version"]),
    )
    ids: list[str] = []
    drafts: list[tuple[str, int]] = []
    published: list[tuple[str, int]] = []
    for n in range(ENTRIES):
        entry = _call(
            f"{url}/entries",
            "POST",
            token,
            {"fields": _fields(n, locale, ids[-1] if ids else None)},
            X_Contentful_Content_Type=TYPE_ID,
        )
        ids.append(entry["sys"]["id"])
        if n % 2:
            entry = _call(
                f"{url}/entries/{entry['sys']['id']}/published",
                "PUT",
                token,
                X_Contentful_Version=str(entry["sys"]["version"]),
            )
            published.append((entry["sys"]["id"], entry["sys"]["version"]))
        else:
            drafts.append((entry["sys"]["id"], entry["sys"]["version"]))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": MEDIA_TYPE}
    create_headers = dict(headers, **{"X-Contentful-Content-Type": TYPE_ID})
    counter = itertools.count(ENTRIES)
    to_update = _Pool(drafts[: len(drafts) // 2] + published[: len(published) // 2])
    to_publish = _Pool(published[len(published) // 2 :])
    to_change = _Pool(drafts[len(drafts) // 2 :])

    def check(response: Any, status: int, what: str) -> int:
        if response.status != status:
            raise RuntimeError(f"{what}: {response.status} {response.body[:200]!r}")
        version: int = json.loads(response.body)["sys"]["version"]
        return version

    async def put_fields(client: Client, entry_id: str, version: int) -> int:
        n = next(counter)
        body = json.dumps({"fields": _fields(n, locale, ids[n % len(ids)])}).encode()
        versioned = dict(headers, **{"X-Contentful-Version": str(version)})
        response = await client.request("PUT", f"{prefix}/entries/{entry_id}", versioned, body)
        return check(response, 200, "update entry")

    async def put_published(client: Client, entry_id: str, version: int) -> int:
        versioned = dict(headers, **{"X-Contentful-Version": str(version)})
        response = await client.request("PUT", f"{prefix}/entries/{entry_id}/published", versioned)
        return check(response, 200, "publish entry")

    async def current(client: Client, entry_id: str, version: int | None) -> int:
        if version is not None:
            return version
        return check(await client.request("GET", f"{prefix}/entries/{entry_id}", headers), 200, "get entry")

    async def create(client: Client) -> None:
        n = next(counter)
        body = json.dumps({"fields": _fields(n, locale, ids[n % len(ids)])}).encode()
        check(await client.request("POST", f"{prefix}/entries", create_headers, body), 201, "create entry")

    async def update(client: Client) -> None:
        entry_id, known = to_update.take()
        version: int | None = None
        try:
            version = await put_fields(client, entry_id, await current(client, entry_id, known))
        finally:
            to_update.give(entry_id, version)

    async def publish(client: Client) -> None:
        entry_id, known = to_publish.take()
        version: int | None = None
        try:
            version = await put_published(client, entry_id, await current(client, entry_id, known))
        finally:
            to_publish.give(entry_id, version)

    async def update_publish(client: Client) -> None:
        entry_id, known = to_change.take()
        version: int | None = None
        try:
            updated = await put_fields(client, entry_id, await current(client, entry_id, known))
            version = await put_published(client, entry_id, updated)
        finally:
            to_change.give(entry_id, version)

    return {
        "Contentful create entry (POST, 4 fields)": create,
        "Contentful update entry (PUT, versioned, 4 fields changed)": update,
        "Contentful publish entry (PUT …/published, republish)": publish,
        "Contentful update + publish entry (2 requests)": update_publish,
    }
