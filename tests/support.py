"""Test support: real servers over real HTTP on SQLite and PostgreSQL, and tenant provisioning."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
import pytest
import uvicorn
from starlette.routing import Route

from headwater import provisioning
from headwater.app import create_app
from headwater.config import Settings
from headwater.platform import routing
from headwater.storage import migrate
from headwater.storage.database import Database, open_database

_NO_VERIFY = ssl.create_default_context()
_NO_VERIFY.check_hostname = False
_NO_VERIFY.verify_mode = ssl.CERT_NONE

PG_ADMIN_URL = os.environ.get("HEADWATER_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
T = TypeVar("T")


def worker_id() -> str:
    """The pytest-xdist worker this process is ("gw0", "gw1", …), or "main" in a serial run. Each worker
    is a session of its own (own servers, databases, temp dirs); names of shared things carry this id."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def served_routes() -> list[tuple[str, str]]:
    """(method, path template) of every API route the app serves, HEAD and the health probes left out:
    tests that walk the route table cover every endpoint added later without new code."""
    out: list[tuple[str, str]] = []
    for route in routing.flatten(create_app(Settings()).routes):
        if isinstance(route, Route) and route.path not in {"/healthz", "/readyz"}:
            out += [(method, route.path) for method in sorted((route.methods or set()) - {"HEAD"})]
    assert len(out) > 100, "the route table walk found almost nothing: has the router's shape changed?"
    return out


def pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}"


def require_pg() -> None:
    """Skip when PostgreSQL is unreachable; under CI=true that is a failure, not a skip."""
    reason = pg_available()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true requires PostgreSQL: {reason}")
    pytest.skip(reason)


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    name = f"hw_test_{worker_id()}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_async(work: Callable[[Database], Awaitable[T]], url: str) -> T:
    async def go() -> T:
        db = await open_database(url)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(go())


@dataclass
class LiveServer:
    """A Headwater app served by uvicorn on a free port, in a background thread."""

    settings: Settings
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def db_url(self) -> str:
        return self.settings.effective_database_url

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, **kwargs)

    def project(self, name: str = "Test project") -> dict[str, Any]:
        return run_async(lambda db: provisioning.create_project(db, name), self.db_url)

    def space(self, name: str = "Test space") -> dict[str, Any]:
        return run_async(lambda db: provisioning.create_space(db, name), self.db_url)

    def key(self, project_id: str, expires_in_days: float | None = None) -> dict[str, Any]:
        return run_async(lambda db: provisioning.create_key(db, project_id, expires_in_days), self.db_url)

    def revoke(self, key_id: str) -> dict[str, Any]:
        return run_async(lambda db: provisioning.revoke_key(db, key_id), self.db_url)

    def token(self) -> dict[str, Any]:
        return run_async(lambda db: provisioning.create_token(db), self.db_url)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(settings: Settings) -> LiveServer:
    migrate.prepare(settings.effective_database_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this; without it the split header/body writes meet the client's
    # delayed ACK and every keep-alive request waits ~40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings.replace(port=port))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    return LiveServer(settings, f"http://127.0.0.1:{port}", server, thread)


def settings_for(backend_url: str, data_dir: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=data_dir, database_url=backend_url, **overrides)


def eventually(check: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Poll `check` until it holds. Revocations reach other processes by notification (PostgreSQL
    LISTEN/NOTIFY), which lands within milliseconds but after the revoking transaction returns."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def kontent_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def contentful_headers(token: str, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/vnd.contentful.management.v1+json",
        **extra,
    }


SERVER_START_TIMEOUT = 30.0
SERVER_STOP_TIMEOUT = 15.0


def clean_environ(**extra: str) -> dict[str, str]:
    """This process's environment without `HEADWATER_*` settings (they would leak into a child server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWATER_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


@dataclass
class ServerProcess:
    """`headwater serve` (granian) in a child process: the production server path.

    It runs in its own process group so stopping it stops granian's workers too; its output goes to
    `log_path`.
    """

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    port: int
    data_dir: Path
    database_url: str
    label: str = "headwater"
    stopped: bool = field(default=False)

    def stop(self) -> bool:
        """Stop the server; False when it had already exited on its own."""
        if self.stopped:
            return True
        self.stopped = True
        if self.process.poll() is not None:
            return False
        _signal_group(self.process, signal.SIGTERM)
        try:
            self.process.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait(timeout=SERVER_STOP_TIMEOUT)
        return True

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 150) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


# Ports for child servers (`spawn_server`) are picked, then bound by the child a moment later. Taken
# from the kernel's ephemeral range (bind to port 0), one could meanwhile go to any other socket of the
# run, a client connection or another worker's pick. So each xdist worker draws from its own slice of
# the ports below that range, which the kernel never hands out by itself.
_PORT_FLOOR = 20000


def _ephemeral_floor() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default; macOS and Windows start higher (49152)


def _worker_ports() -> range:
    """This worker's slice: slice 0 for a serial run, slice n + 1 for worker gw<n>."""
    ceiling = _ephemeral_floor()
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0") or 0)
    index = int(worker_id()[2:]) + 1 if worker_id().startswith("gw") else 0
    size = (ceiling - _PORT_FLOOR) // (workers + 1)
    if size < 16:
        return range(0)
    start = _PORT_FLOOR + size * (index % (workers + 1))
    return range(start, start + size)


def free_port() -> int:
    """A port nothing listens on now, from this worker's slice (a random start, so concurrent runs of
    the suite on one machine rarely meet); the kernel's choice when there is no room below its range."""
    ports = _worker_ports()
    if ports:
        offset = secrets.randbelow(len(ports))
        for i in range(len(ports)):
            port = ports[(offset + i) % len(ports)]
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn_server(
    database_url: str,
    data_dir: Path,
    *extra: str,
    env: Mapping[str, str] | None = None,
    scheme: str = "http",
    label: str = "headwater",
) -> ServerProcess:
    """Start `headwater serve` on a free port and wait until `/healthz` answers; fail with its output.

    A port can still be taken between the pick and the child's bind (by another run of the suite on
    the same machine): then the child exits at once saying so, and it starts again on another port."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for _attempt in range(PORT_ATTEMPTS - 1):
        try:
            return _spawn_on(free_port(), database_url, data_dir, extra, env, scheme, label)
        except _PortTaken:
            continue
    return _spawn_on(free_port(), database_url, data_dir, extra, env, scheme, label)


PORT_ATTEMPTS = 3


class _PortTaken(RuntimeError):
    pass


def _spawn_on(
    port: int,
    database_url: str,
    data_dir: Path,
    extra: tuple[str, ...],
    env: Mapping[str, str] | None,
    scheme: str,
    label: str,
) -> ServerProcess:
    log_path = data_dir / f"server-{port}.log"
    args = [
        sys.executable,
        "-m",
        "headwater",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--database-url",
        database_url,
        *extra,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=clean_environ(**dict(env or {})),
            start_new_session=True,
        )
    server = ServerProcess(process, f"{scheme}://127.0.0.1:{port}", log_path, port, data_dir, database_url, label)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stopped = True
            problem = f"{label} exited with {process.returncode} on start:\n{server.log_tail()}"
            if "Address already in use" in server.output():
                raise _PortTaken(problem)
            raise RuntimeError(problem)
        try:
            if httpx.get(server.base_url + "/healthz", timeout=1, verify=_NO_VERIFY).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"{label} did not answer /healthz in {SERVER_START_TIMEOUT:.0f}s:\n{server.log_tail()}")
