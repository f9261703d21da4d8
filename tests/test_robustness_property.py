"""Property-based robustness: every route of both dialects, walked from the app's route table, gets
generated hostile bodies, path ids, query strings and headers (tests/robustness_strategies.py).

For every request, whatever it was:

- never a 5xx, and never a redirect (neither API sends one);
- a 4xx has a JSON media type and the dialect's error shape (Kontent.ai `{request_id, error_code,
  message}`, Contentful `{sys: {type: "Error", id}, message?, details?, requestId}`);
- a GET, or a write answered 4xx, leaves the tenant's stored state as it was: the rows of its
  project/space, environments and environment objects, read through the storage layer before and
  after the request;
- some inputs can never succeed: bodies that are not UTF-8 or hold U+0000, path ids that are `.`/`..`
  or hold U+0000, invalid UTF-8 or (plain ids) control characters, integers outside int64 in integer
  fields, bodies sent without a JSON Content-Type, `skip`/`limit` that are not ASCII digits, version
  headers spelled other than in ASCII digits.

Each test gets a fresh tenant (seeded with a taxonomy, snippet and type so identifier routes have
something to address), runs on SQLite and PostgreSQL through the shared in-thread server, and one test
repeats a mix of everything against `headwater serve` (granian). Examples are bounded and derandomized
under CI=true so a run is reproducible; Hypothesis keeps no example database.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from headwater.storage.database import Database, open_database
from tests.robustness_strategies import (
    BODY_ENDPOINTS,
    CONTENTFUL,
    DIALECT,
    ENDPOINTS,
    GET_ENDPOINTS,
    KONTENT,
    KONTENT_SEEDS,
    MISSING,
    SEED_VARIANT,
    BodySpec,
    Endpoint,
    HeaderSpec,
    PathSpec,
    QuerySpec,
    RawHttp,
    Reply,
    Request,
    body_must_be_refused,
    body_specs,
    content_type_refused,
    header_specs,
    id_must_not_resolve,
    nested,
    odd_skip_or_limit,
    path_specs,
    query_specs,
    replace,
    replace_int,
    sample_for,
    spell_version,
    unique,
    version_refused,
)
from tests.support import LiveServer, ServerProcess, contentful_headers, kontent_headers, spawn_server

T = TypeVar("T")

CI = os.environ.get("CI", "").lower() == "true"
KONTENT_MEDIA_TYPE = "application/json"
CONTENTFUL_MEDIA_TYPE = "application/vnd.contentful.management.v1+json"


def bounded(examples: int) -> settings:
    """Bounded, deadline-free, reproducible under CI, and no `.hypothesis/` example database."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=CI,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- the tenant's stored state, read through the storage layer ---------------------------------------------


class Storage:
    """A `Database` on its own event loop thread, so sync tests can read rows between requests without
    opening a database (a PostgreSQL pool) per read."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="robustness-storage", daemon=True)
        self.thread.start()
        self.db: Database = self.call(open_database(url))

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def close(self) -> None:
        self.call(self.db.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


_OBJECT_COLUMNS = "seq, kind, id, codename, external_id, position, version, data, created_at, updated_at"
_ENV_COLUMNS = "pk, id, name, is_production, status, version, created_by, updated_by, created_at, updated_at"


async def _environments_and_objects(db: Database, dialect: str, container_ids: list[str]) -> list[Any]:
    rows: list[Any] = []
    async with db.read() as conn:
        for container in container_ids:
            envs = await conn.fetchall(
                f"SELECT {_ENV_COLUMNS} FROM environments WHERE dialect = ? AND container_id = ? ORDER BY pk",
                (dialect, container),
            )
            rows.append(("environments", container, envs))
            for env in envs:
                objs = await conn.fetchall(
                    f"SELECT {_OBJECT_COLUMNS} FROM objects WHERE env_pk = ? ORDER BY seq", (env[0],)
                )
                rows.append(("objects", env[0], objs))
    return rows


async def kontent_state(db: Database, project_id: str) -> list[Any]:
    async with db.read() as conn:
        project = await conn.fetchall(
            "SELECT id, subscription_id, name, created_at FROM projects WHERE id = ?", (project_id,)
        )
        keys = await conn.fetchall(
            "SELECT id, kind, name, scopes, expires_at, revoked_at FROM api_keys WHERE owner_id = ? ORDER BY id",
            (project_id,),
        )
    return [("project", project), ("keys", keys), *await _environments_and_objects(db, "kontent", [project_id])]


async def contentful_state(db: Database, organization_id: str, space_id: str) -> list[Any]:
    async with db.read() as conn:
        spaces = await conn.fetchall(
            "SELECT id, name, version, created_by, updated_by, created_at, updated_at FROM spaces "
            "WHERE organization_id = ? ORDER BY id",
            (organization_id,),
        )
    return [("spaces", spaces), *await _environments_and_objects(db, "contentful", [space_id])]


# -- tenants and probes ---------------------------------------------------------------------------------------


@dataclass
class Tenant:
    project: dict[str, Any]
    space: dict[str, Any]
    locale_id: str

    def real(self, endpoint: Endpoint, param: str) -> str:
        """The path value that names this tenant's own object for `param`."""
        if endpoint.dialect == KONTENT:
            if param == "environment_id":
                return str(self.project["environment_id"])
            return {"language": "codename/default"}.get(param, f"codename/seed_{param}")
        return {
            "space_id": str(self.space["space_id"]),
            "environment_id": str(self.space["environment_id"]),
            "locale_id": self.locale_id,
        }.get(param, "unknown")

    @staticmethod
    def absent(endpoint: Endpoint) -> str:
        """A value naming nothing: DELETEs never address the tenant's own objects (or the space itself)."""
        return "codename/absent_object" if endpoint.dialect == KONTENT else "absentid"


