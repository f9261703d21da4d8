"""Dependency-free HTTP/1.1 load generator for Headwater benchmarks.

Why our own: benchmarks need *operations* (e.g. create-then-delete) rather
than single URLs, and full-featured clients (httpx, aiohttp) spend more CPU
per request than the server under test, so they would measure themselves.
This module speaks just enough HTTP/1.1 over asyncio streams: keep-alive,
Content-Length / chunked / EOF-delimited bodies, no pipelining.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import importlib
import itertools
import json
import multiprocessing
import queue
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.queues import Queue as MPQueue
from multiprocessing.synchronize import Barrier
from typing import Any, cast
from urllib.parse import urlsplit

__all__ = [
    "Client",
    "ProtocolError",
    "Response",
    "Result",
    "Scenario",
    "get_scenario",
    "main",
    "run",
    "run_processes",
    "run_sync",
]

# Status lines + headers are tiny; 1 MiB only guards against a runaway peer.
_READ_LIMIT = 1 << 20
# Bounded so a scenario that builds unique paths per request cannot leak.
_CACHE_MAX = 4096
# How long in-flight operations may finish after the window closes, so that
# stateful scenarios (create/delete) are not cut in half without need.
_STOP_GRACE = 2.0
# Connect failures return instantly; without a pause a dead server would turn
# every connection into a busy loop that starves the event loop.
_OSERROR_BACKOFF = 0.01
# Spawned workers import the scenario module before the barrier; be generous.
_SPAWN_TIMEOUT = 60.0
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ProtocolError(Exception):
    """The peer sent something we cannot frame; the connection is unusable."""


@dataclass(slots=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-cased names; repeated fields joined by ", "
    body: bytes


@dataclass(slots=True)
class Result:
    """Totals for the measured window only (warmup is discarded).

    ``operations`` counts scenario invocations that finished inside the
    window, failed or not; ``errors`` is the subset that raised or received
    any non-2xx response. Latency percentiles cover invocations that did not
    raise: a refused connect has no meaningful latency.
    """

    operations: int
    requests: int
    errors: int
    ops_per_sec: float
    req_per_sec: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    elapsed_s: float  # actual window length, which may overshoot `duration`
    connects: int  # TCP connections opened, warmup included: shows keep-alive


Scenario = Callable[["Client"], Awaitable[None]]


class _Shared:
    """Per-run request encoding state shared by all connections of a run."""

    __slots__ = ("cache", "defaults", "host", "port")

    def __init__(self, host: str, port: int, headers: Mapping[str, str] | None) -> None:
        self.host = host
        self.port = port
        host_value = f"[{host}]" if ":" in host else host
        if port != 80:
            host_value = f"{host_value}:{port}"
        self.defaults: dict[str, tuple[str, str]] = {"host": ("Host", host_value)}
        for name, value in (headers or {}).items():
            self.defaults[name.lower()] = (name, value)
        self.cache: dict[tuple[str, str, bytes | None], bytes] = {}

    def encode(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None,
        body: bytes | None,
    ) -> bytes:
        merged = dict(self.defaults)
        if headers:
            for name, value in headers.items():
                merged[name.lower()] = (name, value)
        if body is not None or method in _BODY_METHODS:
            # Always framed by us: a stale user-supplied length would desync
            # the connection for every later request.
            merged["content-length"] = ("Content-Length", str(len(body or b"")))
            merged.pop("transfer-encoding", None)
        lines = [f"{method} {path} HTTP/1.1"]
        lines.extend(f"{name}: {value}" for name, value in merged.values())
        for line in lines:
            if "\r" in line or "\n" in line:
                raise ValueError(f"CR/LF in request line or header: {line!r}")
        if " " in method or " " in path or not method or not path:
            raise ValueError(f"bad method or path: {method!r} {path!r}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return raw + body if body else raw


class Client:
    """One persistent connection; requests on it run strictly one at a time.

    Scenarios receive this object. It reconnects lazily when the server
    closed the connection, and counts requests/failures so the runner can
    attribute them to the operation that issued them.
    """

    __slots__ = ("_reader", "_shared", "_writer", "connects", "failures", "requests")

    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.requests = 0
        self.failures = 0
        self.connects = 0

    async def request(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> Response:
        shared = self._shared
        if headers is None:
            # Hot path: static requests are encoded once per run.
            key = (method, path, body)
            data = shared.cache.get(key)
            if data is None:
                data = shared.encode(method, path, None, body)
                if len(shared.cache) < _CACHE_MAX:
                    shared.cache[key] = data
        else:
            data = shared.encode(method, path, headers, body)

        reader = self._reader
        writer = self._writer
        reused = True
        if reader is None or writer is None or reader.at_eof():
            self._close()
            reader, writer = await self._connect()
            reused = False
        try:
            writer.write(data)
            if len(data) > 65536:
                await writer.drain()
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                # A reused keep-alive connection that yields nothing at all
                # was closed by the server before it saw our request (idle
                # timeout, max-requests): safe to resend once, as browsers do.
                if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                    raise
                self._close()
                reader, writer = await self._connect()
                writer.write(data)
                if len(data) > 65536:
                    await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
            response, keep_alive = await _read_response(reader, head, method)
        except BaseException:
            # Unknown framing state (or cancellation mid-response): the
            # connection cannot be reused.
            self._close()
            raise
        self.requests += 1
        if not 200 <= response.status < 300:
            self.failures += 1
        if not keep_alive:
            self._close()
        return response

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection(self._shared.host, self._shared.port, limit=_READ_LIMIT)
        self.connects += 1
        self._reader = reader
        self._writer = writer
        return reader, writer

    def _close(self) -> None:
        writer = self._writer
        self._reader = None
        self._writer = None
        if writer is not None:
            writer.close()

    async def aclose(self) -> None:
        writer = self._writer
        self._close()
        if writer is not None:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                await writer.wait_closed()


def _parse_head(head: bytes) -> tuple[bool, int, dict[str, str]]:
    text = head.decode("latin-1")
    lines = text.split("\r\n")
    status_line = lines[0]
    if not status_line.startswith("HTTP/1.") or len(status_line) < 12:
        raise ProtocolError(f"bad status line: {status_line[:80]!r}")
    try:
        status = int(status_line[9:12])
    except ValueError:
        raise ProtocolError(f"bad status line: {status_line[:80]!r}") from None
    headers: dict[str, str] = {}
    # The head ends with CRLFCRLF, so the last two split items are empty.
    for line in lines[1:-2]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ProtocolError(f"bad header line: {line[:80]!r}")
        name = name.strip().lower()
        value = value.strip()
        if name in headers:
            headers[name] = f"{headers[name]}, {value}"
        else:
            headers[name] = value
    return status_line[7] == "1", status, headers


def _has_token(value: str, token: str) -> bool:
    return any(part.strip().lower() == token for part in value.split(","))


async def _read_response(reader: asyncio.StreamReader, head: bytes, method: str) -> tuple[Response, bool]:
    """Read the rest of a response whose head was already read.

    Returns whether the connection may be reused, which is decided by the
    framing as much as by the Connection header (EOF-delimited bodies).
    """
    http11, status, headers = _parse_head(head)
    while 100 <= status < 200 and status != 101:
        # Interim responses (100, 103) precede the real one on the same stream.
        http11, status, headers = _parse_head(await reader.readuntil(b"\r\n\r\n"))

    connection = headers.get("connection")
    if connection is None:
        keep_alive = http11
    elif http11:
        keep_alive = not _has_token(connection, "close")
    else:
        keep_alive = _has_token(connection, "keep-alive")

    if method == "HEAD" or status in (204, 304) or status < 200:
        body = b""
        if status == 101:
            keep_alive = False  # protocol switched; we cannot speak it
    elif "transfer-encoding" in headers:
        if not _has_token(headers["transfer-encoding"], "chunked"):
            raise ProtocolError("unsupported transfer-encoding")
        body = await _read_chunked(reader)
    elif "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise ProtocolError("bad content-length") from None
        if length < 0:
            raise ProtocolError("negative content-length")
        body = await reader.readexactly(length) if length else b""
    else:
        body = await reader.read()
        keep_alive = False
    return Response(status, headers, body), keep_alive


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes | memoryview] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0], 16)
        except ValueError:
            raise ProtocolError(f"bad chunk size line: {line[:80]!r}") from None
        if size < 0:
            raise ProtocolError("negative chunk size")
        if size == 0:
            break
        # Data and its CRLF in one read: one await per chunk instead of two.
        chunk = await reader.readexactly(size + 2)
        if chunk[-2:] != b"\r\n":
            raise ProtocolError("chunk not terminated by CRLF")
        parts.append(memoryview(chunk)[:-2])
    while await reader.readuntil(b"\r\n") != b"\r\n":
        pass  # trailer fields: framing only, not exposed
    if len(parts) == 1:
        return bytes(parts[0])
    return b"".join(parts)


class _State:
    __slots__ = ("errors", "operations", "recording", "requests", "stopping")

    def __init__(self) -> None:
        self.recording = False
        self.stopping = False
        self.operations = 0
        self.requests = 0
        self.errors = 0


@dataclass(slots=True)
class _Measurement:
    """Raw per-process outcome; raw samples so merged percentiles are exact."""

    operations: int
    requests: int
    errors: int
    connects: int
    elapsed: float
    latencies: array.array[float]


_ResultItem = tuple[int, _Measurement | None, str | None]


async def _drive(client: Client, scenario: Scenario, state: _State, samples: array.array[float]) -> None:
    perf = time.perf_counter
    append = samples.append
    while not state.stopping:
        requests_before = client.requests
        failures_before = client.failures
        raised: BaseException | None = None
        start = perf()
        try:
            await scenario(client)
        except Exception as exc:
            raised = exc
        end = perf()
        # Checked at completion so an operation belongs to exactly one phase.
        if state.recording:
            state.operations += 1
            state.requests += client.requests - requests_before
            if raised is not None or client.failures != failures_before:
                state.errors += 1
            if raised is None:
                append(end - start)
        if raised is not None:
            # Always yield: a scenario that fails before any I/O would
            # otherwise spin without ever letting the timer fire.
            await asyncio.sleep(_OSERROR_BACKOFF if isinstance(raised, OSError) else 0)


async def _measure(
    host: str,
    port: int,
    scenario: Scenario,
    connections: int,
    duration: float,
    warmup: float,
    headers: Mapping[str, str] | None,
) -> _Measurement:
    if connections < 1:
        raise ValueError("connections must be >= 1")
    if duration <= 0 or warmup < 0:
        raise ValueError("duration must be > 0 and warmup >= 0")
    shared = _Shared(host, port, headers)
    clients = [Client(shared) for _ in range(connections)]
    state = _State()
    samples: array.array[float] = array.array("d")
    tasks = [asyncio.create_task(_drive(c, scenario, state, samples)) for c in clients]
    try:
        await asyncio.sleep(warmup)
        state.recording = True
        started = time.perf_counter()
        await asyncio.sleep(duration)
        state.recording = False
        elapsed = time.perf_counter() - started
        state.stopping = True
        await asyncio.wait(tasks, timeout=_STOP_GRACE)
    finally:
        state.stopping = True
        for task in tasks:
            task.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(c.aclose() for c in clients))
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, asyncio.CancelledError):
            raise outcome
    return _Measurement(
        operations=state.operations,
        requests=state.requests,
        errors=state.errors,
        connects=sum(c.connects for c in clients),
        elapsed=elapsed,
        latencies=samples,
    )


def _percentile(ordered: Sequence[float], pct: float) -> float:
    # Nearest-rank: always an observed value, no interpolation artefacts.
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


def _summarize(parts: Sequence[_Measurement]) -> Result:
    ordered: list[float] = sorted(x for p in parts for x in p.latencies)
    return Result(
        operations=sum(p.operations for p in parts),
        requests=sum(p.requests for p in parts),
        errors=sum(p.errors for p in parts),
        # Each worker's rate over its own window: the windows are aligned by
        # a barrier but never identical, so summing rates beats dividing sums.
        ops_per_sec=sum(p.operations / p.elapsed for p in parts if p.elapsed > 0),
        req_per_sec=sum(p.requests / p.elapsed for p in parts if p.elapsed > 0),
        p50_ms=_percentile(ordered, 50) * 1000.0,
        p99_ms=_percentile(ordered, 99) * 1000.0,
        max_ms=(ordered[-1] if ordered else 0.0) * 1000.0,
        elapsed_s=max((p.elapsed for p in parts), default=0.0),
        connects=sum(p.connects for p in parts),
    )


async def run(
    host: str,
    port: int,
    scenario: Scenario,
    *,
    connections: int,
    duration: float,
    warmup: float = 1.0,
    headers: Mapping[str, str] | None = None,
) -> Result:
    """Drive `scenario` on `connections` keep-alive connections.

    `headers` are sent with every request (e.g. Authorization) and are part
    of the pre-encoded bytes, so they cost nothing per request.
    """
    return _summarize([await _measure(host, port, scenario, connections, duration, warmup, headers)])


def run_sync(
    host: str,
    port: int,
    scenario: Scenario,
    *,
    connections: int,
    duration: float,
    warmup: float = 1.0,
    headers: Mapping[str, str] | None = None,
) -> Result:
    return asyncio.run(
        run(
            host,
            port,
            scenario,
            connections=connections,
            duration=duration,
            warmup=warmup,
            headers=headers,
        )
    )


def get_scenario(path: str = "/", method: str = "GET") -> Scenario:
    """Single-request scenario; importable by name for `run_processes`."""

    async def scenario(client: Client) -> None:
        await client.request(method, path)

    return scenario


def _resolve(factory_path: str) -> Callable[..., Scenario]:
    module_name, sep, attr = factory_path.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected 'module:function', got {factory_path!r}")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"{factory_path!r} is not callable")
    return cast(Callable[..., Scenario], obj)


def _process_main(
    index: int,
    host: str,
    port: int,
    factory_path: str,
    factory_kwargs: dict[str, Any],
    connections: int,
    duration: float,
    warmup: float,
    headers: dict[str, str] | None,
    barrier: Barrier,
    results: MPQueue[_ResultItem],
) -> None:
    try:
        try:
            scenario = _resolve(factory_path)(**factory_kwargs)
        except BaseException:
            barrier.abort()  # release the siblings instead of a 60 s hang
            raise
        # Spawn + import takes a variable fraction of a second per process;
        # the barrier aligns the measured windows across workers.
        barrier.wait(timeout=_SPAWN_TIMEOUT)
        measurement = asyncio.run(_measure(host, port, scenario, connections, duration, warmup, headers))
        results.put((index, measurement, None))
    except BaseException:
        results.put((index, None, traceback.format_exc()))


def run_processes(
    host: str,
    port: int,
    scenario_factory_path: str,
    processes: int,
    *,
    connections: int,
    duration: float,
    warmup: float = 1.0,
    headers: Mapping[str, str] | None = None,
    factory_kwargs: Mapping[str, Any] | None = None,
) -> Result:
    """Split `connections` over `processes` spawned workers and merge.

    One asyncio client process saturates a core at a few tens of thousands
    of requests per second; this removes that ceiling. The scenario is given
    by name ("module:function", called with `factory_kwargs`) because
    closures cannot be pickled into a spawned process.
    """
    if processes < 1:
        raise ValueError("processes must be >= 1")
    if connections < processes:
        raise ValueError("connections must be >= processes")
    if duration <= 0 or warmup < 0:
        raise ValueError("duration must be > 0 and warmup >= 0")
    _resolve(scenario_factory_path)  # fail fast, in the caller's process
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results: MPQueue[_ResultItem] = ctx.Queue()
    base, extra = divmod(connections, processes)
    procs = [
        ctx.Process(
            target=_process_main,
            args=(
                i,
                host,
                port,
                scenario_factory_path,
                dict(factory_kwargs or {}),
                base + (1 if i < extra else 0),
                duration,
                warmup,
                dict(headers) if headers else None,
                barrier,
                results,
            ),
            name=f"loadgen-{i}",
            daemon=True,
        )
        for i in range(processes)
    ]
    parts: list[_Measurement] = []
    failures: list[str] = []
    reported: set[int] = set()
    suspects: set[int] = set()
    deadline = time.monotonic() + _SPAWN_TIMEOUT + warmup + duration + _STOP_GRACE + 30
    try:
        for proc in procs:
            proc.start()
        while len(reported) < processes:
            try:
                item: _ResultItem | None = results.get(timeout=0.25)
            except queue.Empty:
                item = None
            if item is None:
                if time.monotonic() > deadline:
                    raise TimeoutError("load generator workers did not finish")
                dead = {i for i, p in enumerate(procs) if p.exitcode is not None} - reported
                # Seen dead twice in a row: its result cannot still be in flight.
                if dead & suspects:
                    i = min(dead & suspects)
                    raise RuntimeError(f"worker {i} exited with code {procs[i].exitcode} without a result")
                suspects = dead
                continue
            index, measurement, error = item
            reported.add(index)
            if measurement is not None:
                parts.append(measurement)
            else:
                failures.append(error or "unknown error")
    finally:
        for proc in procs:
            if proc.pid is None:
                continue
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        results.close()
    if failures:
        raise RuntimeError("load generator worker failed:\n" + failures[0])
    return _summarize(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description="HTTP/1.1 GET load generator")
    parser.add_argument("--url", required=True, help="http://host:port/path?query")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    args = parser.parse_args(argv)

    url = urlsplit(args.url)
    if url.scheme != "http" or not url.hostname:
        parser.error("only http://host[:port]/path URLs are supported")
    host = url.hostname
    port = url.port or 80
    path = url.path or "/"
    if url.query:
        path = f"{path}?{url.query}"
    headers: dict[str, str] = {}
    for item in args.header:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            parser.error(f"bad --header {item!r}, expected 'Name: value'")
        headers[name.strip()] = value.strip()

    if args.processes > 1:
        result = run_processes(
            host,
            port,
            "bench.loadgen:get_scenario",
            args.processes,
            connections=args.connections,
            duration=args.duration,
            warmup=args.warmup,
            headers=headers,
            factory_kwargs={"path": path},
        )
    else:
        result = run_sync(
            host,
            port,
            get_scenario(path),
            connections=args.connections,
            duration=args.duration,
            warmup=args.warmup,
            headers=headers,
        )
    out = {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(result).items()}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


async def run_total(
    host: str,
    port: int,
    operation: Callable[[Client, int], Awaitable[None]],
    *,
    connections: int,
    total: int,
    headers: Mapping[str, str] | None = None,
) -> float:
    """Run `operation(client, index)` exactly `total` times over `connections` keep-alive connections
    (a fixed amount of work, like an import) and return the wall time in seconds."""
    shared = _Shared(host, port, headers)
    clients = [Client(shared) for _ in range(connections)]
    counter = itertools.count()

    async def worker(client: Client) -> None:
        while (index := next(counter)) < total:
            await operation(client, index)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker(c) for c in clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return time.perf_counter() - started
