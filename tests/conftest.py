"""Fixtures: every HTTP test runs once per storage backend (SQLite always; PostgreSQL when reachable,
and always when CI=true)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import LiveServer, fresh_pg_database, require_pg, settings_for, start_server

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database URL for one backend (shared by the session's servers)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "headwater.db"
        yield f"sqlite:///{path}"
        return
    require_pg()
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def server(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The default server for a backend (rate limits off, default settings)."""
    live = start_server(settings_for(backend_url, tmp_path_factory.mktemp("data")))
    yield live
    live.stop()


@pytest.fixture
def make_server(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    """Start extra servers with other settings on the same database (stopped after the test)."""
    started: list[LiveServer] = []

    def make(**overrides: Any) -> LiveServer:
        data_dir: Path = tmp_path_factory.mktemp("data")
        live = start_server(settings_for(backend_url, data_dir, **overrides))
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


@pytest.fixture
def project(server: LiveServer) -> dict[str, Any]:
    """A fresh Kontent.ai project: project_id, environment_id, management_api_key, key_id."""
    return server.project()


@pytest.fixture
def space(server: LiveServer) -> dict[str, Any]:
    """A fresh Contentful space: organization_id, space_id, environment_id, cma_token."""
    return server.space()
