"""The raw-input rules every endpoint inherits (issue 8): invalid UTF-8, U+0000, numbers past 64 bits
and other non-numbers, media types, and ids made of dots. Each runs over real HTTP on both backends,
and each rejected write is checked to leave stored data as it was."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from http.client import HTTPConnection
from typing import Any

import httpx
import pytest

from tests.support import LiveServer, contentful_headers, kontent_headers

CONTENTFUL_MEDIA = "application/vnd.contentful.management.v1+json"


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


class Tenants:
    """One Kontent.ai project and one Contentful space with helpers to read their state."""

    def __init__(self, http: httpx.Client, project: dict[str, Any], space: dict[str, Any]) -> None:
        self.http = http
        self.env = project["environment_id"]
        self.key = project["management_api_key"]
        self.space_id = space["space_id"]
        self.token = space["cma_token"]

    def k(self, suffix: str) -> str:
        return f"/v2/projects/{self.env}{suffix}"

    def c(self, suffix: str = "") -> str:
        return f"/spaces/{self.space_id}{suffix}"

    def kh(self, **extra: str) -> dict[str, str]:
        return {**kontent_headers(self.key), **extra}

    def ch(self, **extra: str) -> dict[str, str]:
        return contentful_headers(self.token, **extra)

    def kontent_state(self) -> list[Any]:
        out = []
        for suffix in ("/languages", "/types", "/snippets", "/taxonomies", "/collections"):
            r = self.http.get(self.k(suffix), headers=self.kh())
            assert r.status_code == 200, r.text
            out.append(r.json())
        return out

    def contentful_state(self) -> list[Any]:
        out = []
        for suffix in ("", "/environments", "/environments/master/locales"):
            r = self.http.get(self.c(suffix), headers=self.ch())
            assert r.status_code == 200, r.text
            out.append(r.json())
        return out


@pytest.fixture
def t(http: httpx.Client, project: dict[str, Any], space: dict[str, Any]) -> Tenants:
    return Tenants(http, project, space)


def kontent_error(r: httpx.Response, status: int, code: int | None = None) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert {"request_id", "error_code", "message"} <= set(body), body
    if code is not None:
        assert body["error_code"] == code, body
    return body


def contentful_error(r: httpx.Response, status: int, error_id: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"] == CONTENTFUL_MEDIA
    body: dict[str, Any] = r.json()
    assert body["sys"] == {"type": "Error", "id": error_id}, body
    assert body["requestId"]
    return body


# -- invalid UTF-8 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b'{"name":"\xff\xfe","elements":[]}', b'{"name":"ok","codename":"\xc3","elements":[]}', b'{"\xff":1}'],
)
def test_invalid_utf8_in_a_kontent_body_is_400(t: Tenants, body: bytes) -> None:
    before = t.kontent_state()
    for suffix in ("/types", "/snippets", "/languages", "/taxonomies"):
        r = t.http.post(t.k(suffix), headers=t.kh(), content=body)
        error = kontent_error(r, 400, 5)
        assert "UTF-8" in json.dumps(error["validation_errors"]), error
    assert t.kontent_state() == before


@pytest.mark.parametrize("body", [b'{"name":"\xff"}', b'{"name":"caf\xe9","code":"de"}'])
def test_invalid_utf8_in_a_contentful_body_is_400(t: Tenants, body: bytes) -> None:
    before = t.contentful_state()
    for method, suffix in [
        ("POST", "/environments"),
        ("POST", "/environments/master/locales"),
        ("PUT", "/environments/staging"),
    ]:
        r = t.http.request(method, t.c(suffix), headers=t.ch(), content=body)
        assert "UTF-8" in contentful_error(r, 400, "BadRequest")["message"]
    r = t.http.post("/spaces", headers=t.ch(), content=body)
    contentful_error(r, 400, "BadRequest")
    r = t.http.put(t.c(), headers=t.ch(**{"X-Contentful-Version": "1"}), content=body)
    contentful_error(r, 400, "BadRequest")
    assert t.contentful_state() == before


# -- U+0000 ---------------------------------------------------------------------------------------


def test_nul_in_kontent_bodies_is_400_and_stores_nothing(t: Tenants) -> None:
    before = t.kontent_state()
    bodies = [
        ("/languages", {"name": "German", "codename": "de", "external_id": "de\u0000x"}),
        ("/languages", {"name": "Ger\u0000man", "codename": "de"}),
        ("/types", {"name": "Article", "elements": [{"type": "text", "name": "T\u0000"}]}),
        ("/taxonomies", {"name": "Tags", "terms": [], "external_id": "\u0000"}),
        ("/snippets", {"name": "Meta", "elements": [], "\u0000key": 1}),
    ]
    for suffix, body in bodies:
        r = t.http.post(t.k(suffix), headers=t.kh(), content=json.dumps(body))
        error = kontent_error(r, 400, 5)
        assert "U+0000" in json.dumps(error), error
    r = t.http.patch(
        t.k("/collections"),
        headers=t.kh(),
        content=json.dumps([{"op": "addInto", "value": {"name": "A\u0000", "codename": "a"}}]),
    )
    kontent_error(r, 400, 5)
    assert t.kontent_state() == before


def test_nul_in_contentful_bodies_is_400_and_stores_nothing(t: Tenants) -> None:
    before = t.contentful_state()
    name = json.dumps({"name": "a\u0000b"})
    for method, path, headers in [
        ("POST", "/spaces", t.ch()),
        ("PUT", t.c(), t.ch(**{"X-Contentful-Version": "1"})),
        ("POST", t.c("/environments"), t.ch()),
        ("PUT", t.c("/environments/staging"), t.ch()),
        ("POST", t.c("/environments/master/locales"), t.ch()),
    ]:
        r = t.http.request(method, path, headers=headers, content=name)
        assert "U+0000" in contentful_error(r, 400, "BadRequest")["message"]
    assert t.contentful_state() == before


def test_an_escaped_backslash_before_u0000_is_just_text(t: Tenants) -> None:
    """`"a\\\\u0000"` is the six characters `a\\u0000`, not a NUL: no false positives."""
    r = t.http.post(t.k("/languages"), headers=t.kh(), content=b'{"name": "X\\\\u0000", "codename": "xx"}')
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "X\\u0000"


@pytest.mark.parametrize(
    "suffix",
    ["/types/codename/%00", "/types/%00", "/languages/codename/a%00b", "/taxonomies/external-id/%00", "/snippets/%00"],
)
def test_nul_in_kontent_paths_is_400(t: Tenants, suffix: str) -> None:
    for method in ("GET", "DELETE"):
        r = t.http.request(method, t.k(suffix), headers=t.kh())
        assert "U+0000" in kontent_error(r, 400, 0)["message"]


def test_nul_in_contentful_paths_and_queries_is_400(t: Tenants) -> None:
    before = t.contentful_state()
    for method, suffix in [
        ("PUT", "/environments/%00"),
        ("GET", "/environments/%00"),
        ("DELETE", "/environments/%00"),
        ("GET", "/environments/master/locales/%00"),
        ("GET", "/environments/a%00/locales"),
    ]:
        r = t.http.request(method, t.c(suffix), headers=t.ch(), content=b'{"name": "x"}')
        contentful_error(r, 400, "BadRequest")
    r = t.http.get("/spaces/%00", headers=t.ch())
    contentful_error(r, 400, "BadRequest")
    r = t.http.get("/spaces?skip=%00", headers=t.ch())
    contentful_error(r, 400, "BadRequest")
    assert t.contentful_state() == before


def test_nul_in_a_kontent_query_is_400(t: Tenants) -> None:
    r = t.http.get(t.k("/types?continuationToken=%00"), headers=t.kh())
    kontent_error(r, 400, 0)


# -- numbers --------------------------------------------------------------------------------------

NOT_NUMBERS = ["9223372036854775808", "18446744073709551616", "1" * 40, "-1", "1_0", "+1", " 1", "1 ", "１", "1.0", "²"]


def test_contentful_skip_and_limit_accept_only_bounded_ascii_digits(t: Tenants) -> None:
    lists = ["/spaces", t.c("/environments"), t.c("/environments/master/locales"), t.c("/locales"), "/organizations"]
    for path in lists:
        for name in ("skip", "limit"):
            for raw in NOT_NUMBERS:
                r = t.http.get(path, params={name: raw}, headers=t.ch())
                body = contentful_error(r, 400, "InvalidQuery")
                assert name in body["message"]
        r = t.http.get(path, params={"skip": str(2**63 - 1), "limit": str(2**63 - 1)}, headers=t.ch())
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [] and r.json()["skip"] == 2**63 - 1 and r.json()["limit"] == 1000


def continuation(kind: str, seq: Any) -> str:
    payload = json.dumps({"k": kind, "s": seq}).encode()
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode()


@pytest.mark.parametrize("seq", [2**63, 2**64, 10**30, -1, 1.5, "1", None, True])
def test_kontent_continuation_tokens_past_64_bits_are_1007(t: Tenants, seq: Any) -> None:
    for suffix, kind in [("/types", "type"), ("/languages", "language"), ("/snippets", "snippet")]:
        token = continuation(kind, seq)
        r = t.http.get(t.k(suffix), params={"continuationToken": token}, headers=t.kh())
        kontent_error(r, 400, 1007)
        r = t.http.get(t.k(suffix), headers=t.kh(**{"x-continuation": token}))
        kontent_error(r, 400, 1007)


def test_kontent_continuation_token_at_the_64_bit_edge_is_an_empty_last_page(t: Tenants) -> None:
    r = t.http.get(t.k("/languages"), headers=t.kh(**{"x-continuation": continuation("language", 2**63 - 1)}))
    assert r.status_code == 200, r.text
    assert r.json() == {"languages": [], "pagination": {"continuation_token": None, "next_page": None}}


@pytest.mark.parametrize("raw", ["+1", "1_0", "１", "9223372036854775808", "-1", "x"])
def test_contentful_version_header_must_be_ascii_digits(t: Tenants, raw: str) -> None:
    before = t.contentful_state()
    headers: dict[str, str | bytes] = {**t.ch(), "X-Contentful-Version": raw.encode()}
    r = t.http.put(t.c(), headers=headers, json={"name": "renamed"})
    contentful_error(r, 400, "BadRequest")
    assert t.contentful_state() == before


# -- media types ----------------------------------------------------------------------------------

WRONG_MEDIA = [
    ("text/plain", b'{"name": "German", "codename": "de"}'),
    ("application/x-www-form-urlencoded", b"name=German&codename=de"),
    ("multipart/form-data; boundary=x", b"--x\r\n\r\n--x--"),
    ("application/xml", b"<x/>"),
    (None, b'{"name": "German", "codename": "de"}'),
]


@pytest.mark.parametrize(("media", "body"), WRONG_MEDIA)
def test_kontent_bodies_need_a_json_media_type(t: Tenants, media: str | None, body: bytes) -> None:
    before = t.kontent_state()
    headers = {"Authorization": f"Bearer {t.key}"}
    if media is not None:
        headers["Content-Type"] = media
    for method, suffix in [("POST", "/languages"), ("POST", "/types"), ("PATCH", "/collections")]:
        r = t.http.request(method, t.k(suffix), headers=headers, content=body)
        assert "Content-Type" in kontent_error(r, 415, 0)["message"]
    assert t.kontent_state() == before


@pytest.mark.parametrize(("media", "body"), WRONG_MEDIA)
def test_contentful_bodies_need_a_json_media_type(t: Tenants, media: str | None, body: bytes) -> None:
    before = t.contentful_state()
    headers = {"Authorization": f"Bearer {t.token}"}
    if media is not None:
        headers["Content-Type"] = media
    for method, suffix in [("POST", "/environments/master/locales"), ("POST", "/environments")]:
        r = t.http.request(method, t.c(suffix), headers=headers, content=body)
        contentful_error(r, 415, "UnsupportedMediaType")
    assert t.contentful_state() == before


@pytest.mark.parametrize(
    "media", ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "text/json"]
)
def test_kontent_accepts_json_media_types(t: Tenants, media: str) -> None:
    body = {"name": "German", "codename": "de"}
    headers = {"Authorization": f"Bearer {t.key}", "Content-Type": media}
    r = t.http.post(t.k("/languages"), headers=headers, content=json.dumps(body))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    "media", [CONTENTFUL_MEDIA, "application/json", "application/vnd.contentful.management.v1+json; charset=utf-8"]
)
def test_contentful_accepts_json_media_types(t: Tenants, media: str) -> None:
    headers = {"Authorization": f"Bearer {t.token}", "Content-Type": media}
    r = t.http.post(t.c("/environments/master/locales"), headers=headers, json={"name": "German", "code": "de"})
    assert r.status_code == 201, r.text


def test_bodiless_requests_need_no_media_type(t: Tenants) -> None:
    """Deletes and gets carry no body; no Content-Type is needed there."""
    r = t.http.post(t.c("/environments"), headers=t.ch(), json={"name": "tmp"})
    assert r.status_code == 201, r.text
    env_id = r.json()["sys"]["id"]
    r = t.http.delete(t.c(f"/environments/{env_id}"), headers={"Authorization": f"Bearer {t.token}"})
    assert r.status_code == 204, r.text


# -- ids made of dots -----------------------------------------------------------------------------


@pytest.mark.parametrize("env_id", ["%2e%2e", "%2E%2E", ".", "%2e", "...", ".%2e"])
def test_environment_ids_of_only_dots_are_refused(t: Tenants, env_id: str) -> None:
    before = t.contentful_state()
    r = t.http.put(t.c(f"/environments/{env_id}"), headers=t.ch(), json={"name": "dots"})
    assert r.status_code in (404, 422), r.text
    if r.status_code == 422:
        errors = contentful_error(r, 422, "ValidationFailed")["details"]["errors"]
        assert errors[0]["path"] == "sys.id", errors
    else:
        contentful_error(r, 404, "UnknownRoute")
    assert t.contentful_state() == before


@pytest.mark.parametrize("segment", ["..", "."])
def test_unencoded_dot_segments_never_become_environments(server: LiveServer, t: Tenants, segment: str) -> None:
    """A raw request line (no client-side normalisation) with `.`/`..` as the environment id."""
    before = t.contentful_state()
    conn = HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        path = f"/spaces/{t.space_id}/environments/{segment}"
        conn.request("PUT", path, body=b'{"name": "dots"}', headers=t.ch())
        response = conn.getresponse()
        status, raw = response.status, response.read()
    finally:
        conn.close()
    assert 400 <= status < 500, (status, raw)
    assert json.loads(raw)["sys"]["type"] == "Error"
    assert t.contentful_state() == before
    envs = t.http.get(t.c("/environments"), headers=t.ch()).json()["items"]
    assert [e["sys"]["id"] for e in envs] == ["master"]


def test_dots_inside_an_id_stay_valid(t: Tenants) -> None:
    r = t.http.put(t.c("/environments/release.1"), headers=t.ch(), json={"name": "Release 1"})
    assert r.status_code == 201, r.text
    assert r.json()["sys"]["id"] == "release.1"


# -- nesting and trailing slashes (found by the property suite) ------------------------------------


def nested(depth: int) -> str:
    """`depth` steps of `[{"a": …}]` as JSON text (json.dumps itself recurses too deeply for 900)."""
    return '[{"a": ' * depth + "null" + "}]" * depth


@pytest.mark.parametrize("depth", [129, 240, 460, 900])
def test_json_nested_past_256_levels_is_400_everywhere(t: Tenants, depth: int) -> None:
    """`[{"a": …}]` is two levels per step: 129 steps is just past the limit; 460 once crashed the
    element copier of types and snippets with a RecursionError (500)."""
    before_k, before_c = t.kontent_state(), t.contentful_state()
    deep = nested(depth)
    for suffix, body in [
        ("/types", '{"name": "T", "content_groups": DEEP, "elements": []}'.replace("DEEP", deep)),
        ("/types", '{"name": "T", "elements": [{"name": "x", "type": "text", "guidelines": %}]}'.replace("%", deep)),
        ("/snippets", '{"name": "S", "elements": DEEP}'.replace("DEEP", deep)),
        ("/languages", '{"name": "L", "codename": "l", "external_id": DEEP}'.replace("DEEP", deep)),
    ]:
        r = t.http.post(t.k(suffix), headers=t.kh(), content=body)
        assert "nested too deeply" in json.dumps(kontent_error(r, 400, 5)), r.text
    r = t.http.post(t.c("/environments/master/locales"), headers=t.ch(), content='{"name": DEEP}'.replace("DEEP", deep))
    assert "nested too deeply" in contentful_error(r, 400, "BadRequest")["message"]
    assert (t.kontent_state(), t.contentful_state()) == (before_k, before_c)


def test_json_at_the_depth_limit_is_judged_by_the_endpoint(t: Tenants) -> None:
    body = '{"name": "S", "elements": DEEP}'.replace("DEEP", nested(127))
    r = t.http.post(t.k("/snippets"), headers=t.kh(), content=body)
    assert "nested too deeply" not in r.text
    kontent_error(r, 400, 5)


@pytest.mark.parametrize(
    "suffix", ["/types/", "/types/codename/", "/", "/languages/codename/default/", "/collections/"]
)
def test_trailing_slashes_are_unknown_kontent_routes_not_redirects(t: Tenants, suffix: str) -> None:
    r = t.http.get(t.k(suffix), headers=t.kh())
    kontent_error(r, 404, 0)
    assert "location" not in r.headers


@pytest.mark.parametrize("suffix", ["/", "/environments/", "/environments/master/locales/"])
def test_trailing_slashes_are_unknown_contentful_routes_not_redirects(t: Tenants, suffix: str) -> None:
    for method in ("GET", "PUT"):
        r = t.http.request(method, t.c(suffix), headers=t.ch(), json={"name": "x"})
        contentful_error(r, 404, "UnknownRoute")
        assert "location" not in r.headers
