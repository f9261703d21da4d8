"""`headwater serve`: prepare the database, bootstrap demo tenants on first start, run granian."""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from headwater import provisioning, tls
from headwater.config import Settings
from headwater.storage import migrate
from headwater.storage.database import open_database


async def _bootstrap(settings: Settings) -> dict[str, Any] | None:
    """Demo tenants on an empty database; the fixed development credentials (if set) on every start.

    Bad or conflicting fixed credentials stop the start with a message instead of a traceback.
    """
    try:
        fixed = provisioning.fixed_credentials(settings)
        db = await open_database(settings.effective_database_url)
        try:
            return await provisioning.bootstrap(db, fixed)
        finally:
            await db.close()
    except provisioning.ProvisioningError as exc:
        raise SystemExit(f"error: {exc}") from None


LIST_HINT = [
    "List tenants with `headwater project list` and `headwater space list` (from a checkout:",
    "`./scripts/headwater project list`); create credentials with `headwater key create --project ID`",
    "and `headwater token create --organization ORG_ID`.",
]


def connection_banner(settings: Settings, created: dict[str, Any] | None) -> str:
    """How to connect: the tenants this start created or checked (fixed credentials), else how to list."""
    host = "localhost" if settings.host in ("0.0.0.0", "127.0.0.1", "::") else settings.host
    base = f"{settings.scheme}://{host}:{settings.port}"
    insecure = "false" if settings.scheme == "https" else "true"
    lines = [f"Headwater listening on {base}  (data: {settings.data_dir}, database: {_db_label(settings)})"]
    if settings.https_port:
        lines.append(f"                 and on https://{host}:{settings.https_port}  (same data)")
    if settings.upload_port:
        lines.append(f"                 uploads also on {settings.scheme}://{host}:{settings.upload_port}")
    lines.append("")
    if created is None:
        lines += ["Tenants already exist.", *LIST_HINT]
        return "\n".join(lines)
    project, space = created.get("project"), created.get("space")
    if project is not None:
        lines += [
            f"Kontent.ai Management API v2 ({_origin(project, 'demo project created')})",
            f"  baseUrl:           {base}/v2",
            f"  environmentId:     {project['environment_id']}",
            f"  projectId:         {project['project_id']}",
            f"  apiKey:            {project['management_api_key']}",
            "",
        ]
    if space is not None:
        lines += [
            f"Contentful Content Management API ({_origin(space, 'demo space created')})",
            f"  host:              {host}:{settings.port}   (insecure: {insecure}; no scheme in `host`)",
            *(
                [f"  host (https):      {host}:{settings.https_port}   (insecure: false)"]
                if settings.https_port
                else []
            ),
            *([f"  hostUpload:        {host}:{settings.upload_port}"] if settings.upload_port else []),
            f"  spaceId:           {space['space_id']}   environment: master",
            f"  organizationId:    {space['organization_id']}",
            f"  accessToken:       {space['cma_token']}",
            "",
        ]
    shown = [t for t in (project, space) if t is not None]
    if any(not t.get("fixed") for t in shown):
        lines.append("The demo keys are shown once; they are stored hashed.")
    if len(shown) < 2 or any(t.get("fixed") for t in shown):
        lines += LIST_HINT
    return "\n".join(lines).rstrip("\n")


def _origin(tenant: dict[str, Any], demo: str) -> str:
    if not tenant.get("fixed"):
        return demo
    return "fixed development credentials, created" if tenant.get("created") else "fixed development credentials"


def _db_label(settings: Settings) -> str:
    url = settings.effective_database_url
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


def run(settings: Settings) -> int:
    try:
        migrate.prepare(settings.effective_database_url)
    except (migrate.SchemaTooNew, migrate.SchemaBehind) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if settings.https_port and settings.https_port == settings.port:
        print("error: --https-port must differ from --port", file=sys.stderr)
        return 2
    if settings.upload_port and settings.upload_port in (settings.port, settings.https_port):
        print("error: --upload-port must differ from --port and --https-port", file=sys.stderr)
        return 2
    created = asyncio.run(_bootstrap(settings))
    cert = key = None
    if settings.tls_cert and settings.tls_key:
        cert, key = settings.tls_cert, settings.tls_key
    elif settings.tls_self_signed or settings.https_port:
        cert_path, key_path = tls.self_signed(settings.data_dir / "tls")
        cert, key = str(cert_path), str(key_path)
        print(f"Using the development certificate {cert_path} (trust it with NODE_EXTRA_CA_CERTS).")
    print(connection_banner(settings, created), flush=True)
    os.environ.update(settings.to_env())
    main, children = _listeners(settings, cert, key)
    if children:
        return _run_listeners(settings, main, children)
    _granian(settings, main.port, main.cert, main.key).serve()
    return 0


