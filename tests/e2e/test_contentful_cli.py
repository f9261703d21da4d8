"""The vendor's CLIs end to end against one `headwater serve` with http and https beside it.

- contentful-migration (library `runMigration`, over https: it builds only `https://` URLs) runs a
  migration that creates content types, then one that edits them and rewrites their entries.
- contentful-import (CLI, `--host` plus a `--config` file with `insecure` and `hostUpload`) loads a
  realistic export written for these tests (`fixtures/contentful/export.json`: two locales, tags,
  content types with every field type, editor interfaces, entries and assets published, draft and
  archived, files uploaded from `fixtures/contentful/assets`) into an empty space; contentful-export
  `--download-assets` writes it out again; that export is imported into an environment of a second
  space (files uploaded from the download) and into that space's master (files from their `upload`
  URLs); the fixture, the imports and a copy made with `X-Contentful-Source-Environment` are compared
  field by field, file bytes included.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.harness import NODE_DIR, ContentfulSpace, HeadwaterProcess, NodeRunner, start_headwater
from tests.support import clean_environ, contentful_headers, free_port

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures" / "contentful"
EXPORT_FIXTURE = FIXTURES / "export.json"
ASSETS_FIXTURE = FIXTURES / "assets"
CLI_PACKAGES = ("contentful-import", "contentful-export", "contentful-migration")
CLI_TIMEOUT = 180.0
START_TIMEOUT = 30.0


@dataclass
class CliServer:
    headwater: HeadwaterProcess
    https_port: int
    cert: Path

    @property
    def https_host(self) -> str:
        return f"127.0.0.1:{self.https_port}"


@pytest.fixture(scope="module")
def cli_node(run_node: NodeRunner) -> NodeRunner:
    for package in CLI_PACKAGES:
        if not (NODE_DIR / "node_modules" / package / "package.json").is_file():
            problem = f"{package} is missing from tests/e2e/node/node_modules: run `npm ci` there"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(problem)
            pytest.skip(problem)
    return run_node


@pytest.fixture(scope="module")
def cli_server(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliServer]:
    """One server for the module: plain http on its port, https (development certificate) on another."""
    https_port = free_port()
    data_dir = tmp_path_factory.mktemp("e2e-cli")
    label = "cli, " + ("sqlite" if backend_url.startswith("sqlite") else "postgresql")
    server = start_headwater(label, data_dir, backend_url, extra_args=("--https-port", str(https_port)))
    try:
        cert = data_dir / "tls" / "dev-cert.pem"
        trusted = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if httpx.get(f"https://127.0.0.1:{https_port}/healthz", verify=trusted, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)
        yield CliServer(server, https_port, cert)
    finally:
        server.stop()


def run_cli(package: str, args: list[str], cwd: Path) -> str:
    """Run a vendor CLI's own bin script; a non-zero exit or any warning fails with its whole output."""
    bin_path = NODE_DIR / "node_modules" / package / "bin" / package
    env = clean_environ()
    env.pop("NODE_OPTIONS", None)
    started = time.monotonic()
    done = subprocess.run(
        ["node", str(bin_path), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT
    )
    if done.returncode != 0:
        logs = "".join(f"\n--- {p.name} ---\n{p.read_text()}" for p in sorted(cwd.glob("*error-log*.json")))
        raise AssertionError(
            f"{package} exited {done.returncode} after {time.monotonic() - started:.1f}s\n"
            f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}{logs}"
        )
    # warnings (skipped objects, failed downloads) do not change the exit code
    assert "No errors or warnings occurred" in done.stdout, done.stdout
    return done.stdout


# ---------------------------------------------------------------- contentful-migration