def make_tenant(base_url: str, project: dict[str, Any], space: dict[str, Any]) -> Tenant:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        headers = kontent_headers(project["management_api_key"])
        root = f"/v2/projects/{project['environment_id']}"
        for resource, body in KONTENT_SEEDS.items():
            r = http.post(f"{root}/{resource}", headers=headers, json=body)
            assert r.status_code == 201, (resource, r.status_code, r.text)
        r = http.put(f"{root}/items/codename/seed_item/variants/codename/default", headers=headers, json=SEED_VARIANT)
        assert r.status_code == 201, r.text
        r = http.get(
            f"/spaces/{space['space_id']}/environments/{space['environment_id']}/locales",
            headers=contentful_headers(space["cma_token"]),
        )
        assert r.status_code == 200, r.text
        locale_id = r.json()["items"][0]["sys"]["id"]
    return Tenant(project, space, locale_id)


class Probe:
    """Builds requests from specs against one tenant, sends them, and checks every property."""

    def __init__(self, base_url: str, tenant: Tenant, storage: Storage, label: str) -> None:
        self.http = RawHttp(base_url)
        self.tenant = tenant
        self.storage = storage
        self.label = label

    def close(self) -> None:
        self.http.close()

    def snapshot(self, dialect: str) -> list[Any]:
        if dialect == KONTENT:
            return self.storage.call(kontent_state(self.storage.db, self.tenant.project["project_id"]))
        space = self.tenant.space
        return self.storage.call(contentful_state(self.storage.db, space["organization_id"], space["space_id"]))

    def path(self, endpoint: Endpoint, spec: PathSpec | None) -> tuple[str, list[str]]:
        values: list[str | None] = list(spec.values) if spec is not None else [None] * len(endpoint.params)
        if endpoint.method == "DELETE" and values and values[-1] is None:
            values[-1] = self.tenant.absent(endpoint)
        path = endpoint.path
        reasons: list[str] = []
        for param, value in zip(endpoint.params, values, strict=True):
            if value is not None and (why := id_must_not_resolve(value)) is not None:
                reasons.append(f"path id {param}={value!r} holds {why}")
            filled = self.tenant.real(endpoint, param) if value is None else value
            start = path.index("{" + param)
            path = path[:start] + filled + path[path.index("}", start) + 1 :]
        return path, reasons

    def headers(self, endpoint: Endpoint, spec: HeaderSpec, target_path: str) -> list[tuple[str, str]]:
        kontent = endpoint.dialect == KONTENT
        token = self.tenant.project["management_api_key"] if kontent else self.tenant.space["cma_token"]
        headers: dict[str, tuple[str, str]] = {"authorization": ("Authorization", f"Bearer {token}")}
        if spec.content_type == DIALECT:
            headers["content-type"] = ("Content-Type", KONTENT_MEDIA_TYPE if kontent else CONTENTFUL_MEDIA_TYPE)
        elif spec.content_type != MISSING:
            headers["content-type"] = ("Content-Type", spec.content_type)
        if not kontent and spec.version != MISSING:
            current = self.current_version(target_path, token) if endpoint.method in ("PUT", "DELETE") else 1
            headers["x-contentful-version"] = ("X-Contentful-Version", spell_version(spec.version, current))
        for name, value in spec.extra:
            headers[name.lower()] = (name, value)
        return list(headers.values())

    def current_version(self, target_path: str, token: str) -> int:
        """The `sys.version` of the object a PUT/DELETE addresses, so the version check passes."""
        request = Request("GET", target_path, (("Authorization", f"Bearer {token}"),), None)
        reply = self.http.send(request)
        try:
            version = msgspec.json.decode(reply.body)["sys"]["version"]
        except (msgspec.DecodeError, KeyError, TypeError):
            return 1
        return version if isinstance(version, int) else 1

    def send(
        self,
        endpoint: Endpoint,
        *,
        path: PathSpec | None = None,
        query: QuerySpec | None = None,
        headers: HeaderSpec | None = None,
        body: BodySpec | None = None,
    ) -> tuple[Request, Reply]:
        target, reasons = self.path(endpoint, path)
        header_spec = headers or HeaderSpec()
        header_list = self.headers(endpoint, header_spec, target)
        if query is not None:
            if query.pairs:
                target += "?" + query.query_string()
            if query.continuation is not None:
                header_list.append(("x-continuation", query.continuation))
        content: bytes | None = None
        if endpoint.takes_body:
            content = (body or BodySpec("sample")).render(sample_for(endpoint)(unique()))
            if not endpoint.raw_body and (why := body_must_be_refused(content)) is not None:
                reasons.append(why)
            if not endpoint.raw_body and body is not None and body.out_of_range:
                reasons.append("an integer field holds a value outside int64")
            why = content_type_refused(header_spec.content_type, endpoint.raw_body)
            if content.strip() and why is not None:
                reasons.append(why)
        if (
            endpoint.dialect == CONTENTFUL
            and endpoint.method in ("PUT", "DELETE")
            and version_refused(header_spec.version)
        ):
            reasons.append(f"X-Contentful-Version spelled {header_spec.version!r}")
        request = Request(endpoint.method, target, tuple(header_list), content)
        before = self.snapshot(endpoint.dialect)
        reply = self.http.send(request)
        after = self.snapshot(endpoint.dialect)
        self.check(endpoint, request, reply, reasons, before, after)
        if query is not None and reply.status < 300 and (odd := odd_skip_or_limit(query)) is not None:
            assert not _is_contentful_array(reply), self.report(
                f"a paginated list accepted {odd} (not ASCII digits)", request, reply
            )
        return request, reply

    def report(self, problem: str, request: Request, reply: Reply) -> str:
        return f"\n{problem}\n[{self.label}]\n{request.describe()}\n  -> {reply.describe()}"

    def check(
        self, endpoint: Endpoint, request: Request, reply: Reply, reasons: list[str], before: Any, after: Any
    ) -> None:
        assert reply.status < 500, self.report("5xx", request, reply)
        # Neither API redirects; a framework redirect (trailing slash) is a default response, not the dialect's.
        assert not 300 <= reply.status < 400, self.report("a redirect", request, reply)
        if reply.status >= 400:
            assert reply.media_type == "application/json" or reply.media_type.endswith("+json"), self.report(
                "a 4xx without a JSON media type", request, reply
            )
            assert_error_shape(
                endpoint.dialect, reply, self.report("a 4xx not in the dialect's error shape", request, reply)
            )
        elif reply.body:
            assert is_json(reply), self.report("a 2xx body that is not JSON", request, reply)
        if reasons:
            assert not 200 <= reply.status < 300, self.report("accepted although " + "; ".join(reasons), request, reply)
        if request.method == "GET" or reply.status >= 400:
            assert before == after, self.report(
                "stored state changed on a " + ("GET" if request.method == "GET" else "rejected write"), request, reply
            )


