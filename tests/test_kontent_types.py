"""Content types over real HTTP: add, list (paginated), retrieve by every identifier form, delete, errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from headwater.platform import ids
from tests.support import LiveServer, kontent_headers

KONTENT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
INVALID_BODY = (
    "The provided request body is invalid. See the 'validation_errors' attribute for more information and "
    "specify a valid JSON object."
)


class Api:
    """A tiny client for one environment's content type and snippet endpoints."""

    def __init__(self, http: httpx.Client, project: dict[str, Any]) -> None:
        self.http = http
        self.headers = kontent_headers(project["management_api_key"])
        self.root = f"/v2/projects/{project['environment_id']}"

    def post(self, resource: str, body: Any) -> httpx.Response:
        return self.http.post(f"{self.root}/{resource}", headers=self.headers, json=body)

    def create(self, resource: str, body: Any) -> dict[str, Any]:
        r = self.post(resource, body)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        return created

    def get(self, resource: str, identifier: str = "", **headers: str) -> httpx.Response:
        url = f"{self.root}/{resource}" + (f"/{identifier}" if identifier else "")
        return self.http.get(url, headers={**self.headers, **headers})

    def patch(self, resource: str, identifier: str, body: Any) -> httpx.Response:
        return self.http.patch(f"{self.root}/{resource}/{identifier}", headers=self.headers, json=body)

    def ok_patch(self, resource: str, identifier: str, *ops: dict[str, Any]) -> dict[str, Any]:
        r = self.patch(resource, identifier, list(ops))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def delete(self, resource: str, identifier: str) -> httpx.Response:
        return self.http.delete(f"{self.root}/{resource}/{identifier}", headers=self.headers)


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Api]:
    with server.client() as http:
        yield Api(http, project)


def assert_invalid(r: httpx.Response, *fragments: str) -> list[str]:
    """A 400/5 whose validation messages contain each fragment (in some message)."""
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error_code"] == 5 and body["message"] == INVALID_BODY and body["request_id"]
    messages = [item["message"] for item in body["validation_errors"]]
    for fragment in fragments:
        assert any(fragment in message for message in messages), (fragment, messages)
    return messages


