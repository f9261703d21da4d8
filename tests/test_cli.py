"""The scriptable CLI: provisioning JSON on stdout, migrations, and `serve` bootstrap/refusals."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from headwater.storage import tenancy
from headwater.storage.database import Database, sqlalchemy_url
from tests.support import LiveServer, contentful_headers, eventually, kontent_headers, run_async, spawn_server


def hw(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "headwater", *args], capture_output=True, text=True, timeout=120, check=check
    )


def hw_json(*args: str) -> dict[str, Any]:
    out = hw(*args).stdout
    value: dict[str, Any] = json.loads(out)
    return value


def test_provisioning_commands_and_serve(backend_url: str, tmp_path: Path) -> None:
    storage = ["--data-dir", str(tmp_path / "data"), "--database-url", backend_url]
    project = hw_json("project", "create", "--name", "CLI project", "--json", *storage)
    assert {"project_id", "environment_id", "management_api_key"} <= set(project)
    space = hw_json("space", "create", "--name", "CLI space", "--json", *storage)
    assert {"organization_id", "space_id", "cma_token"} <= set(space) and space["environment_id"] == "master"
    key = hw_json("key", "create", "--project", project["project_id"], "--expires-in", "30", "--json", *storage)
    assert key["project_id"] == project["project_id"] and key["expires_at"]
    token = hw_json("token", "create", "--json", *storage)
    assert token["cma_token"].startswith("CFPAT-")

    proc = spawn_server(backend_url, tmp_path / "serve")
    try:
        env_url = f"{proc.base_url}/v2/projects/{project['environment_id']}"
        assert httpx.get(env_url, headers=kontent_headers(project["management_api_key"])).status_code == 200
        assert httpx.get(env_url, headers=kontent_headers(key["management_api_key"])).status_code == 200
        me = httpx.get(f"{proc.base_url}/users/me", headers=contentful_headers(token["cma_token"]))
        assert me.status_code == 200
        # Revoking from another process takes effect on the running server at once.
        revoked = hw_json("key", "revoke", key["key_id"], "--json", *storage)
        assert revoked["revoked_at"]
        assert eventually(
            lambda: httpx.get(env_url, headers=kontent_headers(key["management_api_key"])).status_code == 403
        )
        hw_json("token", "revoke", token["token_id"], "--json", *storage)
        assert eventually(
            lambda: (
                httpx.get(f"{proc.base_url}/users/me", headers=contentful_headers(token["cma_token"])).status_code
                == 401
            )
        )
        assert httpx.get(f"{proc.base_url}/readyz").json()["status"] == "ready"
    finally:
        proc.stop()
    listing = hw_json("project", "list", "--json", *storage)
    assert project["project_id"] in [p["project_id"] for p in listing["projects"]]
    assert space["space_id"] in [s["space_id"] for s in hw_json("space", "list", "--json", *storage)["spaces"]]


def test_space_and_token_targets(server: LiveServer, tmp_path: Path) -> None:
    """Each `space create` is its own tenant unless `--organization`; tokens target a user or an owner."""
    storage = ["--data-dir", str(tmp_path), "--database-url", server.db_url]
    a = hw_json("space", "create", "--name", "A", "--json", *storage)
    b = hw_json("space", "create", "--name", "B", "--json", *storage)
    assert a["organization_id"] != b["organization_id"] and a["user_id"] != b["user_id"]
    joined = hw_json("space", "create", "--name", "A2", "--organization", a["organization_id"], "--json", *storage)
    assert (joined["organization_id"], joined["user_id"]) == (a["organization_id"], a["user_id"])
    for_b = hw_json("token", "create", "--user", b["user_id"], "--json", *storage)
    assert (for_b["user_id"], for_b["organization_id"]) == (b["user_id"], b["organization_id"])
    for_a = hw_json("token", "create", "--organization", a["organization_id"], "--json", *storage)
    assert (for_a["user_id"], for_a["organization_id"]) == (a["user_id"], a["organization_id"])
    default = hw_json("token", "create", "--json", *storage)
    assert default["user_id"] == run_async(_first_user_id, server.db_url)
    spaces = {s["space_id"]: s for s in hw_json("space", "list", "--json", *storage)["spaces"]}
    assert spaces[joined["space_id"]]["owner_user_id"] == a["user_id"]
    assert spaces[b["space_id"]]["organization_id"] == b["organization_id"]

    def visible(http: httpx.Client, token: str) -> list[str]:
        listed = http.get("/spaces", headers=contentful_headers(token)).json()
        return sorted(s["sys"]["id"] for s in listed["items"])

    with server.client() as http:
        assert visible(http, for_a["cma_token"]) == sorted([a["space_id"], joined["space_id"]])
        assert visible(http, a["cma_token"]) == visible(http, for_a["cma_token"])
        assert visible(http, for_b["cma_token"]) == [b["space_id"]]
        r = http.get(f"/spaces/{a['space_id']}", headers=contentful_headers(for_b["cma_token"]))
        assert r.status_code == 404 and r.json()["sys"]["id"] == "NotFound"


async def _first_user_id(db: Database) -> str | None:
    async with db.read() as conn:
        user = await tenancy.first_user(conn)
    return user.id if user else None


def test_token_targets_errors_and_default_on_an_empty_database(tmp_path: Path) -> None:
    storage = ["--data-dir", str(tmp_path)]
    r = hw("space", "create", "--name", "X", "--organization", "nope", *storage, check=False)
    assert r.returncode != 0 and "no Contentful organization with id nope" in r.stderr
    r = hw("token", "create", "--user", "nope", *storage, check=False)
    assert r.returncode != 0 and "no Contentful user with id nope" in r.stderr
    r = hw("token", "create", "--user", "u", "--organization", "o", *storage, check=False)
    assert r.returncode == 2 and "not allowed with" in r.stderr
    # No user yet: the default token gets a new user with their own organization, and stays theirs.
    first = hw_json("token", "create", "--json", *storage)
    again = hw_json("token", "create", "--json", *storage)
    assert first["organization_id"] and (again["user_id"], again["organization_id"]) == (
        first["user_id"],
        first["organization_id"],
    )


def test_unknown_project_and_key_are_clear_errors(tmp_path: Path) -> None:
    storage = ["--data-dir", str(tmp_path)]
    r = hw("key", "create", "--project", "nope", "--json", *storage, check=False)
    assert r.returncode != 0 and "no Kontent.ai project" in r.stderr
    r = hw("key", "revoke", "nope", *storage, check=False)
    assert r.returncode != 0 and "no key or token" in r.stderr


def test_first_start_bootstraps_demo_tenants_and_later_starts_say_how_to_list(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'boot.db'}"
    first = spawn_server(url, tmp_path / "one")
    first.stop()
    out = first.output()
    assert "apiKey:" in out and "accessToken:" in out and "/v2" in out
    key = out.split("apiKey:", 1)[1].split()[0]
    env_id = out.split("environmentId:", 1)[1].split()[0]
    second = spawn_server(url, tmp_path / "two")
    try:
        r = httpx.get(f"{second.base_url}/v2/projects/{env_id}", headers=kontent_headers(key))
        assert r.status_code == 200 and r.json()["name"] == "Demo project"
    finally:
        second.stop()
    assert "headwater project list" in second.output() and "apiKey:" not in second.output()


def test_migrate_and_refuse_newer_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert "head" in hw("migrate", "--database-url", url).stdout
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    r = hw("serve", "--database-url", url, "--data-dir", str(tmp_path), "--port", "1", check=False)
    assert r.returncode != 0 and "newer than this Headwater" in (r.stderr + r.stdout)
    r = hw("migrate", "--database-url", url, check=False)
    assert r.returncode != 0


@pytest.mark.parametrize("flag", ["--tls-self-signed"])
def test_tls_self_signed(tmp_path: Path, flag: str) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    proc = spawn_server(url, tmp_path / "tls", flag, scheme="https")
    try:
        cert = tmp_path / "tls" / "tls" / "dev-cert.pem"
        assert cert.exists()
        r = httpx.get(f"{proc.base_url}/healthz", verify=ssl.create_default_context(cafile=str(cert)))
        assert r.status_code == 200
    finally:
        proc.stop()