Members = dict[str, msgspec.Raw]


def decode(body: bytes, kind: type[T]) -> T:
    """Decode with room for depth: an error body may echo a client's deeply nested value back, and this
    test runs deep in pytest's and Hypothesis' stack."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))
    try:
        return msgspec.json.decode(body, type=kind)
    finally:
        sys.setrecursionlimit(limit)


def members(body: bytes) -> Members | None:
    """The top-level members of a JSON object, values left undecoded."""
    try:
        return decode(body, Members)
    except msgspec.DecodeError:
        return None


def member(found: Members, name: str, kind: type[T]) -> T | None:
    if name not in found:
        return None
    try:
        return decode(found[name], kind)
    except msgspec.DecodeError:
        return None


def is_json(reply: Reply) -> bool:
    if not (reply.media_type == "application/json" or reply.media_type.endswith("+json")):
        return False
    try:
        decode(reply.body, msgspec.Raw)
    except msgspec.DecodeError:
        return False
    return True


class ErrorSys(msgspec.Struct):
    type: str
    id: str


def assert_error_shape(dialect: str, reply: Reply, message: str) -> None:
    found = members(reply.body)
    assert found is not None, message
    if dialect == KONTENT:
        assert member(found, "request_id", str), message
        assert member(found, "error_code", int) is not None and member(found, "message", str) is not None, message
        if "validation_errors" in found:
            assert member(found, "validation_errors", list[msgspec.Raw]) is not None, message
    else:
        envelope = member(found, "sys", ErrorSys)
        assert envelope is not None and envelope.type == "Error" and envelope.id, message
        # `message` is optional: the hosted 409 VersionMismatch has none.
        assert "message" not in found or member(found, "message", str) is not None, message
        assert member(found, "requestId", str), message


class ArraySys(msgspec.Struct):
    type: str


def _is_contentful_array(reply: Reply) -> bool:
    found = members(reply.body)
    envelope = member(found, "sys", ArraySys) if found is not None else None
    return envelope is not None and envelope.type == "Array"


# -- fixtures -------------------------------------------------------------------------------------------------


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="module")
def storage(server: LiveServer) -> Iterator[Storage]:
    store = Storage(server.db_url)
    yield store
    store.close()


@pytest.fixture
def probe(server: LiveServer, project: dict[str, Any], space: dict[str, Any], storage: Storage) -> Iterator[Probe]:
    tenant = make_tenant(server.base_url, project, space)
    p = Probe(server.base_url, tenant, storage, f"{_backend(server.db_url)}, uvicorn")
    yield p
    p.close()


@pytest.fixture(scope="module")
def production(backend_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """`headwater serve` (granian) on the same database as `server`."""
    data_dir: Path = tmp_path_factory.mktemp("granian")
    process = spawn_server(backend_url, data_dir, label="headwater serve (robustness)")
    yield process
    process.stop()


@pytest.fixture
def production_probe(
    production: ServerProcess, server: LiveServer, project: dict[str, Any], space: dict[str, Any], storage: Storage
) -> Iterator[Probe]:
    tenant = make_tenant(production.base_url, project, space)
    p = Probe(production.base_url, tenant, storage, f"{_backend(server.db_url)}, headwater serve (granian)")
    yield p
    p.close()


# -- strategies per test --------------------------------------------------------------------------------------


@functools.cache
def _bodies(endpoint: Endpoint) -> st.SearchStrategy[tuple[Endpoint, BodySpec]]:
    return st.tuples(st.just(endpoint), body_specs(endpoint))


@functools.cache
def _paths(endpoint: Endpoint) -> st.SearchStrategy[tuple[Endpoint, PathSpec]]:
    return st.tuples(st.just(endpoint), path_specs(endpoint))


body_cases = st.sampled_from(BODY_ENDPOINTS).flatmap(_bodies)
path_cases = st.sampled_from([e for e in ENDPOINTS if e.params]).flatmap(_paths)
query_cases = st.tuples(st.sampled_from(GET_ENDPOINTS) | st.sampled_from(ENDPOINTS), query_specs)
header_cases = st.tuples(st.sampled_from([e for e in ENDPOINTS if e.writes]), header_specs)


def endpoint(method: str, path_end: str) -> Endpoint:
    """The first route table entry for `method` whose template ends with `path_end` (for pinned examples)."""
    return next(e for e in ENDPOINTS if e.method == method and e.path.endswith(path_end))


ADD_TYPE = endpoint("POST", "/types")
ADD_SNIPPET = endpoint("POST", "/snippets")
ADD_LANGUAGE = endpoint("POST", "/languages")
ADD_ENVIRONMENT = endpoint("POST", "/environments")
PUT_ENVIRONMENT = endpoint("PUT", "/environments/{environment_id}")
GET_LOCALE = endpoint("GET", "/environments/{environment_id}/locales/{locale_id}")
GET_TYPE = endpoint("GET", "/types/{type:kontent_identifier}")
LIST_SPACES = endpoint("GET", "/spaces")
LIST_TYPES = endpoint("GET", "/types")
TOKEN_2_63 = "eyJrIjoiY29udGVudF90eXBlIiwicyI6OTIyMzM3MjAzNjg1NDc3NTgwOH0"  # {"k":"content_type","s":2**63}

# -- the properties -------------------------------------------------------------------------------------------


@bounded(300)
@given(case=body_cases)
@example(case=(ADD_LANGUAGE, replace(("name",), b'"\xff\xfe"')))
@example(case=(ADD_ENVIRONMENT, replace(("name",), b'"a\\u0000b"')))
@example(case=(ADD_TYPE, replace_int(("elements", 0, "maximum_text_length", "value"), b"9223372036854775808")))
@example(case=(ADD_TYPE, replace(("content_groups",), nested(257, "mixed"))))
@example(case=(ADD_TYPE, replace(("content_groups",), nested(700, "mixed"))))
@example(case=(ADD_SNIPPET, replace(("elements",), nested(300, "mixed"))))
@example(case=(ADD_SNIPPET, replace(("elements",), nested(700, "mixed"))))
def test_hostile_bodies(probe: Probe, case: tuple[Endpoint, BodySpec]) -> None:
    """Type swaps of every sample field, invalid UTF-8 and NULs in strings, huge numbers, deep nesting."""
    endpoint, body = case
    probe.send(endpoint, body=body)


@bounded(200)
@given(case=path_cases)
@example(case=(PUT_ENVIRONMENT, PathSpec((None, ".."))))
@example(case=(PUT_ENVIRONMENT, PathSpec((None, "%2e%2e"))))
@example(case=(GET_LOCALE, PathSpec((None, None, "%00"))))
@example(case=(PUT_ENVIRONMENT, PathSpec((None, "a" * 65))))
@example(case=(GET_TYPE, PathSpec((None, "codename/"))))
def test_hostile_path_ids(probe: Probe, case: tuple[Endpoint, PathSpec]) -> None:
    """`%00`, control characters, invalid UTF-8, `.`/`..`/`%2e%2e`, long and odd ids in every path slot."""
    endpoint, path = case
    probe.send(endpoint, path=path)


@bounded(150)
@given(case=query_cases)
@example(case=(LIST_SPACES, QuerySpec((("skip", "9223372036854775808"),))))
@example(case=(LIST_SPACES, QuerySpec((("limit", "1_0"),))))
@example(case=(LIST_TYPES, QuerySpec((("continuationToken", TOKEN_2_63),))))
@example(case=(LIST_TYPES, QuerySpec((), continuation=TOKEN_2_63)))
def test_hostile_query_strings_and_tokens(probe: Probe, case: tuple[Endpoint, QuerySpec]) -> None:
    """Odd and huge `skip`/`limit`, garbage continuation tokens in the query and the header."""
    endpoint, query = case
    probe.send(endpoint, query=query)


@bounded(150)
@given(case=header_cases)
@example(case=(ADD_LANGUAGE, HeaderSpec(content_type="text/plain")))
@example(case=(ADD_ENVIRONMENT, HeaderSpec(content_type=MISSING)))
@example(case=(PUT_ENVIRONMENT, HeaderSpec(version="{v:fw}")))
def test_hostile_headers(probe: Probe, case: tuple[Endpoint, HeaderSpec]) -> None:
    """Missing and non-JSON Content-Types, odd version headers, odd source environments and credentials."""
    endpoint, headers = case
    probe.send(endpoint, headers=headers)


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "FOO"]


def test_every_method_on_every_route(probe: Probe) -> None:
    """Each route template with every method (allowed or not): the dialect's 404/405 or a real answer."""
    for path, params in sorted({(e.path, e.params) for e in ENDPOINTS}):
        for method in METHODS:
            probe.send(Endpoint(method, path, params))


