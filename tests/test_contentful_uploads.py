"""Uploads over real HTTP: create (raw octet-stream body), get, delete, expiry, both URL forms, limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from headwater.platform import clock
from headwater.storage.database import Database
from tests.support import LiveServer, contentful_headers, run_async
from tests.test_contentful_users import TIMESTAMP
from tests.test_contentful_users import assert_error as assert_exact_error

NOT_FOUND = "The resource could not be found."


def assert_error(
    response: httpx.Response, status: int, error_id: str, message: str | None = None, details: Any = None
) -> dict[str, Any]:
    """The error envelope with its id; `message`/`details` compared only when given."""
    if message is not None:
        return assert_exact_error(response, status, error_id, message, details)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["sys"] == {"type": "Error", "id": error_id}
    assert body["requestId"] == response.headers["x-contentful-request-id"]
    return body


def octet_headers(token: str) -> dict[str, str]:
    return {**contentful_headers(token), "Content-Type": "application/octet-stream"}


def uploads_url(space: dict[str, Any], env_id: str | None = None) -> str:
    base = f"/spaces/{space['space_id']}"
    if env_id is not None:
        base += f"/environments/{env_id}"
    return base + "/uploads"


def create_upload(http: httpx.Client, space: dict[str, Any], data: bytes, env_id: str | None = None) -> dict[str, Any]:
    r = http.post(uploads_url(space, env_id), content=data, headers=octet_headers(space["cma_token"]))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_create_get_delete(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        body = create_upload(http, space, b"hello upload")
        sys_ = body["sys"]
        assert list(sys_) == ["id", "type", "createdAt", "expiresAt", "space", "createdBy"]
        assert sys_["type"] == "Upload"
        assert sys_["space"] == {"sys": {"type": "Link", "linkType": "Space", "id": space["space_id"]}}
        assert sys_["createdBy"]["sys"]["linkType"] == "User"
        assert TIMESTAMP.match(sys_["createdAt"]) and sys_["createdAt"].endswith(".000Z")
        created = clock.parse(sys_["createdAt"])
        expires = clock.parse(sys_["expiresAt"])
        # Midnight UTC two days after the creation day, like the recorded hosted responses.
        assert (expires.hour, expires.minute, expires.second) == (0, 0, 0)
        assert timedelta(hours=24) < expires - created <= timedelta(hours=48)
        url = f"{uploads_url(space)}/{sys_['id']}"
        headers = contentful_headers(space["cma_token"])
        got = http.get(url, headers=headers)
        assert got.status_code == 200 and got.json() == body
        assert http.delete(url, headers=headers).status_code == 204
        assert_error(http.get(url, headers=headers), 404, "NotFound", NOT_FOUND, NOT_FOUND)
        assert_error(http.delete(url, headers=headers), 404, "NotFound", NOT_FOUND, NOT_FOUND)


def test_environment_form_and_space_wide_reads(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        body = create_upload(http, space, b"\x00\x01binary", env_id="master")
        headers = contentful_headers(space["cma_token"])
        upload_id = body["sys"]["id"]
        assert http.get(f"{uploads_url(space)}/{upload_id}", headers=headers).json() == body
        assert http.get(f"{uploads_url(space, 'master')}/{upload_id}", headers=headers).json() == body
        # The environment segment is not checked (the JS SDK's legacy `upload.delete()` puts the upload id there).
        assert http.get(f"{uploads_url(space, upload_id)}/{upload_id}", headers=headers).json() == body
        empty = create_upload(http, space, b"")
        assert empty["sys"]["type"] == "Upload"


def test_bad_requests(server: LiveServer, space: dict[str, Any]) -> None:
    token = space["cma_token"]
    with server.client() as http:
        json_body = http.post(uploads_url(space), json={"a": 1}, headers=contentful_headers(token))
        assert_error(json_body, 415, "UnsupportedMediaType")
        bare = {"Authorization": f"Bearer {token}"}
        assert_error(http.post(uploads_url(space), content=b"x", headers=bare), 415, "UnsupportedMediaType")
        no_auth = http.post(uploads_url(space), content=b"x", headers={"Content-Type": "application/octet-stream"})
        assert_error(no_auth, 401, "AccessTokenInvalid")
        other = http.post("/spaces/nosuchspace/uploads", content=b"x", headers=octet_headers(token))
        assert_error(other, 404, "NotFound")
        headers = contentful_headers(token)
        assert_error(http.get(f"{uploads_url(space)}/unknown", headers=headers), 404, "NotFound", NOT_FOUND, NOT_FOUND)


def test_size_limit(make_server: Callable[..., LiveServer]) -> None:
    server = make_server(max_upload_bytes=16)
    space = server.space()
    with server.client() as http:
        create_upload(http, space, b"x" * 16)
        r = http.post(uploads_url(space), content=b"x" * 17, headers=octet_headers(space["cma_token"]))
        assert_error(r, 413, "RequestEntityTooLarge")


def _expire(server: LiveServer, space_id: str, upload_id: str) -> None:
    past = clock.stamp(datetime.now().astimezone() - timedelta(minutes=1))

    async def run(db: Database) -> None:
        async with db.write() as conn:
            await conn.execute(
                "UPDATE cf_uploads SET expires_at = ? WHERE space_id = ? AND id = ?", (past, space_id, upload_id)
            )

    run_async(run, server.db_url)


def test_expired_upload_is_gone(server: LiveServer, space: dict[str, Any]) -> None:
    headers = contentful_headers(space["cma_token"])
    with server.client() as http:
        old = create_upload(http, space, b"old")["sys"]["id"]
        _expire(server, space["space_id"], old)
        assert_error(http.get(f"{uploads_url(space)}/{old}", headers=headers), 404, "NotFound")
        assert_error(http.delete(f"{uploads_url(space)}/{old}", headers=headers), 404, "NotFound")
        # A new upload sweeps the expired ones; the fresh one stays readable.
        fresh = create_upload(http, space, b"new")["sys"]["id"]
        assert http.get(f"{uploads_url(space)}/{fresh}", headers=headers).status_code == 200
