"""Entries over real HTTP, beyond the basic lifecycle: JSON Patch updates, publish snapshots, the
references endpoint, locale-based publishing and locale renames."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.support import LiveServer
from tests.test_contentful_entries import NOT_FOUND, Api, field, link, problems, symbol
from tests.test_contentful_entries_validation import add_locale
from tests.test_contentful_users import TIMESTAMP, assert_error, user_link

PATCH = "application/json-patch+json"


@pytest.fixture
def api(server: LiveServer, space: dict[str, Any]) -> Any:
    with server.client() as http:
        yield Api(http, space, "master")


def patch(api: Api, entry: dict[str, Any], operations: Any, version: int | None = None) -> httpx.Response:
    headers = api.headers(version if version is not None else entry["sys"]["version"])
    headers["Content-Type"] = PATCH
    return api.http.patch(api.url(f"/entries/{entry['sys']['id']}"), json=operations, headers=headers)


# -- JSON Patch ------------------------------------------------------------------------------------


def test_json_patch(api: Api) -> None:
    api.content_type("post", [symbol("title"), field("tags", "Array", items={"type": "Symbol"})])
    entry = api.create("post", {"title": {"en-US": "Old"}})
    r = patch(
        api,
        entry,
        [
            {"op": "replace", "path": "/fields/title/en-US", "value": "New"},
            {"op": "add", "path": "/fields/tags", "value": {"en-US": ["a"]}},
            {"op": "add", "path": "/fields/tags/en-US/-", "value": "b"},
            {"op": "add", "path": "/metadata/tags/0", "value": link("Tag", "news")},
            {"op": "test", "path": "/fields/tags/en-US/0", "value": "a"},
        ],
    )
    assert r.status_code == 200, r.text
    patched = r.json()
    assert patched["fields"] == {"title": {"en-US": "New"}, "tags": {"en-US": ["a", "b"]}}
    assert patched["metadata"]["tags"] == [link("Tag", "news")]
    assert patched["sys"]["version"] == 2
    assert api.entry(entry["sys"]["id"]) == patched
    r = patch(api, patched, [{"op": "remove", "path": "/fields/tags"}])
    assert r.json()["fields"] == {"title": {"en-US": "New"}}
    assert_error(patch(api, patched, [{"op": "remove", "path": "/fields/title"}]), 409, "VersionMismatch")


def test_json_patch_refusals(api: Api) -> None:
    api.content_type("post", [symbol("title")])
    entry = api.create("post", {"title": {"en-US": "Old"}})
    for operations in ({"op": "add"}, [{"op": "jump", "path": "/fields"}], [{"op": "add", "path": "/fields/x"}]):
        assert patch(api, entry, operations).status_code == 400
    failing = [
        [{"op": "remove", "path": "/fields/missing"}],
        [{"op": "test", "path": "/fields/title/en-US", "value": "Other"}],
        [{"op": "replace", "path": "/fields/title/en-US", "value": "x"}, {"op": "remove", "path": "/nope"}],
    ]
    for operations in failing:
        r = patch(api, entry, operations)
        assert r.status_code == 422, r.text
    doubling = [{"op": "add", "path": "/fields/blob", "value": ["x" * 1000]}]
    doubling += [{"op": "copy", "from": "/fields/blob", "path": "/fields/blob/0"} for _ in range(40)]
    r = patch(api, entry, doubling)
    assert r.status_code == 422, r.text
    assert "larger than" in r.json()["message"]
    r = patch(api, entry, [{"op": "add", "path": "/fields/colour", "value": {"en-US": "red"}}])
    assert problems(r, "InvalidEntry")[0]["path"] == ["fields", "colour"]
    r = patch(api, entry, [{"op": "replace", "path": "/fields/title/en-US", "value": 5}])
    assert problems(r, "InvalidEntry")[0]["name"] == "type"
    headers = api.headers()
    headers["Content-Type"] = PATCH
    r = api.http.patch(api.url(f"/entries/{entry['sys']['id']}"), json=[], headers=headers)
    assert_error(r, 409, "VersionMismatch")
    assert api.entry(entry["sys"]["id"]) == entry


# -- snapshots -------------------------------------------------------------------------------------


def test_snapshots(api: Api) -> None:
    api.content_type("post", [symbol("title")])
    entry = api.create("post", {"title": {"en-US": "one"}})
    entry_id = entry["sys"]["id"]
    assert api.get(f"/entries/{entry_id}/snapshots").json()["items"] == []
    first = api.ok(api.publish(entry))
    second = api.ok(api.publish(api.ok(api.update(first, fields={"title": {"en-US": "two"}}))))
    listing = api.get(f"/entries/{entry_id}/snapshots").json()
    assert (listing["total"], listing["sys"]) == (2, {"type": "Array"})
    newest, oldest = listing["items"]
    assert (newest["snapshot"], oldest["snapshot"]) == (second, first)
    snap_sys = newest["sys"]
    assert (snap_sys["type"], snap_sys["snapshotType"], snap_sys["snapshotEntityType"]) == (
        "Snapshot",
        "publish",
        "Entry",
    )
    assert TIMESTAMP.match(snap_sys["createdAt"])
    assert snap_sys["createdBy"] == user_link(api.space["user_id"])
    found = api.get(f"/entries/{entry_id}/snapshots/{snap_sys['id']}")
    assert found.status_code == 200
    assert found.json() == newest
    assert api.get(f"/entries/{entry_id}/snapshots/nope").status_code == 404
    assert api.get(f"/entries/{entry_id}/snapshots?limit=1").json()["items"] == [newest]
    # Deleting the entry drops them.
    api.ok(api.delete(f"/entries/{entry_id}/published"))
    assert api.delete(f"/entries/{entry_id}").status_code == 204
    r = api.get(f"/entries/{entry_id}/snapshots/{snap_sys['id']}")
    details = {"type": "Entry", "id": entry_id, "space": api.space["space_id"], "environment": "master"}
    assert_error(r, 404, "NotFound", NOT_FOUND, details)


# -- references ------------------------------------------------------------------------------------


def test_references(api: Api) -> None:
    api.content_type("node", [symbol("name"), field("next", "Array", items={"type": "Link", "linkType": "Entry"}),
                              field("body", "RichText")])  # fmt: skip
    r = api.put("/assets/pic", {"fields": {"title": {"en-US": "Picture"}}})
    assert r.status_code == 201, r.text
    body_of_asset = {"nodeType": "embedded-asset-block", "data": {"target": link("Asset", "pic")}, "content": []}
    leaf_body = {"nodeType": "document", "data": {}, "content": [body_of_asset]}
    leaf = api.create("node", {"name": {"en-US": "leaf"}, "body": {"en-US": leaf_body}}, entry_id="leaf")
    middle = api.create("node", {"next": {"en-US": [link("Entry", "leaf"), link("Entry", "gone")]}}, entry_id="mid")
    body = {
        "nodeType": "document",
        "data": {},
        "content": [{"nodeType": "embedded-entry-block", "data": {"target": link("Entry", "mid")}, "content": []}],
    }
    root = api.create("node", {"body": {"en-US": body}, "next": {"en-US": [link("Entry", "root")]}}, entry_id="root")
    one = api.get("/entries/root/references?include=1").json()
    assert list(one) == ["total", "limit", "skip", "sys", "items", "includes"]
    assert (one["sys"], one["total"], one["skip"], one["limit"]) == ({"type": "Array"}, 1, 0, 100)
    assert one["items"] == [root]
    assert one["includes"] == {"Entry": [middle]}
    two = api.get("/entries/root/references?include=2").json()
    assert two["includes"] == {"Entry": [middle, leaf]}
    three = api.get("/entries/root/references?include=3").json()
    assert three["includes"]["Entry"] == [middle, leaf]
    assert [(a["sys"]["id"], a["fields"]["title"]) for a in three["includes"]["Asset"]] == [
        ("pic", {"en-US": "Picture"})
    ]
    assert api.get("/entries/mid/references?include=3").json()["includes"]["Entry"] == [leaf]
    empty = {"total": 0, "limit": 100, "skip": 0, "sys": {"type": "Array"}, "items": []}
    assert api.get("/entries/nope/references?include=2").json() == empty
    assert api.get("/entries/root/references?include=11").status_code == 400
    assert api.get("/entries/root/references?include=x").status_code == 400


# -- locale-based publishing -----------------------------------------------------------------------


def test_locale_based_publishing(api: Api) -> None:
    add_locale(api, "de-DE")
    api.content_type("post", [symbol("title", localized=True, required=True)])
    draft = api.create("post", {"title": {"en-US": "Only English"}})
    assert problems(api.publish(draft), "ValidationFailed")[0]["path"] == ["fields", "title", "de-DE"]
    assert api.publish(draft, {"add": {"fields": {"*": ["en-US"]}}}).status_code == 200  # de-DE not published
    draft = api.entry(draft["sys"]["id"])
    r = api.publish(draft, {"add": {"fields": {"*": ["de-DE"]}}})
    assert problems(r, "ValidationFailed")[0]["path"] == ["fields", "title", "de-DE"]
    entry = api.create("post", {"title": {"en-US": "Hi", "de-DE": "Hallo"}})
    published = api.ok(api.publish(entry, {"add": {"fields": {"*": ["en-US"]}}}))
    assert published["sys"]["publishedVersion"] == 1
    assert published["sys"]["fieldStatus"] == {"*": {"en-US": "published", "de-DE": "draft"}}
    snapshot = api.get(f"/entries/{entry['sys']['id']}/snapshots").json()["items"][0]["snapshot"]
    assert snapshot["fields"] == {"title": {"en-US": "Hi", "de-DE": "Hallo"}}  # the draft, as always
    both = api.ok(api.publish(published, {"add": {"fields": {"*": ["de-DE"]}}}))
    assert both["sys"]["fieldStatus"] == {"*": {"en-US": "published", "de-DE": "published"}}
    assert both["sys"]["publishedCounter"] == 2
    less = api.ok(api.publish(both, {"remove": {"fields": {"*": ["de-DE"]}}}))
    assert less["sys"]["fieldStatus"] == {"*": {"en-US": "published", "de-DE": "draft"}}
    gone = api.ok(api.publish(less, {"remove": {"fields": {"*": ["en-US"]}}}))
    assert "publishedVersion" not in gone["sys"]
    assert gone["sys"]["fieldStatus"] == {"*": {"en-US": "draft", "de-DE": "draft"}}
    assert api.publish(gone, {"add": {"fields": {"*": ["xx-XX"]}}}).status_code == 422
    assert api.publish(gone, {"add": {"fields": ["en-US"]}}).status_code == 400
    assert api.publish(gone, {"remove": {"fields": {"*": ["en-US"]}}}).status_code == 400


def test_locale_rename_keeps_values(api: Api) -> None:
    add_locale(api, "de-DE")
    api.content_type("post", [symbol("title", localized=True)])
    entry = api.create("post", {"title": {"en-US": "Hi", "de-DE": "Hallo"}})
    locales = api.get("/locales").json()["items"]
    german = next(x for x in locales if x["code"] == "de-DE")
    body = {k: v for k, v in german.items() if k not in ("sys", "default")} | {"code": "de-AT"}
    r = api.http.put(api.url(f"/locales/{german['sys']['id']}"), json=body, headers=api.headers(1))
    assert r.status_code == 200, r.text
    renamed = api.entry(entry["sys"]["id"])
    assert renamed["fields"] == {"title": {"en-US": "Hi", "de-AT": "Hallo"}}
    assert renamed["sys"]["fieldStatus"] == {"*": {"en-US": "draft", "de-AT": "draft"}}
    updated = api.ok(api.update(renamed, fields={"title": {"de-AT": "Servus", "en-US": "Hi"}}))
    assert updated["fields"]["title"] == {"de-AT": "Servus", "en-US": "Hi"}


# -- model changes and concurrency -----------------------------------------------------------------


def change_content_type(api: Api, ct_id: str, fields: list[dict[str, Any]]) -> None:
    current = api.get(f"/content_types/{ct_id}").json()
    body = {k: v for k, v in current.items() if k != "sys"} | {"fields": fields}
    r = api.put(f"/content_types/{ct_id}", body, current["sys"]["version"])
    assert r.status_code == 200, r.text
    r = api.put(f"/content_types/{ct_id}/published", version=r.json()["sys"]["version"])
    assert r.status_code == 200, r.text


def test_values_sent_back_after_model_changes(api: Api) -> None:
    """A deleted field, or a field that stopped being localized, still shows its stored values; a client
    that sends them back unchanged is not refused (they are dropped), new ones are."""
    add_locale(api, "de-DE")
    api.content_type("post", [symbol("title", localized=True), symbol("old")])
    entry = api.create("post", {"title": {"en-US": "Hi", "de-DE": "Hallo"}, "old": {"en-US": "legacy"}})
    change_content_type(api, "post", [symbol("title", localized=True), symbol("old", omitted=True)])
    change_content_type(api, "post", [symbol("title"), symbol("old", omitted=True, deleted=True)])
    entry = api.entry(entry["sys"]["id"])
    assert entry["fields"]["old"] == {"en-US": "legacy"}
    sent = {"title": {"en-US": "Hi again", "de-DE": "Hallo"}, "old": {"en-US": "legacy"}}
    updated = api.ok(api.update(entry, fields=sent))
    assert updated["fields"] == {"title": {"en-US": "Hi again"}}
    r = api.update(updated, fields={"title": {"en-US": "x", "de-DE": "neu"}, "old": {"en-US": "legacy"}})
    assert [e["path"] for e in problems(r, "InvalidEntry")] == [["fields", "title", "de-DE"], ["fields", "old"]]


def test_concurrent_updates_with_one_version(api: Api, server: LiveServer) -> None:
    api.content_type("post", [symbol("title")])
    entry = api.create("post", {"title": {"en-US": "start"}})

    def update(n: int) -> int:
        with server.client() as http:
            other = Api(http, api.space, "master")
            return other.update(entry, fields={"title": {"en-US": f"writer {n}"}}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(update, range(6)))
    assert statuses == [200, 409, 409, 409, 409, 409]
    assert api.entry(entry["sys"]["id"])["sys"]["version"] == 2
