"""Kontent.ai continuation tokens: the token format, keyset pages on both backends, and paging over HTTP."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from headwater.kontent import pagination
from headwater.kontent.errors import KontentError
from headwater.platform import clock, ids
from headwater.storage import migrate, objects
from headwater.storage.database import Database
from tests.support import LiveServer, kontent_headers, run_async

INVALID_TOKEN = {
    "error_code": 1007,
    "message": "Query parameter 'continuationToken' is invalid. Please include the valid token specified in the "
    "pagination response.",
}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# -- tokens ------------------------------------------------------------------------------------------


def test_token_round_trip_is_opaque_and_url_safe() -> None:
    token = pagination.encode_token("language", 12345)
    assert pagination.decode_token(token, "language") == 12345
    assert token.isascii() and not set(token) & set("+/=&?")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage!",
        "%%%",
        "ěšč",
        _b64(b"not json"),
        _b64(b"[1, 2]"),
        _b64(b'{"k": "language"}'),
        _b64(b'{"k": "language", "s": -1}'),
        _b64(b'{"k": "language", "s": "5"}'),
        _b64(b'{"k": "language", "s": true}'),
        _b64(b'{"k": "language", "s": 1.5}'),
        _b64(b'{"s": 3}'),
        "x" * 600,
    ],
)
def test_malformed_tokens_are_1007(token: str) -> None:
    with pytest.raises(KontentError) as caught:
        pagination.decode_token(token, "language")
    assert (caught.value.status, caught.value.error_code, caught.value.message) == (
        400,
        INVALID_TOKEN["error_code"],
        INVALID_TOKEN["message"],
    )


def test_a_token_from_another_list_is_rejected() -> None:
    with pytest.raises(KontentError):
        pagination.decode_token(pagination.encode_token("collection", 3), "language")


# -- keyset pages on the real backends -------------------------------------------------------------


def test_rows_inserted_or_deleted_between_pages_are_neither_skipped_nor_repeated(backend_url: str) -> None:
    migrate.prepare(backend_url)
    env_pk = ids.new_guid()
    kind = "page_test"

    async def insert(db: Database, name: str) -> None:
        async with db.write() as conn:
            await objects.insert(conn, env_pk, kind, name, f'"{name}"', created_at=clock.stamp())

    async def page(db: Database, token: str | None) -> pagination.Page:
        after = 0 if token is None else pagination.decode_token(token, kind)
        async with db.read() as conn:
            return await pagination.keyset_page(conn, env_pk, kind, after, 2)

    async def work(db: Database) -> list[str]:
        for name in ("r1", "r2", "r3", "r4", "r5"):
            await insert(db, name)
        served: list[str] = []
        first = await page(db, None)
        served += [row.id for row in first.rows]
        assert first.continuation_token is not None
        # Between pages: a served row and an unserved row disappear, a new row arrives.
        async with db.write() as conn:
            await objects.delete(conn, env_pk, kind, "r1")
            await objects.delete(conn, env_pk, kind, "r3")
        await insert(db, "r6")
        token: str | None = first.continuation_token
        while token is not None:
            next_page = await page(db, token)
            served += [row.id for row in next_page.rows]
            token = next_page.continuation_token
        return served

    assert run_async(work, backend_url) == ["r1", "r2", "r4", "r5", "r6"]


def test_an_exactly_full_last_page_has_no_token(backend_url: str) -> None:
    migrate.prepare(backend_url)
    env_pk = ids.new_guid()

    async def work(db: Database) -> tuple[int, str | None, int]:
        async with db.write() as conn:
            for index in range(4):
                await objects.insert(conn, env_pk, "page_test", f"r{index}", "{}", created_at=clock.stamp())
        async with db.read() as conn:
            first = await pagination.keyset_page(conn, env_pk, "page_test", 0, 2)
            assert first.continuation_token is not None
            after = pagination.decode_token(first.continuation_token, "page_test")
            second = await pagination.keyset_page(conn, env_pk, "page_test", after, 2)
            empty = await pagination.keyset_page(conn, ids.new_guid(), "page_test", 0, 2)
        return len(second.rows), second.continuation_token, len(empty.rows)

    assert run_async(work, backend_url) == (2, None, 0)


# -- over HTTP -------------------------------------------------------------------------------------


def _add_languages(http: httpx.Client, project: dict[str, Any], codenames: list[str]) -> None:
    url = f"/v2/projects/{project['environment_id']}/languages"
    for codename in codenames:
        r = http.post(
            url, headers=kontent_headers(project["management_api_key"]), json={"name": codename, "codename": codename}
        )
        assert r.status_code == 201, r.text


def test_languages_page_by_header(make_server: Any) -> None:
    live: LiveServer = make_server(kontent_page_size=2)
    project = live.project()
    headers = kontent_headers(project["management_api_key"])
    url = f"/v2/projects/{project['environment_id']}/languages"
    with live.client() as http:
        _add_languages(http, project, ["a", "b", "c", "d"])
        first = http.get(url, headers=headers).json()
        assert [lang["codename"] for lang in first["languages"]] == ["default", "a"]
        token = first["pagination"]["continuation_token"]
        assert isinstance(token, str) and token
        next_page = urlsplit(first["pagination"]["next_page"])
        assert f"{next_page.scheme}://{next_page.netloc}" == live.base_url
        assert next_page.path == url
        assert parse_qs(next_page.query) == {"continuationToken": [token]}

        # A language added while paging shows up at the end, exactly once.
        _add_languages(http, project, ["e"])
        seen = [lang["codename"] for lang in first["languages"]]
        while token is not None:
            body = http.get(url, headers={**headers, "x-continuation": token}).json()
            seen += [lang["codename"] for lang in body["languages"]]
            token = body["pagination"]["continuation_token"]
            if token is None:
                assert body["pagination"] == {"continuation_token": None, "next_page": None}
        assert seen == ["default", "a", "b", "c", "d", "e"]


def test_languages_page_by_next_page_url(make_server: Any) -> None:
    live: LiveServer = make_server(kontent_page_size=2)
    project = live.project()
    headers = kontent_headers(project["management_api_key"])
    with live.client() as http:
        _add_languages(http, project, ["a", "b"])
        body = http.get(f"/v2/projects/{project['environment_id']}/languages", headers=headers).json()
        seen = [lang["codename"] for lang in body["languages"]]
        while body["pagination"]["next_page"] is not None:
            body = http.get(body["pagination"]["next_page"], headers=headers).json()
            seen += [lang["codename"] for lang in body["languages"]]
        assert seen == ["default", "a", "b"]


def test_invalid_tokens_are_1007_by_header_and_query(make_server: Any) -> None:
    live: LiveServer = make_server(kontent_page_size=2)
    project = live.project()
    headers = kontent_headers(project["management_api_key"])
    url = f"/v2/projects/{project['environment_id']}/languages"
    bad = ["nonsense", pagination.encode_token("collection", 1), _b64(b'{"k": "language", "s": -4}')]
    with live.client() as http:
        for token in bad:
            for r in (
                http.get(url, headers={**headers, "x-continuation": token}),
                http.get(url, headers=headers, params={"continuationToken": token}),
            ):
                assert r.status_code == 400, token
                body = r.json()
                assert set(body) == {"request_id", "error_code", "message"}
                assert {k: body[k] for k in ("error_code", "message")} == INVALID_TOKEN
        # An empty token means "first page", as when none is sent.
        r = http.get(url, headers={**headers, "x-continuation": ""})
        assert r.status_code == 200
        assert r.json()["languages"][0]["codename"] == "default"
