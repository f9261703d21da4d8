"""Content items over real HTTP: list (paginated), add, retrieve, upsert and delete, each rule and
error path, on both backends."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from headwater.platform import ids
from tests.kontent_client import INVALID_BODY, ZERO, Kontent
from tests.support import LiveServer

KONTENT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
UNKNOWN_ID = "4b8b1d7e-5f57-4c43-9b1c-0c1f3c0f0a11"


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Kontent]:
    with server.client() as http:
        api = Kontent(http, project)
        api.add_type("article", [{"name": "Title", "codename": "title", "type": "text"}])
        yield api


def test_add_returns_the_reference_shape(api: Kontent) -> None:
    doc = api.add_item("On Roasts", "article")
    assert list(doc) == ["id", "name", "codename", "type", "collection", "spaces", "sitemap_locations", "last_modified"]
    assert ids.is_guid(doc["id"])
    assert doc["name"] == "On Roasts"
    assert doc["codename"] == "on_roasts"
    assert doc["collection"] == {"id": ZERO}
    assert doc["spaces"] == []
    assert KONTENT_TIME.match(doc["last_modified"])
    type_id = api.ok("GET", "/types/codename/article")["id"]
    assert doc["type"] == {"id": type_id}
    assert api.ok("GET", f"/items/{doc['id']}") == doc
    assert api.ok("GET", "/items/codename/on_roasts") == doc


def test_add_with_every_property_as_the_reference_sample_sends_it(api: Kontent) -> None:
    body = {
        "name": "On Roasts",
        "codename": "my_article_my_article",
        "type": {"codename": "article"},
        "collection": {"codename": "default"},
        "external_id": "59713",
    }
    doc = api.ok("POST", "/items", body, 201)
    assert doc["external_id"] == "59713"
    assert doc["codename"] == "my_article_my_article"
    assert doc["id"] == ids.guid_for_external_id("content_item", "59713")
    assert api.ok("GET", "/items/external-id/59713") == doc


def test_generated_codenames_never_clash(api: Kontent) -> None:
    first = api.add_item("Hooray!", "article")
    second = api.add_item("Hooray!", "article")
    assert first["codename"] == "hooray_"
    assert second["codename"] == "hooray__" + second["id"].replace("-", "")[:7]


def test_add_refuses_bad_bodies_and_stores_nothing(api: Kontent) -> None:
    missing_type = api.error("POST", "/items", {"name": "x"})
    assert missing_type["error_code"] == 0
    assert missing_type["message"] == "Provide ID of content item's content type."
    for body, fragment in [
        ({"name": "", "type": {"codename": "article"}}, "nonempty content item name"),
        ({"name": "x" * 201, "type": {"codename": "article"}}, "200 characters"),
        ({"name": 5, "type": {"codename": "article"}}, "nonempty content item name"),
        ({"name": "x", "type": {"codename": "nope"}}, "does not exist"),
        ({"name": "x", "type": {"id": "not-a-guid"}}, "not a valid GUID"),
        ({"name": "x", "type": {"codename": "article"}, "codename": "Bad Codename"}, "invalid"),
        ({"name": "x", "type": {"codename": "article"}, "collection": {"codename": "nope"}}, "collection"),
        ({"name": "x", "type": {"codename": "article"}, "external_id": "a/b"}, "must not contain"),
    ]:
        error = api.error("POST", "/items", body)
        assert error["error_code"] == 5 and error["message"] == INVALID_BODY, body
        assert fragment in str(error["validation_errors"]), (body, error)
    assert api.error("POST", "/items", [1])["error_code"] == 5
    assert api.ok("GET", "/items")["items"] == []


def test_codename_and_external_id_are_unique(api: Kontent) -> None:
    api.add_item("One", "article", codename="one", external_id="ext-1")
    assert "already exists" in str(
        api.error("POST", "/items", {"name": "x", "type": {"codename": "article"}, "codename": "one"})
    )
    assert "already exists" in str(
        api.error("POST", "/items", {"name": "x", "type": {"codename": "article"}, "external_id": "ext-1"})
    )
    assert len(api.ok("GET", "/items")["items"]) == 1


def test_get_unknown_item_is_the_reference_404(api: Kontent) -> None:
    for identifier, shown in [
        (UNKNOWN_ID, UNKNOWN_ID),
        ("codename/nope", "nope"),
        ("external-id/59713", "59713"),
        ("not-a-guid", "not-a-guid"),
    ]:
        error = api.error("GET", f"/items/{identifier}", status=404)
        assert error["error_code"] == 100
        assert error["message"] == f"The requested content item '{shown}' was not found."


def test_upsert_creates_only_by_external_id(api: Kontent) -> None:
    body = {"name": "On Roasts", "codename": "my_article", "type": {"codename": "article"}}
    r = api.request("PUT", "/items/external-id/59713", body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["external_id"] == "59713"
    assert created["id"] == ids.guid_for_external_id("content_item", "59713")
    again = api.request("PUT", "/items/external-id/59713", body)
    assert again.status_code == 200
    assert again.json() == created  # a rerun import gets the same object back, unchanged
    assert api.error("PUT", f"/items/{UNKNOWN_ID}", body, status=404)["error_code"] == 100
    assert api.error("PUT", "/items/codename/nope", body, status=404)["error_code"] == 100
    missing_type = api.error("PUT", "/items/external-id/other", {"name": "x"})
    assert missing_type["message"] == "Provide ID of content item's content type."


def test_upsert_updates_name_codename_and_collection(api: Kontent) -> None:
    item = api.add_item("Old", "article")
    api.ok(
        "PATCH",
        "/collections",
        [{"op": "addInto", "value": {"name": "Europe", "codename": "europe"}}],
    )
    europe = next(c for c in api.ok("GET", "/collections")["collections"] if c["codename"] == "europe")
    doc = api.ok(
        "PUT", f"/items/{item['id']}", {"name": "New", "codename": "new_name", "collection": {"codename": "europe"}}
    )
    assert doc["name"] == "New" and doc["codename"] == "new_name"
    assert doc["collection"] == {"id": europe["id"]}
    assert doc["id"] == item["id"] and doc["type"] == item["type"]
    assert api.ok("GET", "/items/codename/new_name") == doc
    # the SDK's updateContentItem sends name and codename only
    doc = api.ok("PUT", "/items/codename/new_name", {"name": "Newer", "codename": "new_name"})
    assert doc["collection"] == {"id": europe["id"]}
    # a used collection cannot be removed
    error = api.error("PATCH", "/collections", [{"op": "remove", "reference": {"codename": "europe"}}])
    assert error["error_code"] == 5


def test_external_id_cannot_be_added_to_an_existing_item(api: Kontent) -> None:
    item = api.add_item("Plain", "article")
    error = api.error("PUT", f"/items/{item['id']}", {"name": "Plain", "external_id": "late"})
    assert "External IDs cannot be upserted into existing items." in str(error["validation_errors"])
    other = api.add_item("With", "article", external_id="keep")
    assert api.ok("PUT", f"/items/{other['id']}", {"name": "With", "external_id": "keep"})["external_id"] == "keep"
    assert api.error("PUT", f"/items/{other['id']}", {"name": "With", "external_id": "changed"})["error_code"] == 5
    assert api.ok("GET", f"/items/{item['id']}") == item


def test_type_of_an_item_cannot_change(api: Kontent) -> None:
    api.add_type("page", [{"name": "Body", "codename": "body", "type": "text"}])
    item = api.add_item("X", "article")
    assert api.error("PUT", f"/items/{item['id']}", {"name": "X", "type": {"codename": "page"}})["error_code"] == 5
    assert api.ok("PUT", f"/items/{item['id']}", {"name": "X", "type": {"codename": "article"}})["type"] == item["type"]


def test_delete_removes_the_item_and_its_variants(api: Kontent) -> None:
    item = api.add_item("Doomed", "article", external_id="doomed")
    assert api.upsert(item["id"], ZERO, [{"element": {"codename": "title"}, "value": "x"}]).status_code == 201
    assert api.request("DELETE", "/items/external-id/doomed").status_code == 204
    assert api.error("GET", f"/items/{item['id']}", status=404)["error_code"] == 100
    assert api.error("GET", f"/items/{item['id']}/variants/{ZERO}", status=404)["error_code"] == 100
    assert api.error("DELETE", f"/items/{item['id']}", status=404)["error_code"] == 100
    # the external id is free again and maps to the same id
    assert api.add_item("Again", "article", external_id="doomed")["id"] == item["id"]


def test_a_type_with_items_cannot_be_deleted(api: Kontent) -> None:
    item = api.add_item("Uses", "article")
    error = api.error("DELETE", "/types/codename/article")
    assert "still used" in error["message"]
    api.request("DELETE", f"/items/{item['id']}")
    assert api.request("DELETE", "/types/codename/article").status_code == 204


def test_list_pages_through_every_item(server: LiveServer, project: dict[str, Any], make_server: Any) -> None:
    small = make_server(kontent_page_size=3)
    with small.client() as http:
        api = Kontent(http, project)
        api.add_type("article", [{"name": "Title", "codename": "title", "type": "text"}])
        created = [api.add_item(f"Item {n}", "article")["id"] for n in range(7)]
        seen: list[str] = []
        token: str | None = None
        pages = 0
        while True:
            r = api.request("GET", "/items", headers={"x-continuation": token} if token else {})
            assert r.status_code == 200
            page = r.json()
            seen += [doc["id"] for doc in page["items"]]
            pages += 1
            token = page["pagination"]["continuation_token"]
            if token is None:
                assert page["pagination"]["next_page"] is None
                break
            assert "continuationToken=" in page["pagination"]["next_page"]
        assert seen == created and pages == 3
        bad = api.request("GET", "/items?continuationToken=bogus")
        assert bad.status_code == 400 and bad.json()["error_code"] == 1007


def test_twenty_concurrent_upserts_of_one_external_id_create_one_item(
    server: LiveServer, project: dict[str, Any]
) -> None:
    with server.client() as http:
        Kontent(http, project).add_type("article", [{"name": "Title", "codename": "title", "type": "text"}])
    statuses: list[int] = []
    lock = threading.Lock()

    def upsert() -> None:
        with server.client() as http:
            r = Kontent(http, project).request(
                "PUT", "/items/external-id/race", {"name": "Race", "type": {"codename": "article"}}
            )
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=upsert) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 19 + [201]
    with server.client() as http:
        assert len(Kontent(http, project).ok("GET", "/items")["items"]) == 1


def test_items_are_isolated_between_projects(server: LiveServer, project: dict[str, Any]) -> None:
    other = server.project("Other")
    with server.client() as http:
        mine = Kontent(http, project)
        mine.add_type("article", [{"name": "Title", "codename": "title", "type": "text"}])
        item = mine.add_item("Mine", "article")
        theirs = Kontent(http, other)
        assert theirs.error("GET", f"/items/{item['id']}", status=404)["error_code"] == 100
        assert theirs.ok("GET", "/items")["items"] == []


def test_wrong_method_lists_the_allowed_ones(api: Kontent) -> None:
    r = api.request("PATCH", f"/items/{UNKNOWN_ID}", [])
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PUT", "DELETE"}


def test_malformed_json_is_a_400(api: Kontent) -> None:
    r = api.http.post(f"{api.base}/items", headers={**api.headers, "content-type": "application/json"}, content=b"{")
    assert r.status_code == 400 and r.json()["error_code"] == 5
    assert api.ok("GET", "/items")["items"] == []
