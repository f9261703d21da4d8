"""Spaces over real HTTP: list, create (organization choice), get, rename, delete."""

from __future__ import annotations

import re
from typing import Any

import httpx

from headwater.contentful.errors import MEDIA_TYPE
from headwater.storage import tenancy
from headwater.storage.database import Database
from tests.support import LiveServer, contentful_headers, run_async
from tests.test_contentful_users import TIMESTAMP, assert_error, make_user, user_link

MISSING_ORGANIZATION = (
    "This User has multiple Organizations with permissions to create a Space. "
    "Please pass the X-Contentful-Organization header in which Organization to create the Space."
)


def create(http: httpx.Client, token: str, body: Any, **headers: str) -> httpx.Response:
    return http.post("/spaces", json=body, headers=contentful_headers(token, **headers))


def expected_space(space: dict[str, Any], name: str, version: int, user_id: str, org_id: str) -> dict[str, Any]:
    """The hosted shape, with the volatile values taken from the response itself."""
    return {
        "name": name,
        "sys": {
            "type": "Space",
            "id": space["sys"]["id"],
            "version": version,
            "createdBy": user_link(user_id),
            "createdAt": space["sys"]["createdAt"],
            "updatedBy": user_link(user_id),
            "updatedAt": space["sys"]["updatedAt"],
            "organization": {"sys": {"type": "Link", "linkType": "Organization", "id": org_id}},
        },
    }


def test_create_space_in_the_only_organization(server: LiveServer) -> None:
    user = make_user(server)
    with server.client() as http:
        r = create(http, user["token"], {"name": "Blog", "defaultLocale": "en-US"})
        assert r.status_code == 201
        assert r.headers["content-type"] == MEDIA_TYPE
        assert r.headers["x-contentful-request-id"]
        body = r.json()
        space_id = body["sys"]["id"]
        assert re.fullmatch(r"[0-9a-z]{12}", space_id)
        assert r.headers["location"] == f"{server.base_url}/spaces/{space_id}"
        assert body == expected_space(body, "Blog", 1, user["user_id"], user["org_ids"][0])
        assert list(body["sys"]) == [
            "type",
            "id",
            "version",
            "createdBy",
            "createdAt",
            "updatedBy",
            "updatedAt",
            "organization",
        ]
        assert TIMESTAMP.match(body["sys"]["createdAt"]) and body["sys"]["createdAt"] == body["sys"]["updatedAt"]
        assert http.get(f"/spaces/{space_id}", headers=contentful_headers(user["token"])).json() == body
        # It comes with master and the default locale.
        env = http.get(f"/spaces/{space_id}/environments/master", headers=contentful_headers(user["token"]))
        assert env.status_code == 200
        locales = http.get(f"/spaces/{space_id}/locales", headers=contentful_headers(user["token"])).json()
        assert [(x["code"], x["default"]) for x in locales["items"]] == [("en-US", True)]


def test_create_space_default_locale_is_optional_and_honoured(server: LiveServer) -> None:
    user = make_user(server)
    with server.client() as http:
        plain = create(http, user["token"], {"name": "Plain"}).json()
        italian = create(http, user["token"], {"name": "Italiano", "defaultLocale": "it-IT"}).json()
        for space, code in ((plain, "en-US"), (italian, "it-IT")):
            r = http.get(f"/spaces/{space['sys']['id']}/locales", headers=contentful_headers(user["token"]))
            assert [(x["code"], x["default"]) for x in r.json()["items"]] == [(code, True)]


def test_organization_header_picks_the_organization(server: LiveServer) -> None:
    user = make_user(server, orgs=2)
    second = user["org_ids"][1]
    with server.client() as http:
        r = create(http, user["token"], {"name": "Second"}, **{"X-Contentful-Organization": second})
        assert r.status_code == 201
        assert r.json()["sys"]["organization"]["sys"]["id"] == second


def test_several_organizations_without_header_is_missing_organization(server: LiveServer) -> None:
    user = make_user(server, orgs=2)
    with server.client() as http:
        r = create(http, user["token"], {"name": "Where?"})
        assert_error(r, 404, "MissingOrganizationParameter", MISSING_ORGANIZATION)
        assert http.get("/spaces", headers=contentful_headers(user["token"])).json()["total"] == 0


def test_unknown_or_foreign_organization_is_not_found(server: LiveServer) -> None:
    user = make_user(server)
    stranger = make_user(server)
    with server.client() as http:
        for org_id in ("no-such-org", stranger["org_ids"][0]):
            r = create(http, user["token"], {"name": "Nope"}, **{"X-Contentful-Organization": org_id})
            assert_error(r, 404, "NotFound", "The resource could not be found.", {"type": "Organization", "id": org_id})
        assert http.get("/spaces", headers=contentful_headers(user["token"])).json()["total"] == 0
        assert http.get("/spaces", headers=contentful_headers(stranger["token"])).json()["total"] == 0


def test_user_without_organization_cannot_create(server: LiveServer) -> None:
    user = make_user(server, orgs=0)
    with server.client() as http:
        r = create(http, user["token"], {"name": "Nowhere"})
        assert_error(
            r,
            403,
            "AccessDenied",
            "You don't have access to this resource.",
            {"reasons": ["The user does not belong to any organization."]},
        )


