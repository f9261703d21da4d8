"""Management API v1 (`/v1/projects/{project_id}/items…`) over real HTTP: every v1 items and variants
path in its v1 shape, the error paths, and v1 writes seen through v2 (and back); both backends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from headwater.platform import ids
from tests.kontent_client import INVALID_BODY, ZERO, Kontent, element_id, value_of
from tests.support import LiveServer, kontent_headers

KONTENT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
UNKNOWN_ID = "6f0c5e1a-2b7d-4e39-a0c4-93d1f27be580"
DRAFT = "eee6db3b-545a-4785-8e86-e3772c8756f9"
PUBLISHED = "c199950d-99f0-4983-b711-6c4c91624b22"
SCHEDULED = "9d2b0228-4d0d-4c23-8b49-01a698857709"
ARCHIVED = "7a535a69-ad34-47f8-806a-def1fdf4d391"
V1_ITEM_KEYS = ["id", "name", "codename", "type", "sitemap_locations", "external_id", "last_modified"]
V1_VARIANT_KEYS = {"item", "language", "elements", "workflow_step", "last_modified"}


def v1_client(http: httpx.Client, project: dict[str, Any]) -> Kontent:
    api = Kontent(http, project)
    api.base = f"/v1/projects/{project['environment_id']}"
    return api


@dataclass
class Apis:
    v1: Kontent
    v2: Kontent
    type_doc: dict[str, Any]

    def title(self) -> str:
        return element_id(self.type_doc, "headline")


@pytest.fixture
def apis(server: LiveServer, project: dict[str, Any]) -> Iterator[Apis]:
    with server.client() as http:
        v2 = Kontent(http, project)
        type_doc = v2.add_type(
            "recipe",
            [
                {"name": "Headline", "codename": "headline", "type": "text", "is_required": True},
                {"name": "Servings", "codename": "servings", "type": "number"},
            ],
        )
        yield Apis(v1_client(http, project), v2, type_doc)


def headline(value: str) -> list[dict[str, Any]]:
    return [{"element": {"codename": "headline"}, "value": value}]


def future(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# -- content items ------------------------------------------------------------------------------------------------


def test_add_item_answers_the_v1_item_object(apis: Apis) -> None:
    body = {"name": "Cold brew", "codename": "cold_brew_v1", "type": {"codename": "recipe"}, "external_id": "cb-77"}
    doc = apis.v1.ok("POST", "/items", body, 201)
    assert list(doc) == V1_ITEM_KEYS
    assert doc["id"] == ids.guid_for_external_id("content_item", "cb-77")
    assert doc["name"] == "Cold brew"
    assert doc["codename"] == "cold_brew_v1"
    assert doc["type"] == {"id": apis.type_doc["id"]}
    assert doc["sitemap_locations"] == []
    assert doc["external_id"] == "cb-77"
    assert KONTENT_TIME.match(doc["last_modified"])
    # without an external id the property is absent; the codename is generated from the name
    plain = apis.v1.ok("POST", "/items", {"name": "Flat white", "type": {"id": apis.type_doc["id"]}}, 201)
    assert list(plain) == [key for key in V1_ITEM_KEYS if key != "external_id"]
    assert plain["codename"] == "flat_white"


def test_add_item_ignores_properties_v1_does_not_define(apis: Apis) -> None:
    body = {"name": "Mocha", "type": {"codename": "recipe"}, "collection": {"codename": "no_such_collection"}}
    doc = apis.v1.ok("POST", "/items", body, 201)
    assert "collection" not in doc
    assert apis.v2.ok("GET", f"/items/{doc['id']}")["collection"] == {"id": ZERO}


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        ([{"name": "x"}], 5, "JSON object"),
        ({"name": "No type"}, 0, "content type"),
        ({"name": "", "type": {"codename": "recipe"}}, 5, "content item name"),
        ({"name": "x" * 201, "type": {"codename": "recipe"}}, 5, "200 characters"),
        ({"name": "Bad codename", "codename": "Not A Codename", "type": {"codename": "recipe"}}, 5, "odename"),
        ({"name": "Unknown type", "type": {"codename": "no_such_type"}}, 5, "does not exist"),
        ({"name": "Bad type", "type": {"id": "not-a-guid"}}, 5, "GUID"),
        ({"name": "Bad external id", "type": {"codename": "recipe"}, "external_id": "a/b"}, 5, "external"),
    ],
)
def test_add_item_refusals(apis: Apis, body: Any, code: int, fragment: str) -> None:
    error = apis.v1.error("POST", "/items", body, 400)
    assert error["error_code"] == code
    assert fragment in str(error)
    if code == 5:
        assert error["message"] == INVALID_BODY
        assert error["validation_errors"]
    assert apis.v2.ok("GET", "/items")["items"] == []


def test_add_item_refuses_a_taken_codename_or_external_id(apis: Apis) -> None:
    apis.v1.ok("POST", "/items", {"name": "Latte", "type": {"codename": "recipe"}, "external_id": "latte"}, 201)
    taken = apis.v1.error("POST", "/items", {"name": "Latte", "codename": "latte", "type": {"codename": "recipe"}})
    assert "codename 'latte' already exists" in str(taken)
    again = {"name": "Other", "type": {"codename": "recipe"}, "external_id": "latte"}
    assert "external_id 'latte' already exists" in str(apis.v1.error("POST", "/items", again))
    assert len(apis.v1.ok("GET", "/items")["items"]) == 1


def test_malformed_bodies_are_refused(apis: Apis) -> None:
    r = apis.v1.http.post(f"{apis.v1.base}/items", headers=apis.v1.headers, content=b"{not json")
    assert r.status_code == 400 and r.json()["error_code"] == 5
    r = apis.v1.http.post(
        f"{apis.v1.base}/items", headers={**apis.v1.headers, "Content-Type": "text/plain"}, content=b"{}"
    )
    assert r.status_code == 415


def test_get_item_by_every_identifier(apis: Apis) -> None:
    doc = apis.v1.ok("POST", "/items", {"name": "Ristretto", "type": {"codename": "recipe"}, "external_id": "r-1"}, 201)
    for identifier in (doc["id"], doc["id"].upper(), "codename/ristretto", "external-id/r-1"):
        assert apis.v1.ok("GET", f"/items/{identifier}") == doc
    for identifier, shown in (
        (UNKNOWN_ID, UNKNOWN_ID),
        ("codename/nope", "nope"),
        ("external-id/nope", "nope"),
        ("not-a-guid", "not-a-guid"),
    ):
        error = apis.v1.error("GET", f"/items/{identifier}", status=404)
        assert error["error_code"] == 100
        assert error["message"] == f"The requested content item '{shown}' was not found."


def test_list_items_in_the_v1_shape(apis: Apis) -> None:
    assert apis.v1.ok("GET", "/items") == {"items": [], "pagination": {"continuation_token": None, "next_page": None}}
    first = apis.v1.ok("POST", "/items", {"name": "One", "type": {"codename": "recipe"}}, 201)
    second = apis.v2.add_item("Two", "recipe")
    listed = apis.v1.ok("GET", "/items")
    assert listed["items"] == [first, {key: second[key] for key in V1_ITEM_KEYS if key in second}]
    assert all("collection" not in doc and "spaces" not in doc for doc in listed["items"])


def test_list_items_pages_by_query_and_header(make_server: Any) -> None:
    live: LiveServer = make_server(kontent_page_size=2)
    project = live.project()
    with live.client() as http:
        api = v1_client(http, project)
        Kontent(http, project).add_type("recipe", [{"name": "Headline", "codename": "headline", "type": "text"}])
        names = [f"Page item {n}" for n in range(5)]
        for name in names:
            api.ok("POST", "/items", {"name": name, "type": {"codename": "recipe"}}, 201)
        page = api.ok("GET", "/items")
        assert [doc["name"] for doc in page["items"]] == names[:2]
        token = page["pagination"]["continuation_token"]
        next_page = page["pagination"]["next_page"]
        assert token and next_page.startswith(f"{live.base_url}/v1/projects/{project['environment_id']}/items?")
        # the next_page URL (continuationToken in the query) and the x-continuation header agree
        by_url = http.get(next_page, headers=api.headers).json()
        r = api.request("GET", "/items", headers={"x-continuation": token})
        by_header = r.json()
        assert by_url == by_header
        assert [doc["name"] for doc in by_url["items"]] == names[2:4]
        last = http.get(by_url["pagination"]["next_page"], headers=api.headers).json()
        assert [doc["name"] for doc in last["items"]] == names[4:]
        assert last["pagination"] == {"continuation_token": None, "next_page": None}
        assert all(list(doc) == [k for k in V1_ITEM_KEYS if k != "external_id"] for doc in by_url["items"])
        for bad in ("garbage", "x" * 600):
            r = api.request("GET", "/items", params={"continuationToken": bad})
            assert r.status_code == 400 and r.json()["error_code"] == 1007


def test_upsert_item_updates_and_creates(apis: Apis) -> None:
    doc = apis.v1.ok("POST", "/items", {"name": "Cortado", "type": {"codename": "recipe"}}, 201)
    renamed = apis.v1.ok("PUT", f"/items/{doc['id']}", {"name": "Cortado (new)", "sitemap_locations": []})
    assert list(renamed) == [key for key in V1_ITEM_KEYS if key != "external_id"]
    assert renamed["name"] == "Cortado (new)" and renamed["codename"] == "cortado"
    assert apis.v1.ok("PUT", "/items/codename/cortado", {"name": "Cortado (new)"}) == renamed
    # an unknown external id creates the item (201); sending it again changes nothing (200)
    body = {"name": "Affogato", "type": {"codename": "recipe"}}
    created = apis.v1.ok("PUT", "/items/external-id/aff-1", body, 201)
    assert list(created) == V1_ITEM_KEYS
    assert created["id"] == ids.guid_for_external_id("content_item", "aff-1")
    assert apis.v1.ok("PUT", "/items/external-id/aff-1", body) == created
    # collection is not a v1 property: ignored, the item's collection is kept
    assert apis.v1.ok("PUT", "/items/external-id/aff-1", {**body, "collection": {"codename": "nope"}}) == created


def test_upsert_item_refusals(apis: Apis) -> None:
    doc = apis.v1.ok("POST", "/items", {"name": "Doppio", "type": {"codename": "recipe"}}, 201)
    assert apis.v1.error("PUT", "/items/codename/nope", {"name": "x"}, 404)["error_code"] == 100
    assert apis.v1.error("PUT", f"/items/{UNKNOWN_ID}", {"name": "x"}, 404)["error_code"] == 100
    assert apis.v1.error("PUT", "/items/external-id/new-one", {"name": "No type"})["error_code"] == 0
    assert apis.v1.error("PUT", f"/items/{doc['id']}", {"name": ""})["error_code"] == 5
    refused = apis.v1.error("PUT", f"/items/{doc['id']}", {"name": "Doppio", "external_id": "late"})
    assert "External IDs cannot be upserted" in str(refused)
    assert apis.v1.ok("GET", f"/items/{doc['id']}") == doc


def test_delete_item(apis: Apis) -> None:
    doc = apis.v1.ok("POST", "/items", {"name": "Lungo", "type": {"codename": "recipe"}}, 201)
    apis.v1.ok("PUT", f"/items/{doc['id']}/variants/{ZERO}", {"elements": headline("Lungo")}, 201)
    r = apis.v1.request("DELETE", "/items/codename/lungo")
    assert r.status_code == 204 and r.content == b""
    assert apis.v1.error("GET", f"/items/{doc['id']}", status=404)["error_code"] == 100
    assert apis.v2.error("GET", f"/items/{doc['id']}/variants/{ZERO}", status=404)["error_code"] == 100
    assert apis.v1.error("DELETE", "/items/codename/lungo", status=404)["error_code"] == 100


# -- language variants --------------------------------------------------------------------------------------------


def test_upsert_and_get_variant_in_the_v1_shape(apis: Apis) -> None:
    item = apis.v1.ok("POST", "/items", {"name": "Macchiato", "type": {"codename": "recipe"}, "external_id": "m"}, 201)
    created = apis.v1.ok(
        "PUT", f"/items/{item['id']}/variants/codename/default", {"elements": headline("Macchiato")}, 201
    )
    assert set(created) == V1_VARIANT_KEYS
    assert created["item"] == {"id": item["id"]}
    assert created["language"] == {"id": ZERO}
    assert created["workflow_step"] == {"id": DRAFT}
    assert KONTENT_TIME.match(created["last_modified"])
    assert value_of(created, apis.title())["value"] == "Macchiato"
    servings = element_id(apis.type_doc, "servings")
    assert value_of(created, servings) == {"element": {"id": servings}, "value": None}
    for item_identifier in (item["id"], "codename/macchiato", "external-id/m"):
        for language_identifier in (ZERO, "codename/default"):
            path = f"/items/{item_identifier}/variants/{language_identifier}"
            assert apis.v1.ok("GET", path) == created
    # the same body again is an update that changes nothing (200); a change keeps the v1 shape
    assert apis.v1.ok("PUT", f"/items/external-id/m/variants/{ZERO}", {"elements": headline("Macchiato")}) == created
    changed = apis.v1.ok(
        "PUT", f"/items/external-id/m/variants/{ZERO}", {"elements": [{"element": {"id": servings}, "value": 2}]}
    )
    assert set(changed) == V1_VARIANT_KEYS
    assert value_of(changed, servings)["value"] == 2
    assert value_of(changed, apis.title())["value"] == "Macchiato"


def test_variant_upsert_reads_only_v1_properties(apis: Apis) -> None:
    item = apis.v2.add_item("Galão", "recipe")
    body = {
        "elements": headline("Galão"),
        "workflow": {"workflow_identifier": {"codename": "no_such_workflow"}, "step_identifier": {"id": ARCHIVED}},
        "due_date": {"value": "not a date"},
        "note": 7,
        "contributors": "nobody",
        "workflow_step": {"id": ARCHIVED},
    }
    created = apis.v1.ok("PUT", f"/items/{item['id']}/variants/{ZERO}", body, 201)
    assert created["workflow_step"] == {"id": DRAFT}
    latest = apis.v2.variant(item["id"])
    assert latest["workflow"]["step_identifier"] == {"id": DRAFT}
    assert latest["due_date"] == {"value": None} and latest["note"] is None and latest["contributors"] == []
    # a GET answer sent back as the body is accepted unchanged
    assert apis.v1.ok("PUT", f"/items/{item['id']}/variants/{ZERO}", created) == created


def test_list_variants_of_an_item(apis: Apis) -> None:
    apis.v2.add_language("de-DE")
    item = apis.v1.ok("POST", "/items", {"name": "Espresso", "type": {"codename": "recipe"}}, 201)
    assert apis.v1.ok("GET", f"/items/{item['id']}/variants") == []
    default = apis.v1.ok("PUT", f"/items/{item['id']}/variants/{ZERO}", {"elements": headline("Espresso")}, 201)
    german = apis.v1.ok("PUT", "/items/codename/espresso/variants/codename/de-DE", {"elements": headline("Ja")}, 201)
    listed = apis.v1.ok("GET", "/items/codename/espresso/variants")
    assert sorted(listed, key=lambda v: v["language"]["id"] != ZERO) == [default, german]
    assert all(set(doc) == V1_VARIANT_KEYS for doc in listed)
    assert apis.v1.error("GET", "/items/codename/nope/variants", status=404)["error_code"] == 100


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ([], "JSON object"),
        ({}, "'elements' property is required"),
        ({"elements": {"headline": "x"}}, "'elements' property is required"),
        ({"elements": [{"element": {"codename": "no_such_element"}, "value": "x"}]}, "no_such_element"),
        ({"elements": [{"element": {"codename": "servings"}, "value": "many"}]}, "servings"),
    ],
)
def test_variant_upsert_refusals(apis: Apis, body: Any, fragment: str) -> None:
    item = apis.v2.add_item("Cappuccino", "recipe")
    error = apis.v1.error("PUT", f"/items/{item['id']}/variants/{ZERO}", body, 400)
    assert error["error_code"] == 5 and error["message"] == INVALID_BODY
    assert fragment in str(error)
    assert apis.v1.ok("GET", f"/items/{item['id']}/variants") == []


def test_variant_not_found_paths(apis: Apis) -> None:
    item = apis.v2.add_item("Americano", "recipe")
    missing_item = apis.v1.error("PUT", f"/items/{UNKNOWN_ID}/variants/{ZERO}", {"elements": []}, 404)
    assert missing_item["error_code"] == 100
    assert apis.v1.error("GET", f"/items/codename/nope/variants/{ZERO}", status=404)["error_code"] == 100
    for method, body in (("GET", None), ("PUT", {"elements": []}), ("DELETE", None)):
        error = apis.v1.error(method, f"/items/{item['id']}/variants/codename/xx-XX", body, 404)
        assert error["error_code"] == 111
        assert error["message"] == "The requested language was not found."
    no_variant = apis.v1.error("GET", f"/items/{item['id']}/variants/{ZERO}", status=404)
    assert no_variant["error_code"] == 103
    assert no_variant["message"] == f"The requested variant '{ZERO}' of content item '{item['id']}' was not found."
    assert apis.v1.error("DELETE", f"/items/{item['id']}/variants/{ZERO}", status=404)["error_code"] == 103


def test_delete_variant(apis: Apis) -> None:
    apis.v2.add_language("fr-FR")
    item = apis.v2.add_item("Breve", "recipe")
    apis.v1.ok("PUT", f"/items/{item['id']}/variants/{ZERO}", {"elements": headline("Breve")}, 201)
    apis.v1.ok("PUT", f"/items/{item['id']}/variants/codename/fr-FR", {"elements": headline("Crème")}, 201)
    assert apis.v1.request("DELETE", f"/items/{item['id']}/variants/codename/fr-FR").status_code == 204
    assert [v["language"]["id"] for v in apis.v1.ok("GET", f"/items/{item['id']}/variants")] == [ZERO]
    # deleting the last variant deletes the item
    assert apis.v1.request("DELETE", f"/items/codename/breve/variants/{ZERO}").status_code == 204
    assert apis.v2.error("GET", f"/items/{item['id']}", status=404)["error_code"] == 100


def test_list_variants_by_type(apis: Apis) -> None:
    empty = apis.v1.ok("GET", "/types/codename/recipe/variants")
    assert empty == {"variants": [], "pagination": {"continuation_token": None, "next_page": None}}
    item = apis.v2.add_item("Irish coffee", "recipe")
    doc = apis.v1.ok("PUT", f"/items/{item['id']}/variants/{ZERO}", {"elements": headline("Irish")}, 201)
    for identifier in (apis.type_doc["id"], "codename/recipe"):
        assert apis.v1.ok("GET", f"/types/{identifier}/variants")["variants"] == [doc]
    assert apis.v1.error("GET", "/types/codename/nope/variants", status=404)["error_code"] == 105
    r = apis.v1.request("GET", "/types/codename/recipe/variants", params={"continuationToken": "bogus"})
    assert r.status_code == 400 and r.json()["error_code"] == 1007


# -- publishing and workflow (shapes shared with v2) ----------------------------------------------------------


def test_publish_new_version_and_unpublish(apis: Apis) -> None:
    item = apis.v2.add_item("Vienna", "recipe")
    path = f"/items/{item['id']}/variants/{ZERO}"
    apis.v1.ok("PUT", path, {"elements": headline("Vienna")}, 201)
    assert apis.v1.error("PUT", f"{path}/unpublish")["error_code"] == 213
    assert apis.v1.ok("PUT", f"{path}/publish", status=204) is None
    assert apis.v1.ok("GET", path)["workflow_step"] == {"id": PUBLISHED}
    locked = apis.v1.error("PUT", path, {"elements": headline("Changed")})
    assert "published" in locked["message"]
    apis.v1.ok("PUT", f"{path}/new-version", status=204)
    assert apis.v1.ok("GET", path)["workflow_step"] == {"id": DRAFT}
    assert apis.v1.error("PUT", f"{path}/new-version")["error_code"] == 214
    apis.v1.ok("PUT", f"{path}/publish", {}, 204)
    apis.v1.ok("PUT", f"{path}/unpublish", status=204)
    assert apis.v1.ok("GET", path)["workflow_step"] == {"id": DRAFT}
    assert apis.v2.error("GET", f"{path}/published", status=404)["error_code"] == 122


def test_publish_refuses_an_incomplete_variant(apis: Apis) -> None:
    item = apis.v2.add_item("Empty", "recipe")
    path = f"/items/{item['id']}/variants/{ZERO}"
    apis.v1.ok("PUT", path, {"elements": [{"element": {"codename": "servings"}, "value": 1}]}, 201)
    error = apis.v1.error("PUT", f"{path}/publish")
    assert error["error_code"] == 4040027
    assert apis.v1.ok("GET", path)["workflow_step"] == {"id": DRAFT}


def test_scheduled_publish_and_cancel(apis: Apis) -> None:
    item = apis.v2.add_item("Cafe au lait", "recipe")
    path = f"/items/{item['id']}/variants/{ZERO}"
    apis.v1.ok("PUT", path, {"elements": headline("Au lait")}, 201)
    assert apis.v1.error("PUT", f"{path}/cancel-scheduled-publish")["error_code"] == 218
    apis.v1.ok("PUT", f"{path}/publish", {"scheduled_to": future(3600)}, 204)
    scheduled = apis.v1.ok("GET", path)
    assert scheduled["workflow_step"] == {"id": SCHEDULED} and "schedule" not in scheduled
    assert apis.v1.error("PUT", f"{path}/publish", {"scheduled_to": "yesterday"})["error_code"] == 5
    apis.v1.ok("PUT", f"{path}/cancel-scheduled-publish", status=204)
    assert apis.v1.ok("GET", path)["workflow_step"] == {"id": DRAFT}


def test_change_workflow_step(apis: Apis) -> None:
    item = apis.v2.add_item("Frappe", "recipe")
    path = f"/items/{item['id']}/variants/{ZERO}"
    apis.v1.ok("PUT", path, {"elements": headline("Frappe")}, 201)
    apis.v1.ok("PUT", f"{path}/workflow/{ARCHIVED}", status=204)
    assert apis.v1.ok("GET", path)["workflow_step"] == {"id": ARCHIVED}
    apis.v1.ok("PUT", f"{path}/workflow/{DRAFT}", status=204)
    assert apis.v1.ok("GET", path)["workflow_step"] == {"id": DRAFT}
    assert apis.v1.error("PUT", f"{path}/workflow/{UNKNOWN_ID}", status=404)
    assert (
        apis.v1.error("PUT", f"/items/codename/nope/variants/{ZERO}/workflow/{DRAFT}", status=404)["error_code"] == 100
    )


# -- one domain: v1 and v2 see the same objects -------------------------------------------------------------------


def test_a_v1_write_is_visible_through_v2(apis: Apis) -> None:
    item = apis.v1.ok("POST", "/items", {"name": "Piccolo", "type": {"codename": "recipe"}, "external_id": "pic"}, 201)
    v2_item = apis.v2.ok("GET", "/items/external-id/pic")
    assert {key: v2_item[key] for key in item} == item
    assert v2_item["collection"] == {"id": ZERO} and v2_item["spaces"] == []
    variant = apis.v1.ok("PUT", "/items/external-id/pic/variants/codename/default", {"elements": headline("Pic")}, 201)
    v2_variant = apis.v2.variant(item["id"])
    assert {key: v2_variant[key] for key in variant} == variant
    assert v2_variant["workflow"] == {"workflow_identifier": {"id": ZERO}, "step_identifier": {"id": DRAFT}}
    # and back: a v2 change shows through v1
    apis.v2.ok("PUT", "/items/external-id/pic", {"name": "Piccolo latte"})
    assert apis.v1.ok("GET", "/items/codename/piccolo")["name"] == "Piccolo latte"
    apis.v2.upsert(item["id"], ZERO, headline("Changed in v2"))
    assert value_of(apis.v1.ok("GET", f"/items/{item['id']}/variants/{ZERO}"), apis.title())["value"] == "Changed in v2"


# -- the pipeline: keys and project ids ---------------------------------------------------------------------------


def test_keys_and_project_ids(server: LiveServer, project: dict[str, Any]) -> None:
    other = server.project("Other project")
    base = f"/v1/projects/{project['environment_id']}/items"
    with server.client() as http:
        r = http.get(base)
        assert r.status_code == 401 and r.json()["error_code"] == 0
        r = http.get(base, headers=kontent_headers("not-a-real-key"))
        assert r.status_code == 401
        r = http.get(base, headers=kontent_headers(other["management_api_key"]))
        assert r.status_code == 403 and r.json()["error_code"] == 4
        r = http.post(base, headers=kontent_headers(other["management_api_key"]), json={"name": "x"})
        assert r.status_code == 403
        r = http.get(f"/v1/projects/{UNKNOWN_ID}/items", headers=kontent_headers(project["management_api_key"]))
        assert r.status_code == 403
        r = http.get("/v1/projects/not-a-guid/items", headers=kontent_headers(project["management_api_key"]))
        assert r.status_code == 400 and set(r.json()) >= {"request_id", "error_code", "message"}
        r = http.get(base, headers=kontent_headers(project["management_api_key"]))
        assert r.status_code == 200 and r.headers["X-Request-Id"]
        assert r.headers["content-type"] == "application/json; charset=utf-8"
