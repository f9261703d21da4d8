"""`/healthz` (the process answers) and `/readyz` (database, schema and blob store are usable)."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from headwater.services import Services
from headwater.storage import migrate


def _json(value: Any, status: int = 200) -> Response:
    return Response(msgspec.json.encode(value), status, media_type="application/json")


async def healthz(request: Request) -> Response:
    return _json({"status": "ok"})


async def readyz(request: Request) -> Response:
    services: Services = request.app.state.services
    checks: dict[str, str] = {}
    try:
        async with services.db.read() as conn:
            row = await conn.fetchone("SELECT version_num FROM alembic_version")
        checks["database"] = "ok"
        current = row[0] if row else None
        checks["migrations"] = (
            "ok" if current == migrate.head_revision() else f"at {current}, head is {migrate.head_revision()}"
        )
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
        checks["migrations"] = "unknown"
    try:
        await services.blobs.check_writable()
        checks["blobs"] = "ok"
    except Exception as exc:
        checks["blobs"] = f"not writable: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return _json({"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503)
