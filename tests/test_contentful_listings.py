"""The small listings the SDKs and CLIs read, over real HTTP: an organization's spaces and users, a
space's users, and the (empty) webhook definitions and roles that contentful-export reads by default."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from headwater import provisioning
from headwater.storage import tenancy
from headwater.storage.database import Database
from tests.support import LiveServer, contentful_headers, run_async
from tests.test_contentful_users import TIMESTAMP, assert_error, make_user

NOT_FOUND = "The resource could not be found."


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def add_member(server: LiveServer, organization_id: str, user_id: str) -> None:
    async def work(db: Database) -> None:
        async with db.write() as conn:
            await tenancy.add_member(conn, organization_id, user_id, "member")

    run_async(work, server.db_url)


def second_space(server: LiveServer, organization_id: str, name: str) -> dict[str, Any]:
    return run_async(lambda db: provisioning.create_space(db, name, organization_id=organization_id), server.db_url)


def page_of(r: httpx.Response) -> tuple[int, int, int, list[str]]:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["sys"] == {"type": "Array"}
    return body["total"], body["skip"], body["limit"], [x["sys"]["id"] for x in body["items"]]


# -- organization spaces ---------------------------------------------------------------------------


def test_organization_spaces(server: LiveServer, space: dict[str, Any], http: httpx.Client) -> None:
    org = space["organization_id"]
    other = second_space(server, org, "Second space")
    server.space()  # another organization's space stays out
    headers = contentful_headers(space["cma_token"])
    r = http.get(f"/organizations/{org}/spaces", headers=headers)
    assert page_of(r) == (2, 0, 100, [space["space_id"], other["space_id"]])
    first = r.json()["items"][0]
    assert first["name"] == "Test space"
    assert first["sys"]["type"] == "Space"
    assert first["sys"]["organization"] == {"sys": {"type": "Link", "linkType": "Organization", "id": org}}
    r = http.get(f"/organizations/{org}/spaces", params={"skip": 1, "limit": 1}, headers=headers)
    assert page_of(r) == (2, 1, 1, [other["space_id"]])


def test_organization_spaces_of_a_foreign_organization(
    server: LiveServer, space: dict[str, Any], http: httpx.Client
) -> None:
    foreign = server.space()["organization_id"]
    r = http.get(f"/organizations/{foreign}/spaces", headers=contentful_headers(space["cma_token"]))
    assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "Organization", "id": foreign})


# -- organization users ----------------------------------------------------------------------------


def test_organization_users(server: LiveServer, space: dict[str, Any], http: httpx.Client) -> None:
    org = space["organization_id"]
    colleague = make_user(server)
    add_member(server, org, colleague["user_id"])
    make_user(server)  # not a member
    headers = contentful_headers(space["cma_token"])
    r = http.get(f"/organizations/{org}/users", headers=headers)
    assert page_of(r) == (2, 0, 100, [space["user_id"], colleague["user_id"]])
    r = http.get(f"/organizations/{org}/users", params={"limit": 1, "skip": 1}, headers=headers)
    assert page_of(r) == (2, 1, 1, [colleague["user_id"]])

    r = http.get(f"/organizations/{org}/users/{colleague['user_id']}", headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert TIMESTAMP.match(body["sys"].pop("createdAt")) and TIMESTAMP.match(body["sys"].pop("updatedAt"))
    assert body == {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "avatarUrl": "",
        "email": colleague["email"],
        "activated": True,
        "signInCount": 0,
        "confirmed": True,
        "2faEnabled": False,
        "sys": {"type": "User", "id": colleague["user_id"], "version": 1},
    }


def test_organization_user_not_a_member(server: LiveServer, space: dict[str, Any], http: httpx.Client) -> None:
    org = space["organization_id"]
    outsider = make_user(server)
    headers = contentful_headers(space["cma_token"])
    r = http.get(f"/organizations/{org}/users/{outsider['user_id']}", headers=headers)
    assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "User", "id": outsider["user_id"]})
    # The outsider cannot list the organization either.
    r = http.get(f"/organizations/{org}/users", headers=contentful_headers(outsider["token"]))
    assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "Organization", "id": org})


# -- space users -----------------------------------------------------------------------------------


def test_space_users(server: LiveServer, space: dict[str, Any], http: httpx.Client) -> None:
    colleague = make_user(server)
    add_member(server, space["organization_id"], colleague["user_id"])
    base = f"/spaces/{space['space_id']}/users"
    r = http.get(base, headers=contentful_headers(space["cma_token"]))
    assert page_of(r) == (2, 0, 100, [space["user_id"], colleague["user_id"]])
    # The colleague, a member of the organization, reaches the space too.
    r = http.get(f"{base}/{space['user_id']}", headers=contentful_headers(colleague["token"]))
    assert r.status_code == 200 and r.json()["sys"]["id"] == space["user_id"]
    stranger = make_user(server)
    r = http.get(f"{base}/{stranger['user_id']}", headers=contentful_headers(space["cma_token"]))
    assert_error(r, 404, "NotFound", NOT_FOUND, {"type": "User", "id": stranger["user_id"]})
    r = http.get(base, headers=contentful_headers(stranger["token"]))
    assert r.status_code == 404 and r.json()["details"]["type"] == "Space"


# -- webhook definitions and roles ------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["webhook_definitions", "roles"])
def test_empty_space_collections(
    server: LiveServer, space: dict[str, Any], http: httpx.Client, collection: str
) -> None:
    url = f"/spaces/{space['space_id']}/{collection}"
    headers = contentful_headers(space["cma_token"])
    r = http.get(url, headers=headers)
    assert r.status_code == 200
    assert r.json() == {"total": 0, "limit": 100, "skip": 0, "sys": {"type": "Array"}, "items": []}
    # contentful-export's query.
    r = http.get(url, params={"order": "sys.createdAt,sys.id", "skip": 0, "limit": 1000}, headers=headers)
    assert page_of(r) == (0, 0, 1000, [])
    stranger = server.space()
    r = http.get(url, headers=contentful_headers(stranger["cma_token"]))
    assert r.status_code == 404 and r.json()["details"]["type"] == "Space"
