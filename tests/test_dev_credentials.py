"""Fixed development credentials (`HEADWATER_DEV_*`): a CI job configures its clients before the server
starts, and the first request already works; restarts keep them working; bad values stop the start."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from headwater import provisioning
from headwater.config import Settings
from headwater.provisioning import FixedProject, FixedSpace, ProvisioningError
from headwater.storage import migrate
from headwater.storage.database import open_database
from tests.support import (
    LiveServer,
    clean_environ,
    contentful_headers,
    free_port,
    fresh_pg_database,
    kontent_headers,
    require_pg,
    run_async,
    spawn_server,
)

DEV = {
    "HEADWATER_DEV_PROJECT_ID": "11111111-2222-4333-8444-555555555555",
    "HEADWATER_DEV_ENVIRONMENT_ID": "66666666-7777-4888-9999-AAAAAAAAAAAA",  # stored and served lowercase
    "HEADWATER_DEV_MANAGEMENT_API_KEY": "hwk_dev-fixed-key",
    "HEADWATER_DEV_SPACE_ID": "dev-space",
    "HEADWATER_DEV_CMA_TOKEN": "CFPAT-dev-fixed-token",
}
ENV_ID = DEV["HEADWATER_DEV_ENVIRONMENT_ID"].lower()
OTHER = {
    "HEADWATER_DEV_ENVIRONMENT_ID": "0f0f0f0f-1111-4222-8333-444444444444",
    "HEADWATER_DEV_MANAGEMENT_API_KEY": "hwk_second-fixed-key",
    "HEADWATER_DEV_SPACE_ID": "second.space",
    "HEADWATER_DEV_CMA_TOKEN": "CFPAT-second-fixed-token",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own, empty, per test (the session database already holds tenants)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dev.db'}"
        return
    require_pg()
    with fresh_pg_database() as url:
        yield url


def assert_fixed_credentials_work(base_url: str, dev: dict[str, str]) -> None:
    env_id = dev["HEADWATER_DEV_ENVIRONMENT_ID"].lower()
    key = kontent_headers(dev["HEADWATER_DEV_MANAGEMENT_API_KEY"])
    r = httpx.get(f"{base_url}/v2/projects/{env_id}", headers=key)
    assert r.status_code == 200 and r.json()["id"] == env_id, r.text
    assert httpx.get(f"{base_url}/v2/projects/{env_id}/languages", headers=key).status_code == 200
    token = contentful_headers(dev["HEADWATER_DEV_CMA_TOKEN"])
    space_id = dev["HEADWATER_DEV_SPACE_ID"]
    r = httpx.get(f"{base_url}/spaces/{space_id}", headers=token)
    assert r.status_code == 200 and r.json()["sys"]["id"] == space_id, r.text
    locales = httpx.get(f"{base_url}/spaces/{space_id}/environments/master/locales", headers=token).json()
    assert [x["code"] for x in locales["items"]] == ["en-US"]


def test_fixed_credentials_work_from_the_first_request_and_after_restarts(empty_url: str, tmp_path: Path) -> None:
    first = spawn_server(empty_url, tmp_path / "one", env=DEV)
    try:
        assert_fixed_credentials_work(first.base_url, DEV)
        r = httpx.get(
            f"{first.base_url}/v2/projects/{ENV_ID}", headers=kontent_headers(DEV["HEADWATER_DEV_MANAGEMENT_API_KEY"])
        )
        assert r.json()["name"] == "Demo project"
        # A test suite that cleans up after itself may delete the space; the next start brings it back.
        token = contentful_headers(DEV["HEADWATER_DEV_CMA_TOKEN"])
        assert httpx.delete(f"{first.base_url}/spaces/dev-space", headers=token).status_code == 204
    finally:
        first.stop()
    assert first.output().count("fixed development credentials, created") == 2
    assert ENV_ID in first.output() and DEV["HEADWATER_DEV_CMA_TOKEN"] in first.output()

    second = spawn_server(empty_url, tmp_path / "two", env=DEV)
    try:
        assert_fixed_credentials_work(second.base_url, DEV)
    finally:
        second.stop()
    assert "Kontent.ai Management API v2 (fixed development credentials)" in second.output()
    assert "Contentful Content Management API (fixed development credentials, created)" in second.output()
    listing = run_async(provisioning.inventory, empty_url)
    # Both dialects were fixed from the first start, so no random demo tenant was made.
    assert [(p["project_id"], len(p["keys"])) for p in listing["projects"]] == [(DEV["HEADWATER_DEV_PROJECT_ID"], 1)]
    assert [s["space_id"] for s in listing["spaces"]] == ["dev-space"]

    # New fixed values on a database that already holds tenants are created too; the old ones stay.
    third = spawn_server(empty_url, tmp_path / "three", env=OTHER)
    try:
        assert_fixed_credentials_work(third.base_url, OTHER)
        assert_fixed_credentials_work(third.base_url, DEV)
        # The two fixed spaces are separate tenants.
        r = httpx.get(
            f"{third.base_url}/spaces/dev-space", headers=contentful_headers(OTHER["HEADWATER_DEV_CMA_TOKEN"])
        )
        assert r.status_code == 404
    finally:
        third.stop()


def test_only_one_dialect_fixed_keeps_the_other_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'half.db'}"
    migrate.prepare(url)
    fixed = {k: v for k, v in DEV.items() if "SPACE" in k or "CMA" in k}
    created = run_async(lambda db: provisioning.bootstrap(db, provisioning.fixed_credentials(settings(**fixed))), url)
    assert created is not None and created["space"]["fixed"] and created["space"]["space_id"] == "dev-space"
    assert not created["project"].get("fixed") and created["project"]["management_api_key"].startswith("hwk_")


def settings(**env: str) -> Settings:
    return Settings.from_env(env)


def test_bad_values_stop_the_start_with_every_problem_named(tmp_path: Path) -> None:
    bad = {
        "HEADWATER_DEV_ENVIRONMENT_ID": "not-a-guid",
        "HEADWATER_DEV_MANAGEMENT_API_KEY": "has a space",
        "HEADWATER_DEV_SPACE_ID": "no/slashes",
        "HEADWATER_DEV_CMA_TOKEN": "CFPAT-fine",
    }
    args = [
        "serve",
        "--port",
        str(free_port()),
        "--data-dir",
        str(tmp_path),
        "--database-url",
        f"sqlite:///{tmp_path / 'x.db'}",
    ]
    r = subprocess.run(
        [sys.executable, "-m", "headwater", *args], capture_output=True, text=True, timeout=60, env=clean_environ(**bad)
    )
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert "HEADWATER_DEV_ENVIRONMENT_ID must be a GUID, got 'not-a-guid'" in r.stderr
    assert "HEADWATER_DEV_MANAGEMENT_API_KEY must be 1 to 512 visible ASCII characters" in r.stderr
    assert "HEADWATER_DEV_SPACE_ID must be 1 to 64 letters" in r.stderr
    assert "has a space" not in r.stderr  # secrets are never echoed


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"HEADWATER_DEV_PROJECT_ID": DEV["HEADWATER_DEV_PROJECT_ID"]}, "HEADWATER_DEV_ENVIRONMENT_ID is required"),
        ({"HEADWATER_DEV_ENVIRONMENT_ID": ENV_ID}, "HEADWATER_DEV_MANAGEMENT_API_KEY is required"),
        ({"HEADWATER_DEV_CMA_TOKEN": "CFPAT-x"}, "HEADWATER_DEV_SPACE_ID is required"),
        ({"HEADWATER_DEV_SPACE_ID": "s"}, "HEADWATER_DEV_CMA_TOKEN is required"),
        ({"HEADWATER_DEV_SPACE_ID": "x" * 65, "HEADWATER_DEV_CMA_TOKEN": "t"}, "HEADWATER_DEV_SPACE_ID must be"),
        ({"HEADWATER_DEV_SPACE_ID": "s", "HEADWATER_DEV_CMA_TOKEN": "t" * 513}, "HEADWATER_DEV_CMA_TOKEN must be"),
        ({"HEADWATER_DEV_SPACE_ID": "s", "HEADWATER_DEV_CMA_TOKEN": "tøken"}, "HEADWATER_DEV_CMA_TOKEN must be"),
        (
            {**DEV, "HEADWATER_DEV_CMA_TOKEN": DEV["HEADWATER_DEV_MANAGEMENT_API_KEY"]},
            "HEADWATER_DEV_MANAGEMENT_API_KEY and HEADWATER_DEV_CMA_TOKEN must differ",
        ),
        ({**DEV, "HEADWATER_DEV_PROJECT_ID": "nope"}, "HEADWATER_DEV_PROJECT_ID must be a GUID"),
    ],
)
def test_validation(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ProvisioningError, match=problem):
        provisioning.fixed_credentials(settings(**env))


def test_validation_accepts_and_normalises() -> None:
    assert provisioning.fixed_credentials(Settings()) == provisioning.FixedCredentials(None, None)
    fixed = provisioning.fixed_credentials(
        settings(HEADWATER_DEV_ENVIRONMENT_ID=DEV["HEADWATER_DEV_ENVIRONMENT_ID"], HEADWATER_DEV_MANAGEMENT_API_KEY="k")
    )
    # The project id defaults to the environment id; GUIDs are served lowercase.
    assert fixed.project == FixedProject(ENV_ID, ENV_ID, "k") and fixed.space is None
    fixed = provisioning.fixed_credentials(settings(HEADWATER_DEV_SPACE_ID="a-Z_0.9", HEADWATER_DEV_CMA_TOKEN="t"))
    assert fixed.space == FixedSpace("a-Z_0.9", "t") and fixed.project is None


# -- stored data that contradicts the settings (session database, both backends) ----------------


def ensure_project(server: LiveServer, fixed: FixedProject) -> dict[str, Any]:
    return run_async(lambda db: provisioning.ensure_fixed_project(db, fixed), server.db_url)


def ensure_space(server: LiveServer, fixed: FixedSpace) -> dict[str, Any]:
    return run_async(lambda db: provisioning.ensure_fixed_space(db, fixed), server.db_url)


def new_guid() -> str:
    return str(uuid.uuid4())


def test_ensuring_is_idempotent(server: LiveServer) -> None:
    fixed = FixedProject(new_guid(), new_guid(), f"hwk_{uuid.uuid4().hex}")
    first, again = ensure_project(server, fixed), ensure_project(server, fixed)
    assert first["created"] and not again["created"] and first["key_id"] == again["key_id"]
    space = FixedSpace(uuid.uuid4().hex[:12], f"CFPAT-{uuid.uuid4().hex}")
    first, again = ensure_space(server, space), ensure_space(server, space)
    assert first["created"] and not again["created"]
    assert (first["token_id"], first["user_id"]) == (again["token_id"], again["user_id"])


def test_conflicting_stored_data_is_refused(server: LiveServer, project: dict[str, Any], space: dict[str, Any]) -> None:
    fresh_key = f"hwk_{uuid.uuid4().hex}"
    with pytest.raises(ProvisioningError, match="belongs to project"):
        ensure_project(server, FixedProject(new_guid(), project["environment_id"], fresh_key))
    with pytest.raises(ProvisioningError, match="exists without environment"):
        ensure_project(server, FixedProject(project["project_id"], new_guid(), fresh_key))
    with pytest.raises(ProvisioningError, match="already the secret of another key or token"):
        ensure_project(server, FixedProject(new_guid(), new_guid(), project["management_api_key"]))
    with pytest.raises(ProvisioningError, match="already the secret of another key or token"):
        ensure_project(server, FixedProject(new_guid(), new_guid(), space["cma_token"]))
    server.revoke(project["key_id"])
    with pytest.raises(ProvisioningError, match="was revoked"):
        ensure_project(
            server, FixedProject(project["project_id"], project["environment_id"], project["management_api_key"])
        )
    other = server.space("Other tenant")
    with pytest.raises(ProvisioningError, match="outside the organization of space"):
        ensure_space(server, FixedSpace(other["space_id"], space["cma_token"]))


def test_a_fixed_token_for_an_existing_space_belongs_to_its_owner(server: LiveServer, space: dict[str, Any]) -> None:
    token = f"CFPAT-{uuid.uuid4().hex}"
    result = ensure_space(server, FixedSpace(space["space_id"], token))
    assert not result["created"] and result["user_id"] == space["user_id"]
    with server.client() as http:
        assert http.get(f"/spaces/{space['space_id']}", headers=contentful_headers(token)).status_code == 200


def test_servers_starting_at_once_agree(server: LiveServer) -> None:
    """Two processes bootstrapping the same fixed credentials concurrently: both succeed, one set of rows."""
    project = FixedProject(new_guid(), new_guid(), f"hwk_{uuid.uuid4().hex}")
    space = FixedSpace(uuid.uuid4().hex[:12], f"CFPAT-{uuid.uuid4().hex}")

    async def start_twice() -> list[dict[str, Any]]:
        dbs = [await open_database(server.db_url) for _ in range(2)]
        try:
            work = [provisioning.ensure_fixed_project(db, project) for db in dbs]
            work += [provisioning.ensure_fixed_space(db, space) for db in dbs]
            return list(await asyncio.gather(*work))
        finally:
            for db in dbs:
                await db.close()

    p1, p2, s1, s2 = asyncio.run(start_twice())
    assert p1["key_id"] == p2["key_id"] and [p1["created"], p2["created"]].count(True) == 1
    assert (s1["token_id"], s1["user_id"]) == (s2["token_id"], s2["user_id"])
    assert [s1["created"], s2["created"]].count(True) == 1
