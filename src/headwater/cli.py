"""`headwater` command line: serve, migrate and scriptable provisioning (JSON on stdout)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from headwater import provisioning
from headwater.config import Settings
from headwater.storage import migrate
from headwater.storage.database import Database, open_database


def _storage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default ./headwater-data)")
    parser.add_argument(
        "--database-url", default=None, help="postgresql://… or sqlite:///path (default: SQLite in the data dir)"
    )


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    return Settings.from_env(data_dir=args.data_dir, database_url=args.database_url, **extra)


def _emit(value: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(value))
    else:
        for key, item in value.items():
            print(f"{key}: {item if not isinstance(item, (dict, list)) else json.dumps(item, indent=2)}")


async def _with_db(settings: Settings, work: Callable[[Database], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    db = await open_database(settings.effective_database_url)
    try:
        return await work(db)
    finally:
        await db.close()


def _run(settings: Settings, work: Callable[[Database], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    try:
        migrate.prepare(settings.effective_database_url)
        return asyncio.run(_with_db(settings, work))
    except (migrate.SchemaTooNew, migrate.SchemaBehind) as exc:
        raise SystemExit(f"error: {exc}") from None
    except provisioning.ProvisioningError as exc:
        raise SystemExit(f"error: {exc}") from None


def cmd_project(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.action == "create":
        result = _run(settings, lambda db: provisioning.create_project(db, args.name))
        _emit({k: result[k] for k in ("project_id", "environment_id", "management_api_key", "key_id")}, args.json)
    else:
        result = _run(settings, provisioning.inventory)
        _emit({"projects": result["projects"]}, args.json)
    return 0


def cmd_space(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.action == "create":
        result = _run(settings, lambda db: provisioning.create_space(db, args.name, organization_id=args.organization))
        keys = ("organization_id", "space_id", "environment_id", "cma_token", "token_id", "user_id")
        _emit({k: result[k] for k in keys}, args.json)
    else:
        result = _run(settings, provisioning.inventory)
        _emit({"spaces": result["spaces"]}, args.json)
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.action == "create":
        result = _run(settings, lambda db: provisioning.create_key(db, args.project, args.expires_in))
    else:
        result = _run(settings, lambda db: provisioning.revoke_key(db, args.key_id))
    _emit(result, args.json)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.action == "create":
        result = _run(
            settings,
            lambda db: provisioning.create_token(db, args.name, user_id=args.user, organization_id=args.organization),
        )
    else:
        result = _run(settings, lambda db: provisioning.revoke_key(db, args.token_id))
    _emit(result, args.json)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        state = migrate.upgrade(settings.effective_database_url)
    except migrate.SchemaTooNew as exc:
        raise SystemExit(f"error: {exc}") from None
    print(f"database schema at {state.current} (head {state.head})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from headwater import serve

    settings = Settings.from_env(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        database_url=args.database_url,
        workers=args.workers,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        tls_self_signed=True if args.tls_self_signed else None,
        https_port=args.https_port,
        upload_port=args.upload_port,
        rate_limits=args.rate_limits,
        redis_url=args.redis_url,
    )
    return serve.run(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="headwater", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve_p = sub.add_parser("serve", help="start the server (granian)")
    serve_p.add_argument("--host", default=None)
    serve_p.add_argument("--port", type=int, default=None)
    _storage_options(serve_p)
    serve_p.add_argument("--workers", type=int, default=None)
    serve_p.add_argument("--tls-cert", default=None)
    serve_p.add_argument("--tls-key", default=None)
    serve_p.add_argument("--tls-self-signed", action="store_true", help="generate and reuse a development certificate")
    serve_p.add_argument(
        "--https-port",
        type=int,
        default=None,
        help="also serve https on this port (--port stays plain http); --tls-cert/--tls-key or the development "
        "certificate",
    )
    serve_p.add_argument(
        "--upload-port",
        type=int,
        default=None,
        help="also serve the app on this port, for clients with a separate upload host (hostUpload)",
    )
    serve_p.add_argument("--rate-limits", choices=["off", "emulate"], default=None)
    serve_p.add_argument("--redis-url", default=None, help="share rate-limit counters between processes")
    serve_p.set_defaults(func=cmd_serve)

    migrate_p = sub.add_parser("migrate", help="apply schema migrations")
    _storage_options(migrate_p)
    migrate_p.set_defaults(func=cmd_migrate)

    project_p = sub.add_parser("project", help="Kontent.ai projects")
    project_sub = project_p.add_subparsers(dest="action", required=True)
    create = project_sub.add_parser("create")
    create.add_argument("--name", required=True)
    listing = project_sub.add_parser("list")
    for p in (create, listing):
        _storage_options(p)
        p.add_argument("--json", action="store_true")
    project_p.set_defaults(func=cmd_project)

    space_p = sub.add_parser("space", help="Contentful spaces")
    space_sub = space_p.add_subparsers(dest="action", required=True)
    create = space_sub.add_parser("create", help="a space in a new organization (or --organization)")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--organization",
        metavar="ORG_ID",
        default=None,
        help="join this organization instead; the token is then its owner's",
    )
    listing = space_sub.add_parser("list")
    for p in (create, listing):
        _storage_options(p)
        p.add_argument("--json", action="store_true")
    space_p.set_defaults(func=cmd_space)

    key_p = sub.add_parser("key", help="Kontent.ai Management API keys")
    key_sub = key_p.add_subparsers(dest="action", required=True)
    create = key_sub.add_parser("create")
    create.add_argument("--project", required=True)
    create.add_argument("--expires-in", type=float, default=None, help="days until the key expires")
    revoke = key_sub.add_parser("revoke")
    revoke.add_argument("key_id")
    for p in (create, revoke):
        _storage_options(p)
        p.add_argument("--json", action="store_true")
    key_p.set_defaults(func=cmd_key)

    token_p = sub.add_parser("token", help="Contentful personal access tokens")
    token_sub = token_p.add_subparsers(dest="action", required=True)
    create = token_sub.add_parser("create", help="a token of a user (default: the first user Headwater made)")
    create.add_argument("--name", default="Headwater CLI token")
    whose = create.add_mutually_exclusive_group()
    whose.add_argument("--user", metavar="USER_ID", default=None, help="the token's user")
    whose.add_argument("--organization", metavar="ORG_ID", default=None, help="a token of this organization's owner")
    revoke = token_sub.add_parser("revoke")
    revoke.add_argument("token_id")
    for p in (create, revoke):
        _storage_options(p)
        p.add_argument("--json", action="store_true")
    token_p.set_defaults(func=cmd_token)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    code: int = args.func(args)
    sys.stdout.flush()
    return code