def test_contentful_migration_over_https(
    cli_node: NodeRunner, cli_server: CliServer, request: pytest.FixtureRequest
) -> None:
    space = cli_server.headwater.space(f"E2E {request.node.name}")
    cli_node(
        "contentful_migration.mjs",
        {
            "CONTENTFUL_HOST": cli_server.headwater.host,
            "CONTENTFUL_HTTPS_HOST": cli_server.https_host,
            "CONTENTFUL_TOKEN": space["cma_token"],
            "CONTENTFUL_ORGANIZATION_ID": space["organization_id"],
            "CONTENTFUL_SPACE_ID": space["space_id"],
            "NODE_EXTRA_CA_CERTS": str(cli_server.cert),
        },
        timeout=CLI_TIMEOUT,
    )
    # The same results over plain http from Python: the deleted field is gone from the stored entries too.
    with http_client(cli_server, space) as client:
        entry = get(client, f"/spaces/{space['space_id']}/environments/master/entries/postOne")
        assert "legacy" not in entry["fields"]
        assert entry["fields"]["author"]["en-US"]["sys"]["id"] == "ada-lovelace"
        assert entry["sys"]["version"] == entry["sys"]["publishedVersion"] + 2  # + setTagsForEntries' save
        public = get(client, f"/spaces/{space['space_id']}/environments/master/public/content_types")
        active = next(t for t in public["items"] if t["sys"]["id"] == "blogPost")
        assert [f["id"] for f in active["fields"]] == [
            *("category", "title", "slug", "body", "authorName", "viewCount", "author")
        ]


# ---------------------------------------------------------------- contentful-import / contentful-export


def test_import_export_import_round_trip(cli_node: NodeRunner, cli_server: CliServer, tmp_path: Path) -> None:
    source = cli_server.headwater.space("E2E import source")
    target = cli_server.headwater.space("E2E import target")
    host = cli_server.headwater.host
    config = tmp_path / "contentful-config.json"
    config.write_text(json.dumps({"insecure": True, "hostUpload": host}))
    fixture = json.loads(EXPORT_FIXTURE.read_text())
    expected = expected_state(fixture)
    for kind in ("entries", "assets"):
        assert {value["state"] for value in expected[kind].values()} == {"published", "draft", "archived"}, kind

    # 1. The fixture into the empty master of the first space (files uploaded from the fixture directory).
    run_cli(
        "contentful-import",
        [
            *("--space-id", source["space_id"], "--environment-id", "master"),
            *("--management-token", source["cma_token"], "--content-file", str(EXPORT_FIXTURE)),
            *("--host", host, "--config", str(config), "--rate-limit", "50"),
            *("--upload-assets", "--assets-directory", str(ASSETS_FIXTURE)),
        ],
        tmp_path,
    )
    with http_client(cli_server, source) as client:
        imported = environment_state(client, source["space_id"], "master")
    assert_same(imported, expected, "fixture → import")

    # 2. Export it with drafts, archived objects and the files, paging through every list.
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    run_cli(
        "contentful-export",
        [
            *("--space-id", source["space_id"], "--environment-id", "master"),
            *("--management-token", source["cma_token"], "--export-dir", str(export_dir)),
            *("--content-file", "export.json", "--include-drafts", "--include-archived", "--download-assets"),
            *("--host", host, "--config", str(config), "--use-verbose-renderer"),
            *("--max-allowed-limit", "2"),  # every list in pages of two: skip/limit/total and a stable order
        ],
        tmp_path,
    )
    exported = json.loads((export_dir / "export.json").read_text())
    for kind in ("contentTypes", "editorInterfaces", "entries", "assets", "locales", "tags"):
        assert len(exported[kind]) == len(fixture[kind]), kind
    assert exported["webhooks"] == [] and exported["roles"] == []
    for asset in exported["assets"]:
        for locale, file in asset["fields"]["file"].items():
            url = httpx.URL(file["url"])
            downloaded = export_dir / f"{url.host}:{url.port}" / url.path.lstrip("/")
            assert downloaded.read_bytes() == imported["assets"][asset["sys"]["id"]]["files"][locale]["bytes"]

    # 3. That export into a (non-master) environment of the second space, from the downloaded files.
    with http_client(cli_server, target) as client:
        r = client.put(f"/spaces/{target['space_id']}/environments/staging", json={"name": "Staging"})
        assert r.status_code == 201, r.text
    run_cli(
        "contentful-import",
        [
            *("--space-id", target["space_id"], "--environment-id", "staging"),
            *("--management-token", target["cma_token"], "--content-file", str(export_dir / "export.json")),
            *("--host", host, "--config", str(config), "--rate-limit", "50"),
            *("--upload-assets", "--assets-directory", str(export_dir)),
        ],
        tmp_path,
    )
    with http_client(cli_server, target) as client:
        reimported = environment_state(client, target["space_id"], "staging")
    assert_same(reimported, imported, "export → import into a second environment")

    # 4. The same export into the second space's master without `--upload-assets`: contentful-import
    #    turns each file `url` into an `upload` URL (Headwater's own, which it copies without a fetch).
    run_cli(
        "contentful-import",
        [
            *("--space-id", target["space_id"], "--environment-id", "master"),
            *("--management-token", target["cma_token"], "--content-file", str(export_dir / "export.json")),
            *("--host", host, "--config", str(config), "--rate-limit", "50"),
        ],
        tmp_path,
    )
    with http_client(cli_server, target) as client:
        from_urls = environment_state(client, target["space_id"], "master")
    assert_same(from_urls, imported, "export → import with upload URLs")

    # 5. A copy made by the server (X-Contentful-Source-Environment) carries its own environment links.
    with http_client(cli_server, source) as client:
        r = client.put(
            f"/spaces/{source['space_id']}/environments/copy",
            json={"name": "Copy"},
            headers={"X-Contentful-Source-Environment": "master"},
        )
        assert r.status_code == 201, r.text
        copied = environment_state(client, source["space_id"], "copy")
    assert_same(copied, imported, "environment copy")