def test_create_space_validation(server: LiveServer) -> None:
    user = make_user(server)
    cases: list[tuple[Any, dict[str, Any]]] = [
        ({}, {"name": "required", "path": "name", "details": 'The property "name" is required here'}),
        (
            {"name": 7},
            {
                "name": "type",
                "path": "name",
                "value": 7,
                "type": "Symbol",
                "details": 'The type of "name" is incorrect, expected type: Symbol',
            },
        ),
        (
            {"name": "  "},
            {
                "name": "size",
                "path": "name",
                "value": "  ",
                "min": 1,
                "max": 255,
                "details": 'The length of "name" must be between 1 and 255 characters',
            },
        ),
        (
            {"name": "x" * 256},
            {
                "name": "size",
                "path": "name",
                "value": "x" * 256,
                "min": 1,
                "max": 255,
                "details": 'The length of "name" must be between 1 and 255 characters',
            },
        ),
        (
            {"name": "ok", "defaultLocale": ["en-US"]},
            {
                "name": "type",
                "path": "defaultLocale",
                "value": ["en-US"],
                "type": "Symbol",
                "details": 'The type of "defaultLocale" is incorrect, expected type: Symbol',
            },
        ),
        (
            {"name": "ok", "defaultLocale": "english please"},
            {
                "name": "invalid",
                "path": "defaultLocale",
                "value": "english please",
                "details": "'english please' is not a valid locale code.",
            },
        ),
    ]
    with server.client() as http:
        for body, problem in cases:
            r = create(http, user["token"], body)
            assert_error(r, 422, "ValidationFailed", "Validation error", {"errors": [problem]})
        r = create(http, user["token"], {"name": 1, "defaultLocale": 2})
        assert [e["path"] for e in r.json()["details"]["errors"]] == ["name", "defaultLocale"]
        r = create(http, user["token"], {"name": "ok", "unknownKey": 1, "color": "red"})
        assert_error(
            r, 400, "UnknownKey", "The body you sent contains an unknown key.", {"keys": ["unknown_key", "color"]}
        )
        r = create(http, user["token"], ["name"])
        assert_error(r, 400, "BadRequest", "The request body must be a JSON object.")
        r = http.post("/spaces", content=b"{nope", headers=contentful_headers(user["token"]))
        assert r.status_code == 400 and r.json()["sys"]["id"] == "BadRequest"
        assert r.json()["message"].startswith("Invalid JSON in request body: ")
        assert http.get("/spaces", headers=contentful_headers(user["token"])).json()["total"] == 0


def test_sys_in_the_body_is_ignored(server: LiveServer) -> None:
    user = make_user(server)
    with server.client() as http:
        r = create(http, user["token"], {"name": "S", "sys": {"id": "mine", "version": 9}})
        assert r.status_code == 201
        assert r.json()["sys"]["id"] != "mine" and r.json()["sys"]["version"] == 1


def test_list_spaces_is_the_users_spaces_with_paging(server: LiveServer) -> None:
    user = make_user(server, orgs=2)
    make_user(server)  # a stranger's spaces never show up
    headers = contentful_headers(user["token"])
    with server.client() as http:
        empty = http.get("/spaces", headers=headers).json()
        assert empty == {"total": 0, "limit": 100, "skip": 0, "sys": {"type": "Array"}, "items": []}
        made = [
            create(
                http, user["token"], {"name": f"S{i}"}, **{"X-Contentful-Organization": user["org_ids"][i % 2]}
            ).json()
            for i in range(3)
        ]
        listing = http.get("/spaces", headers=headers).json()
        assert (listing["total"], listing["limit"], listing["skip"]) == (3, 100, 0)
        assert listing["items"] == made
        page = http.get("/spaces", params={"skip": 1, "limit": 1}, headers=headers).json()
        assert (page["total"], page["skip"], page["limit"]) == (3, 1, 1)
        assert page["items"] == made[1:2]
        assert http.get("/spaces", params={"limit": 1001}, headers=headers).json()["limit"] == 1000
        r = http.get("/spaces", params={"limit": "-3"}, headers=headers)
        assert r.status_code == 400 and r.json()["sys"]["id"] == "InvalidQuery"


def test_get_space_not_found_for_unknown_or_foreign(server: LiveServer) -> None:
    user = make_user(server)
    stranger = make_user(server)
    with server.client() as http:
        theirs = create(http, stranger["token"], {"name": "Theirs"}).json()["sys"]["id"]
        for space_id in ("nonexistent12", theirs):
            r = http.get(f"/spaces/{space_id}", headers=contentful_headers(user["token"]))
            assert_error(r, 404, "NotFound", "The resource could not be found.", {"type": "Space", "id": space_id})


