"""Server-level limits on both servers (uvicorn in a thread, `headwater serve` on granian): long URLs
get 414, large headers 431 and stalled bodies 408, in the dialect's error shape wherever the app sees
the request, quickly, and never a 5xx. Raw sockets, because clients will not send broken requests."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from headwater import provisioning
from headwater.config import Settings
from tests.support import LiveServer, eventually, run_async, settings_for, spawn_server, start_server

BODY_TIMEOUT = 1.0
HEADER_TIMEOUT = 1.0
MARGIN = 3.0  # shared CI machines: an answer within timeout + margin is "prompt"
LIMITS = Settings()
KONTENT_MEDIA = "application/json"
CONTENTFUL_MEDIA = "application/vnd.contentful.management.v1+json"


@dataclass
class Target:
    """One running server with a Kontent.ai project and a Contentful space on it."""

    name: str
    port: int
    environment_id: str
    api_key: str
    space_id: str
    cma_token: str

    def path(self, dialect: str) -> str:
        """The dialect's list-and-create endpoint (languages, locales)."""
        if dialect == "kontent":
            return f"/v2/projects/{self.environment_id}/languages"
        return f"/spaces/{self.space_id}/environments/master/locales"

    def head(self, dialect: str, method: str, target: str = "", extra: Sequence[str] = ()) -> bytes:
        """An authenticated request head for `target` (default: `path(dialect)`)."""
        path = target or self.path(dialect)
        if dialect == "kontent":
            lines = [f"Authorization: Bearer {self.api_key}", f"Content-Type: {KONTENT_MEDIA}"]
        else:
            lines = [f"Authorization: Bearer {self.cma_token}", f"Content-Type: {CONTENTFUL_MEDIA}"]
        text = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{h}\r\n" for h in [*lines, *extra])
        return (text + "\r\n").encode()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    closed: bool

    def json(self) -> Any:
        return json.loads(self.body)


