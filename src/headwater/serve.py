"""`headwater serve`: prepare the database, bootstrap demo tenants on first start, run granian."""

from __future__ import annotations

import asyncio
import os
import sys
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
    lines = [f"Headwater listening on {base}  (data: {settings.data_dir}, database: {_db_label(settings)})", ""]
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
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings, HTTP2Settings

    try:
        migrate.prepare(settings.effective_database_url)
    except (migrate.SchemaTooNew, migrate.SchemaBehind) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    created = asyncio.run(_bootstrap(settings))
    cert = key = None
    if settings.tls_cert and settings.tls_key:
        cert, key = settings.tls_cert, settings.tls_key
    elif settings.tls_self_signed:
        cert_path, key_path = tls.self_signed(settings.data_dir / "tls")
        cert, key = str(cert_path), str(key_path)
        print(f"Using the development certificate {cert_path} (trust it with NODE_EXTRA_CA_CERTS).")
    print(connection_banner(settings, created), flush=True)
    os.environ.update(settings.to_env())
    kwargs: dict[str, Any] = {}
    if cert and key:
        from pathlib import Path

        kwargs.update(ssl_cert=Path(cert), ssl_key=Path(key))
    # granian's hard limits sit far above the app's (platform/requestguard.py), so requests in
    # between get the dialect's 414/431 rather than granian's empty one. hyper caps the request target
    # at 64 KiB by itself. The header read timeout (granian allows 1 ms–60 s) also ends idle keep-alive.
    head_limit = max(HTTP1Settings.max_buffer_size, 4 * (settings.max_url_bytes + settings.max_header_bytes))
    header_timeout_ms = min(60_000, max(1, round(settings.header_timeout_seconds * 1000)))
    server = Granian(
        "headwater.app:create_app_from_env",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        factory=True,
        log_level=settings.log_level,  # type: ignore[arg-type]
        http1_settings=HTTP1Settings(header_read_timeout=header_timeout_ms, max_buffer_size=head_limit),
        http2_settings=HTTP2Settings(max_headers_size=head_limit),
        **kwargs,
    )
    server.serve()
    return 0