# ---------------------------------------------------------------- comparison


def http_client(server: CliServer, space: ContentfulSpace) -> httpx.Client:
    return httpx.Client(base_url=server.headwater.base_url, headers=contentful_headers(space["cma_token"]), timeout=30)


def get(client: httpx.Client, path: str, **params: Any) -> Any:
    r = client.get(path, params=params)
    assert r.status_code == 200, f"GET {path} → {r.status_code} {r.text}"
    return r.json()


def items(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    body = get(client, path, limit=1000, order="sys.createdAt,sys.id")
    assert (body["total"], body["skip"], body["limit"]) == (len(body["items"]), 0, 1000), path
    result: list[dict[str, Any]] = body["items"]
    return result


def state_of(sys: dict[str, Any]) -> str:
    if sys.get("archivedVersion"):
        return "archived"
    if not sys.get("publishedVersion"):
        return "draft"
    return "published" if sys["version"] == sys["publishedVersion"] + 1 else "changed"


def tag_ids(entity: dict[str, Any]) -> list[str]:
    return sorted(link["sys"]["id"] for link in entity.get("metadata", {}).get("tags", []))


def environment_state(client: httpx.Client, space_id: str, env_id: str) -> dict[str, Any]:
    """Everything the CLIs move, read back over HTTP in a comparable form; every object's `sys.space` and
    `sys.environment` must point at this environment."""
    base = f"/spaces/{space_id}/environments/{env_id}"

    def own(entity: dict[str, Any]) -> dict[str, Any]:
        sys = entity["sys"]
        assert sys["space"]["sys"]["id"] == space_id, sys
        assert sys["environment"]["sys"]["id"] == env_id, sys
        return entity

    state: dict[str, Any] = {
        "locales": {
            loc["code"]: {
                key: loc[key]
                for key in ("name", "default", "fallbackCode", "optional", "contentManagementApi", "contentDeliveryApi")
            }
            for loc in items(client, f"{base}/locales")
        },
        "tags": {t["sys"]["id"]: (t["name"], t["sys"]["visibility"]) for t in map(own, items(client, f"{base}/tags"))},
        "contentTypes": {},
        "editorInterfaces": {},
        "entries": {},
        "assets": {},
    }
    for ct in map(own, items(client, f"{base}/content_types")):
        ct_id = ct["sys"]["id"]
        state["contentTypes"][ct_id] = {
            "name": ct["name"],
            "description": ct.get("description"),
            "displayField": ct["displayField"],
            "fields": ct["fields"],
            "state": state_of(ct["sys"]),
        }
        editor = own(get(client, f"{base}/content_types/{ct_id}/editor_interface"))
        state["editorInterfaces"][ct_id] = {"controls": editor["controls"], "sidebar": editor.get("sidebar")}
    for entry in map(own, items(client, f"{base}/entries")):
        state["entries"][entry["sys"]["id"]] = {
            "contentType": entry["sys"]["contentType"]["sys"]["id"],
            "fields": entry["fields"],
            "tags": tag_ids(entry),
            "state": state_of(entry["sys"]),
        }
    for asset in map(own, items(client, f"{base}/assets")):
        fields = asset["fields"]
        files = {}
        for locale, file in fields["file"].items():
            response = httpx.get(file["url"], timeout=30)
            assert response.status_code == 200, file
            assert response.headers["content-type"].split(";")[0] == file["contentType"]
            files[locale] = {
                "fileName": file["fileName"],
                "contentType": file["contentType"],
                "details": file["details"],
                "bytes": response.content,
            }
        state["assets"][asset["sys"]["id"]] = {
            "title": fields.get("title"),
            "description": fields.get("description"),
            "files": files,
            "tags": tag_ids(asset),
            "state": state_of(asset["sys"]),
        }
    return state


def expected_state(export: dict[str, Any]) -> dict[str, Any]:
    """What `environment_state` must read after importing `export` (the fixture, files from its directory)."""

    def fixture_bytes(url: str) -> bytes:
        return (ASSETS_FIXTURE / url.removeprefix("//")).read_bytes()

    return {
        "locales": {
            loc["code"]: {
                key: loc[key]
                for key in ("name", "default", "fallbackCode", "optional", "contentManagementApi", "contentDeliveryApi")
            }
            for loc in export["locales"]
        },
        "tags": {t["sys"]["id"]: (t["name"], t["sys"]["visibility"]) for t in export["tags"]},
        "contentTypes": {
            ct["sys"]["id"]: {
                "name": ct["name"],
                "description": ct.get("description"),
                "displayField": ct["displayField"],
                "fields": ct["fields"],
                "state": "published",
            }
            for ct in export["contentTypes"]
        },
        "editorInterfaces": {
            ei["sys"]["contentType"]["sys"]["id"]: {"controls": ei["controls"], "sidebar": ei.get("sidebar")}
            for ei in export["editorInterfaces"]
        },
        "entries": {
            e["sys"]["id"]: {
                "contentType": e["sys"]["contentType"]["sys"]["id"],
                "fields": e["fields"],
                "tags": tag_ids(e),
                # contentful-import publishes what was published (the current draft), archives what was archived
                "state": "published" if state_of(e["sys"]) == "changed" else state_of(e["sys"]),
            }
            for e in export["entries"]
        },
        "assets": {
            a["sys"]["id"]: {
                "title": a["fields"].get("title"),
                "description": a["fields"].get("description"),
                "files": {
                    locale: {
                        "fileName": f["fileName"],
                        "contentType": f["contentType"],
                        "details": f["details"],
                        "bytes": fixture_bytes(f["url"]),
                    }
                    for locale, f in a["fields"]["file"].items()
                },
                "tags": tag_ids(a),
                "state": "published" if state_of(a["sys"]) == "changed" else state_of(a["sys"]),
            }
            for a in export["assets"]
        },
    }


def assert_same(actual: dict[str, Any], expected: dict[str, Any], what: str) -> None:
    """Equal, compared per object so that a failure names the object that differs."""
    assert sorted(actual) == sorted(expected), what
    for kind, objects in expected.items():
        assert sorted(actual[kind]) == sorted(objects), f"{what}: ids of {kind}"
        for object_id, value in objects.items():
            assert actual[kind][object_id] == value, f"{what}: {kind} {object_id}"
