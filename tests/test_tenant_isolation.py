"""Tenant isolation over real HTTP: every route and method, called with another tenant's credentials.

The routes come from the app's own table, so a route is covered the day it is added. Path parameters
are filled with tenant A's objects (each found by listing its parent collection with A's credentials),
then the route is called with tenant B's credentials:

- Contentful routes with a path parameter answer 404 `NotFound`, exactly as for a space that does not
  exist (hosted behaviour: a foreign space is invisible); routes without one (`/users/me`,
  `/organizations`, `/spaces`) answer for B and never mention A.
- Kontent.ai routes answer 403 `error_code` 4.

Afterwards every GET route, read with A's credentials, answers exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from headwater import provisioning
from tests.support import LiveServer, contentful_headers, kontent_headers, run_async, served_routes

PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")
# Where A has no object to offer (a new route nobody seeded yet), B still must not get through.
PROBE = "isolation-probe"
NOT_FOUND_MESSAGE = "The resource could not be found."


def is_kontent(template: str) -> bool:
    return template.startswith(("/v2/", "/v1/projects/"))


class Filler:
    """Fills path templates with a tenant's real ids, found by listing each parent collection."""

    def __init__(
        self,
        http: httpx.Client,
        headers: dict[str, str],
        known: dict[str, str],
        pick: Callable[[Any], str | None],
    ) -> None:
        self.http, self.headers, self.known, self.pick = http, headers, known, pick
        self.found: dict[str, str | None] = {}

    def fill(self, template: str) -> tuple[str, bool]:
        """The path, and whether every parameter named a real object of the tenant."""
        path, position, complete = "", 0, True
        for match in PARAM.finditer(template):
            path += template[position : match.start()]
            name = match.group(1)
            value = self.known.get(name)
            if value is None:
                collection = path.rstrip("/")
                if collection not in self.found:
                    r = self.http.get(collection, headers=self.headers)
                    self.found[collection] = self.pick(r.json()) if r.status_code == 200 else None
                value = self.found[collection]
            if value is None:
                value, complete = PROBE, False
            path += value
            position = match.end()
        return path + template[position:], complete


def last_contentful_id(body: Any) -> str | None:
    items = body.get("items") if isinstance(body, dict) else None
    return str(items[-1]["sys"]["id"]) if items else None


def last_kontent_id(body: Any) -> str | None:
    """The last object of a Kontent.ai listing (`{"<kind>": [...], "pagination": …}`)."""
    for value in body.values() if isinstance(body, dict) else []:
        if isinstance(value, list) and value and isinstance(value[-1], dict) and "id" in value[-1]:
            return str(value[-1]["id"])
    return None


def snapshot(http: httpx.Client, filler: Filler, headers: dict[str, str], kontent: bool) -> dict[str, Any]:
    """Every GET route of one dialect as the tenant sees it; real objects must be readable."""
    seen: dict[str, Any] = {}
    for method, template in served_routes():
        if method != "GET" or is_kontent(template) != kontent:
            continue
        path, complete = filler.fill(template)
        r = http.get(path, headers=headers)
        if complete:
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
        seen[path] = r.json() if r.status_code == 200 else r.status_code
    return seen


def contentful_body(template: str) -> dict[str, Any]:
    """A body that would succeed if the membership check were missing."""
    if "/locales" in template:
        return {"name": "Hijacked", "code": "fr-FR"}
    return {"name": "Hijacked by B"}


def kontent_body(method: str, template: str) -> Any:
    if template.endswith("{environment_id}"):
        return [{"op": "rename_environment", "value": "Hijacked by B"}]
    if method == "PATCH":
        return [{"op": "replace", "property_name": "name", "value": "Hijacked by B"}]
    return {"name": "Hijacked by B", "codename": "hijacked_by_b"}


# -- Contentful ----------------------------------------------------------------------------------


def seed_contentful(http: httpx.Client, space: dict[str, Any]) -> None:
    """A's space gets a second locale and a second environment (a clone), so item routes have targets
    that a leaked DELETE or PUT would really change."""
    headers = contentful_headers(space["cma_token"])
    base = f"/spaces/{space['space_id']}"
    r = http.post(f"{base}/environments/master/locales", json={"name": "German", "code": "de-DE"}, headers=headers)
    assert r.status_code == 201, r.text
    r = http.put(f"{base}/environments/a-staging", json={"name": "A staging"}, headers=headers)
    assert r.status_code == 201, r.text