Case = tuple[Endpoint, dict[str, Any]]
everything: st.SearchStrategy[Case] = st.one_of(
    body_cases.map(lambda c: (c[0], {"body": c[1]})),
    path_cases.map(lambda c: (c[0], {"path": c[1]})),
    query_cases.map(lambda c: (c[0], {"query": c[1]})),
    header_cases.map(lambda c: (c[0], {"headers": c[1]})),
)


@bounded(100)
@given(case=everything)
@example(case=(ADD_SNIPPET, {"body": replace(("elements",), nested(300, "mixed"))}))
def test_production_server(production_probe: Probe, case: Case) -> None:
    """A mix of all of the above through granian, the server `headwater serve` runs."""
    endpoint, specs = case
    production_probe.send(endpoint, **specs)


@pytest.mark.parametrize("size", [2_000, 9_000, 20_000, 60_000])
def test_production_server_long_urls(production_probe: Probe, size: int) -> None:
    """Long ids and query strings get an answer from the app (the dialect's 414 past its URL limit), not
    granian's empty one. (hyper itself caps the request target at 64 KiB; beyond that granian answers.)"""
    for route in (GET_TYPE, GET_LOCALE):
        production_probe.send(route, path=PathSpec((None,) * (len(route.params) - 1) + ("a" * size,)))
        production_probe.send(route, query=QuerySpec((("skip", "1" * size),)))
