"""`headwater serve --https-port`: plain http and https at once from one server and one data directory
(contentful-migration builds only `https://` URLs while other clients speak http)."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509

from headwater import provisioning, tls
from tests.support import ServerProcess, clean_environ, contentful_headers, free_port, run_async, spawn_server

START_TIMEOUT = 30.0


def wait_for_https(port: int, context: ssl.SSLContext, server: ServerProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"https://127.0.0.1:{port}/healthz", verify=context, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"https listener did not answer on {port}:\n{server.log_tail()}")


def is_closed(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def eventually_closed(port: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_closed(port):
            return True
        time.sleep(0.1)
    return False


def served_certificate(port: int) -> x509.Certificate:
    pem = ssl.get_server_certificate(("127.0.0.1", port))
    return x509.load_pem_x509_certificate(pem.encode())


def both(tmp_path: Path, backend_url: str, *extra: str) -> tuple[ServerProcess, int]:
    https_port = free_port()
    server = spawn_server(backend_url, tmp_path / "data", "--https-port", str(https_port), *extra)
    return server, https_port


def test_http_and_https_serve_the_same_data(tmp_path: Path, backend_url: str) -> None:
    server, https_port = both(tmp_path, backend_url)
    try:
        cert_path = tmp_path / "data" / "tls" / "dev-cert.pem"
        assert cert_path.exists()
        trusted = ssl.create_default_context(cafile=str(cert_path))
        wait_for_https(https_port, trusted, server)
        assert server.base_url.startswith("http://")
        out = server.output()
        assert f"https://localhost:{https_port}" in out

        space: dict[str, Any] = run_async(lambda db: provisioning.create_space(db, "Both schemes"), backend_url)
        headers = contentful_headers(space["cma_token"])
        tags_path = f"/spaces/{space['space_id']}/environments/master/tags"
        with httpx.Client(base_url=server.base_url, timeout=30) as plain:
            r = plain.put(f"{tags_path}/viaHttp", json={"name": "Via http"}, headers=headers)
            assert r.status_code == 201, r.text
        with httpx.Client(base_url=f"https://127.0.0.1:{https_port}", verify=trusted, timeout=30) as secure:
            r = secure.get(f"{tags_path}/viaHttp", headers=headers)
            assert r.status_code == 200, r.text
            assert r.json()["name"] == "Via http"
            r = secure.put(f"{tags_path}/viaHttps", json={"name": "Via https"}, headers=headers)
            assert r.status_code == 201, r.text
            r = secure.get(f"/spaces/{space['space_id']}", headers=headers)
            assert r.status_code == 200 and r.json()["sys"]["id"] == space["space_id"]
            # Absolute URLs the server builds follow the scheme and port the client used.
            r = secure.post("/spaces", json={"name": "Made over https"}, headers=headers)
            assert r.status_code == 201, r.text
            assert r.headers["location"].startswith(f"https://127.0.0.1:{https_port}/spaces/")
        with httpx.Client(base_url=server.base_url, timeout=30) as plain:
            r = plain.get(tags_path, params={"order": "sys.id"}, headers=headers)
            assert [t["sys"]["id"] for t in r.json()["items"]] == ["viaHttp", "viaHttps"]
            r = plain.post("/spaces", json={"name": "Made over http"}, headers=headers)
            assert r.headers["location"].startswith(f"{server.base_url}/spaces/")

        # Each port speaks only its own scheme.
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{https_port}/healthz", timeout=2)
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"https://127.0.0.1:{server.port}/healthz", verify=trusted, timeout=2)

        names = served_certificate(https_port).extensions.get_extension_for_class(x509.SubjectAlternativeName)
        assert "localhost" in names.value.get_values_for_type(x509.DNSName)
    finally:
        assert server.stop(), server.log_tail()
    # Stopping the server stops both listeners.
    assert eventually_closed(server.port)
    assert eventually_closed(https_port), server.log_tail()


def test_https_port_with_a_given_certificate(tmp_path: Path, backend_url: str) -> None:
    cert_path, key_path = tls.self_signed(tmp_path / "own", extra_hosts=("cms.example.test",))
    server, https_port = both(tmp_path, backend_url, "--tls-cert", str(cert_path), "--tls-key", str(key_path))
    try:
        trusted = ssl.create_default_context(cafile=str(cert_path))
        wait_for_https(https_port, trusted, server)
        given = x509.load_pem_x509_certificate(cert_path.read_bytes())
        assert served_certificate(https_port) == given
        # No development certificate was made: the given one is used.
        assert not (tmp_path / "data" / "tls" / "dev-cert.pem").exists()
        # The main port stays plain http although a certificate is configured.
        assert httpx.get(f"{server.base_url}/healthz", timeout=5).status_code == 200
    finally:
        server.stop()
    assert eventually_closed(https_port)


def test_https_port_must_differ_from_port(tmp_path: Path) -> None:
    port = str(free_port())
    url = f"sqlite:///{tmp_path / 'same.db'}"
    args = ["serve", "--port", port, "--https-port", port, "--data-dir", str(tmp_path), "--database-url", url]
    r = subprocess.run(
        [sys.executable, "-m", "headwater", *args], capture_output=True, text=True, env=clean_environ(), timeout=60
    )
    assert r.returncode == 2
    assert "--https-port must differ from --port" in r.stderr
