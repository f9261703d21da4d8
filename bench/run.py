"""Run every benchmark scenario against one real `headwater serve` process and report ratios.

The baseline is a bare Starlette JSON endpoint (`/_bench/hello`) on the same server in the same run,
so ratios are comparable across machines; absolute numbers are reported beside them.

    python -m bench.run [--duration 5] [--connections 16] [--database-url postgresql://…] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import content, contentful_entries
from bench.loadgen import Client, Result, Scenario, run_sync

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str, storage: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "headwater", *args, "--json", *storage], check=True, capture_output=True, text=True
    ).stdout
    value: dict[str, Any] = json.loads(out)
    return value


def _request(url: str, method: str = "GET", token: str = "", body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


class Server:
    def __init__(self, data_dir: Path, database_url: str, workers: int) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.storage = ["--data-dir", str(data_dir), "--database-url", database_url]
        self.database_url = database_url
        self.content: tuple[str, str] = ("", "")
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWATER_")}
        env["HEADWATER_BENCH_ROUTES"] = "true"
        env["HEADWATER_LOG_LEVEL"] = "warning"
        self.log = (data_dir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "headwater",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                *self.storage,
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _get(path: str, headers: dict[str, str]) -> Scenario:
    async def scenario(client: Client) -> None:
        await client.request("GET", path, headers)

    return scenario


def _create_delete_locale(prefix: str, headers: dict[str, str]) -> Scenario:
    counter = itertools.count()
    tag = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4))

    async def scenario(client: Client) -> None:
        code = f"x{tag}-{next(counter):x}"
        body = json.dumps({"name": f"Bench {code}", "code": code}).encode()
        created = await client.request("POST", f"{prefix}/locales", headers, body)
        if created.status != 201:
            raise RuntimeError(f"create locale: {created.status} {created.body[:200]!r}")
        locale_id = json.loads(created.body)["sys"]["id"]
        deleted = await client.request("DELETE", f"{prefix}/locales/{locale_id}", headers)
        if deleted.status != 204:
            raise RuntimeError(f"delete locale: {deleted.status} {deleted.body[:200]!r}")

    return scenario


def _get_cycling(paths: list[str], headers: dict[str, str]) -> Scenario:
    counter = itertools.count()

    async def scenario(client: Client) -> None:
        await client.request("GET", paths[next(counter) % len(paths)], headers)

    return scenario


def _list_all(path: str, headers: dict[str, str]) -> Scenario:
    """One operation = the whole listing, following continuation tokens like `toAllPromise()`."""

    async def scenario(client: Client) -> None:
        token = None
        while True:
            page_headers = dict(headers, **({"x-continuation": token} if token else {}))
            response = await client.request("GET", path, page_headers)
            if response.status != 200:
                raise RuntimeError(f"list: {response.status}")
            token = json.loads(response.body)["pagination"]["continuation_token"]
            if not token:
                return

    return scenario


def content_type_scenarios(server: Server, env_path: str, key: str, count: int = 200) -> dict[str, Scenario]:
    """200 content types with a few elements each (issue: content model); empty until types exist."""
    try:
        _request(f"{server.base}{env_path}/types", token=key)
    except urllib.error.HTTPError:
        return {}
    codenames = []
    for i in range(count):
        body = {
            "name": f"Bench type {i}",
            "codename": f"bench_type_{i}",
            "elements": [
                {"name": "Title", "type": "text", "codename": "title"},
                {"name": "Body", "type": "rich_text", "codename": "body"},
                {"name": "Count", "type": "number", "codename": "count"},
            ],
        }
        codenames.append(_request(f"{server.base}{env_path}/types", "POST", key, body)["codename"])
    headers = {"Authorization": f"Bearer {key}"}
    return {
        f"Kontent.ai GET content type by codename ({count} types)": _get_cycling(
            [f"{env_path}/types/codename/{c}" for c in codenames], headers
        ),
        f"Kontent.ai list content types, all pages ({count} types)": _list_all(f"{env_path}/types", headers),
    }


def _settle(database_url: str) -> None:
    """Measure a settled database: on PostgreSQL, refresh the planner statistics the setup just made stale.

    Right after a bulk insert PostgreSQL has no statistics for the new rows, and a point lookup by id
    can tie with (and pick) the `(env_pk, kind, seq)` index, scanning every row of the kind; autovacuum
    analyses such tables within about a minute, which is the state a server lives in.
    """
    if database_url.startswith("postgres"):
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("ANALYZE")


def scenarios(server: Server) -> dict[str, Scenario]:
    project = _cli("project", "create", "--name", "Bench project", storage=server.storage)
    space = _cli("space", "create", "--name", "Bench space", storage=server.storage)
    env_path = f"/v2/projects/{project['environment_id']}"
    key = project["management_api_key"]
    for i in range(10):
        _request(f"{server.base}{env_path}/languages", "POST", key, {"name": f"Language {i}", "codename": f"l-{i}"})
    languages = _request(f"{server.base}{env_path}/languages", token=key)["languages"]
    language_id = languages[1]["id"]
    kontent = {"Authorization": f"Bearer {key}"}
    token = space["cma_token"]
    cf_prefix = f"/spaces/{space['space_id']}/environments/master"
    locales = _request(f"{server.base}{cf_prefix}/locales", token=token)["items"]
    contentful = {"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.contentful.management.v1+json"}
    plan = {
        "baseline: bare Starlette hello JSON": _get("/_bench/hello", {}),
        "Kontent.ai GET language (authenticated)": _get(f"{env_path}/languages/{language_id}", kontent),
        "Kontent.ai list languages (11)": _get(f"{env_path}/languages", kontent),
        "Contentful GET locale": _get(f"{cf_prefix}/locales/{locales[0]['sys']['id']}", contentful),
        "Contentful create + delete locale": _create_delete_locale(cf_prefix, contentful),
    }
    plan.update(content_type_scenarios(server, env_path, key))
    plan.update(contentful_entries.scenarios(server.base, space["space_id"], token))
    item_ids = content.setup(_request, server.base, env_path, key)
    _settle(server.database_url)
    plan.update(content.scenarios(env_path, key, item_ids))
    server.content = (env_path, key)
    return plan


def combine(parts: list[Result]) -> Result:
    """One result from several rounds: totals over total time; median of the rounds' percentiles."""
    elapsed = sum(p.elapsed_s for p in parts)
    operations = sum(p.operations for p in parts)
    requests = sum(p.requests for p in parts)
    return Result(
        operations=operations,
        requests=requests,
        errors=sum(p.errors for p in parts),
        ops_per_sec=operations / elapsed if elapsed else 0.0,
        req_per_sec=requests / elapsed if elapsed else 0.0,
        p50_ms=statistics.median(p.p50_ms for p in parts),
        p99_ms=statistics.median(p.p99_ms for p in parts),
        max_ms=max(p.max_ms for p in parts),
        elapsed_s=elapsed,
        connects=sum(p.connects for p in parts),
    )


