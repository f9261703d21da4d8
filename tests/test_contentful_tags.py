"""Tags over real HTTP: create (PUT with the visibility header or body), get, list with filters and
order, rename (versioned), delete (versioned, refused while an entry or asset links the tag), both URL
forms, and environment isolation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

from headwater.contentful.search import index
from headwater.platform import clock, ids
from headwater.storage import cfentities, tenancy
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Database
from tests.support import LiveServer, contentful_headers, run_async
from tests.test_contentful_users import TIMESTAMP, assert_error, user_link

NOT_FOUND = "The resource could not be found."


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


class Tags:
    """Tag requests against one environment of a space (None: the short form, i.e. master)."""

    def __init__(self, http: httpx.Client, space: dict[str, Any], env_id: str | None = "master") -> None:
        self.http = http
        self.space = space
        self.env_id = env_id

    def headers(self, version: int | None = None, **extra: str) -> dict[str, str]:
        if version is not None:
            extra["X-Contentful-Version"] = str(version)
        return contentful_headers(self.space["cma_token"], **extra)

    def url(self, suffix: str = "") -> str:
        base = f"/spaces/{self.space['space_id']}"
        if self.env_id is not None:
            base += f"/environments/{self.env_id}"
        return f"{base}/tags{suffix}"

    def put(self, tag_id: str, body: Any, version: int | None = None, visibility: str | None = None) -> httpx.Response:
        headers = {} if visibility is None else {"X-Contentful-Tag-Visibility": visibility}
        return self.http.put(self.url(f"/{tag_id}"), json=body, headers=self.headers(version, **headers))

    def create(self, tag_id: str, name: str, visibility: str | None = None) -> dict[str, Any]:
        r = self.put(tag_id, {"name": name, "sys": {"id": tag_id, "type": "Tag"}}, visibility=visibility)
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    def get(self, tag_id: str) -> httpx.Response:
        return self.http.get(self.url(f"/{tag_id}"), headers=self.headers())

    def index(self, **params: Any) -> httpx.Response:
        return self.http.get(self.url(), params=params, headers=self.headers())

    def ids(self, **params: Any) -> list[str]:
        r = self.index(**params)
        assert r.status_code == 200, r.text
        return [t["sys"]["id"] for t in r.json()["items"]]

    def delete(self, tag_id: str, version: int | None) -> httpx.Response:
        return self.http.delete(self.url(f"/{tag_id}"), headers=self.headers(version))


def env_pk(server: LiveServer, space_id: str, env_id: str = "master") -> str:
    async def work(db: Database) -> str:
        async with db.read() as conn:
            env = await tenancy.contentful_environment(conn, space_id, env_id)
        assert env is not None
        return env.pk

    return run_async(work, server.db_url)


def save_tagged(server: LiveServer, space: dict[str, Any], kind: str, tag_ids: list[str]) -> str:
    """An entry or asset linking the tags, saved through the search index as every save is."""
    pk = env_pk(server, space["space_id"])
    now = clock.stamp()
    entity_id = ids.contentful_id()
    doc = {"fields": {}, "metadata": {"tags": [link("Tag", t) for t in tag_ids], "concepts": []}}
    entity = StoredEntity(
        0, kind, entity_id, "thing" if kind == cfentities.ENTRY else None, 1, None, None, 0, None, None, None,
        now, now, space["user_id"], space["user_id"], None, None, msgspec.json.encode(doc).decode(), None,
    )  # fmt: skip

    async def work(db: Database) -> None:
        async with db.write() as conn:
            await index.save(conn, pk, entity, created=True)

    run_async(work, server.db_url)
    return entity_id


def retag(server: LiveServer, space: dict[str, Any], kind: str, entity_id: str, tag_ids: list[str]) -> None:
    pk = env_pk(server, space["space_id"])

    async def work(db: Database) -> None:
        async with db.write() as conn:
            entity = await cfentities.get(conn, pk, kind, entity_id)
            assert entity is not None
            doc = msgspec.json.decode(entity.data)
            doc["metadata"]["tags"] = [link("Tag", t) for t in tag_ids]
            entity.data = msgspec.json.encode(doc).decode()
            entity.version += 1
            await index.save(conn, pk, entity, created=False)

    run_async(work, server.db_url)


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


# -- create and read -------------------------------------------------------------------------------


def test_create_renders_the_recorded_shape(server: LiveServer, space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    body = tags.create("fooPrivate", "Foo Private")
    sys = body["sys"]
    assert TIMESTAMP.match(sys.pop("createdAt")) and TIMESTAMP.match(sys.pop("updatedAt"))
    assert body == {
        "sys": {
            "type": "Tag",
            "id": "fooPrivate",
            "space": link("Space", space["space_id"]),
            "environment": {"sys": {"type": "Link", "linkType": "Environment", "id": "master"}},
            "createdBy": user_link(space["user_id"]),
            "updatedBy": user_link(space["user_id"]),
            "version": 1,
            "visibility": "private",
        },
        "name": "Foo Private",
    }
    got = tags.get("fooPrivate")
    assert got.status_code == 200
    assert got.json()["name"] == "Foo Private"
    assert got.json()["sys"]["version"] == 1


def test_visibility_from_header_then_body_then_private(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    assert tags.create("pub", "Public one", visibility="public")["sys"]["visibility"] == "public"
    # The Python SDK sends the visibility in the body.
    r = tags.put("bodyPub", {"name": "Body public", "sys": {"visibility": "public"}})
    assert r.status_code == 201 and r.json()["sys"]["visibility"] == "public"
    # The header wins over the body.
    r = tags.put("headerWins", {"name": "Header wins", "sys": {"visibility": "public"}}, visibility="private")
    assert r.status_code == 201 and r.json()["sys"]["visibility"] == "private"
    assert tags.create("plain", "Plain")["sys"]["visibility"] == "private"
    r = tags.put("odd", {"name": "Odd"}, visibility="secret")
    assert_error(
        r,
        422,
        "ValidationFailed",
        "Validation error",
        {
            "errors": [
                {
                    "name": "in",
                    "path": ["sys", "visibility"],
                    "value": "secret",
                    "details": "Value must be one of: private, public",
                }
            ]
        },
    )


def test_short_form_means_master(space: dict[str, Any], http: httpx.Client) -> None:
    short, master = Tags(http, space, None), Tags(http, space)
    short.create("viaShort", "Via short form")
    assert master.get("viaShort").status_code == 200
    master.create("viaMaster", "Via master")
    assert short.get("viaMaster").json()["sys"]["environment"]["sys"]["id"] == "master"
    assert set(short.ids()) == {"viaShort", "viaMaster"}


def test_get_missing_is_not_found(space: dict[str, Any], http: httpx.Client) -> None:
    r = Tags(http, space).get("nope")
    details = {"type": "Tag", "id": "nope", "space": space["space_id"], "environment": "master"}
    assert_error(r, 404, "NotFound", NOT_FOUND, details)


def test_unknown_environment_is_not_found(space: dict[str, Any], http: httpx.Client) -> None:
    r = Tags(http, space, "nowhere").index()
    assert r.status_code == 404 and r.json()["sys"]["id"] == "NotFound"


def test_body_rules(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    r = tags.put("noName", {"sys": {"id": "noName"}})
    required = {"name": "required", "path": ["name"], "details": 'The property "name" is required here'}
    assert_error(r, 422, "ValidationFailed", "Validation error", {"errors": [required]})
    r = tags.put("numName", {"name": 5})
    assert r.status_code == 422 and r.json()["details"]["errors"][0]["name"] == "type"
    r = tags.put("blank", {"name": "  "})
    assert r.status_code == 422 and r.json()["details"]["errors"][0]["name"] == "size"
    r = tags.put("extra", {"name": "Extra", "colour": "red"})
    assert_error(r, 400, "UnknownKey", "The body you sent contains an unknown key.", {"keys": ["colour"]})
    r = tags.put("bad$id", {"name": "Bad id"})
    assert r.status_code == 422
    assert r.json()["details"]["errors"][0]["path"] == ["sys", "id"]
    assert tags.ids() == []


def test_duplicate_id_and_name(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    tags.create("first", "Shared name")
    # A second create of the same id carries no version: a version mismatch, as the hosted API answers.
    assert_error(tags.put("first", {"name": "Other"}), 409, "VersionMismatch")
    r = tags.put("second", {"name": "Shared name"})
    assert_error(
        r,
        422,
        "ValidationFailed",
        "Validation error",
        {
            "errors": [
                {
                    "name": "taken",
                    "path": ["name"],
                    "value": "Shared name",
                    "details": "A tag with the name 'Shared name' already exists in this environment.",
                }
            ]
        },
    )
    assert tags.ids() == ["first"]


def test_create_with_a_version_on_a_missing_tag_is_not_found(space: dict[str, Any], http: httpx.Client) -> None:
    r = Tags(http, space).put("ghost", {"name": "Ghost"}, version=1)
    assert r.status_code == 404 and r.json()["details"]["type"] == "Tag"


def test_create_with_version_zero_as_contentful_migration_does(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    body = {"sys": {"id": "migrated", "version": 0, "visibility": "public"}, "name": "Migrated"}
    r = tags.put("migrated", body, version=0)
    assert r.status_code == 201, r.text
    assert (r.json()["sys"]["version"], r.json()["sys"]["visibility"]) == (1, "public")
    # Its next save sends version 1; a second create with version 0 is stale.
    r = tags.put("migrated", {"sys": {"id": "migrated", "version": 1}, "name": "Migrated again"}, version=1)
    assert r.status_code == 200 and r.json()["sys"]["version"] == 2
    assert_error(tags.put("migrated", body, version=0), 409, "VersionMismatch")


# -- update ------------------------------------------------------------------------------------------


def test_rename_bumps_the_version_and_keeps_visibility(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    created = tags.create("fooPublic", "Foo Public", visibility="public")
    r = tags.put("fooPublic", {"name": "Updated Tag Name"}, version=1)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "Updated Tag Name"
    assert body["sys"]["version"] == 2
    assert body["sys"]["visibility"] == "public"
    assert body["sys"]["createdAt"] == created["sys"]["createdAt"]
    # Visibility never changes after creation, whatever the update sends.
    r = tags.put("fooPublic", {"name": "Again"}, version=2, visibility="private")
    assert r.status_code == 200 and r.json()["sys"]["visibility"] == "public"
    assert tags.get("fooPublic").json()["sys"]["version"] == 3
    # Renaming to its own current name is fine; to another tag's name is not.
    assert tags.put("fooPublic", {"name": "Again"}, version=3).status_code == 200
    tags.create("other", "Other")
    r = tags.put("fooPublic", {"name": "Other"}, version=4)
    assert r.status_code == 422 and r.json()["details"]["errors"][0]["name"] == "taken"


def test_rename_with_a_stale_or_missing_version(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    tags.create("t1", "T1")
    assert_error(tags.put("t1", {"name": "T1b"}, version=7), 409, "VersionMismatch")
    assert_error(tags.put("t1", {"name": "T1b"}), 409, "VersionMismatch")
    assert tags.get("t1").json()["name"] == "T1"


# -- delete ------------------------------------------------------------------------------------------


def test_delete_needs_the_current_version(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    tags.create("gone", "Gone")
    assert_error(tags.delete("gone", None), 409, "VersionMismatch")
    assert_error(tags.delete("gone", 2), 409, "VersionMismatch")
    r = tags.delete("gone", 1)
    assert r.status_code == 204 and r.content == b""
    assert tags.get("gone").status_code == 404
    assert tags.delete("gone", 1).status_code == 404
    # The id is free again.
    assert tags.create("gone", "Gone")["sys"]["version"] == 1


@pytest.mark.parametrize("kind", [cfentities.ENTRY, cfentities.ASSET])
def test_referenced_tag_cannot_be_deleted(
    server: LiveServer, space: dict[str, Any], http: httpx.Client, kind: str
) -> None:
    tags = Tags(http, space)
    tags.create("icon", "icon")
    tags.create("spare", "spare")
    entity_id = save_tagged(server, space, kind, ["spare", "icon"])
    assert_error(
        tags.delete("icon", 1),
        422,
        "ActionPreconditionsFailed",
        "Cannot delete tag.",
        {"errors": [{"name": "reference", "details": "Tag is referenced by another entity"}]},
    )
    assert tags.get("icon").status_code == 200
    retag(server, space, kind, entity_id, ["spare"])
    assert tags.delete("icon", 1).status_code == 204
    assert tags.delete("spare", 1).status_code == 422


def test_a_reference_in_another_environment_does_not_block(
    server: LiveServer, space: dict[str, Any], http: httpx.Client
) -> None:
    staging = Tags(http, space, "staging")
    r = http.put(
        f"/spaces/{space['space_id']}/environments/staging",
        json={"name": "staging"},
        headers=contentful_headers(space["cma_token"]),
    )
    assert r.status_code == 201, r.text
    staging.create("shared", "Shared")
    master = Tags(http, space)
    master.create("shared", "Shared")
    save_tagged(server, space, cfentities.ENTRY, ["shared"])  # in master
    assert staging.delete("shared", 1).status_code == 204
    assert master.delete("shared", 1).status_code == 422


# -- listing -----------------------------------------------------------------------------------------


def test_list_shape_paging_and_default_order(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    for n in range(5):
        tags.create(f"tag{n}", f"Tag {n}", visibility="public" if n % 2 else None)
    r = tags.index()
    body = r.json()
    assert {k: body[k] for k in ("total", "skip", "limit", "sys")} == {
        "total": 5,
        "skip": 0,
        "limit": 100,
        "sys": {"type": "Array"},
    }
    # Newest first, as the hosted listing is.
    assert [t["sys"]["id"] for t in body["items"]] == ["tag4", "tag3", "tag2", "tag1", "tag0"]
    page = tags.index(skip=1, limit=2).json()
    assert (page["total"], page["skip"], page["limit"]) == (5, 1, 2)
    assert [t["sys"]["id"] for t in page["items"]] == ["tag3", "tag2"]
    assert tags.index(limit="x").status_code == 400


def test_list_filters_and_order(space: dict[str, Any], http: httpx.Client) -> None:
    tags = Tags(http, space)
    tags.create("b", "Banana", visibility="public")
    tags.create("a", "Apple")
    tags.create("c", "Cherry", visibility="public")
    assert tags.ids(order="sys.createdAt,sys.id") == ["b", "a", "c"]
    assert tags.ids(order="sys.id") == ["a", "b", "c"]
    assert tags.ids(order="-name") == ["c", "b", "a"]
    assert tags.ids(**{"sys.id[in]": "a,c", "order": "sys.id"}) == ["a", "c"]
    assert tags.ids(**{"sys.id[nin]": "a,c"}) == ["b"]
    assert tags.ids(**{"sys.id": "b"}) == ["b"]
    assert tags.ids(**{"sys.id[ne]": "b", "order": "sys.id"}) == ["a", "c"]
    assert tags.ids(**{"sys.visibility": "public", "order": "sys.id"}) == ["b", "c"]
    assert tags.ids(name="Apple") == ["a"]
    assert tags.ids(**{"name[match]": "an"}) == ["b"]
    filtered = tags.index(**{"sys.id[in]": "a,b", "limit": 1}).json()
    assert filtered["total"] == 2 and len(filtered["items"]) == 1


def test_environments_are_isolated(space: dict[str, Any], http: httpx.Client) -> None:
    r = http.put(
        f"/spaces/{space['space_id']}/environments/dev",
        json={"name": "dev"},
        headers=contentful_headers(space["cma_token"]),
    )
    assert r.status_code == 201, r.text
    dev, master = Tags(http, space, "dev"), Tags(http, space)
    dev.create("onlyDev", "Only dev")
    assert master.ids() == []
    assert dev.get("onlyDev").json()["sys"]["environment"]["sys"]["id"] == "dev"
    # Names are unique per environment only.
    master.create("onlyMaster", "Only dev")


def test_other_users_cannot_see_the_space_tags(server: LiveServer, space: dict[str, Any], http: httpx.Client) -> None:
    Tags(http, space).create("mine", "Mine")
    stranger = server.space()
    intruder = dict(space, cma_token=stranger["cma_token"])
    r = Tags(http, intruder).get("mine")
    assert r.status_code == 404
    assert r.json()["details"]["type"] == "Space"


def test_tag_linked_through_the_entries_api_cannot_be_deleted(space: dict[str, Any], http: httpx.Client) -> None:
    """The same rule end to end: the entry is created and untagged over HTTP."""
    tags = Tags(http, space)
    tags.create("hot", "Hot")
    base = f"/spaces/{space['space_id']}/environments/master"
    headers = contentful_headers(space["cma_token"])
    field = {"id": "title", "name": "Title", "type": "Symbol"}
    r = http.put(f"{base}/content_types/note", json={"name": "Note", "fields": [field]}, headers=headers)
    assert r.status_code == 201, r.text
    r = http.put(f"{base}/content_types/note/published", headers={**headers, "X-Contentful-Version": "1"})
    assert r.status_code == 200, r.text
    body = {"fields": {"title": {"en-US": "Tagged"}}, "metadata": {"tags": [link("Tag", "hot")]}}
    r = http.post(f"{base}/entries", json=body, headers={**headers, "X-Contentful-Content-Type": "note"})
    assert r.status_code == 201, r.text
    entry = r.json()
    assert r.json()["metadata"]["tags"] == [link("Tag", "hot")]
    assert tags.delete("hot", 1).status_code == 422
    untagged = {"fields": entry["fields"], "metadata": {"tags": []}}
    version = str(entry["sys"]["version"])
    r = http.put(
        f"{base}/entries/{entry['sys']['id']}", json=untagged, headers={**headers, "X-Contentful-Version": version}
    )
    assert r.status_code == 200, r.text
    assert tags.delete("hot", 1).status_code == 204