def text(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": "text", **extra}


ARTICLE = {
    "external_id": "article",
    "name": "Article",
    "codename": "my_article",
    "content_groups": [
        {"name": "Article copy", "external_id": "article-copy"},
        {"name": "Author", "codename": "author"},
    ],
    "elements": [
        text("Article title", codename="title", content_group={"external_id": "article-copy"}),
        {
            "name": "Article body",
            "codename": "body",
            "type": "rich_text",
            "content_group": {"external_id": "article-copy"},
        },
        {
            "name": "Author bio",
            "codename": "bio",
            "allowed_blocks": ["images", "text"],
            "type": "rich_text",
            "content_group": {"codename": "author"},
        },
    ],
}


def test_add_type_with_groups_fills_defaults_and_resolves_references(api: Api) -> None:
    created = api.create("types", ARTICLE)
    assert created["id"] == ids.guid_for_external_id("content_type", "article")
    assert created["codename"] == "my_article" and created["external_id"] == "article"
    assert KONTENT_TIME.match(created["last_modified"])
    copy_group, author = created["content_groups"]
    assert copy_group == {
        "id": copy_group["id"],
        "name": "Article copy",
        "codename": "article_copy",
        "external_id": "article-copy",
    }
    assert author == {"id": author["id"], "name": "Author", "codename": "author"}
    title, body, bio = created["elements"]
    assert title == {
        "maximum_text_length": None,
        "name": "Article title",
        "guidelines": None,
        "is_required": False,
        "is_non_localizable": False,
        "type": "text",
        "id": title["id"],
        "codename": "title",
        "content_group": {"id": copy_group["id"]},
    }
    assert body["allowed_image_types"] == "any" and body["allowed_blocks"] == [] and body["maximum_image_size"] is None
    assert set(body) == {
        "maximum_text_length",
        "maximum_image_size",
        "allowed_content_types",
        "allowed_item_link_types",
        "image_width_limit",
        "image_height_limit",
        "allowed_image_types",
        "allowed_blocks",
        "allowed_text_blocks",
        "allowed_formatting",
        "allowed_table_blocks",
        "allowed_table_text_blocks",
        "allowed_table_formatting",
        "name",
        "guidelines",
        "is_required",
        "is_non_localizable",
        "type",
        "id",
        "codename",
        "content_group",
    }
    assert bio["allowed_blocks"] == ["images", "text"] and bio["content_group"] == {"id": author["id"]}
    for identifier in (created["id"], "codename/my_article", "external-id/article"):
        r = api.get("types", identifier)
        assert r.status_code == 200 and r.json() == created


def test_add_type_generates_codenames_and_ids(api: Api) -> None:
    first = api.create("types", {"name": "Blog post!", "elements": [text("Title"), text("Title", codename="other")]})
    assert first["codename"] == "blog_post_" and "external_id" not in first and first["content_groups"] == []
    assert [e["codename"] for e in first["elements"]] == ["title", "other"]
    assert "content_group" not in first["elements"][0]
    second = api.create("types", {"name": "Blog post!", "elements": [text("Title"), text("Title")]})
    assert second["codename"] == "blog_post__" + second["id"].replace("-", "")[:7]
    dup = second["elements"][1]
    assert dup["codename"] == "title__" + dup["id"].replace("-", "")[:7]


def test_list_types_is_paginated(api: Api, server: LiveServer) -> None:
    size = server.settings.kontent_page_size
    created = [api.create("types", {"name": f"T{i}", "elements": []})["id"] for i in range(size + 1)]
    r = api.get("types")
    assert r.status_code == 200
    first = r.json()
    assert [t["id"] for t in first["types"]] == created[:size]
    token = first["pagination"]["continuation_token"]
    assert token and "continuationToken=" in first["pagination"]["next_page"]
    second = api.get("types", **{"x-continuation": token}).json()
    assert [t["id"] for t in second["types"]] == created[size:]
    assert second["pagination"] == {"continuation_token": None, "next_page": None}
    bad = api.get("types", **{"x-continuation": "nonsense"})
    assert bad.status_code == 400 and bad.json()["error_code"] == 1007


def test_unknown_type_is_404_with_the_reference_codes(api: Api) -> None:
    missing = "269202ad-1d9d-47fd-b3e8-bdb05b3e3cf0"
    r = api.get("types", missing)
    assert r.status_code == 404
    assert r.json()["error_code"] == 105
    assert r.json()["message"] == f"The requested content type '{missing}' was not found."
    assert api.get("types", "codename/nope").status_code == 404
    assert api.get("types", "not-a-guid").status_code == 404
    r = api.patch("types", missing, [{"op": "replace", "path": "/name", "value": "x"}])
    assert r.status_code == 404 and r.json()["error_code"] == 107
    assert r.json()["message"] == "The requested content type was not found."
    r = api.delete("types", "external-id/nope")
    assert r.status_code == 404 and r.json()["error_code"] == 105


def test_delete_type(api: Api) -> None:
    created = api.create("types", {"name": "Gone", "external_id": "gone", "elements": [text("T")]})
    r = api.delete("types", "external-id/gone")
    assert r.status_code == 204 and r.content == b""
    assert api.get("types", created["id"]).status_code == 404
    # The external id is free again and yields the same id (dangling references keep working).
    again = api.create("types", {"name": "Gone", "external_id": "gone", "elements": []})
    assert again["id"] == created["id"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"elements": []}, "name: provide a nonempty name which fits within 50 characters."),
        ({"name": "x" * 51, "elements": []}, "fits within 50 characters"),
        ({"name": "A"}, "elements is required"),
        ({"name": "A", "codename": "Bad Codename", "elements": []}, "codename: The codename 'Bad Codename' is invalid"),
        ({"name": "A", "external_id": "a/b", "elements": []}, "must not contain '/', '.' or ';'"),
        ({"name": "A", "codename": [], "elements": []}, "codename: The codename must be a string."),
        (
            {"name": "A", "content_groups": [{"name": "G", "codename": []}], "elements": []},
            "content_groups[0].codename: The codename must be a string.",
        ),
        (
            {"name": "A", "elements": [{"type": "taxonomy", "taxonomy_group": [1]}]},
            "elements[0].taxonomy_group is invalid.",
        ),
        ({"name": "A", "elements": [{"name": "X", "type": "weird"}]}, 'elements[0].type: unknown element type "weird"'),
        (
            {"name": "A", "elements": [text("X", codename="x"), text("Y", codename="x")]},
            "element codenames must be unique",
        ),
        ({"name": "A", "elements": [text("X", external_id="e"), text("Y", external_id="e")]}, "used more than once"),
        ({"name": "A", "elements": [text("X", mode="single")]}, "text elements have no properties ['mode']"),
        (
            {"name": "A", "content_groups": [{"name": "G"}], "elements": [text("X")]},
            "content_group is required",
        ),
        (
            {
                "name": "A",
                "content_groups": [{"name": "G"}],
                "elements": [text("X", content_group={"codename": "nope"})],
            },
            "the content group {codename: nope} was not found",
        ),
        ({"name": "A", "elements": [text("X", content_group={"codename": "g"})]}, "has no content groups"),
        (
            {
                "name": "A",
                "content_groups": [{"name": "G", "codename": "g"}, {"name": "H", "codename": "g"}],
                "elements": [],
            },
            "content group codenames must be unique",
        ),
    ],
)
def test_add_type_rejects_invalid_bodies(api: Api, body: dict[str, Any], fragment: str) -> None:
    assert_invalid(api.post("types", body), fragment)
    assert api.get("types").json()["types"] == []