def report(results: dict[str, Result], meta: dict[str, Any]) -> str:
    baseline = next(iter(results.values()))
    lines = [
        f"Run {meta['date']}: {meta['database']}, {meta['workers']} granian worker(s), "
        f"{meta['connections']} connections, {meta['duration']} s per scenario in {meta['rounds']} interleaved rounds, "
        "load generator in one process.",
        "",
        "| Scenario | ops/s | req/s | ratio to baseline (ops) | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r.ops_per_sec / baseline.ops_per_sec if baseline.ops_per_sec else 0.0
        lines.append(
            f"| {name} | {r.ops_per_sec:,.0f} | {r.req_per_sec:,.0f} | {ratio:.0%} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.errors} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", type=Path, default=None, help="also write raw results here")
    parser.add_argument("--import-items", type=int, default=10_000, help="size of the import run (0: skip)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="headwater-bench-") as tmp:
        data_dir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{data_dir / 'bench.db'}"
        server = Server(data_dir, database_url, args.workers)
        imported: dict[str, float] | None = None
        try:
            plan = scenarios(server)
            rounds: dict[str, list[Result]] = {name: [] for name in plan}
            # Round-robin short runs: drift in the machine's speed hits every scenario alike.
            for round_no in range(args.rounds):
                for name, scenario in plan.items():
                    result = run_sync(
                        "127.0.0.1",
                        server.port,
                        scenario,
                        connections=args.connections,
                        duration=args.duration / args.rounds,
                        warmup=args.warmup,
                    )
                    rounds[name].append(result)
                    print(f"round {round_no + 1} {name}: {result.ops_per_sec:,.0f} ops/s", file=sys.stderr, flush=True)
            results = {name: combine(parts) for name, parts in rounds.items()}
            imported = (
                content.run_import(server.port, *server.content, args.import_items, args.connections)
                if args.import_items
                else None
            )
        finally:
            server.stop()
    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "database": "PostgreSQL" if database_url.startswith("postgres") else "SQLite",
        "workers": args.workers,
        "connections": args.connections,
        "duration": args.duration,
        "rounds": args.rounds,
    }
    print(report(results, meta))
    if imported is not None:
        print(
            f"\nImport of {imported['items']:,.0f} items (create by external id + upsert variant + publish, "
            f"{args.connections} in flight): {imported['seconds']:.1f} s = "
            f"{imported['items_per_second']:,.0f} items/s; "
            f"the hosted API's 10 requests/s allow {imported['hosted_items_per_second']:.2f} items/s "
            f"({imported['hosted_seconds'] / 3600:.1f} h for this import)."
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"meta": meta, "results": {k: asdict(v) for k, v in results.items()}, "import": imported}, indent=2
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