def exchange(
    port: int,
    head: bytes,
    parts: Sequence[bytes] = (),
    gap: float = 0.0,
    wait: float = 30.0,
    check_close: bool = False,
) -> Answer:
    """Send a head and body parts (`gap` seconds apart) and read one answer; with `check_close`, also
    wait up to 2 s to see whether the server then closes. The clock runs from the first byte sent."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        try:
            sock.sendall(head)
            for part in parts:
                time.sleep(gap)
                sock.sendall(part)
        except OSError:
            pass  # the server answered and closed before taking everything; read what it said
        data = b""
        seconds = 0.0
        closed = False
        try:
            while not _complete(data):
                chunk = sock.recv(65536)
                if not chunk:
                    closed = True
                    break
                data += chunk
            seconds = time.monotonic() - start
            if check_close and not closed:
                sock.settimeout(2.0)
                closed = sock.recv(1) == b""
        except ConnectionResetError:
            seconds = seconds or time.monotonic() - start
            closed = True
        except TimeoutError:
            seconds = seconds or time.monotonic() - start
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    match = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    assert match, f"no HTTP answer after {seconds:.2f}s: {data[:200]!r}"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return Answer(int(match.group(1)), headers, body, seconds, closed)


def _complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    # Without a length the body runs to the close (uvicorn's own 400 for a broken request).
    length = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.IGNORECASE)
    return length is not None and len(body) >= int(length.group(1))


def assert_dialect_error(answer: Answer, dialect: str, status: int, contentful_id: str) -> None:
    assert answer.status == status, (answer.status, answer.body[:300])
    body = answer.json()
    if dialect == "kontent":
        assert answer.headers["content-type"].startswith(KONTENT_MEDIA)
        assert set(body) == {"request_id", "error_code", "message"}, body
        assert body["error_code"] == 0
        assert answer.headers["x-request-id"] == body["request_id"]
    else:
        assert answer.headers["content-type"] == CONTENTFUL_MEDIA
        assert body["sys"] == {"type": "Error", "id": contentful_id}, body
        assert body["message"]
        assert answer.headers["x-contentful-request-id"] == body["requestId"]


def _provision(url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    project = run_async(lambda db: provisioning.create_project(db, "Limits"), url)
    space = run_async(lambda db: provisioning.create_space(db, "Limits"), url)
    return project, space


def _target(name: str, port: int, project: dict[str, Any], space: dict[str, Any]) -> Target:
    return Target(
        name, port, project["environment_id"], project["management_api_key"], space["space_id"], space["cma_token"]
    )


@pytest.fixture(scope="module")
def uvicorn_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    data: Path = tmp_path_factory.mktemp("limits-uvicorn")
    live = start_server(settings_for(f"sqlite:///{data / 'h.db'}", data, body_timeout_seconds=BODY_TIMEOUT))
    yield _target("uvicorn", live.port, *_provision(live.db_url))
    live.stop()


@pytest.fixture(scope="module")
def granian_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    data: Path = tmp_path_factory.mktemp("limits-granian")
    url = f"sqlite:///{data / 'h.db'}"
    env = {
        "HEADWATER_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
        "HEADWATER_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
    }
    server = spawn_server(url, data, env=env, label="granian")
    try:
        yield _target("granian", server.port, *_provision(url))
    finally:
        server.stop()


@pytest.fixture(params=["uvicorn", "granian"])
def target(request: pytest.FixtureRequest) -> Target:
    value: Target = request.getfixturevalue(f"{request.param}_target")
    return value


DIALECTS = pytest.mark.parametrize("dialect", ["kontent", "contentful"])


@DIALECTS
def test_long_url_answers_414_in_dialect_shape(target: Target, dialect: str) -> None:
    answer = exchange(target.port, target.head(dialect, "GET", f"{target.path(dialect)}?q={'a' * 20_000}"))
    assert_dialect_error(answer, dialect, 414, "RequestUriTooLong")
    assert str(LIMITS.max_url_bytes) in answer.json()["message"]


def test_url_at_the_limit_is_served(target: Target) -> None:
    path = target.path("kontent") + "?q="
    padded = path + "a" * (LIMITS.max_url_bytes - len(path))
    assert exchange(target.port, target.head("kontent", "GET", padded)).status == 200
    assert exchange(target.port, target.head("kontent", "GET", padded + "a")).status == 414


def test_url_beyond_granians_own_cap_is_still_414(target: Target) -> None:
    """hyper (under granian) refuses request targets over 64 KiB itself, with an empty 414; the app never
    sees them. uvicorn lets them through, and the app answers."""
    answer = exchange(target.port, target.head("kontent", "GET", f"/v2/x?q={'a' * 100_000}"))
    assert answer.status == 414
    if target.name == "granian":
        assert answer.body == b""
    else:
        assert_dialect_error(answer, "kontent", 414, "")


@DIALECTS
def test_one_huge_header_answers_431_in_dialect_shape(target: Target, dialect: str) -> None:
    answer = exchange(target.port, target.head(dialect, "GET", extra=[f"X-Big: {'b' * 65_536}"]))
    assert_dialect_error(answer, dialect, 431, "RequestHeaderFieldsTooLarge")


@DIALECTS
def test_many_headers_over_the_size_limit_answer_431(target: Target, dialect: str) -> None:
    extra = [f"X-Pad-{i}: {'p' * 400}" for i in range(90)]
    answer = exchange(target.port, target.head(dialect, "GET", extra=extra))
    assert_dialect_error(answer, dialect, 431, "RequestHeaderFieldsTooLarge")


def test_many_small_headers_are_served_or_refused_without_5xx(target: Target) -> None:
    """hyper refuses more than 100 headers itself (empty 431); under that the request is served."""
    served = exchange(target.port, target.head("kontent", "GET", extra=[f"X-H{i}: v" for i in range(80)]))
    assert served.status == 200
    many = exchange(target.port, target.head("kontent", "GET", extra=[f"X-H{i}: v" for i in range(150)]))
    if target.name == "granian":
        assert many.status == 431 and many.body == b""
    else:
        assert many.status == 200


def test_head_beyond_the_server_buffer_is_refused_without_5xx(target: Target) -> None:
    answer = exchange(target.port, target.head("kontent", "GET", extra=[f"X-Big: {'b' * 600_000}"]), check_close=True)
    # granian: its buffer (above the app's limits) overflows, empty 431. uvicorn's h11 (tests only): 400.
    assert answer.status == (431 if target.name == "granian" else 400)
    assert answer.closed


def _assert_prompt_408(answer: Answer, dialect: str) -> None:
    assert_dialect_error(answer, dialect, 408, "RequestTimeout")
    assert BODY_TIMEOUT * 0.9 <= answer.seconds <= BODY_TIMEOUT + MARGIN, answer.seconds
    assert answer.headers.get("connection", "").lower() == "close"
    assert answer.closed


@DIALECTS
def test_truncated_body_answers_408_and_closes(target: Target, dialect: str) -> None:
    head = target.head(dialect, "POST", extra=["Content-Length: 100"])
    answer = exchange(target.port, head, [b'{"name": "'], wait=BODY_TIMEOUT + MARGIN + 5, check_close=True)
    _assert_prompt_408(answer, dialect)


@DIALECTS
def test_unfinished_chunked_body_answers_408_and_closes(target: Target, dialect: str) -> None:
    head = target.head(dialect, "POST", extra=["Transfer-Encoding: chunked"])
    parts = [b'5\r\n{"nam\r\n', b'3\r\ne":\r\n']
    answer = exchange(target.port, head, parts, gap=0.2, wait=BODY_TIMEOUT + MARGIN + 5, check_close=True)
    _assert_prompt_408(answer, dialect)


def test_slow_but_steady_body_is_accepted(target: Target) -> None:
    """The timeout bounds each wait for the next part, not the whole upload."""
    codename = f"slow_{secrets.token_hex(4)}"
    body = json.dumps({"name": "Slow", "codename": codename}).encode()
    parts = [body[i : i + 8] for i in range(0, len(body), 8)]
    head = target.head("kontent", "POST", extra=[f"Content-Length: {len(body)}"])
    answer = exchange(target.port, head, parts, gap=BODY_TIMEOUT * 0.4)
    assert answer.seconds > BODY_TIMEOUT * 1.5
    assert answer.status == 201, answer.body
    assert answer.json()["codename"] == codename


def test_connection_stays_usable_after_a_limit_answer(target: Target) -> None:
    """A 414/431 answered by the app does not close the connection; the next request is served."""
    with socket.create_connection(("127.0.0.1", target.port), timeout=10) as sock:
        sock.sendall(target.head("kontent", "GET", extra=[f"X-Big: {'b' * 40_000}"]))
        first = _read_one(sock)
        sock.sendall(target.head("kontent", "GET"))
        second = _read_one(sock)
    assert first.startswith(b"HTTP/1.1 431")
    assert second.startswith(b"HTTP/1.1 200")


def _read_one(sock: socket.socket) -> bytes:
    data = b""
    while not _complete(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_stalled_request_head_is_closed_by_granian(granian_target: Target) -> None:
    """Slowloris: granian drops a connection whose head is incomplete after the header timeout."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", granian_target.port), timeout=HEADER_TIMEOUT + MARGIN + 5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(1024) == b"", "granian answered a request without its blank line"
    assert time.monotonic() - start <= HEADER_TIMEOUT + MARGIN


def test_body_timeout_on_each_backend(make_server: Callable[..., LiveServer]) -> None:
    """The timeout lives in the app, above storage; once per backend (PostgreSQL included)."""
    live = make_server(body_timeout_seconds=BODY_TIMEOUT)
    project = live.project()
    target = Target("uvicorn", live.port, project["environment_id"], project["management_api_key"], "", "")
    head = target.head("kontent", "POST", extra=["Content-Length: 100"])
    answer = exchange(target.port, head, [b"{"], wait=BODY_TIMEOUT + MARGIN + 5, check_close=True)
    _assert_prompt_408(answer, "kontent")


def test_client_leaving_mid_body_is_not_a_server_error(
    uvicorn_target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    """Nobody is left to answer: no 500, no traceback in the log (the in-process server's log)."""
    caplog.set_level(logging.INFO, logger="headwater")
    head = uvicorn_target.head("kontent", "POST", extra=["Content-Length: 100"])
    with socket.create_connection(("127.0.0.1", uvicorn_target.port), timeout=5) as sock:
        sock.sendall(head + b'{"name": "')
        time.sleep(0.2)
    assert eventually(lambda: any("client left" in r.getMessage() for r in caplog.records))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
