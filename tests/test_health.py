"""Liveness and readiness probes."""

from __future__ import annotations

import shutil
from collections.abc import Callable

from tests.support import LiveServer


def test_healthz_and_readyz(server: LiveServer) -> None:
    with server.client() as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        r = http.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "blobs": "ok"}}


def test_readyz_reports_an_unwritable_blob_store(make_server: Callable[..., LiveServer]) -> None:
    live = make_server()
    blob_dir = live.settings.blob_dir
    shutil.rmtree(blob_dir)
    blob_dir.write_text("not a directory")
    with live.client() as http:
        r = http.get("/readyz")
        assert r.status_code == 503
        body = r.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"] == "ok" and body["checks"]["blobs"].startswith("not writable")
        assert http.get("/healthz").status_code == 200
