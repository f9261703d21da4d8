"""Environment information, renaming, and the Kontent.ai auth/error pipeline over real HTTP."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support import LiveServer, eventually, kontent_headers


def _assert_error(body: dict[str, Any], code: int) -> None:
    assert set(body) >= {"request_id", "error_code", "message"}
    assert body["error_code"] == code
    assert isinstance(body["request_id"], str) and body["request_id"]


def test_environment_information(server: LiveServer, project: dict[str, Any]) -> None:
    with server.client() as http:
        r = http.get(
            f"/v2/projects/{project['environment_id']}", headers=kontent_headers(project["management_api_key"])
        )
    assert r.status_code == 200
    assert r.json() == {
        "id": project["environment_id"],
        "name": "Test project",
        "environment": "Production",
        "is_production": True,
    }
    assert r.headers["x-request-id"]


def test_rename_environment(server: LiveServer, project: dict[str, Any]) -> None:
    url = f"/v2/projects/{project['environment_id']}"
    headers = kontent_headers(project["management_api_key"])
    with server.client() as http:
        r = http.patch(url, headers=headers, json=[{"op": "rename_environment", "value": "Staging"}])
        assert r.status_code == 200
        assert r.json() == {"id": project["environment_id"], "name": "Staging", "is_production": True}
        assert http.get(url, headers=headers).json()["environment"] == "Staging"


def test_rename_rejects_bad_operations_and_keeps_name(server: LiveServer, project: dict[str, Any]) -> None:
    url = f"/v2/projects/{project['environment_id']}"
    headers = kontent_headers(project["management_api_key"])
    bad_bodies: list[Any] = [
        [],
        {"op": "rename_environment", "value": "x"},
        [{"op": "rename", "value": "x"}],
        [{"op": "rename_environment", "value": 3}],
        [{"op": "rename_environment", "value": ""}],
        [{"op": "rename_environment", "value": "x" * 201}],
        ["nope"],
    ]
    with server.client() as http:
        for body in bad_bodies:
            r = http.patch(url, headers=headers, json=body)
            assert r.status_code == 400, body
            _assert_error(r.json(), 5)
            assert r.json()["validation_errors"][0]["message"]
        r = http.patch(
            url,
            headers=headers,
            content=b"[{",
        )
        assert r.status_code == 400
        _assert_error(r.json(), 5)
        assert http.get(url, headers=headers).json()["environment"] == "Production"


def test_missing_malformed_unknown_and_expired_keys_are_401(server: LiveServer, project: dict[str, Any]) -> None:
    url = f"/v2/projects/{project['environment_id']}"
    expired = server.key(project["project_id"], expires_in_days=-1)
    with server.client() as http:
        for headers in (
            {},
            {"Authorization": "Basic abc"},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer not-a-key"},
            {"Authorization": f"Bearer {expired['management_api_key']}"},
        ):
            r = http.get(url, headers=headers)
            assert r.status_code == 401, headers
            _assert_error(r.json(), 0)


def test_other_projects_environment_is_403(server: LiveServer, project: dict[str, Any]) -> None:
    other = server.project("Other")
    with server.client() as http:
        r = http.get(f"/v2/projects/{other['environment_id']}", headers=kontent_headers(project["management_api_key"]))
        assert r.status_code == 403
        _assert_error(r.json(), 4)
        r = http.get(f"/v2/projects/{uuid.uuid4()}", headers=kontent_headers(project["management_api_key"]))
        assert r.status_code == 403
        r = http.get("/v2/projects/not-a-guid", headers=kontent_headers(project["management_api_key"]))
        assert r.status_code == 400
        _assert_error(r.json(), 0)


def test_revoked_key_is_refused_at_once(server: LiveServer, project: dict[str, Any]) -> None:
    url = f"/v2/projects/{project['environment_id']}"
    extra = server.key(project["project_id"])
    headers = kontent_headers(extra["management_api_key"])
    with server.client() as http:
        assert http.get(url, headers=headers).status_code == 200
        server.revoke(extra["key_id"])
        assert eventually(lambda: http.get(url, headers=headers).status_code == 403)
        r = http.get(url, headers=headers)
        assert r.status_code == 403
        _assert_error(r.json(), 7)
        assert http.get(url, headers=kontent_headers(project["management_api_key"])).status_code == 200


def test_unknown_route_and_wrong_method(server: LiveServer, project: dict[str, Any]) -> None:
    headers = kontent_headers(project["management_api_key"])
    with server.client() as http:
        r = http.get(f"/v2/projects/{project['environment_id']}/nothing-here", headers=headers)
        assert r.status_code == 404
        _assert_error(r.json(), 0)
        r = http.delete(f"/v2/projects/{project['environment_id']}", headers=headers)
        assert r.status_code == 405
        _assert_error(r.json(), 0)
        assert "GET" in r.headers["allow"]


def test_oversized_body_is_413(make_server: Any, backend_url: str) -> None:
    live = make_server(max_body_bytes=1024)
    project = live.project()
    with live.client() as http:
        r = http.patch(
            f"/v2/projects/{project['environment_id']}",
            headers=kontent_headers(project["management_api_key"]),
            json=[{"op": "rename_environment", "value": "x" * 4000}],
        )
    assert r.status_code == 413
    _assert_error(r.json(), 0)