def _granian(settings: Settings, port: int, cert: str | None, key: str | None) -> Any:
    """One granian server of the app on `port`, speaking https when given a certificate."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings, HTTP2Settings

    kwargs: dict[str, Any] = {}
    if cert and key:
        kwargs.update(ssl_cert=Path(cert), ssl_key=Path(key))
    # granian's hard limits sit far above the app's (platform/requestguard.py), so requests in
    # between get the dialect's 414/431 rather than granian's empty one. hyper caps the request target
    # at 64 KiB by itself. The header read timeout (granian allows 1 ms–60 s) also ends idle keep-alive.
    head_limit = max(HTTP1Settings.max_buffer_size, 4 * (settings.max_url_bytes + settings.max_header_bytes))
    header_timeout_ms = min(60_000, max(1, round(settings.header_timeout_seconds * 1000)))
    return Granian(
        "headwater.app:create_app_from_env",
        address=settings.host,
        port=port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        factory=True,
        log_level=settings.log_level,  # type: ignore[arg-type]
        http1_settings=HTTP1Settings(header_read_timeout=header_timeout_ms, max_buffer_size=head_limit),
        http2_settings=HTTP2Settings(max_headers_size=head_limit),
        **kwargs,
    )


# -- more listeners: https beside http, a separate upload port ---------------------------------------
# granian serves one address per server, so `--https-port` and `--upload-port` each run another granian
# server (same app factory, same settings, so the same database and data directory) in a child process,
# while this process serves `--port`. Any one ending ends the others: the server is up only with every
# listener.

CHILD_POLL_SECONDS = 0.5


@dataclasses.dataclass(frozen=True, slots=True)
class Listener:
    name: str
    port: int
    cert: str | None
    key: str | None


def _listeners(settings: Settings, cert: str | None, key: str | None) -> tuple[Listener, list[Listener]]:
    """The main listener and the children. The upload port speaks the main port's scheme."""
    main_tls = (cert, key) if settings.scheme == "https" else (None, None)
    main = Listener("http" if main_tls[0] is None else "https", settings.port, *main_tls)
    children = []
    if settings.https_port and cert and key:
        children.append(Listener("https", settings.https_port, cert, key))
    if settings.upload_port:
        children.append(Listener("upload", settings.upload_port, *main_tls))
    return main, children


def _run_listeners(settings: Settings, main: Listener, children: list[Listener]) -> int:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(
            target=_serve_child, args=(settings, child, os.getpid()), name=f"headwater-{child.name}", daemon=False
        )
        for child in children
    ]
    for process in processes:
        process.start()
    stopping, failed = threading.Event(), threading.Event()

    def watch_child(process: multiprocessing.process.BaseProcess, child: Listener) -> None:
        process.join()
        if not stopping.is_set():
            failed.set()
            print(f"error: the {child.name} server on port {child.port} stopped; stopping", file=sys.stderr)
            os.kill(os.getpid(), signal.SIGTERM)

    for process, child in zip(processes, children, strict=True):
        threading.Thread(
            target=watch_child, args=(process, child), name=f"headwater-{child.name}-watch", daemon=True
        ).start()
    try:
        _granian(settings, main.port, main.cert, main.key).serve()
    finally:
        stopping.set()
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: granian's graceful shutdown
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
    return 1 if failed.is_set() else 0


def _serve_child(settings: Settings, listener: Listener, parent_pid: int) -> None:
    """A child process: one more listener, ending itself when the parent is gone."""
    os.environ.update(settings.to_env())

    def watch_parent() -> None:
        while os.getppid() == parent_pid:
            time.sleep(CHILD_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch_parent, name="headwater-parent-watch", daemon=True).start()
    _granian(settings, listener.port, listener.cert, listener.key).serve()
