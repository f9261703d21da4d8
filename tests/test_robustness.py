"""No 500s and no framework default bodies: every route gets hostile input and must answer 4xx (or 2xx)
in its own dialect's error format."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.support import LiveServer, served_routes

BAD_BODIES: list[bytes] = [
    b"",
    b"{",
    b"null",
    b"[]",
    b"{}",
    b"[{}]",
    b'"text"',
    b"12345678901234567890123456789",
    b"\xff\xfe\x00garbage",
    b'{"name": {"nested": [1, 2, {"x": null}]}, "code": 5, "codename": [], "value": {}}',
    b'[{"op": 7, "property_name": [], "value": {"a": 1}, "reference": "x", "path": 3}]',
    b"[" * 5000 + b"]" * 5000,
    b'{"name": "' + b"x" * 70000 + b'"}',
]
PARAM_VALUES = ["nonexistent", "00000000-0000-0000-0000-000000000000", "%00", "a" * 300]


def _fill(path: str, env_id: str, space_id: str, value: str) -> str:
    path = path.replace("{environment_id}", env_id).replace("{space_id}", space_id)
    return re.sub(r"\{[^}]+\}", value, path)


def _assert_dialect_error(path: str, response: httpx.Response) -> None:
    assert response.status_code < 500, (path, response.status_code, response.text[:300])
    if response.status_code < 400:
        return
    body: Any = response.json()
    if path == "/v2" or path.startswith(("/v2/", "/v1/projects/")):
        assert {"request_id", "error_code", "message"} <= set(body), body
    else:
        assert body["sys"]["type"] == "Error" and body["requestId"], body


def test_no_route_answers_500(server: LiveServer, project: dict[str, Any], space: dict[str, Any]) -> None:
    auth = {
        "kontent": {"Authorization": f"Bearer {project['management_api_key']}", "Content-Type": "application/json"},
        "contentful": {
            "Authorization": f"Bearer {space['cma_token']}",
            "Content-Type": "application/vnd.contentful.management.v1+json",
            "X-Contentful-Version": "1",
        },
    }
    with server.client() as http:
        for method, template in served_routes():
            headers = auth["kontent"] if template.startswith(("/v2/", "/v1/projects/")) else auth["contentful"]
            for value in PARAM_VALUES:
                path = _fill(template, project["environment_id"], space["space_id"], value)
                bodies = BAD_BODIES if method in {"POST", "PUT", "PATCH"} else [b""]
                for body in bodies:
                    r = http.request(method, path, headers=headers, content=body)
                    _assert_dialect_error(path, r)


def test_unknown_paths_methods_and_odd_requests(server: LiveServer, project: dict[str, Any]) -> None:
    env = project["environment_id"]
    with server.client() as http:
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            for path in ("/", "/v2", "/v2/", f"/v2/projects/{env}/x/y/z", "/spaces/x/y/z/w/v", "/%ff", "/v2/%00"):
                r = http.request(method, path)
                _assert_dialect_error(path, r)
                assert r.status_code in (400, 401, 404, 405), (method, path, r.status_code)
