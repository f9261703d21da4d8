"""`GET /users/me`, `GET /organizations` and the CMA token check, over real HTTP.

Also home of the helpers the other Contentful test modules share: a fresh user with their own
organizations and token (so totals are exact on the shared session database), and the error-body check.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx

from headwater.contentful.errors import MEDIA_TYPE
from headwater.platform import auth, clock, ids
from headwater.storage import tenancy
from headwater.storage.database import Database
from headwater.storage.tenancy import ApiKey, Organization, User
from tests.support import LiveServer, contentful_headers, run_async

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def make_user(server: LiveServer, orgs: int = 1) -> dict[str, Any]:
    """A new user who belongs to `orgs` new organizations (created in that order), with a CMA token."""

    async def work(db: Database) -> dict[str, Any]:
        start = clock.now()
        now = clock.stamp(start)
        user = User(ids.contentful_id(), f"{uuid.uuid4().hex}@example.test", "Ada", "Lovelace", now, now)
        org_ids: list[str] = []
        token = auth.mint(auth.CONTENTFUL_TOKEN_PREFIX)
        key = ApiKey(
            ids.contentful_id(),
            "contentful_pat",
            user.id,
            "test",
            json.dumps(["content_management_manage"]),
            now,
            None,
            None,
        )
        async with db.write() as conn:
            await tenancy.insert_user(conn, user)
            for index in range(orgs):
                stamp = clock.stamp(start + timedelta(seconds=index))
                org = Organization(ids.contentful_id(), f"Organization {index}", stamp, stamp)
                await tenancy.insert_organization(conn, org)
                await tenancy.add_member(conn, org.id, user.id, "owner")
                org_ids.append(org.id)
            await tenancy.insert_key(conn, key, auth.token_hash(token))
        return {"user_id": user.id, "email": user.email, "token": token, "token_id": key.id, "org_ids": org_ids}

    return run_async(work, server.db_url)


def assert_error(
    response: httpx.Response,
    status: int,
    error_id: str,
    message: str | None = None,
    details: Any = None,
) -> dict[str, Any]:
    """The hosted error envelope; `message`/`details` absent when None is expected for both."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body: dict[str, Any] = response.json()
    request_id = response.headers["x-contentful-request-id"]
    expected: dict[str, Any] = {"sys": {"type": "Error", "id": error_id}, "requestId": request_id}
    if message is not None:
        expected["message"] = message
    if details is not None:
        expected["details"] = details
    assert body == expected
    return body


def user_link(user_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": "User", "id": user_id}}


def test_me_renders_the_token_owner(server: LiveServer) -> None:
    user = make_user(server)
    with server.client() as http:
        r = http.get("/users/me", headers=contentful_headers(user["token"]))
    assert r.status_code == 200
    assert r.headers["content-type"] == MEDIA_TYPE
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-contentful-request-id"])
    body = r.json()
    created, updated = body["sys"].pop("createdAt"), body["sys"].pop("updatedAt")
    assert TIMESTAMP.match(created) and TIMESTAMP.match(updated)
    assert body == {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "avatarUrl": "",
        "email": user["email"],
        "activated": True,
        "signInCount": 0,
        "confirmed": True,
        "2faEnabled": False,
        "sys": {"type": "User", "id": user["user_id"], "version": 1},
    }


def test_organizations_lists_only_the_users_own(server: LiveServer) -> None:
    user = make_user(server, orgs=3)
    make_user(server, orgs=2)  # someone else's organizations stay invisible
    with server.client() as http:
        r = http.get("/organizations", headers=contentful_headers(user["token"]))
    assert r.status_code == 200
    body = r.json()
    assert {k: body[k] for k in ("total", "limit", "skip", "sys")} == {
        "total": 3,
        "limit": 25,
        "skip": 0,
        "sys": {"type": "Array"},
    }
    assert list(body) == ["total", "limit", "skip", "sys", "items"]
    assert [o["sys"]["id"] for o in body["items"]] == user["org_ids"]
    first = body["items"][0]
    created, updated = first["sys"].pop("createdAt"), first["sys"].pop("updatedAt")
    assert TIMESTAMP.match(created) and TIMESTAMP.match(updated)
    assert first == {
        "name": "Organization 0",
        "sys": {"type": "Organization", "id": user["org_ids"][0], "version": 0},
    }


def test_organizations_skip_and_limit(server: LiveServer) -> None:
    user = make_user(server, orgs=3)
    headers = contentful_headers(user["token"])
    with server.client() as http:
        page = http.get("/organizations", params={"skip": 1, "limit": 1}, headers=headers).json()
        assert (page["total"], page["skip"], page["limit"]) == (3, 1, 1)
        assert [o["sys"]["id"] for o in page["items"]] == user["org_ids"][1:2]
        beyond = http.get("/organizations", params={"skip": 5}, headers=headers).json()
        assert (beyond["total"], beyond["skip"], beyond["items"]) == (3, 5, [])
        empty = http.get("/organizations", params={"limit": 0}, headers=headers).json()
        assert (empty["total"], empty["limit"], empty["items"]) == (3, 0, [])
        capped = http.get("/organizations", params={"limit": 5000}, headers=headers).json()
        assert capped["limit"] == 1000 and len(capped["items"]) == 3
        for name, value in (("skip", "-1"), ("limit", "many")):
            r = http.get("/organizations", params={name: value}, headers=headers)
            assert_error(
                r,
                400,
                "InvalidQuery",
                f'The value provided for "{name}" is invalid. It must be a non-negative integer.',
                {"errors": []},
            )


TOKEN_INVALID = "The access token you sent could not be found or is invalid."


def test_missing_malformed_and_unknown_tokens_are_401(server: LiveServer) -> None:
    cases: list[dict[str, str]] = [
        {},
        {"Authorization": ""},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer CFPAT-not-a-real-token"},
    ]
    with server.client() as http:
        for headers in cases:
            for path in ("/users/me", "/organizations", "/spaces"):
                assert_error(http.get(path, headers=headers), 401, "AccessTokenInvalid", TOKEN_INVALID)


def test_revoked_token_is_401_even_when_unused_before(server: LiveServer) -> None:
    user = make_user(server)
    server.revoke(user["token_id"])
    with server.client() as http:
        r = http.get("/users/me", headers=contentful_headers(user["token"]))
    assert_error(r, 401, "AccessTokenInvalid", TOKEN_INVALID)


def test_revoked_token_is_401_soon_after_use(server: LiveServer) -> None:
    """The token was just used, so it sits in the auth cache; revocation must evict it.

    On PostgreSQL the eviction reaches the server by LISTEN/NOTIFY, which is asynchronous, so the
    test allows the notification's delivery latency (milliseconds) instead of demanding the very
    next request be refused.
    """
    user = make_user(server)
    extra = server.token()
    headers = contentful_headers(user["token"])
    with server.client() as http:
        assert http.get("/users/me", headers=headers).status_code == 200
        server.revoke(user["token_id"])
        deadline = time.monotonic() + 5
        r = http.get("/users/me", headers=headers)
        while r.status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.01)
            r = http.get("/users/me", headers=headers)
        assert_error(r, 401, "AccessTokenInvalid", TOKEN_INVALID)
        # Other tokens keep working.
        assert http.get("/users/me", headers=contentful_headers(extra["cma_token"])).status_code == 200
