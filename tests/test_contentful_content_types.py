"""Content types, editor interfaces and content type snapshots over real HTTP: the lifecycle, the
save-time checks of fields and validations, the rules against the activated version, and the
environment-less short form that means `master`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from headwater.storage import cfentities, tenancy
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Database
from tests.support import LiveServer, contentful_headers, run_async
from tests.test_contentful_users import TIMESTAMP, assert_error, user_link

NOT_FOUND = "The resource could not be found."
IN = "Value must be one of expected values"
FIELD_TYPES = sorted(
    ["Symbol", "Text", "RichText", "Integer", "Number", "Date", "Boolean", "Location", "Object", "Link", "Array"]
)
FIELD_TYPES = sorted([*FIELD_TYPES, "ResourceLink"])


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


class Api:
    """Content model requests against one environment of a space (None: the short form, i.e. master)."""

    def __init__(self, http: httpx.Client, space: dict[str, Any], env_id: str | None = "master") -> None:
        self.http = http
        self.space = space
        self.env_id = env_id

    def headers(self, version: int | str | None = None) -> dict[str, str]:
        extra = {} if version is None else {"X-Contentful-Version": str(version)}
        return contentful_headers(self.space["cma_token"], **extra)

    def url(self, suffix: str) -> str:
        base = f"/spaces/{self.space['space_id']}"
        if self.env_id is not None:
            base += f"/environments/{self.env_id}"
        return base + suffix

    def get(self, suffix: str) -> httpx.Response:
        return self.http.get(self.url(suffix), headers=self.headers())

    def post(self, body: Any) -> httpx.Response:
        return self.http.post(self.url("/content_types"), json=body, headers=self.headers())

    def put(self, suffix: str, body: Any = None, version: int | str | None = None) -> httpx.Response:
        return self.http.put(self.url(suffix), json=body if body is not None else {}, headers=self.headers(version))

    def delete(self, suffix: str, version: int | str | None = None) -> httpx.Response:
        return self.http.delete(self.url(suffix), headers=self.headers(version))

    def create(self, ct_id: str, body: dict[str, Any]) -> dict[str, Any]:
        r = self.put(f"/content_types/{ct_id}", body)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        return created

    def update(self, ct: dict[str, Any], **changes: Any) -> httpx.Response:
        body = {k: v for k, v in ct.items() if k != "sys"} | changes
        return self.put(f"/content_types/{ct['sys']['id']}", body, ct["sys"]["version"])

    def publish(self, ct: dict[str, Any]) -> dict[str, Any]:
        r = self.put(f"/content_types/{ct['sys']['id']}/published", version=ct["sys"]["version"])
        assert r.status_code == 200, r.text
        published: dict[str, Any] = r.json()
        return published


def symbol(field_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "name": field_id.title(), "type": "Symbol", **extra}


def blog(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Blog post",
        "description": "A post",
        "displayField": "title",
        "fields": [symbol("title")],
    } | changes


def problems(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["sys"], body["message"]) == ({"type": "Error", "id": "ValidationFailed"}, "Validation error")
    errors: list[dict[str, Any]] = body["details"]["errors"]
    return errors


@pytest.fixture(params=["master", None], ids=["environment", "short"])
def api(request: pytest.FixtureRequest, server: LiveServer, space: dict[str, Any]) -> Any:
    with server.client() as http:
        yield Api(http, space, request.param)


# -- lifecycle -------------------------------------------------------------------------------------


def test_create_shape_and_list(api: Api) -> None:
    r = api.post({"name": "Post", "fields": [symbol("title"), {"id": "body", "name": "Body", "type": "Text"}]})
    assert r.status_code == 201, r.text
    ct = r.json()
    space_id = api.space["space_id"]
    assert list(ct) == ["sys", "displayField", "name", "description", "fields"]
    assert list(ct["sys"])[:3] == ["space", "id", "type"]
    assert TIMESTAMP.match(ct["sys"]["createdAt"])
    assert ct["sys"] | {"createdAt": "", "updatedAt": ""} == {
        "space": link("Space", space_id),
        "id": ct["sys"]["id"],
        "type": "ContentType",
        "createdBy": user_link(api.space["user_id"]),
        "createdAt": "",
        "updatedBy": user_link(api.space["user_id"]),
        "updatedAt": "",
        "environment": link("Environment", "master"),
        "publishedCounter": 0,
        "version": 1,
        "urn": f"crn:contentful:::content:spaces/{space_id}/environments/master/content_types/{ct['sys']['id']}",
    }
    assert len(ct["sys"]["id"]) == 22
    assert (ct["displayField"], ct["description"]) == (None, None)
    assert ct["fields"][0] == {
        "id": "title",
        "name": "Title",
        "type": "Symbol",
        "localized": False,
        "required": False,
        "validations": [],
        "disabled": False,
        "omitted": False,
    }
    assert list(ct["fields"][0]) == [
        "id",
        "name",
        "type",
        "localized",
        "required",
        "validations",
        "disabled",
        "omitted",
    ]
    assert api.get(f"/content_types/{ct['sys']['id']}").json() == ct
    listing = api.get("/content_types").json()
    assert list(listing) == ["total", "limit", "skip", "sys", "items"]
    assert (listing["total"], listing["items"]) == (1, [ct])


def test_not_found(api: Api) -> None:
    details = {"type": "ContentType", "id": "nope", "space": api.space["space_id"], "environment": "master"}
    assert_error(api.get("/content_types/nope"), 404, "NotFound", NOT_FOUND, details)
    assert_error(api.put("/content_types/nope/published", version=1), 404, "NotFound", NOT_FOUND, details)
    assert_error(api.delete("/content_types/nope"), 404, "NotFound", NOT_FOUND, details)
    assert api.get("/content_types/nope/editor_interface").status_code == 404


def test_put_create_update_versions(api: Api) -> None:
    ct = api.create("post", blog())
    assert (ct["sys"]["id"], ct["sys"]["version"]) == ("post", 1)
    r = api.update(ct, name="Renamed")
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["sys"]["version"]) == ("Renamed", 2)
    assert_error(api.update(ct, name="Stale"), 409, "VersionMismatch")
    body = {k: v for k, v in ct.items() if k != "sys"}
    assert_error(api.put("/content_types/post", body), 409, "VersionMismatch")
    assert api.get("/content_types/post").json()["name"] == "Renamed"


def test_publish_unpublish_delete(api: Api) -> None:
    ct = api.create("post", blog())
    published = api.publish(ct)
    sys = published["sys"]
    assert (sys["version"], sys["publishedVersion"], sys["publishedCounter"]) == (2, 1, 1)
    assert sys["publishedAt"] == sys["firstPublishedAt"] and TIMESTAMP.match(sys["publishedAt"])
    public = api.get("/public/content_types").json()
    assert public["total"] == 1 and public["items"][0]["name"] == "Blog post"
    draft = api.update(published, name="Changed").json()
    assert api.get("/public/content_types").json()["items"][0]["name"] == "Blog post"
    assert_error(api.delete("/content_types/post"), 400, "BadRequest", "Cannot delete published")
    assert_error(api.put("/content_types/post/published", version=1), 409, "VersionMismatch")
    r = api.delete("/content_types/post/published", draft["sys"]["version"])
    assert r.status_code == 200, r.text
    sys = r.json()["sys"]
    assert "publishedVersion" not in sys and "publishedAt" not in sys
    assert (sys["version"], sys["publishedCounter"]) == (4, 1) and "firstPublishedAt" in sys
    assert api.get("/public/content_types").json()["total"] == 0
    assert_error(api.delete("/content_types/post/published"), 400, "BadRequest", "Not published")
    assert api.delete("/content_types/post").status_code == 204
    assert api.get("/content_types/post").status_code == 404
    assert api.get("/content_types/post/editor_interface").status_code == 404


def test_unpublish_refused_while_entries_exist(server: LiveServer, api: Api) -> None:
    ct = api.publish(api.create("post", blog()))

    async def add_entry(db: Database) -> None:
        async with db.read() as conn:
            env = await tenancy.contentful_environment(conn, api.space["space_id"], "master")
        assert env is not None
        now = "2026-01-01T00:00:00.000000Z"
        entry = StoredEntity(
            0, cfentities.ENTRY, "e1", "post", 1, None, None, 0, None, None, None, now, now, "u", "u", None, None,
            '{"fields": {}}', None,
        )  # fmt: skip
        async with db.write() as conn:
            await cfentities.insert(conn, env.pk, entry)

    run_async(add_entry, server.db_url)
    r = api.delete("/content_types/post/published", ct["sys"]["version"])
    assert_error(r, 400, "BadRequest", "Content Type has entries")


# -- editor interfaces and snapshots ---------------------------------------------------------------


def test_editor_interface_lifecycle(api: Api) -> None:
    fields = [
        symbol("title"),
        {"id": "body", "name": "Body", "type": "RichText"},
        {"id": "author", "name": "Author", "type": "Link", "linkType": "Entry"},
        {"id": "tags", "name": "Tags", "type": "Array", "items": {"type": "Symbol"}},
        {"id": "images", "name": "Images", "type": "Array", "items": {"type": "Link", "linkType": "Asset"}},
    ]
    ct = api.create("post", blog(fields=fields))
    details = {"type": "EditorInterface", "id": "post", "space": api.space["space_id"], "environment": "master"}
    assert_error(api.get("/content_types/post/editor_interface"), 404, "NotFound", NOT_FOUND, details)
    ct = api.publish(ct)
    r = api.get("/content_types/post/editor_interface")
    assert r.status_code == 200, r.text
    ei = r.json()
    assert ei["sys"]["id"] == "default" and ei["sys"]["type"] == "EditorInterface"
    assert ei["sys"]["version"] == 1
    assert ei["sys"]["contentType"] == link("ContentType", "post")
    assert ei["sys"]["environment"] == link("Environment", "master")
    assert [(c["fieldId"], c["widgetId"]) for c in ei["controls"]] == [
        ("title", "singleLine"),
        ("body", "richTextEditor"),
        ("author", "entryLinkEditor"),
        ("tags", "tagEditor"),
        ("images", "assetLinksEditor"),
    ]
    controls = [{"fieldId": "title", "widgetId": "slugEditor", "widgetNamespace": "builtin"}, *ei["controls"][1:]]
    assert_error(api.put("/content_types/post/editor_interface", {"controls": controls}, 7), 409, "VersionMismatch")
    r = api.put("/content_types/post/editor_interface", {**ei, "controls": controls}, 1)
    assert r.status_code == 200, r.text
    assert r.json()["sys"]["version"] == 2 and r.json()["controls"][0]["widgetId"] == "slugEditor"
    bad = api.put("/content_types/post/editor_interface", {"controls": [{"widgetId": 3}]}, 2)
    assert [p["name"] for p in problems(bad)] == ["required", "type"]
    ct = api.update(ct, fields=[*fields, {"id": "rating", "name": "Rating", "type": "Integer"}]).json()
    api.publish(ct)
    ei = api.get("/content_types/post/editor_interface").json()
    assert ei["sys"]["version"] == 3
    assert ei["controls"][0]["widgetId"] == "slugEditor"
    assert ei["controls"][-1] == {"fieldId": "rating", "widgetId": "numberEditor", "widgetNamespace": "builtin"}
    listing = api.get("/editor_interfaces").json()
    assert listing["total"] == 1 and listing["items"] == [ei]


def test_snapshots(api: Api) -> None:
    ct = api.publish(api.create("post", blog()))
    second = api.publish(api.update(ct, name="Second").json())
    r = api.get("/content_types/post/snapshots")
    assert r.status_code == 200, r.text
    listing = r.json()
    assert listing["total"] == 2
    newest = listing["items"][0]
    assert list(newest) == ["sys", "snapshot"]
    assert newest["sys"]["type"] == "Snapshot"
    assert (newest["sys"]["snapshotType"], newest["sys"]["snapshotEntityType"]) == ("publish", "ContentType")
    assert newest["snapshot"] == second
    assert listing["items"][1]["snapshot"]["name"] == "Blog post"
    one = api.get(f"/content_types/post/snapshots/{newest['sys']['id']}")
    assert one.json() == newest
    details = {"type": "Snapshot", "id": "nope", "space": api.space["space_id"], "environment": "master"}
    assert_error(api.get("/content_types/post/snapshots/nope"), 404, "NotFound", NOT_FOUND, details)
    assert api.get("/content_types/other/snapshots").status_code == 404


# -- save-time checks ------------------------------------------------------------------------------


def test_field_type_must_be_known(api: Api) -> None:
    r = api.post(blog(fields=[{"id": "title", "name": "Title", "type": "Strange"}], displayField=None))
    assert problems(r) == [
        {"name": "in", "details": IN, "path": ["fields", 0, "type"], "value": "Strange", "expected": FIELD_TYPES}
    ]


def test_field_required_parts_and_flags(api: Api) -> None:
    body = blog(
        displayField=None,
        fields=[
            {"type": "Symbol"},
            {"id": "9bad", "name": "x", "type": "Symbol"},
            {"id": "ok", "name": "Ok", "type": "Symbol", "localized": "yes"},
            {"id": "link", "name": "Link", "type": "Link"},
            {"id": "link2", "name": "Link", "type": "Link", "linkType": "Space"},
            {"id": "list", "name": "List", "type": "Array", "items": {"type": "Integer"}},
            {"id": "list2", "name": "List", "type": "Array"},
            {"id": "res", "name": "Res", "type": "ResourceLink"},
            {"id": "sym", "name": "Sym", "type": "Symbol", "linkType": "Entry"},
        ],
    )
    found = [(p["name"], p["path"]) for p in problems(api.post(body))]
    assert found == [
        ("required", ["fields", 0, "id"]),
        ("required", ["fields", 0, "name"]),
        ("regexp", ["fields", 1, "id"]),
        ("type", ["fields", 2, "localized"]),
        ("required", ["fields", 3, "linkType"]),
        ("in", ["fields", 4, "linkType"]),
        ("in", ["fields", 5, "items", "type"]),
        ("required", ["fields", 6, "items"]),
        ("required", ["fields", 7, "allowedResources"]),
        ("unexpected", ["fields", 8, "linkType"]),
    ]


def test_name_unique_ids_and_display_field(api: Api) -> None:
    r = api.post(
        {"fields": [symbol("a"), symbol("a"), {"id": "n", "name": "N", "type": "Integer"}], "displayField": "n"}
    )
    found = problems(r)
    assert [(p["name"], p["path"]) for p in found] == [
        ("required", ["name"]),
        ("uniqueFieldIds", ["fields", 1, "id"]),
        ("in", ["displayField"]),
    ]
    assert found[2]["expected"] == ["a", "a"] and found[2]["value"] == "n"


def test_unknown_top_level_keys_are_ignored(api: Api) -> None:
    r = api.post(blog(somethingElse=True, sys={"id": "ignored"}))
    assert r.status_code == 201, r.text
    assert "somethingElse" not in r.json() and r.json()["sys"]["id"] != "ignored"


def test_every_validation_accepted(api: Api) -> None:
    fields = [
        symbol(
            "title",
            validations=[
                {"size": {"min": 1, "max": 80}, "message": "1 to 80"},
                {"in": ["a", "b"]},
                {"regexp": {"pattern": "^[a-z]+$", "flags": "i"}},
                {"prohibitRegexp": {"pattern": "x", "flags": None}},
                {"unique": True},
            ],
        ),
        {"id": "n", "name": "N", "type": "Number", "validations": [{"range": {"min": 0.5}}, {"in": [1, 2.5]}]},
        {"id": "d", "name": "D", "type": "Date", "validations": [{"dateRange": {"min": "2020-01-01", "max": None}}]},
        {"id": "e", "name": "E", "type": "Link", "linkType": "Entry", "validations": [{"linkContentType": ["post"]}]},
        {
            "id": "a",
            "name": "A",
            "type": "Link",
            "linkType": "Asset",
            "validations": [
                {"linkMimetypeGroup": ["image", "video"]},
                {"assetFileSize": {"max": 1000}},
                {"assetImageDimensions": {"width": {"min": 10}, "height": {"max": 20}}},
            ],
        },
        {
            "id": "r",
            "name": "R",
            "type": "RichText",
            "validations": [
                {"enabledNodeTypes": ["heading-1", "embedded-entry-block", "hyperlink"]},
                {"enabledMarks": ["bold", "italic"]},
                {
                    "nodes": {
                        "embedded-entry-block": [{"linkContentType": ["post"]}, {"size": {"max": 3}}],
                        "asset-hyperlink": [{"size": {"min": 1}, "message": None}],
                        "embedded-resource-block": {"validations": [{"size": {"max": 2}}], "allowedResources": []},
                    }
                },
            ],
        },
        {
            "id": "l",
            "name": "L",
            "type": "Array",
            "validations": [{"size": {"max": 5}}],
            "items": {"type": "Link", "linkType": "Entry", "validations": [{"linkContentType": ["post"]}]},
        },
        {"id": "t", "name": "T", "type": "Array", "items": {"type": "Symbol", "validations": [{"in": ["x"]}]}},
        {"id": "defaults", "name": "D", "type": "Integer", "defaultValue": {"en-US": 3}},
        {
            "id": "res",
            "name": "Res",
            "type": "ResourceLink",
            "allowedResources": [
                {"type": "Contentful:Entry", "source": "crn:contentful:::content:spaces/x", "contentTypes": ["a"]}
            ],
        },
    ]
    r = api.post(blog(fields=fields))
    assert r.status_code == 201, r.text
    stored = r.json()["fields"]
    assert stored[6]["items"] == {"type": "Link", "validations": [{"linkContentType": ["post"]}], "linkType": "Entry"}
    assert stored[8]["defaultValue"] == {"en-US": 3}
    assert list(stored[8]) == [
        "id",
        "name",
        "type",
        "localized",
        "required",
        "validations",
        "defaultValue",
        "disabled",
        "omitted",
    ]
    assert stored[3]["linkType"] == "Entry" and list(stored[3])[-1] == "linkType"


def test_validation_shapes_refused(api: Api) -> None:
    fields = [
        symbol("s", validations=[{"range": {"min": 1}}]),
        symbol("t", validations=[{"size": {"min": "one"}}]),
        {"id": "i", "name": "I", "type": "Integer", "validations": [{"in": [1, "two"]}]},
        {
            "id": "a",
            "name": "A",
            "type": "Link",
            "linkType": "Asset",
            "validations": [{"linkMimetypeGroup": ["movie"]}],
        },
        {
            "id": "r",
            "name": "R",
            "type": "RichText",
            "validations": [{"enabledMarks": ["blink"]}, {"nodes": {"p": []}}],
        },
        symbol("m", validations=[{"unique": True, "message": 5}]),
        symbol("e", validations=[{}]),
        symbol("x", validations="none"),
        {"id": "dv", "name": "Dv", "type": "Symbol", "defaultValue": {"en-US": 3}},
        {"id": "lo", "name": "Lo", "type": "Location", "defaultValue": {"en-US": {"lat": 1}}},
    ]
    found = [(p["name"], p["path"]) for p in problems(api.post(blog(fields=fields, displayField=None)))]
    assert found == [
        ("unexpected", ["fields", 0, "validations", 0, "range"]),
        ("type", ["fields", 1, "validations", 0, "size", "min"]),
        ("type", ["fields", 2, "validations", 0, "in", 1]),
        ("in", ["fields", 3, "validations", 0, "linkMimetypeGroup", 0]),
        ("in", ["fields", 4, "validations", 0, "enabledMarks", 0]),
        ("unexpected", ["fields", 4, "validations", 1, "nodes", "p"]),
        ("type", ["fields", 5, "validations", 0, "message"]),
        ("in", ["fields", 6, "validations", 0]),
        ("type", ["fields", 7, "validations"]),
        ("type", ["fields", 8, "defaultValue", "en-US"]),
        ("unexpected", ["fields", 9, "defaultValue"]),
    ]


# -- rules against the activated version -----------------------------------------------------------


def test_type_change_against_published_refused(api: Api) -> None:
    ct = api.publish(api.create("post", blog(fields=[symbol("title"), symbol("count")])))
    changed = [symbol("title"), {"id": "count", "name": "Count", "type": "Integer"}]
    r = api.update(ct, fields=changed)
    change = {"name": "in", "details": IN, "path": ["fields", 1, "type"], "value": "Integer", "expected": ["Symbol"]}
    assert_error(r, 400, "BadRequest", "Previously published fields are invalid", {"errors": [change]})
    draft = api.create("draft", blog(fields=[symbol("title"), symbol("count")]))
    assert api.update(draft, fields=changed).status_code == 200  # never activated: free to change


def test_delete_field_only_after_omit(api: Api) -> None:
    ct = api.publish(api.create("post", blog(fields=[symbol("title"), symbol("old")])))
    r = api.update(ct, fields=[symbol("title")])
    assert_error(r, 400, "BadRequest", "You need to omit a field before deleting it", {})
    r = api.update(ct, fields=[symbol("title"), symbol("old", deleted=True)])
    assert_error(r, 400, "BadRequest", "You need to omit a field before deleting it", {})
    ct = api.publish(api.update(ct, fields=[symbol("title"), symbol("old", omitted=True)]).json())
    r = api.update(ct, fields=[symbol("title"), symbol("old", omitted=True, deleted=True)])
    assert r.status_code == 200, r.text
    assert [f["id"] for f in r.json()["fields"]] == ["title"]  # gone from the draft at once
    assert [f["id"] for f in api.get("/public/content_types").json()["items"][0]["fields"]] == ["title", "old"]
    activated = api.publish(r.json())
    assert [f["id"] for f in activated["fields"]] == ["title"]
    assert [f["id"] for f in api.get("/public/content_types").json()["items"][0]["fields"]] == ["title"]
    assert [c["fieldId"] for c in api.get("/content_types/post/editor_interface").json()["controls"]] == ["title"]
    ct = api.publish(api.update(activated, fields=[symbol("title"), symbol("gone", omitted=True)]).json())
    assert api.update(ct, fields=[symbol("title")]).status_code == 200  # removed from the body


def test_deleted_never_published_field_is_dropped(api: Api) -> None:
    r = api.post(blog(fields=[symbol("title"), symbol("scratch", deleted=True)]))
    assert r.status_code == 201, r.text
    assert [f["id"] for f in r.json()["fields"]] == ["title"]


def test_other_environment_is_separate(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        master = Api(http, space)
        master.create("post", blog())
        r = http.get(f"/spaces/{space['space_id']}/environments/nope/content_types", headers=master.headers())
        assert r.status_code == 404
        assert Api(http, space, None).get("/content_types/post").status_code == 200


def test_null_flags_read_as_defaults_and_item_validations_checked(api: Api) -> None:
    r = api.post(blog(fields=[symbol("title", localized=None, required=None, validations=None, defaultValue=None)]))
    assert r.status_code == 201, r.text
    field = r.json()["fields"][0]
    assert (field["localized"], field["required"], field["validations"]) == (False, False, [])
    assert "defaultValue" not in field
    items = {"type": "Link", "linkType": "Asset", "validations": [{"linkContentType": ["post"]}]}
    bad = api.post(blog(fields=[symbol("title"), {"id": "pics", "name": "Pics", "type": "Array", "items": items}]))
    assert [(p["name"], p["path"]) for p in problems(bad)] == [
        ("unexpected", ["fields", 1, "items", "validations", 0, "linkContentType"])
    ]


def test_field_renamed_with_new_id_on_activation(api: Api) -> None:
    """contentful-migration's `changeFieldId` saves the field with a `newId`, then activates the type:
    the field, `displayField`, the entries' values (and search rows) and the field's editor control
    follow to the new id; entry versions do not change."""
    age = {"id": "age", "name": "Age", "type": "Integer"}
    ct = api.publish(api.create("post", blog(fields=[symbol("title"), age])))
    ei = api.get("/content_types/post/editor_interface").json()
    rating = {"fieldId": "age", "widgetId": "rating", "widgetNamespace": "builtin"}
    r = api.put("/content_types/post/editor_interface", {"controls": [ei["controls"][0], rating]}, 1)
    assert r.status_code == 200, r.text
    headers = {**api.headers(), "X-Contentful-Content-Type": "post"}
    body = {"fields": {"title": {"en-US": "Hi"}, "age": {"en-US": 3}}}
    assert api.http.put(api.url("/entries/e1"), json=body, headers=headers).status_code == 201
    published = api.put("/entries/e1/published", version=1)
    assert published.status_code == 200, published.text

    title, age = ct["fields"]
    bad = api.update(ct, fields=[title, {**age, "newId": "9lives"}])
    assert [(p["name"], p["path"]) for p in problems(bad)] == [("regexp", ["fields", 1, "newId"])]
    taken = api.update(ct, fields=[title, {**age, "newId": "title"}])
    assert [(p["name"], p["path"]) for p in problems(taken)] == [("uniqueFieldIds", ["fields", 1, "newId"])]
    r = api.update(ct, fields=[{**title, "newId": "heading"}, {**age, "newId": "years"}])
    assert r.status_code == 200, r.text
    assert [(f["id"], f.get("newId")) for f in r.json()["fields"]] == [("title", "heading"), ("age", "years")]
    assert api.get("/entries/e1").json()["fields"] == body["fields"], "nothing moves before the activation"

    ct = api.publish(r.json())
    assert [f["id"] for f in ct["fields"]] == ["heading", "years"]
    assert all("newId" not in f for f in ct["fields"]) and ct["displayField"] == "heading"
    entry = api.get("/entries/e1").json()
    assert entry["fields"] == {"heading": {"en-US": "Hi"}, "years": {"en-US": 3}}
    assert (entry["sys"]["version"], entry["sys"]["publishedVersion"]) == (2, 1)
    found = api.get("/entries?content_type=post&fields.years=3").json()
    assert [e["sys"]["id"] for e in found["items"]] == ["e1"]
    ei = api.get("/content_types/post/editor_interface").json()
    assert [(c["fieldId"], c["widgetId"]) for c in ei["controls"]] == [("heading", "singleLine"), ("years", "rating")]
    r = api.put("/entries/e1", {"fields": {"heading": {"en-US": "Hello"}, "years": {"en-US": 4}}}, 2)
    assert r.status_code == 200, r.text
    assert api.put("/entries/e1/published", version=3).status_code == 200
