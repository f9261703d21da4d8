"""Rate-limit emulation: Kontent.ai per environment, Contentful per space, shared through Redis."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from headwater.platform.ratelimit import RateLimiter
from tests.support import LiveServer, ServerProcess, contentful_headers, kontent_headers, spawn_server

REDIS_URL = os.environ.get("HEADWATER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")


def _start_of_second() -> None:
    """Bursts start early in a wall-clock second so a fixed window cannot split them."""
    while time.time() % 1 > 0.2:
        time.sleep(0.01)


async def _burst(urls: list[str], headers: dict[str, str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as http:
        return await asyncio.gather(*(http.get(u, headers=headers) for u in urls))


def test_kontent_429_after_ten_requests_per_second(make_server: Callable[..., LiveServer]) -> None:
    live = make_server(rate_limits="emulate")
    project = live.project()
    url = f"{live.base_url}/v2/projects/{project['environment_id']}"
    _start_of_second()
    responses = asyncio.run(_burst([url] * 14, kontent_headers(project["management_api_key"])))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 10, statuses
    limited = [r for r in responses if r.status_code == 429]
    assert len(limited) == 4
    for r in limited:
        body = r.json()
        assert body["error_code"] == 10000 and body["request_id"] and body["message"]
        assert r.headers["retry-after"].isdigit() and int(r.headers["retry-after"]) >= 1


def test_kontent_budget_is_per_environment_not_per_key(make_server: Callable[..., LiveServer]) -> None:
    live = make_server(rate_limits="emulate")
    project = live.project()
    second_key = live.key(project["project_id"])["management_api_key"]
    url = f"{live.base_url}/v2/projects/{project['environment_id']}"

    async def both() -> list[httpx.Response]:
        return (await _burst([url] * 6, kontent_headers(project["management_api_key"]))) + (
            await _burst([url] * 6, kontent_headers(second_key))
        )

    _start_of_second()
    statuses = [r.status_code for r in asyncio.run(both())]
    assert statuses.count(429) == 2, statuses
    other = live.project()
    r = httpx.get(
        f"{live.base_url}/v2/projects/{other['environment_id']}", headers=kontent_headers(other["management_api_key"])
    )
    assert r.status_code == 200


def test_contentful_headers_on_every_response_and_429(make_server: Callable[..., LiveServer]) -> None:
    live = make_server(rate_limits="emulate")
    space = live.space()
    headers = contentful_headers(space["cma_token"])
    url = f"{live.base_url}/users/me"
    _start_of_second()
    responses = asyncio.run(_burst([url] * 12, headers))
    ok = [r for r in responses if r.status_code == 200]
    limited = [r for r in responses if r.status_code == 429]
    assert len(ok) == 10 and len(limited) == 2
    for r in responses:
        assert r.headers["x-contentful-ratelimit-second-limit"] == "10"
        assert r.headers["x-contentful-ratelimit-hour-limit"] == "36000"
        assert r.headers["x-contentful-ratelimit-second-remaining"].isdigit()
        assert r.headers["x-contentful-ratelimit-hour-remaining"].isdigit()
        assert r.headers["x-contentful-ratelimit-reset"].isdigit()
        assert r.headers["x-contentful-request-id"]
    for r in ok:
        assert r.headers["x-contentful-ratelimit-reset"] == "0"
    for r in limited:
        assert int(r.headers["x-contentful-ratelimit-reset"]) >= 1
        assert r.json()["sys"] == {"type": "Error", "id": "RateLimitExceeded"}


def test_rate_limits_are_off_by_default(server: LiveServer, project: dict[str, Any]) -> None:
    url = f"{server.base_url}/v2/projects/{project['environment_id']}"
    responses = asyncio.run(_burst([url] * 25, kontent_headers(project["management_api_key"])))
    assert {r.status_code for r in responses} == {200}
    assert "x-contentful-ratelimit-reset" not in responses[0].headers


def test_hour_window_is_enforced_in_memory() -> None:
    """The hourly budget is a real counter, not only the per-second one."""

    async def go() -> None:
        limiter = RateLimiter.create()
        key = "space-hour"
        for _ in range(5):
            decision = await limiter.hit_contentful(key)
            assert decision.allowed
        assert decision.hour_remaining == 36000 - 5
        await limiter.close()

    asyncio.run(go())


@pytest.fixture
def two_processes(backend_url: str, tmp_path: Path) -> Iterator[list[ServerProcess]]:
    _redis_or_skip()
    procs: list[ServerProcess] = []
    try:
        for name in ("a", "b"):
            procs.append(
                spawn_server(backend_url, tmp_path / name, "--rate-limits", "emulate", "--redis-url", REDIS_URL)
            )
        yield procs
    finally:
        for p in procs:
            p.stop()


def test_two_processes_share_one_budget_through_redis(two_processes: list[ServerProcess], server: LiveServer) -> None:
    project = server.project()
    headers = kontent_headers(project["management_api_key"])
    path = f"/v2/projects/{project['environment_id']}"
    urls = [p.base_url + path for p in two_processes for _ in range(7)]
    _start_of_second()
    statuses = [r.status_code for r in asyncio.run(_burst(urls, headers))]
    assert statuses.count(200) == 10, statuses
    assert statuses.count(429) == 4, statuses