def test_contentful_routes_hide_another_tenants_space(server: LiveServer, space: dict[str, Any]) -> None:
    a, b = space, server.space("Tenant B")
    assert a["organization_id"] != b["organization_id"] and a["user_id"] != b["user_id"]
    a_headers = contentful_headers(a["cma_token"])
    b_headers = contentful_headers(b["cma_token"], **{"X-Contentful-Version": "1"})
    a_ids = (a["space_id"], a["organization_id"], a["user_id"])
    with server.client() as http:
        seed_contentful(http, a)
        filler = Filler(http, a_headers, {"space_id": a["space_id"]}, last_contentful_id)
        before = snapshot(http, filler, a_headers, kontent=False)
        checked = 0
        for method, template in served_routes():
            if is_kontent(template):
                continue
            if template.startswith("/files/"):
                # The file host, like the hosted asset CDN, needs no token: the random path token is the
                # secret (a wrong token is a missing file: tests/test_contentful_assets.py).
                continue
            path, _ = filler.fill(template)
            body = contentful_body(template) if method in {"POST", "PUT", "PATCH"} else None
            r = http.request(method, path, headers=b_headers, json=body)
            where = (method, path, r.status_code, r.text[:300])
            if not PARAM.search(template):
                # Not scoped to one space: B's own view, with nothing of A's in it.
                assert r.status_code < 400, where
                assert not any(i in r.text for i in a_ids), where
                if method == "POST":
                    assert r.json()["sys"]["organization"]["sys"]["id"] == b["organization_id"], where
            else:
                assert r.status_code == 404, where
                error = r.json()
                assert error["sys"] == {"type": "Error", "id": "NotFound"}, where
                assert error["message"] == NOT_FOUND_MESSAGE, where
                if "{space_id}" in template:
                    # Exactly the answer for a space that does not exist: nothing inside it leaks.
                    assert error["details"] == {"type": "Space", "id": a["space_id"]}, where
            checked += 1
        assert checked >= 20
        assert snapshot(http, filler, a_headers, kontent=False) == before


def test_contentful_foreign_organization_is_not_found_when_creating_a_space(
    server: LiveServer, space: dict[str, Any]
) -> None:
    b = server.space("Tenant B")
    headers = contentful_headers(b["cma_token"], **{"X-Contentful-Organization": space["organization_id"]})
    with server.client() as http:
        r = http.post("/spaces", json={"name": "Into A"}, headers=headers)
        assert r.status_code == 404, r.text
        assert r.json()["details"] == {"type": "Organization", "id": space["organization_id"]}
        a_spaces = http.get("/spaces", headers=contentful_headers(space["cma_token"])).json()
        assert [s["sys"]["id"] for s in a_spaces["items"]] == [space["space_id"]]


def test_a_space_joining_an_organization_is_shared_with_its_members_only(
    server: LiveServer, space: dict[str, Any]
) -> None:
    """`create_space(organization_id=…)`: the new space and token belong to the organization's owner."""
    joined = run_async(
        lambda db: provisioning.create_space(db, "Joined", organization_id=space["organization_id"]), server.db_url
    )
    assert (joined["organization_id"], joined["user_id"]) == (space["organization_id"], space["user_id"])
    stranger = server.space("Stranger")
    with server.client() as http:
        for token in (space["cma_token"], joined["cma_token"]):
            listed = http.get("/spaces", headers=contentful_headers(token)).json()
            assert sorted(s["sys"]["id"] for s in listed["items"]) == sorted([space["space_id"], joined["space_id"]])
        for space_id in (space["space_id"], joined["space_id"]):
            r = http.get(f"/spaces/{space_id}/locales", headers=contentful_headers(stranger["cma_token"]))
            assert r.status_code == 404 and r.json()["sys"]["id"] == "NotFound"


# -- Kontent.ai ----------------------------------------------------------------------------------


def seed_kontent(http: httpx.Client, project: dict[str, Any]) -> None:
    """One object per collection of A's environment, so every item route has a real target."""
    headers = kontent_headers(project["management_api_key"])
    root = f"/v2/projects/{project['environment_id']}"
    bodies: dict[str, Any] = {
        "languages": {"name": "German", "codename": "de-DE", "is_active": True},
        "taxonomies": {"name": "Topics", "codename": "topics", "terms": [{"name": "News", "terms": []}]},
        "snippets": {"name": "Meta", "elements": [{"name": "Summary", "type": "text"}]},
        "types": {"name": "Article", "elements": [{"name": "Title", "type": "text"}]},
    }
    for collection, body in bodies.items():
        r = http.post(f"{root}/{collection}", json=body, headers=headers)
        assert r.status_code == 201, (collection, r.text)


def test_kontent_routes_refuse_another_projects_key(server: LiveServer, project: dict[str, Any]) -> None:
    a, b = project, server.project("Tenant B")
    a_headers = kontent_headers(a["management_api_key"])
    b_headers = kontent_headers(b["management_api_key"])
    with server.client() as http:
        seed_kontent(http, a)
        filler = Filler(http, a_headers, {"environment_id": a["environment_id"]}, last_kontent_id)
        before = snapshot(http, filler, a_headers, kontent=True)
        checked = 0
        for method, template in served_routes():
            if not is_kontent(template):
                continue
            path, _ = filler.fill(template)
            body = kontent_body(method, template) if method in {"POST", "PUT", "PATCH"} else None
            r = http.request(method, path, headers=b_headers, json=body)
            where = (method, path, r.status_code, r.text[:300])
            assert r.status_code == 403, where
            assert r.json()["error_code"] == 4, where
            checked += 1
        assert checked >= 20
        assert snapshot(http, filler, a_headers, kontent=True) == before
        # B's key still works on B's own environment.
        assert http.get(f"/v2/projects/{b['environment_id']}", headers=b_headers).status_code == 200
