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
    """Create the demo project and space when the database holds no tenant yet."""
    db = await open_database(settings.effective_database_url)
    try:
        if not await provisioning.is_empty(db):
            return None
        project = await provisioning.create_project(db, "Demo project")
        space = await provisioning.create_space(db, "Demo space")
        return {"project": project, "space": space}
    finally:
        await db.close()


def connection_banner(settings: Settings, created: dict[str, Any] | None) -> str:
    host = "localhost" if settings.host in ("0.0.0.0", "127.0.0.1", "::") else settings.host
    base = f"{settings.scheme}://{host}:{settings.port}"
    insecure = "false" if settings.scheme == "https" else "true"
    lines = [f"Headwater listening on {base}  (data: {settings.data_dir}, database: {_db_label(settings)})", ""]
    if created is None:
        lines += [
            "Tenants already exist. List them with `headwater project list` and `headwater space list`;",
            "create credentials with `headwater key create --project ID` and `headwater token create`.",
        ]
        return "\n".join(lines)
    project, space = created["project"], created["space"]
    lines += [
        "Kontent.ai Management API v2 (demo project created)",
        f"  baseUrl:           {base}/v2",
        f"  environmentId:     {project['environment_id']}",
        f"  projectId:         {project['project_id']}",
        f"  apiKey:            {project['management_api_key']}",
        "",
        "Contentful Content Management API (demo space created)",
        f"  host:              {host}:{settings.port}   (insecure: {insecure}; no scheme in `host`)",
        f"  spaceId:           {space['space_id']}   environment: master",
        f"  organizationId:    {space['organization_id']}",
        f"  accessToken:       {space['cma_token']}",
        "",
        "The keys are shown once; they are stored hashed.",
    ]
    return "\n".join(lines)


def _db_label(settings: Settings) -> str:
    url = settings.effective_database_url
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


def run(settings: Settings) -> int:
    from granian import Granian
    from granian.constants import Interfaces

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
    server = Granian(
        "headwater.app:create_app_from_env",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        factory=True,
        log_level=settings.log_level,  # type: ignore[arg-type]
        **kwargs,
    )
    server.serve()
    return 0
