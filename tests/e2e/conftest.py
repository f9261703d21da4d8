"""Fixtures for the end-to-end suite: real `headwater serve` processes per storage backend, tenants made
with the CLI, and the Node runner for the official JS SDK scripts.

The Node scripts need `npm ci` in tests/e2e/node (scripts/test.sh runs it). Without it they are skipped,
except under CI=true, where a missing toolchain is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator

import pytest

from tests.e2e.harness import (
    KONTENT_PAGE_SIZE,
    ContentfulSpace,
    HeadwaterProcess,
    KontentProject,
    NodeRunner,
    node_problem,
    start_headwater,
)


def _backend_label(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="session")
def hw_server(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeadwaterProcess]:
    """`headwater serve` (granian) with default settings, except a Kontent.ai page size of 2."""
    server = start_headwater(
        f"default, {_backend_label(backend_url)}",
        tmp_path_factory.mktemp("e2e-data"),
        backend_url,
        extra_env={"HEADWATER_KONTENT_PAGE_SIZE": str(KONTENT_PAGE_SIZE)},
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def hw_limited_server(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeadwaterProcess]:
    """A second server on the same database that emulates the hosted rate limits (`--rate-limits emulate`)."""
    server = start_headwater(
        f"rate limits, {_backend_label(backend_url)}",
        tmp_path_factory.mktemp("e2e-data-limited"),
        backend_url,
        extra_args=("--rate-limits", "emulate"),
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def run_node() -> NodeRunner:
    problem = node_problem()
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires the JS SDK end-to-end tests to run: {problem}")
        pytest.skip(problem)
    return NodeRunner()


@pytest.fixture
def kontent_project(hw_server: HeadwaterProcess, request: pytest.FixtureRequest) -> KontentProject:
    """A fresh Kontent.ai project (made with `headwater project create`)."""
    return hw_server.project(f"E2E {request.node.name}")


@pytest.fixture
def other_kontent_project(hw_server: HeadwaterProcess, request: pytest.FixtureRequest) -> KontentProject:
    """A second project: its environment is off-limits to `kontent_project`'s key."""
    return hw_server.project(f"E2E other {request.node.name}")


@pytest.fixture
def contentful_space(hw_server: HeadwaterProcess, request: pytest.FixtureRequest) -> ContentfulSpace:
    """A fresh Contentful space with a CMA token (made with `headwater space create`)."""
    return hw_server.space(f"E2E {request.node.name}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    """Attach the output of every Headwater process a failed test used to its report."""
    report = yield
    if isinstance(report, pytest.TestReport) and report.failed:
        funcargs = getattr(item, "funcargs", {})
        for value in funcargs.values():
            if isinstance(value, HeadwaterProcess):
                code = value.process.poll()
                state = "" if code is None else f", exited {code}"
                report.sections.append((f"headwater server log ({value.label}{state})", value.log_tail()))
    return report