def test_rename_space(server: LiveServer) -> None:
    user = make_user(server)
    with server.client() as http:
        space = create(http, user["token"], {"name": "Before"}).json()
        url = f"/spaces/{space['sys']['id']}"
        r = http.put(
            url,
            json={"name": "After", "sys": space["sys"]},
            headers=contentful_headers(user["token"], **{"X-Contentful-Version": "1"}),
        )
        assert r.status_code == 200
        body = r.json()
        assert body == expected_space(body, "After", 2, user["user_id"], user["org_ids"][0])
        assert body["sys"]["createdAt"] == space["sys"]["createdAt"]
        assert body["sys"]["updatedAt"] >= space["sys"]["updatedAt"]
        assert http.get(url, headers=contentful_headers(user["token"])).json() == body
        # defaultLocale is tolerated on update (clients echo it) and changes nothing.
        r = http.put(
            url,
            json={"name": "Again", "defaultLocale": "de-DE"},
            headers=contentful_headers(user["token"], **{"X-Contentful-Version": "2"}),
        )
        assert r.status_code == 200 and r.json()["sys"]["version"] == 3


def test_rename_space_failures_change_nothing(server: LiveServer) -> None:
    user = make_user(server)
    stranger = make_user(server)
    with server.client() as http:
        space = create(http, user["token"], {"name": "Stable"}).json()
        url = f"/spaces/{space['sys']['id']}"

        def put(body: Any, version: str | None, token: str = user["token"]) -> httpx.Response:
            extra = {} if version is None else {"X-Contentful-Version": version}
            return http.put(url, json=body, headers=contentful_headers(token, **extra))

        assert_error(put({"name": "x"}, None), 409, "VersionMismatch")
        assert_error(put({"name": "x"}, "2"), 409, "VersionMismatch")
        assert_error(put({"name": "x"}, "0"), 409, "VersionMismatch")
        assert_error(
            put({"name": "x"}, "one"),
            400,
            "BadRequest",
            "The X-Contentful-Version header must be a non-negative integer, got 'one'.",
        )
        r = put({"name": ""}, "1")
        assert r.status_code == 422 and r.json()["details"]["errors"][0]["name"] == "size"
        r = put({}, "1")
        assert r.status_code == 422 and r.json()["details"]["errors"][0]["name"] == "required"
        assert_error(
            put({"name": "x", "extra": True}, "1"),
            400,
            "UnknownKey",
            "The body you sent contains an unknown key.",
            {"keys": ["extra"]},
        )
        r = put({"name": "x"}, "1", token=stranger["token"])
        assert_error(
            r, 404, "NotFound", "The resource could not be found.", {"type": "Space", "id": space["sys"]["id"]}
        )
        assert http.get(url, headers=contentful_headers(user["token"])).json() == space


def _environment_rows(space_id: str, env_pks: list[str]) -> Any:
    async def work(db: Database) -> tuple[int, int]:
        async with db.read() as conn:
            envs = await tenancy.environments_of(conn, "contentful", space_id)
            count = 0
            for pk in env_pks:
                row = await conn.fetchone("SELECT COUNT(*) FROM objects WHERE env_pk = ?", (pk,))
                count += int(row[0]) if row else 0
        return len(envs), count

    return work


def _environment_pks(space_id: str) -> Any:
    async def work(db: Database) -> list[str]:
        async with db.read() as conn:
            return [e.pk for e in await tenancy.environments_of(conn, "contentful", space_id)]

    return work


def test_delete_space_removes_environments_and_objects(server: LiveServer) -> None:
    user = make_user(server)
    headers = contentful_headers(user["token"])
    with server.client() as http:
        space_id = create(http, user["token"], {"name": "Doomed"}).json()["sys"]["id"]
        assert (
            http.put(f"/spaces/{space_id}/environments/staging", json={"name": "s"}, headers=headers).status_code == 201
        )
        pks = run_async(_environment_pks(space_id), server.db_url)
        assert run_async(_environment_rows(space_id, pks), server.db_url) == (2, 2)
        r = http.delete(f"/spaces/{space_id}", headers=headers)
        assert r.status_code == 204
        assert r.content == b""
        assert r.headers["x-contentful-request-id"]
        assert_error(
            http.get(f"/spaces/{space_id}", headers=headers),
            404,
            "NotFound",
            "The resource could not be found.",
            {"type": "Space", "id": space_id},
        )
        assert http.get(f"/spaces/{space_id}/environments/staging/locales", headers=headers).status_code == 404
        assert run_async(_environment_rows(space_id, pks), server.db_url) == (0, 0)
        assert http.delete(f"/spaces/{space_id}", headers=headers).status_code == 404


def test_delete_space_refusals_keep_it(server: LiveServer) -> None:
    user = make_user(server)
    stranger = make_user(server)
    with server.client() as http:
        space = create(http, user["token"], {"name": "Kept"}).json()
        url = f"/spaces/{space['sys']['id']}"
        assert http.delete(url, headers=contentful_headers(stranger["token"])).status_code == 404
        r = http.delete(url, headers=contentful_headers(user["token"], **{"X-Contentful-Version": "7"}))
        assert_error(r, 409, "VersionMismatch")
        assert http.get(url, headers=contentful_headers(user["token"])).json() == space
        r = http.delete(url, headers=contentful_headers(user["token"], **{"X-Contentful-Version": "1"}))
        assert r.status_code == 204
