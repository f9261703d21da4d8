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

from headwater.storage.database import sqlalchemy_url
from tests.support import contentful_headers, eventually, kontent_headers, spawn_server


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
