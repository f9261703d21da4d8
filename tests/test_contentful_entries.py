"""Entries over real HTTP: create/get/update/delete, the publish/archive state machine and its version
arithmetic, `sys` as the hosted API renders it, and the environment-less short form that means
`master`. Content types are made through their own endpoints."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import LiveServer, contentful_headers
from tests.test_contentful_users import TIMESTAMP, assert_error, user_link

NOT_FOUND = "The resource could not be found."
NO_CONTENT_TYPE = "The content type you sent could not be found or was not activated."


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


class Api:
    """Requests against one environment of a space (None: the short form, i.e. master)."""

    def __init__(self, http: httpx.Client, space: dict[str, Any], env_id: str | None = "master") -> None:
        self.http = http
        self.space = space
        self.env_id = env_id

    def headers(self, version: int | str | None = None, content_type: str | None = None) -> dict[str, str]:
        extra: dict[str, str] = {}
        if version is not None:
            extra["X-Contentful-Version"] = str(version)
        if content_type is not None:
            extra["X-Contentful-Content-Type"] = content_type
        return contentful_headers(self.space["cma_token"], **extra)

    def url(self, suffix: str) -> str:
        base = f"/spaces/{self.space['space_id']}"
        if self.env_id is not None:
            base += f"/environments/{self.env_id}"
        return base + suffix

    def get(self, suffix: str) -> httpx.Response:
        return self.http.get(self.url(suffix), headers=self.headers())

    def put(
        self, suffix: str, body: Any = None, version: int | str | None = None, content_type: str | None = None
    ) -> httpx.Response:
        headers = self.headers(version, content_type)
        if body is None:
            return self.http.put(self.url(suffix), headers=headers)
        return self.http.put(self.url(suffix), json=body, headers=headers)

    def delete(self, suffix: str, version: int | str | None = None) -> httpx.Response:
        return self.http.delete(self.url(suffix), headers=self.headers(version))

    # content types (their own family's endpoints)
    def content_type(self, ct_id: str, fields: list[dict[str, Any]], display_field: str | None = None) -> None:
        body = {"name": ct_id.title(), "displayField": display_field, "fields": fields}
        r = self.put(f"/content_types/{ct_id}", body)
        assert r.status_code == 201, r.text
        r = self.put(f"/content_types/{ct_id}/published", version=r.json()["sys"]["version"])
        assert r.status_code == 200, r.text

    # entries
    def post_entry(self, content_type: str | None, body: Any) -> httpx.Response:
        return self.http.post(self.url("/entries"), json=body, headers=self.headers(content_type=content_type))

    def create(self, content_type: str, fields: dict[str, Any], entry_id: str | None = None) -> dict[str, Any]:
        if entry_id is None:
            r = self.post_entry(content_type, {"fields": fields})
        else:
            r = self.put(f"/entries/{entry_id}", {"fields": fields}, content_type=content_type)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        return created

    def entry(self, entry_id: str) -> dict[str, Any]:
        r = self.get(f"/entries/{entry_id}")
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found

    def update(self, entry: dict[str, Any], **body: Any) -> httpx.Response:
        return self.put(f"/entries/{entry['sys']['id']}", body, entry["sys"]["version"])

    def publish(self, entry: dict[str, Any], body: Any = None) -> httpx.Response:
        return self.put(f"/entries/{entry['sys']['id']}/published", body, entry["sys"]["version"])

    def ok(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def symbol(field_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "name": field_id.title(), "type": "Symbol", **extra}


def field(field_id: str, field_type: str, **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "name": field_id.title(), "type": field_type, **extra}


def problems(response: httpx.Response, error_id: str) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["sys"], body["message"]) == ({"type": "Error", "id": error_id}, "Validation error")
    errors: list[dict[str, Any]] = body["details"]["errors"]
    return errors


@pytest.fixture(params=["master", None], ids=["environment", "short"])
def api(request: pytest.FixtureRequest, server: LiveServer, space: dict[str, Any]) -> Any:
    with server.client() as http:
        yield Api(http, space, request.param)


@pytest.fixture
def master(server: LiveServer, space: dict[str, Any]) -> Any:
    with server.client() as http:
        yield Api(http, space, "master")


# -- create / get / update / delete ----------------------------------------------------------------


def test_create_shape(api: Api) -> None:
    api.content_type("post", [symbol("title")], "title")
    r = api.post_entry("post", {"fields": {"title": {"en-US": "Hello"}}})
    assert r.status_code == 201, r.text
    entry = r.json()
    space_id = api.space["space_id"]
    entry_id = entry["sys"]["id"]
    assert len(entry_id) == 22
    assert list(entry) == ["metadata", "sys", "fields"]
    assert TIMESTAMP.match(entry["sys"]["createdAt"])
    assert entry["sys"]["createdAt"] == entry["sys"]["updatedAt"]
    assert entry == {
        "metadata": {"tags": [], "concepts": []},
        "sys": {
            "space": link("Space", space_id),
            "id": entry_id,
            "type": "Entry",
            "createdAt": entry["sys"]["createdAt"],
            "updatedAt": entry["sys"]["updatedAt"],
            "environment": link("Environment", "master"),
            "createdBy": user_link(api.space["user_id"]),
            "updatedBy": user_link(api.space["user_id"]),
            "publishedCounter": 0,
            "version": 1,
            "fieldStatus": {"*": {"en-US": "draft"}},
            "automationTags": [],
            "contentType": link("ContentType", "post"),
            "urn": f"crn:contentful:::content:spaces/{space_id}/environments/master/entries/{entry_id}",
        },
        "fields": {"title": {"en-US": "Hello"}},
    }
    assert api.entry(entry_id) == entry


def test_create_with_id_and_empty_fields(api: Api) -> None:
    api.content_type("post", [symbol("title")])
    entry = api.create("post", {}, entry_id="my-entry.1")
    assert (entry["sys"]["id"], entry["fields"], entry["sys"]["version"]) == ("my-entry.1", {}, 1)
    r = api.post_entry("post", {})
    assert r.status_code == 201, r.text
    assert r.json()["fields"] == {}
    # Creating an id that is taken: the entry exists, so this is an update without a version.
    assert_error(api.put("/entries/my-entry.1", {"fields": {}}, content_type="post"), 409, "VersionMismatch")


def test_tags_metadata_kept_and_replaced(api: Api) -> None:
    api.content_type("post", [symbol("title")])
    r = api.post_entry("post", {"metadata": {"tags": [link("Tag", "news")]}, "fields": {}})
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["metadata"] == {"tags": [link("Tag", "news")], "concepts": []}
    entry = api.ok(api.update(entry, fields={"title": {"en-US": "x"}}))
    assert entry["metadata"]["tags"] == [link("Tag", "news")]  # no metadata sent: kept
    entry = api.ok(api.update(entry, fields={}, metadata={"tags": []}))
    assert entry["metadata"] == {"tags": [], "concepts": []}


def test_content_type_header_rules(api: Api) -> None:
    assert_error(api.post_entry("nope", {"fields": {}}), 400, "BadRequest", NO_CONTENT_TYPE, {})
    assert_error(api.post_entry(None, {"fields": {}}), 400, "BadRequest", NO_CONTENT_TYPE, {})
    assert_error(api.put("/entries/abc", {"fields": {}}), 400, "BadRequest", NO_CONTENT_TYPE, {})
    # A content type that was never activated cannot have entries.
    r = api.put("/content_types/draft", {"name": "Draft", "fields": [symbol("title")]})
    assert r.status_code == 201, r.text
    assert_error(api.post_entry("draft", {"fields": {}}), 400, "BadRequest", NO_CONTENT_TYPE, {})
    assert api.get("/entries/abc").status_code == 404


def test_not_found(api: Api) -> None:
    details = {"type": "Entry", "id": "nope", "space": api.space["space_id"], "environment": "master"}
    assert_error(api.get("/entries/nope"), 404, "NotFound", NOT_FOUND, details)
    assert_error(api.put("/entries/nope/published", version=1), 404, "NotFound", NOT_FOUND, details)
    assert_error(api.delete("/entries/nope/published"), 404, "NotFound", NOT_FOUND, details)
    assert_error(api.put("/entries/nope/archived"), 404, "NotFound", NOT_FOUND, details)
    assert_error(api.delete("/entries/nope"), 404, "NotFound", NOT_FOUND, details)
    assert_error(api.get("/entries/nope/snapshots"), 404, "NotFound", NOT_FOUND, details)


def test_invalid_id_on_create(master: Api) -> None:
    master.content_type("post", [symbol("title")])
    r = master.put("/entries/" + "x" * 65, {"fields": {}}, content_type="post")
    assert r.status_code == 422, r.text
    assert r.json()["details"]["errors"][0]["path"] == ["sys", "id"]


def test_update_is_full_replacement_and_versioned(api: Api) -> None:
    api.content_type("post", [symbol("title"), field("body", "Text")])
    entry = api.create("post", {"title": {"en-US": "A"}, "body": {"en-US": "B"}})
    updated = api.ok(api.update(entry, fields={"title": {"en-US": "A2"}}))
    assert (updated["fields"], updated["sys"]["version"]) == ({"title": {"en-US": "A2"}}, 2)
    assert updated["sys"]["updatedAt"] >= entry["sys"]["updatedAt"]
    assert_error(api.update(entry, fields={}), 409, "VersionMismatch")  # stale
    assert_error(api.put(f"/entries/{entry['sys']['id']}", {"fields": {}}), 409, "VersionMismatch")  # missing
    assert api.entry(entry["sys"]["id"]) == updated
    # `sys` in the body is read-only and ignored; null values clear a locale.
    cleared = api.ok(api.update(updated, sys={"id": "other"}, fields={"title": {"en-US": None}}))
    assert (cleared["sys"]["id"], cleared["fields"]) == (entry["sys"]["id"], {})


def test_unknown_top_level_key(master: Api) -> None:
    master.content_type("post", [symbol("title")])
    entry = master.create("post", {})
    r = master.update(entry, fields={}, colour="red")
    assert r.status_code == 400
    assert r.json()["sys"]["id"] == "UnknownKey"


# -- lifecycle -------------------------------------------------------------------------------------


def test_lifecycle_version_arithmetic(api: Api) -> None:
    """The sequence recorded against the hosted API: every state change costs one version."""
    api.content_type("post", [symbol("title")])
    entry = api.create("post", {"title": {"en-US": "v1"}})
    entry_id = entry["sys"]["id"]
    entry = api.ok(api.update(entry, fields={"title": {"en-US": "v2"}}))
    assert entry["sys"]["version"] == 2
    entry = api.ok(api.put(f"/entries/{entry_id}/archived", version=2))
    assert (entry["sys"]["version"], entry["sys"]["archivedVersion"]) == (3, 2)
    assert TIMESTAMP.match(entry["sys"]["archivedAt"])
    assert entry["sys"]["archivedBy"] == user_link(api.space["user_id"])
    entry = api.ok(api.delete(f"/entries/{entry_id}/archived", version=3))
    assert entry["sys"]["version"] == 4
    assert "archivedVersion" not in entry["sys"] and "archivedAt" not in entry["sys"]
    entry = api.ok(api.publish(entry))
    assert entry["sys"]["version"] == entry["sys"]["publishedVersion"] + 1 == 5
    assert entry["sys"]["publishedCounter"] == 1
    assert entry["sys"]["firstPublishedAt"] == entry["sys"]["publishedAt"]
    assert entry["sys"]["publishedBy"] == user_link(api.space["user_id"])
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "published"}}
    first_published = entry["sys"]["firstPublishedAt"]
    entry = api.ok(api.update(entry, fields={"title": {"en-US": "v3"}}))
    assert (entry["sys"]["version"], entry["sys"]["publishedVersion"]) == (6, 4)
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "changed"}}
    entry = api.ok(api.delete(f"/entries/{entry_id}/published", version=6))
    assert entry["sys"]["version"] == 7
    assert "publishedVersion" not in entry["sys"] and "publishedAt" not in entry["sys"]
    assert (entry["sys"]["firstPublishedAt"], entry["sys"]["publishedCounter"]) == (first_published, 1)
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "draft"}}
    entry = api.ok(api.publish(entry))
    assert (entry["sys"]["publishedCounter"], entry["sys"]["publishedVersion"]) == (2, 7)
    assert entry["sys"]["firstPublishedAt"] == first_published
    assert api.entry(entry_id) == entry
    assert api.ok(api.delete(f"/entries/{entry_id}/published"))["sys"]["version"] == 9
    r = api.delete(f"/entries/{entry_id}")
    assert r.status_code == 204, r.text
    assert api.get(f"/entries/{entry_id}").status_code == 404


def test_field_status_compares_values(master: Api) -> None:
    """A locale is `changed` while its draft values differ from the published ones; a metadata-only
    update leaves it `published` (as recorded in 2025)."""
    r = master.http.post(master.url("/locales"), json={"name": "de", "code": "de-DE"}, headers=master.headers())
    assert r.status_code == 201, r.text
    master.content_type("post", [symbol("title", localized=True)])
    entry = master.ok(master.publish(master.create("post", {"title": {"en-US": "v1", "de-DE": "d1"}})))
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "published", "de-DE": "published"}}
    entry = master.ok(master.update(entry, fields=entry["fields"], metadata={"tags": [link("Tag", "t")]}))
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "published", "de-DE": "published"}}
    entry = master.ok(master.update(entry, fields={"title": {"en-US": "v2", "de-DE": "d1"}}))
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "changed", "de-DE": "published"}}
    entry = master.ok(master.update(entry, fields={"title": {"en-US": "v1", "de-DE": "d1"}}))
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "published", "de-DE": "published"}}
    assert entry["sys"]["version"] == entry["sys"]["publishedVersion"] + 4


def test_state_rules(api: Api) -> None:
    api.content_type("post", [symbol("title")])
    entry = api.create("post", {"title": {"en-US": "x"}})
    entry_id = entry["sys"]["id"]
    assert_error(api.delete(f"/entries/{entry_id}/published"), 400, "BadRequest", "Not published")
    assert_error(api.delete(f"/entries/{entry_id}/archived"), 400, "BadRequest", "Not archived")
    assert_error(api.put(f"/entries/{entry_id}/published", version=2), 409, "VersionMismatch")
    assert_error(api.put(f"/entries/{entry_id}/published"), 409, "VersionMismatch")
    published = api.ok(api.publish(entry))
    assert_error(api.delete(f"/entries/{entry_id}"), 400, "BadRequest", "Cannot delete published")
    assert_error(api.put(f"/entries/{entry_id}/archived"), 400, "BadRequest", "Cannot archive published")
    unpublished = api.ok(api.delete(f"/entries/{entry_id}/published"))
    archived = api.ok(api.put(f"/entries/{entry_id}/archived", version=unpublished["sys"]["version"]))
    assert_error(api.publish(archived), 400, "BadRequest", "Cannot publish archived")
    assert_error(api.update(archived, fields={}), 400, "BadRequest", "Cannot edit archived")
    assert_error(api.put(f"/entries/{entry_id}/archived"), 400, "BadRequest", "Already archived")
    assert_error(api.put(f"/entries/{entry_id}/archived", version=1), 409, "VersionMismatch")
    assert api.entry(entry_id) == archived
    assert published["sys"]["version"] < archived["sys"]["version"]
    # An archived entry may be deleted.
    assert api.delete(f"/entries/{entry_id}", version=archived["sys"]["version"] + 1).status_code == 409
    assert api.delete(f"/entries/{entry_id}", version=archived["sys"]["version"]).status_code == 204


def test_publish_body_null_or_empty(master: Api) -> None:
    master.content_type("post", [symbol("title")])
    entry = master.create("post", {"title": {"en-US": "x"}})
    r = master.http.put(
        master.url(f"/entries/{entry['sys']['id']}/published"),
        content=b"",
        headers=master.headers(1) | {"Content-Length": "0"},
    )
    assert r.status_code == 200, r.text
    r = master.http.put(
        master.url(f"/entries/{entry['sys']['id']}/published"), content=b"null", headers=master.headers(2)
    )
    assert r.status_code == 200, r.text
    assert (r.json()["sys"]["publishedCounter"], r.json()["sys"]["publishedVersion"]) == (2, 2)
    assert master.put(f"/entries/{entry['sys']['id']}/published", {}, 3).json()["sys"]["publishedCounter"] == 3


def test_environments_are_separate(master: Api) -> None:
    master.content_type("post", [symbol("title")])
    entry = master.create("post", {"title": {"en-US": "x"}})
    other = Api(master.http, master.space, "nope")
    r = other.get(f"/entries/{entry['sys']['id']}")
    assert r.status_code == 404
    assert r.json()["details"]["type"] == "Environment"
