"""End-to-end harness: a real `headwater serve` process (granian) and the Node runner for the JS SDK scripts.

Tenants are provisioned the documented, scriptable way: `headwater project|space create --json` run as
subprocesses against the same data directory and database as the server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from tests.support import ServerProcess, clean_environ, spawn_server

NODE_DIR = Path(__file__).parent / "node"
CLI_TIMEOUT = 60.0
LOG_TAIL_LINES = 150
# The default e2e server runs with this Kontent.ai page size, so listings cross page boundaries (x-continuation).
KONTENT_PAGE_SIZE = 2


class KontentProject(TypedDict):
    name: str
    project_id: str
    environment_id: str
    management_api_key: str
    key_id: str


class ContentfulSpace(TypedDict):
    name: str
    organization_id: str
    space_id: str
    environment_id: str
    cma_token: str
    token_id: str


@dataclass
class HeadwaterProcess:
    """A `headwater serve` process (`tests.support.spawn_server`) plus what the SDK scripts need of it:
    client settings and tenants made with the CLI against the same storage."""

    server: ServerProcess

    @property
    def label(self) -> str:
        return self.server.label

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.server.process

    @property
    def host(self) -> str:
        """What the Contentful clients take (`host:port`, no scheme)."""
        return f"127.0.0.1:{self.server.port}"

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def kontent_base_url(self) -> str:
        """What the Kontent.ai SDK takes as `baseUrl`."""
        return f"{self.base_url}/v2"

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return self.server.log_tail(lines)

    def cli(self, *args: str) -> dict[str, Any]:
        """Run `headwater <args> --json` against this server's storage and return the decoded JSON."""
        command = [
            sys.executable,
            "-m",
            "headwater",
            *args,
            "--json",
            "--data-dir",
            str(self.server.data_dir),
            "--database-url",
            self.server.database_url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT, env=clean_environ())
        if done.returncode != 0:
            raise RuntimeError(
                f"`headwater {' '.join(args)}` exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
            )
        value: dict[str, Any] = json.loads(done.stdout)
        return value

    def project(self, name: str) -> KontentProject:
        value = self.cli("project", "create", "--name", name)
        return KontentProject(
            name=name,
            project_id=value["project_id"],
            environment_id=value["environment_id"],
            management_api_key=value["management_api_key"],
            key_id=value["key_id"],
        )

    def space(self, name: str) -> ContentfulSpace:
        value = self.cli("space", "create", "--name", name)
        return ContentfulSpace(
            name=name,
            organization_id=value["organization_id"],
            space_id=value["space_id"],
            environment_id=value["environment_id"],
            cma_token=value["cma_token"],
            token_id=value["token_id"],
        )

    def stop(self) -> None:
        """Stop the server; a server that died during the tests is a failure."""
        if not self.server.stop():
            raise RuntimeError(
                f"headwater server ({self.label}) died during the tests (exit {self.process.returncode}):\n"
                f"{self.log_tail()}"
            )


def start_headwater(
    label: str,
    data_dir: Path,
    database_url: str,
    extra_args: tuple[str, ...] = (),
    extra_env: Mapping[str, str] | None = None,
) -> HeadwaterProcess:
    return HeadwaterProcess(spawn_server(database_url, data_dir, *extra_args, env=extra_env, label=label))


MIN_NODE_MAJOR = 20


def node_problem() -> str | None:
    """None when the JS SDK scripts can run, else why not."""
    node = shutil.which("node")
    if node is None:
        return "`node` is not on PATH (the JS SDK tests need Node.js 20 or newer)"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    major = version.lstrip("v").split(".", 1)[0]
    if not major.isdigit() or int(major) < MIN_NODE_MAJOR:
        return f"Node.js {version or '(unknown version)'} is too old: the JS SDK tests need {MIN_NODE_MAJOR} or newer"
    for package in ("@kontent-ai/management-sdk", "contentful-management"):
        if not (NODE_DIR / "node_modules" / package / "package.json").is_file():
            missing = NODE_DIR / "node_modules" / package
            return f"{missing} is missing: run `npm ci` in tests/e2e/node (scripts/test.sh does)"
    return None


@dataclass(frozen=True)
class NodeRunner:
    """Runs one `tests/e2e/node/*.mjs` script with its configuration in environment variables."""

    default_timeout: float = 90.0

    def __call__(self, script: str, env: Mapping[str, str], timeout: float | None = None) -> str:
        path = NODE_DIR / script
        if not path.is_file():
            raise FileNotFoundError(path)
        limit = timeout or self.default_timeout
        full_env = clean_environ(**dict(env))
        full_env.pop("NODE_OPTIONS", None)
        started = time.monotonic()
        try:
            done = subprocess.run(
                ["node", str(path)],
                cwd=NODE_DIR,
                env=full_env,
                capture_output=True,
                text=True,
                timeout=limit,
            )
        except subprocess.TimeoutExpired as exc:
            raise NodeScriptFailed(script, None, _text(exc.stdout), _text(exc.stderr), limit) from None
        if done.returncode != 0:
            raise NodeScriptFailed(script, done.returncode, done.stdout, done.stderr, time.monotonic() - started)
        return done.stdout


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


class NodeScriptFailed(AssertionError):
    def __init__(self, script: str, code: int | None, stdout: str, stderr: str, seconds: float) -> None:
        outcome = f"timed out after {seconds:.0f}s" if code is None else f"exited {code} after {seconds:.1f}s"
        super().__init__(
            f"node {script} {outcome}\n--- stdout ---\n{stdout.rstrip()}\n--- stderr ---\n{stderr.rstrip()}"
        )