def test_add_type_reports_every_problem_at_once(api: Api) -> None:
    messages = assert_invalid(
        api.post("types", {"name": "", "elements": [{"type": "text"}, {"type": "number", "name": 5}]}),
        "name: provide",
        "elements[0].name",
        "elements[1].name",
    )
    assert len(messages) == 3


def test_duplicate_type_codename_and_external_id(api: Api) -> None:
    api.create("types", {"name": "A", "codename": "a", "external_id": "ext", "elements": []})
    assert_invalid(api.post("types", {"name": "B", "codename": "a", "elements": []}), "codename 'a' already exists")
    assert_invalid(
        api.post("types", {"name": "B", "external_id": "ext", "elements": []}), "external_id 'ext' already exists"
    )


def test_invalid_json_and_non_object_body(api: Api) -> None:
    r = api.http.post(f"{api.root}/types", headers=api.headers, content=b"{nope")
    assert r.status_code == 400 and r.json()["error_code"] == 5
    assert_invalid(api.post("types", [1]), "must be a JSON object")


def test_method_not_allowed_lists_the_methods(api: Api) -> None:
    r = api.http.put(f"{api.root}/types/codename/x", headers=api.headers, json={})
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PATCH", "DELETE"}


def test_type_element_codename_cannot_clash_with_its_snippets_elements(api: Api) -> None:
    snippet = api.create(
        "snippets", {"name": "Meta", "codename": "meta", "elements": [text("Title", codename="meta__title")]}
    )
    r = api.post(
        "types",
        {
            "name": "Page",
            "elements": [
                text("Own title", codename="meta__title"),
                {"type": "snippet", "snippet": {"id": snippet["id"]}},
            ],
        },
    )
    assert_invalid(r, "meta__title", "snippet 'meta'")
    assert api.get("types", "codename/page").status_code == 404
    page = api.create(
        "types",
        {
            "name": "Page",
            "elements": [text("Own title", codename="title"), {"type": "snippet", "snippet": {"codename": "meta"}}],
        },
    )
    r = api.patch(
        "types", page["id"], [{"op": "addInto", "path": "/elements", "value": text("X", codename="meta__title")}]
    )
    assert_invalid(r, "meta__title")
    assert len(api.get("types", page["id"]).json()["elements"]) == 2


def test_element_keys_no_element_type_has_are_ignored(api: Api) -> None:
    """`externalId` (camelCase, as one vendor tutorial writes it) is no property at all: dropped, not refused."""
    created = api.create("types", {"name": "A", "elements": [text("X", externalId="x-ext", note={"any": 1})]})
    element = created["elements"][0]
    assert "externalId" not in element and "note" not in element and "external_id" not in element
    assert api.get("types", created["id"]).json() == created
    body = api.ok_patch(
        "types", created["id"], {"op": "addInto", "path": "/elements", "value": text("Y", externalId="y-ext")}
    )
    assert "externalId" not in body["elements"][1]
