"""Environments over real HTTP: list, get, create (PUT with id, POST), copy from a source, rename, delete."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from contentful_management import Client

from headwater.contentful.errors import MEDIA_TYPE
from tests.support import LiveServer, contentful_headers
from tests.test_contentful_users import TIMESTAMP, assert_error, user_link

NOT_FOUND = "The resource could not be found."


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


def expected_environment(
    env: dict[str, Any], space: dict[str, Any], name: str, version: int, status: str = "ready"
) -> dict[str, Any]:
    return {
        "name": name,
        "sys": {
            "type": "Environment",
            "id": env["sys"]["id"],
            "version": version,
            "space": link("Space", space["space_id"]),
            "status": link("Status", status),
            "createdBy": user_link(space["user_id"]),
            "createdAt": env["sys"]["createdAt"],
            "updatedBy": user_link(space["user_id"]),
            "updatedAt": env["sys"]["updatedAt"],
        },
    }


class Api:
    """Requests against one space with its token."""

    def __init__(self, http: httpx.Client, space: dict[str, Any]) -> None:
        self.http = http
        self.space_id = space["space_id"]
        self.token = space["cma_token"]

    def headers(self, **extra: str) -> dict[str, str]:
        return contentful_headers(self.token, **extra)

    def url(self, suffix: str = "") -> str:
        return f"/spaces/{self.space_id}/environments{suffix}"

    def get(self, suffix: str = "", **params: Any) -> httpx.Response:
        return self.http.get(self.url(suffix), params=params, headers=self.headers())

    def put(self, env_id: str, body: Any, **extra: str) -> httpx.Response:
        return self.http.put(self.url(f"/{env_id}"), json=body, headers=self.headers(**extra))

    def delete(self, env_id: str, **extra: str) -> httpx.Response:
        return self.http.delete(self.url(f"/{env_id}"), headers=self.headers(**extra))

    def locales(self, env_id: str) -> list[dict[str, Any]]:
        r = self.http.get(self.url(f"/{env_id}/locales"), headers=self.headers())
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    def add_locale(self, env_id: str, code: str) -> dict[str, Any]:
        r = self.http.post(self.url(f"/{env_id}/locales"), json={"name": code, "code": code}, headers=self.headers())
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body


def test_list_has_master_first(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        r = api.get()
        assert r.status_code == 200
        assert r.headers["content-type"] == MEDIA_TYPE
        body = r.json()
        assert list(body) == ["total", "limit", "skip", "sys", "items"]
        assert (body["total"], body["limit"], body["skip"], body["sys"]) == (1, 25, 0, {"type": "Array"})
        master = body["items"][0]
        assert master == expected_environment(master, space, "master", 1)
        assert list(master["sys"]) == [
            "type",
            "id",
            "version",
            "space",
            "status",
            "createdBy",
            "createdAt",
            "updatedBy",
            "updatedAt",
        ]
        assert TIMESTAMP.match(master["sys"]["createdAt"])
        assert api.get("/master").json() == master


def test_list_paging(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        for env_id in ("one", "two"):
            assert api.put(env_id, {"name": env_id}).status_code == 201
        page = api.get(skip=1, limit=1).json()
        assert (page["total"], page["skip"], page["limit"]) == (3, 1, 1)
        assert [e["sys"]["id"] for e in page["items"]] == ["one"]
        assert [e["sys"]["id"] for e in api.get().json()["items"]] == ["master", "one", "two"]
        assert api.get(limit=9999).json()["limit"] == 1000


def test_put_creates_with_id_and_copies_master(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        api.add_locale("master", "de-DE")
        r = api.put("staging", {"name": "Staging"})
        assert r.status_code == 201
        assert r.headers["location"] == f"{server.base_url}/spaces/{space['space_id']}/environments/staging"
        env = r.json()
        assert env == expected_environment(env, space, "Staging", 1, "queued")
        assert env["sys"]["id"] == "staging"
        # The creation says queued, as hosted; the copy is synchronous: the first poll already says ready.
        assert api.get("/staging").json()["sys"]["status"] == link("Status", "ready")
        master, copied = api.locales("master"), api.locales("staging")
        assert [x["code"] for x in copied] == ["en-US", "de-DE"]
        for source, copy in zip(master, copied, strict=True):
            assert copy["sys"]["environment"] == link("Environment", "staging")
            copy["sys"]["environment"] = source["sys"]["environment"]
            assert copy == source  # same ids, versions, timestamps and fields


def test_copies_are_independent(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        assert api.put("sandbox", {"name": "Sandbox"}).status_code == 201
        api.add_locale("sandbox", "fr-FR")
        assert [x["code"] for x in api.locales("master")] == ["en-US"]
        assert [x["code"] for x in api.locales("sandbox")] == ["en-US", "fr-FR"]


def test_source_environment_header(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        assert api.put("base", {"name": "Base"}).status_code == 201
        api.add_locale("base", "nl-NL")
        r = api.put("derived", {"name": "Derived"}, **{"X-Contentful-Source-Environment": "base"})
        assert r.status_code == 201
        assert [x["code"] for x in api.locales("derived")] == ["en-US", "nl-NL"]
        # POST honours the header too.
        r = http.post(
            api.url(),
            json={"name": "From base"},
            headers=api.headers(**{"X-Contentful-Source-Environment": "base"}),
        )
        assert r.status_code == 201
        assert [x["code"] for x in api.locales(r.json()["sys"]["id"])] == ["en-US", "nl-NL"]


def test_unknown_source_is_not_found_and_creates_nothing(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        r = api.put("orphan", {"name": "Orphan"}, **{"X-Contentful-Source-Environment": "ghost"})
        assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "Environment", "id": "ghost", "space": space["space_id"]})
        assert [e["sys"]["id"] for e in api.get().json()["items"]] == ["master"]


def test_post_generates_the_id(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        r = http.post(api.url(), json={"name": "QA"}, headers=api.headers())
        assert r.status_code == 201
        env = r.json()
        env_id = env["sys"]["id"]
        assert re.fullmatch(r"[0-9a-z]{12}", env_id)
        assert r.headers["location"] == f"{server.base_url}/spaces/{space['space_id']}/environments/{env_id}"
        assert env == expected_environment(env, space, "QA", 1, "queued")
        assert [x["code"] for x in api.locales(env_id)] == ["en-US"]
        # The Python SDK's create without an id posts to `…/environments/None`: not a route.
        r = http.post(api.url("/None"), json={"name": "x"}, headers=api.headers())
        assert_error(
            r, 404, "UnknownRoute", "The path you tried to reach is unknown or doesn't support this HTTP method."
        )


def test_name_defaults_to_the_id(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        assert api.put("nameless", {}).json()["name"] == "nameless"
        assert api.put("nulled", {"name": None}).json()["name"] == "nulled"


def test_create_validation(server: LiveServer, space: dict[str, Any]) -> None:
    id_problem = "The id must be 1 to 64 letters, digits, '-', '_' or '.' characters, and not only dots."
    with server.client() as http:
        api = Api(http, space)
        for bad_id in ("no!pe", "x" * 65):
            r = api.put(bad_id, {"name": "Bad"})
            assert_error(
                r,
                422,
                "ValidationFailed",
                "Validation error",
                {"errors": [{"name": "invalid", "path": "sys.id", "value": bad_id, "details": id_problem}]},
            )
        assert api.put("a-b_c.D9", {"name": "ok"}).status_code == 201
        r = api.put("typed", {"name": 5})
        assert r.status_code == 422
        assert r.json()["details"]["errors"] == [
            {
                "name": "type",
                "path": "name",
                "value": 5,
                "type": "Symbol",
                "details": 'The type of "name" is incorrect, expected type: Symbol',
            }
        ]
        r = api.put("keyed", {"name": "k", "description": "d"})
        assert_error(r, 400, "UnknownKey", "The body you sent contains an unknown key.", {"keys": ["description"]})
        r = http.post(api.url(), json={"name": "k", "fooBar": 1}, headers=api.headers())
        assert_error(r, 400, "UnknownKey", "The body you sent contains an unknown key.", {"keys": ["foo_bar"]})
        r = api.put("listed", ["name"])
        assert_error(r, 400, "BadRequest", "The request body must be a JSON object.")
        # A version header for an environment that does not exist: the update target is gone.
        r = api.put("gone", {"name": "g"}, **{"X-Contentful-Version": "3"})
        assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "Environment", "id": "gone", "space": space["space_id"]})
        ids = [e["sys"]["id"] for e in api.get().json()["items"]]
        assert ids == ["master", "a-b_c.D9"]


def test_rename(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        created = api.put("feature", {"name": "Feature"}).json()
        r = api.put("feature", {"name": "Feature 2", "sys": created["sys"]}, **{"X-Contentful-Version": "1"})
        assert r.status_code == 200
        env = r.json()
        assert env == expected_environment(env, space, "Feature 2", 2)
        assert env["sys"]["createdAt"] == created["sys"]["createdAt"]
        assert api.get("/feature").json() == env
        assert [x["code"] for x in api.locales("feature")] == ["en-US"]


def test_rename_failures_change_nothing(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        created = api.put("steady", {"name": "Steady"}).json()
        created["sys"]["status"] = link("Status", "ready")  # the creation said queued
        assert_error(api.put("steady", {"name": "x"}), 409, "VersionMismatch")
        assert_error(api.put("steady", {"name": "x"}, **{"X-Contentful-Version": "2"}), 409, "VersionMismatch")
        r = api.put("steady", {"name": ""}, **{"X-Contentful-Version": "1"})
        assert r.status_code == 422 and r.json()["details"]["errors"][0]["name"] == "size"
        r = api.put("steady", {"name": ["x"]}, **{"X-Contentful-Version": "1"})
        assert r.status_code == 422 and r.json()["details"]["errors"][0]["name"] == "type"
        assert api.get("/steady").json() == created
        # A null or missing name keeps the name (the Python SDK's save() always sends null).
        for version, body in (("1", {"name": None}), ("2", {})):
            r = api.put("steady", body, **{"X-Contentful-Version": version})
            assert r.status_code == 200 and r.json()["name"] == "Steady"


def test_master_cannot_be_renamed_or_deleted(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        master = api.get("/master").json()
        r = api.put("master", {"name": "main"}, **{"X-Contentful-Version": "1"})
        assert_error(r, 403, "Forbidden", "The master environment cannot be renamed.")
        assert_error(api.delete("master"), 403, "Forbidden", "The master environment cannot be deleted.")
        assert api.get("/master").json() == master
        # Saving it unchanged (what generic SDK code does) is fine.
        r = api.put("master", {"name": "master"}, **{"X-Contentful-Version": "1"})
        assert r.status_code == 200 and r.json()["sys"]["version"] == 2


def test_delete(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        assert api.put("temp", {"name": "Temp"}).status_code == 201
        assert_error(api.delete("temp", **{"X-Contentful-Version": "5"}), 409, "VersionMismatch")
        assert api.get("/temp").status_code == 200
        r = api.delete("temp")
        assert r.status_code == 204 and r.content == b""
        assert r.headers["x-contentful-request-id"]
        details = {"type": "Environment", "id": "temp", "space": space["space_id"]}
        assert_error(api.get("/temp"), 404, "NotFound", NOT_FOUND, details)
        assert_error(api.get("/temp/locales"), 404, "NotFound", NOT_FOUND, details)
        assert_error(api.delete("temp"), 404, "NotFound", NOT_FOUND, details)
        # The id is free again, and the new environment is a fresh copy.
        assert api.put("temp", {"name": "Temp again"}).status_code == 201
        assert api.delete("temp", **{"X-Contentful-Version": "1"}).status_code == 204


def test_unknown_space_and_foreign_token(server: LiveServer, space: dict[str, Any]) -> None:
    other = server.space("Other")
    with server.client() as http:
        r = http.get("/spaces/nonexistent12/environments", headers=contentful_headers(space["cma_token"]))
        assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "Space", "id": "nonexistent12"})
        # Each provisioned space has its own organization and user: a foreign space looks like no space.
        r = http.get(f"/spaces/{other['space_id']}/environments", headers=contentful_headers(space["cma_token"]))
        assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "Space", "id": other["space_id"]})


def test_python_sdk_round_trip(server: LiveServer, space: dict[str, Any]) -> None:
    """The official Python client creates, polls, renames, reads locales of and deletes an environment."""
    client = Client(space["cma_token"], api_url=server.base_url.split("://", 1)[1], https=False, gzip_encoded=False)
    environments = client.environments(space["space_id"])
    env = environments.create("sdk-env", {"name": "SDK env"})
    assert env.id == "sdk-env" and env.name == "SDK env"
    assert environments.find("sdk-env").sys["status"]["sys"]["id"] == "ready"
    env.update({"name": "SDK env renamed"})  # the SDK does not copy `name` back onto `env`
    assert env.sys["version"] == 2
    assert environments.find("sdk-env").name == "SDK env renamed"
    env.save()  # sends {"name": null}: keeps the name, bumps the version
    assert env.sys["version"] == 3
    assert environments.find("sdk-env").name == "SDK env renamed"
    assert [locale.code for locale in env.locales().all()] == ["en-US"]
    source = environments.create("sdk-copy", {"name": "Copy", "source_environment_id": "sdk-env"})
    assert source.id == "sdk-copy"
    env.delete()
    source.delete()
    assert [e.id for e in environments.all()] == ["master"]


def test_concurrent_creates_of_one_id_admit_one(server: LiveServer, space: dict[str, Any]) -> None:
    url = f"/spaces/{space['space_id']}/environments/racing"

    def attempt(_: int) -> int:
        with server.client() as http:
            return http.put(url, json={"name": "Racing"}, headers=contentful_headers(space["cma_token"])).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(attempt, range(8)))
    # Losers either lost the insert (409) or saw the winner and sent no version (409 too).
    assert statuses == [201] + [409] * 7
    with server.client() as http:
        api = Api(http, space)
        assert [e["sys"]["id"] for e in api.get().json()["items"]] == ["master", "racing"]
        assert [x["code"] for x in api.locales("racing")] == ["en-US"]
