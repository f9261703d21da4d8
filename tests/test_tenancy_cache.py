"""Keys and environments are cached in each server process; every change must still be seen at once.

Two servers share one database (as several granian workers or hosts do). Each test first makes the
other server cache what is about to change, changes it through the first, and checks the other
notices: at once on SQLite (`PRAGMA data_version`), within milliseconds on PostgreSQL (NOTIFY).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.support import LiveServer, contentful_headers, eventually, kontent_headers


def _get(live: LiveServer, path: str, headers: dict[str, str]) -> httpx.Response:
    with live.client() as client:
        return client.get(path, headers=headers)


def test_kontent_rename_is_seen_by_the_same_and_other_servers(
    server: LiveServer, make_server: Callable[..., LiveServer], project: dict[str, Any]
) -> None:
    other = make_server()
    headers = kontent_headers(project["management_api_key"])
    path = f"/v2/projects/{project['environment_id']}"
    assert _get(other, path, headers).json()["environment"] == "Production"
    with server.client() as client:
        r = client.patch(path, headers=headers, json=[{"op": "rename_environment", "value": "Renamed"}])
        assert r.status_code == 200, r.text
        # The renaming server itself never answers from its old copy.
        assert client.get(path, headers=headers).json()["environment"] == "Renamed"
    assert eventually(lambda: _get(other, path, headers).json()["environment"] == "Renamed")


def test_a_failed_rename_leaves_the_cached_environment_as_it_was(server: LiveServer, project: dict[str, Any]) -> None:
    headers = kontent_headers(project["management_api_key"])
    path = f"/v2/projects/{project['environment_id']}"
    with server.client() as client:
        before = client.get(path, headers=headers).json()
        bad = [{"op": "rename_environment", "value": "x" * 500}]
        assert client.patch(path, headers=headers, json=bad).status_code == 400
        assert client.get(path, headers=headers).json() == before


def test_contentful_environment_delete_is_seen_by_another_server(
    server: LiveServer, make_server: Callable[..., LiveServer], space: dict[str, Any]
) -> None:
    other = make_server()
    headers = contentful_headers(space["cma_token"])
    base = f"/spaces/{space['space_id']}/environments"
    with server.client() as client:
        r = client.put(f"{base}/staging", headers=headers, json={"name": "Staging"})
        assert r.status_code == 201, r.text
        version = r.json()["sys"]["version"]
    assert _get(other, f"{base}/staging/locales", headers).status_code == 200
    with server.client() as client:
        r = client.delete(f"{base}/staging", headers={**headers, "X-Contentful-Version": str(version)})
        assert r.status_code == 204, r.text
    assert eventually(lambda: _get(other, f"{base}/staging/locales", headers).status_code == 404)


def test_contentful_space_rename_and_delete_are_seen_by_another_server(
    server: LiveServer, make_server: Callable[..., LiveServer], space: dict[str, Any]
) -> None:
    other = make_server()
    headers = contentful_headers(space["cma_token"])
    master = f"/spaces/{space['space_id']}/environments/master"
    assert _get(other, f"{master}/locales", headers).status_code == 200
    with server.client() as client:
        current = client.get(f"/spaces/{space['space_id']}", headers=headers).json()["sys"]["version"]
        r = client.put(
            f"/spaces/{space['space_id']}",
            headers={**headers, "X-Contentful-Version": str(current)},
            json={"name": "Renamed"},
        )
        assert r.status_code == 200, r.text
        r = client.delete(f"/spaces/{space['space_id']}", headers=headers)
        assert r.status_code == 204, r.text
    assert eventually(lambda: _get(other, f"{master}/locales", headers).status_code == 404)
