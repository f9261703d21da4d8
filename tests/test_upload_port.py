"""`headwater serve --upload-port`: clients that send uploads to a separate host (`hostUpload` in the JS
SDK and the CLIs, `uploads_api_url` in the Python SDK) reach the same server and data there; the API
port keeps accepting uploads too."""

from __future__ import annotations

import io
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from contentful_management import Client

from headwater import provisioning
from tests.support import ServerProcess, clean_environ, contentful_headers, free_port, run_async, spawn_server
from tests.test_contentful_assets import Api, png, upload_file
from tests.test_https import eventually_closed

START_TIMEOUT = 30.0


def wait_for(url: str, server: ServerProcess, verify: ssl.SSLContext | bool = True) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1, verify=verify).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"upload listener did not answer at {url}:\n{server.log_tail()}")


def upload(base_url: str, space: dict[str, Any], data: bytes, env_id: str | None = None) -> dict[str, Any]:
    path = f"/spaces/{space['space_id']}" + (f"/environments/{env_id}" if env_id else "") + "/uploads"
    headers = {**contentful_headers(space["cma_token"]), "Content-Type": "application/octet-stream"}
    r = httpx.post(base_url + path, content=data, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_upload_on_the_upload_port_used_from_the_api_port(tmp_path: Path, backend_url: str) -> None:
    upload_port = free_port()
    server = spawn_server(backend_url, tmp_path / "data", "--upload-port", str(upload_port))
    upload_base = f"http://127.0.0.1:{upload_port}"
    try:
        wait_for(upload_base, server)
        assert f"uploads also on http://localhost:{upload_port}" in server.output()
        space: dict[str, Any] = run_async(lambda db: provisioning.create_space(db, "Upload port"), backend_url)
        headers = contentful_headers(space["cma_token"])
        image = png(4, 3)

        # Both URL forms work on the upload port; the upload is visible on the API port.
        made = upload(upload_base, space, image)
        in_env = upload(upload_base, space, b"second", env_id="master")
        for item in (made, in_env):
            r = httpx.get(f"{server.base_url}/spaces/{space['space_id']}/uploads/{item['sys']['id']}", headers=headers)
            assert r.status_code == 200 and r.json() == item
        # The API port still takes uploads, and the upload port reads them.
        on_api = upload(server.base_url, space, b"via the api port")
        r = httpx.get(f"{upload_base}/spaces/{space['space_id']}/uploads/{on_api['sys']['id']}", headers=headers)
        assert r.status_code == 200 and r.json() == on_api

        # An asset on the API port made from the upload of the upload port: processed, served there.
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            api = Api(http, space)
            created = api.create(
                {
                    "title": {"en-US": "Split"},
                    "file": {"en-US": upload_file("split.png", "image/png", made["sys"]["id"])},
                }
            )
            asset_id = created["sys"]["id"]
            r = api.process(asset_id, "en-US", created["sys"]["version"])
            assert r.status_code == 204, r.text
            file = api.fetch(asset_id)["fields"]["file"]["en-US"]
        assert file["details"] == {"size": len(image), "image": {"width": 4, "height": 3}}
        assert file["url"].startswith(f"{server.base_url}/files/")
        download = httpx.get(file["url"], timeout=30)
        assert download.status_code == 200 and download.content == image
    finally:
        assert server.stop(), server.log_tail()
    # Stopping the server stops both listeners.
    assert eventually_closed(server.port)
    assert eventually_closed(upload_port), server.log_tail()


def test_python_sdk_with_a_separate_uploads_api_url(tmp_path: Path, backend_url: str) -> None:
    """The official Python client sends upload requests to `uploads_api_url`, not to `api_url`."""
    upload_port = free_port()
    server = spawn_server(backend_url, tmp_path / "data", "--upload-port", str(upload_port))
    try:
        wait_for(f"http://127.0.0.1:{upload_port}", server)
        space: dict[str, Any] = run_async(lambda db: provisioning.create_space(db, "SDK uploads"), backend_url)
        client = Client(
            space["cma_token"],
            api_url=f"127.0.0.1:{free_port()}",  # nothing listens there: uploads must not go to api_url
            uploads_api_url=f"127.0.0.1:{upload_port}",
            https=False,
            gzip_encoded=False,
        )
        made = client.uploads(space["space_id"]).create(io.BytesIO(b"from the sdk"))
        assert made.sys["type"] == "Upload"
        found = client.uploads(space["space_id"]).find(made.id)
        assert found.id == made.id
        # The API port reads the same record.
        r = httpx.get(
            f"{server.base_url}/spaces/{space['space_id']}/uploads/{made.id}",
            headers=contentful_headers(space["cma_token"]),
        )
        assert r.status_code == 200 and r.json()["sys"]["id"] == made.id
    finally:
        assert server.stop(), server.log_tail()


def test_upload_port_speaks_https_when_the_api_port_does(tmp_path: Path, backend_url: str) -> None:
    upload_port = free_port()
    data = tmp_path / "data"
    server = spawn_server(backend_url, data, "--tls-self-signed", "--upload-port", str(upload_port), scheme="https")
    try:
        trusted = ssl.create_default_context(cafile=str(data / "tls" / "dev-cert.pem"))
        wait_for(f"https://127.0.0.1:{upload_port}", server, trusted)
        assert f"uploads also on https://localhost:{upload_port}" in server.output()
        space: dict[str, Any] = run_async(lambda db: provisioning.create_space(db, "Secure uploads"), backend_url)
        headers = {**contentful_headers(space["cma_token"]), "Content-Type": "application/octet-stream"}
        path = f"/spaces/{space['space_id']}/uploads"
        r = httpx.post(f"https://127.0.0.1:{upload_port}{path}", content=b"tls", headers=headers, verify=trusted)
        assert r.status_code == 201, r.text
        r = httpx.get(f"https://127.0.0.1:{server.port}{path}/{r.json()['sys']['id']}", headers=headers, verify=trusted)
        assert r.status_code == 200, r.text
    finally:
        assert server.stop(), server.log_tail()
    assert eventually_closed(upload_port), server.log_tail()


def test_upload_port_must_differ_from_port(tmp_path: Path) -> None:
    port = str(free_port())
    url = f"sqlite:///{tmp_path / 'same.db'}"
    args = ["serve", "--port", port, "--upload-port", port, "--data-dir", str(tmp_path), "--database-url", url]
    r = subprocess.run(
        [sys.executable, "-m", "headwater", *args], capture_output=True, text=True, env=clean_environ(), timeout=60
    )
    assert r.returncode == 2
    assert "--upload-port must differ from --port" in r.stderr
