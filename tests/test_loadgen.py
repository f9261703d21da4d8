"""Tests for bench.loadgen against a tiny in-thread asyncio HTTP server.

The server runs in its own thread and loop so that the synchronous entry
points (run_sync, run_processes with spawned workers) can hit it too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Iterator

import pytest

from bench.loadgen import Client, Response, Result, get_scenario, main, run_processes, run_sync

_connection_ids = itertools.count()

CHUNKED_BODY = b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n"


def _response(status: int, body: bytes, extra: str = "") -> bytes:
    reason = {200: "OK", 201: "Created", 204: "No Content", 500: "Internal Server Error"}[status]
    length = "" if status == 204 else f"Content-Length: {len(body)}\r\n"
    return f"HTTP/1.1 {status} {reason}\r\n{length}{extra}\r\n".encode() + body


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    served = 0
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ")
            fields = dict(line.partition(":")[::2] for line in lines[1:] if line)
            fields = {k.strip().lower(): v.strip() for k, v in fields.items()}
            length = int(fields.get("content-length", "0"))
            if length:
                await reader.readexactly(length)
            served += 1
            close = False
            if target == "/mixed":
                # Alternate framings, and drop the connection now and then:
                # silently (client must notice and resend) or announced.
                if served % 2:
                    data = _response(200, b"hello")
                else:
                    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_BODY
                if served == 3:
                    close = True
                    if next(_connection_ids) % 2:
                        data = _response(200, b"bye", "Connection: close\r\n")
            elif target == "/fail":
                data = _response(500, b"boom")
            elif method == "POST" and target == "/items":
                data = _response(201, b'{"id":1}')
            elif method == "DELETE" and target == "/items/1":
                data = _response(204, b"")
            elif target == "/chunked":
                data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_BODY
            elif target == "/head":
                data = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"  # HEAD: no body follows
            elif target == "/interim":
                data = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + _response(200, b"final")
            elif target == "/eof":
                data = b"HTTP/1.0 200 OK\r\nX-A: 1\r\nX-A: 2\r\n\r\nuntil-close"
                close = True
            elif target == "/echo-auth":
                data = _response(200, fields.get("authorization", "").encode())
            else:
                data = _response(200, b"ok")
            writer.write(data)
            if close:
                return
    finally:
        writer.close()


class _Server:
    def __init__(self) -> None:
        self.writers: set[asyncio.StreamWriter] = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._tracked, "127.0.0.1", 0), self.loop
        ).result(5)
        self.port: int = self.server.sockets[0].getsockname()[1]

    async def _tracked(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            await _handle(reader, writer)
        finally:
            self.writers.discard(writer)

    async def _shutdown(self) -> None:
        # Closing transports lets handlers finish by EOF; cancelling them
        # instead trips a noisy 3.11 streams callback.
        self.server.close()
        await self.server.wait_closed()
        for writer in list(self.writers):
            writer.close()
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current]
        if pending:
            await asyncio.wait(pending, timeout=2)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = _Server()
    try:
        yield server.port
    finally:
        server.close()


def _check_latencies(result: Result) -> None:
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms
    assert result.ops_per_sec > 0 and result.req_per_sec > 0


def test_mixed_framing_and_server_closes(port: int) -> None:
    result = run_sync("127.0.0.1", port, get_scenario("/mixed"), connections=4, duration=1.0, warmup=0.05)
    assert result.errors == 0
    assert result.operations >= 10
    assert result.requests == result.operations
    # The server drops each connection every few requests: reconnects happened.
    assert result.connects > 4
    _check_latencies(result)


def test_non_2xx_counted_as_errors(port: int) -> None:
    result = run_sync("127.0.0.1", port, get_scenario("/fail"), connections=2, duration=1.0, warmup=0.05)
    assert result.operations > 0
    assert result.errors == result.operations == result.requests
    _check_latencies(result)


def test_exceptions_counted_without_stopping(port: int) -> None:
    calls = 0

    async def flaky(client: Client) -> None:
        nonlocal calls
        calls += 1
        await client.request("GET", "/ok")
        if calls % 2:
            raise RuntimeError("scenario failure")

    result = run_sync("127.0.0.1", port, flaky, connections=1, duration=1.0, warmup=0.05)
    assert result.operations > 2
    assert 0 < result.errors < result.operations
    assert result.requests == result.operations


def test_two_request_operation(port: int) -> None:
    async def create_delete(client: Client) -> None:
        created = await client.request("POST", "/items", {"Content-Type": "application/json"}, b"{}")
        assert created.status == 201 and created.body == b'{"id":1}'
        deleted = await client.request("DELETE", "/items/1")
        assert deleted.status == 204 and deleted.body == b""

    result = run_sync("127.0.0.1", port, create_delete, connections=3, duration=1.0, warmup=0.05)
    assert result.errors == 0
    assert result.operations > 0
    assert result.requests == 2 * result.operations
    _check_latencies(result)


def test_response_parsing(port: int) -> None:
    seen: dict[str, Response] = {}

    async def probe(client: Client) -> None:
        seen["chunked"] = await client.request("GET", "/chunked")
        seen["head"] = await client.request("HEAD", "/head")
        seen["interim"] = await client.request("GET", "/interim")
        seen["auth"] = await client.request("GET", "/echo-auth")
        seen["eof"] = await client.request("GET", "/eof")

    result = run_sync(
        "127.0.0.1",
        port,
        probe,
        connections=1,
        duration=1.0,
        warmup=0,
        headers={"Authorization": "Bearer x"},
    )
    assert result.errors == 0 and result.operations > 0
    assert seen["chunked"].body == b"hello world"
    assert seen["chunked"].headers["transfer-encoding"] == "chunked"
    assert seen["head"].body == b"" and seen["head"].headers["content-length"] == "100"
    assert (seen["interim"].status, seen["interim"].body) == (200, b"final")
    assert seen["auth"].body == b"Bearer x"
    assert seen["eof"].body == b"until-close"
    assert seen["eof"].headers["x-a"] == "1, 2"


def test_connection_refused_is_an_error_not_a_crash() -> None:
    # A port from this worker's slice (below the ephemeral range), so nothing else is listening on it.
    from tests.support import free_port

    result = run_sync("127.0.0.1", free_port(), get_scenario("/"), connections=2, duration=1.0, warmup=0)
    assert result.requests == 0
    assert result.errors == result.operations > 0


def test_run_processes_merges_workers(port: int) -> None:
    result = run_processes(
        "127.0.0.1",
        port,
        "bench.loadgen:get_scenario",
        2,
        connections=4,
        duration=1.0,
        warmup=0.05,
        factory_kwargs={"path": "/mixed"},
    )
    assert result.errors == 0
    assert result.operations > 0 and result.requests == result.operations
    _check_latencies(result)


def test_run_processes_reports_worker_failure(port: int) -> None:
    with pytest.raises(AttributeError):
        run_processes("127.0.0.1", port, "bench.loadgen:nope", 2, connections=2, duration=0.1)


def test_run_processes_surfaces_errors_raised_in_workers(port: int) -> None:
    # Resolves in the parent, fails only when called inside the spawned workers.
    with pytest.raises(RuntimeError, match="TypeError"):
        run_processes(
            "127.0.0.1",
            port,
            "bench.loadgen:get_scenario",
            2,
            connections=2,
            duration=0.1,
            factory_kwargs={"bogus": 1},
        )


def test_cli_prints_json(port: int, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--url", f"http://127.0.0.1:{port}/echo-auth?x=1", "--connections", "2"]
    argv += ["--duration", "1.0", "--warmup", "0", "--header", "Authorization: Bearer x"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == 0 and out["requests"] > 0
