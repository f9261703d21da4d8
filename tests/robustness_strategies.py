"""Hostile-input generators for the property-based robustness suite (tests/test_robustness_property.py).

Everything here is tenant-independent: strategies produce *specs* (which endpoint, which body mutation,
which path ids, query strings and headers), and the suite turns a spec into a concrete request against
its fresh tenant. Endpoints come from the application's own route table, so a route added later is
walked without new code; a known-good body per route (`SAMPLES`) lets the body strategies mutate the
fields the endpoint actually takes, and a route without a sample still gets a generic one.

The module also holds the raw HTTP client the suite sends with: `http.client`, because httpx
normalizes `.`/`..` path segments away and could not send them.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import re
import string
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

import msgspec
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from headwater.kontent.model import elements, taxonomies
from headwater.kontent.project import seed
from tests.support import served_routes

# Hypothesis' own caches (constants, Unicode tables) go to the temp dir, not `.hypothesis/` in the
# checkout; the suite keeps no example database (`database=None`).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "headwater-hypothesis")

KONTENT = "kontent"
CONTENTFUL = "contentful"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
WRITE_METHODS = BODY_METHODS | {"DELETE"}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# -- endpoints -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # the route template, e.g. /spaces/{space_id}/locales/{locale_id}
    params: tuple[str, ...]

    @property
    def dialect(self) -> str:
        kontent = self.path.startswith(("/v2/", "/v1/projects/")) or self.path == "/v2"
        return KONTENT if kontent else CONTENTFUL

    @property
    def takes_body(self) -> bool:
        return self.method in BODY_METHODS

    @property
    def writes(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def raw_body(self) -> bool:
        """Contentful uploads take the file's bytes as they are (`application/octet-stream`), not JSON."""
        return self.method == "POST" and self.path.endswith("/uploads")

    def __repr__(self) -> str:
        return f"{self.method} {self.path}"


_PARAM = re.compile(r"\{([^}:]+)(?::[^}]+)?\}")


def all_endpoints() -> list[Endpoint]:
    """Every (method, route) both dialects serve, from the app's own route table."""
    return [Endpoint(method, path, tuple(_PARAM.findall(path))) for method, path in served_routes()]


ENDPOINTS = all_endpoints()
BODY_ENDPOINTS = [e for e in ENDPOINTS if e.takes_body]
GET_ENDPOINTS = [e for e in ENDPOINTS if e.method == "GET"]

# -- known-good bodies --------------------------------------------------------------------------------

_unique = itertools.count(1)


def unique() -> str:
    """A fresh suffix, so a sample that succeeded once does not fail on a taken codename the next time."""
    return _base36(next(_unique))


def _base36(n: int) -> str:
    digits = string.digits + string.ascii_lowercase
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


# Objects every Kontent.ai tenant is seeded with (by the suite), named by `codename/…` in paths.
SEED_TAXONOMY = {
    "name": "Seed taxonomy",
    "codename": "seed_taxonomy",
    "terms": [{"name": "Seed term", "codename": "seed_term", "terms": []}],
}
SEED_SNIPPET = {
    "name": "Seed snippet",
    "codename": "seed_snippet",
    "elements": [{"name": "Seed text", "type": "text", "codename": "seed_snippet__text"}],
}
SEED_TYPE = {
    "name": "Seed type",
    "codename": "seed_type",
    "elements": [{"name": "Title", "type": "text", "codename": "title"}],
}


def _workflow(u: str, codename: str | None = None) -> Any:
    """A workflow limited to the seed type in the default collection: two steps, references by codename."""
    return {
        "name": f"Workflow {u}",
        "codename": codename or f"wf_{u}",
        "scopes": [{"content_types": [{"codename": "seed_type"}], "collections": [{"codename": "default"}]}],
        "steps": [
            {
                "name": "Write",
                "codename": "write",
                "color": "sky-blue",
                "transitions_to": [{"step": {"codename": "review"}}, {"step": {"codename": "archived"}}],
                "role_ids": [],
            },
            {
                "name": "Review",
                "codename": "review",
                "color": "rose",
                "transitions_to": [{"step": {"codename": "published"}}],
                "role_ids": ["e796887c-38a1-4ab2-a999-c40861bb7a4b"],
            },
        ],
        "published_step": {"unpublish_role_ids": [], "create_new_version_role_ids": []},
        "archived_step": {"role_ids": []},
    }


SEED_WORKFLOW = _workflow("seed", "seed_workflow")
SEED_ITEM = {"name": "Seed item", "codename": "seed_item", "type": {"codename": "seed_type"}}
SEED_VARIANT = {"elements": [{"element": {"codename": "title"}, "value": "Seed"}]}
KONTENT_SEEDS = {
    "taxonomies": SEED_TAXONOMY,
    "snippets": SEED_SNIPPET,
    "types": SEED_TYPE,
    "workflows": SEED_WORKFLOW,  # after types: its scope names the seed type
    "items": SEED_ITEM,
}


def _type(u: str) -> Any:
    group = {"codename": f"main_{u}"}
    return {
        "name": f"Sample type {u}",
        "codename": f"sample_type_{u}",
        "external_id": f"sample-type-{u}",
        "content_groups": [{"name": "Main", "codename": f"main_{u}", "external_id": f"main-{u}"}],
        "elements": [
            {
                "name": "Title",
                "codename": "title",
                "external_id": f"title-{u}",
                "type": "text",
                "guidelines": "Short.",
                "is_required": True,
                "is_non_localizable": False,
                "maximum_text_length": {"value": 60, "applies_to": "characters"},
                "validation_regex": {"regex": "^[a-z]+$", "flags": "i", "validation_message": "No.", "is_active": True},
                "default": {"global": {"value": "hello"}},
                "content_group": group,
            },
            {
                "name": "Body",
                "codename": "body",
                "type": "rich_text",
                "maximum_text_length": {"value": 500, "applies_to": "words"},
                "maximum_image_size": 1024,
                "image_width_limit": {"value": 100, "condition": "at_most"},
                "image_height_limit": {"value": 80, "condition": "exactly"},
                "allowed_content_types": [{"codename": "seed_type"}],
                "allowed_blocks": ["images", "text"],
                "allowed_formatting": ["unstyled", "bold"],
                "content_group": group,
            },
            {
                "name": "Count",
                "codename": "count",
                "type": "number",
                "default": {"global": {"value": 2.5}},
                "content_group": group,
            },
            {"name": "When", "codename": "when", "type": "date_time", "content_group": group},
            {
                "name": "Choice",
                "codename": "choice",
                "type": "multiple_choice",
                "mode": "single",
                "options": [{"name": "A", "codename": "a"}, {"name": "B", "codename": "b", "external_id": f"b-{u}"}],
                "default": {"global": {"value": [{"codename": "a"}]}},
                "content_group": group,
            },
            {
                "name": "Files",
                "codename": "files",
                "type": "asset",
                "asset_count_limit": {"value": 3, "condition": "at_least"},
                "maximum_file_size": 2048,
                "allowed_file_types": "adjustable",
                "content_group": group,
            },
            {
                "name": "Related",
                "codename": "related",
                "type": "modular_content",
                "item_count_limit": {"value": 2, "condition": "at_most"},
                "allowed_content_types": [{"codename": "seed_type"}],
                "content_group": group,
            },
            {
                "name": "Tags",
                "codename": "tags",
                "type": "taxonomy",
                "taxonomy_group": {"codename": "seed_taxonomy"},
                "term_count_limit": {"value": 1, "condition": "exactly"},
                "content_group": group,
            },
            {
                "name": "Slug",
                "codename": "slug",
                "type": "url_slug",
                "depends_on": {"element": {"codename": "title"}},
                "content_group": group,
            },
            {
                "name": "Widget",
                "codename": "widget",
                "type": "custom",
                "source_url": "https://example.com/widget",
                "json_parameters": "{}",
                "content_group": group,
            },
            {"type": "guidelines", "codename": "notes", "guidelines": "Read me.", "content_group": group},
            {"type": "snippet", "codename": "meta", "snippet": {"codename": "seed_snippet"}, "content_group": group},
        ],
    }


def _snippet(u: str) -> Any:
    code = f"sample_snippet_{u}"
    return {
        "name": f"Sample snippet {u}",
        "codename": code,
        "external_id": f"sample-snippet-{u}",
        "elements": [
            {
                "name": "Keywords",
                "codename": f"{code}__keywords",
                "type": "text",
                "maximum_text_length": {"value": 10, "applies_to": "words"},
            },
            {"name": "Weight", "type": "number", "is_required": False},
            {"name": "Image", "type": "asset", "maximum_file_size": 4096, "image_width_limit": None},
        ],
    }


def _element_patch(prefix: str, text: str, u: str) -> Any:
    """Rename, set properties of the seeded text element `text`, and add then remove an element."""
    added = f"{prefix}n_{u}"
    element = f"/elements/codename:{text}"
    return [
        {"op": "replace", "path": "/name", "value": f"Renamed {u}"},
        {"op": "replace", "path": f"{element}/maximum_text_length", "value": {"value": 10, "applies_to": "words"}},
        {"op": "replace", "path": f"{element}/guidelines", "value": f"Guidelines {u}"},
        {"op": "replace", "path": f"{element}/is_required", "value": False},
        {"op": "addInto", "path": "/elements", "value": {"name": "N", "type": "number", "codename": added}},
        {"op": "remove", "path": f"/elements/codename:{added}"},
    ]


_ENV = "/v2/projects/{environment_id}"
_LOCALE_FLAGS = {"optional": True, "contentDeliveryApi": True, "contentManagementApi": True, "default": False}
_DEFAULT_LOCALE = {
    "name": "English (United States)",
    "code": "en-US",
    "fallbackCode": None,
    "optional": False,
    "contentDeliveryApi": True,
    "contentManagementApi": True,
    "default": True,
}

# A known-good body per (method, route): the fields these endpoints take. `u` is a fresh suffix.
SAMPLES: dict[tuple[str, str], Callable[[str], Any]] = {
    ("PATCH", _ENV): lambda u: [{"op": "rename_environment", "value": f"Production {u}"}],
    ("POST", f"{_ENV}/languages"): lambda u: {
        "name": f"Language {u}",
        "codename": f"lang_{u}",
        "external_id": f"lang-{u}",
        "is_active": True,
        "fallback_language": {"codename": "default"},
    },
    ("PATCH", f"{_ENV}/languages/{{language:kontent_identifier}}"): lambda u: [
        {"op": "replace", "property_name": "name", "value": f"Default {u}"},
        {"op": "replace", "property_name": "is_active", "value": True},
    ],
    ("PATCH", f"{_ENV}/collections"): lambda u: [
        {
            "op": "addInto",
            "value": {"name": f"Collection {u}", "codename": f"coll_{u}", "external_id": f"coll-{u}"},
            "after": {"codename": "default"},
        },
        {"op": "replace", "reference": {"codename": f"coll_{u}"}, "property_name": "name", "value": "Renamed"},
        {"op": "move", "reference": {"codename": f"coll_{u}"}, "before": {"codename": "default"}},
        {"op": "remove", "reference": {"codename": f"coll_{u}"}},
    ],
    ("POST", f"{_ENV}/taxonomies"): lambda u: {
        "name": f"Taxonomy {u}",
        "codename": f"tax_{u}",
        "external_id": f"tax-{u}",
        "terms": [
            {"name": "A", "codename": f"a_{u}", "external_id": f"a-{u}", "terms": [{"name": "A1", "terms": []}]},
            {"name": "B", "terms": []},
        ],
    },
    ("PATCH", f"{_ENV}/taxonomies/{{taxonomy:kontent_identifier}}"): lambda u: [
        {
            "op": "addInto",
            "reference": {"codename": "seed_term"},
            "value": {"name": f"T {u}", "codename": f"t_{u}", "external_id": f"t-{u}", "terms": []},
        },
        {"op": "move", "reference": {"codename": f"t_{u}"}, "after": {"codename": "seed_term"}},
        {"op": "remove", "reference": {"codename": f"t_{u}"}},
        {"op": "replace", "property_name": "name", "value": "Seed taxonomy"},
    ],
    ("POST", f"{_ENV}/types"): _type,
    ("PATCH", f"{_ENV}/types/{{type:kontent_identifier}}"): lambda u: _element_patch("", "title", u),
    ("POST", f"{_ENV}/snippets"): _snippet,
    ("PATCH", f"{_ENV}/snippets/{{snippet:kontent_identifier}}"): lambda u: _element_patch(
        "seed_snippet__", "seed_snippet__text", u
    ),
    ("POST", f"{_ENV}/workflows"): _workflow,
    ("POST", f"{_ENV}/items"): lambda u: {
        "name": f"Item {u}",
        "codename": f"item_{u}",
        "external_id": f"item-{u}",
        "type": {"codename": "seed_type"},
        "collection": {"codename": "default"},
    },
    ("POST", f"{_ENV}/items-with-variant/filter"): lambda u: {
        "filters": {"search_phrase": f"x{u}", "content_types": [{"codename": "seed_type"}]},
        "order": {"by": "name", "direction": "asc"},
    },
    ("POST", f"{_ENV}/items-with-variant/bulk-get"): lambda u: {
        "variants": [{"item": {"codename": "seed_item"}, "language": {"codename": "default"}}]
    },
    ("PUT", f"{_ENV}/items/{{item:kontent_identifier}}"): lambda u: {
        "name": f"Seed item {u}",
        "codename": "seed_item",
        "collection": {"codename": "default"},
    },
    ("PUT", f"{_ENV}/items/{{item:kontent_identifier}}/variants/{{language:kontent_identifier}}"): lambda u: {
        "elements": [{"element": {"codename": "title"}, "value": f"Title {u}"}],
        "workflow": {"workflow_identifier": {"codename": "default"}, "step_identifier": {"codename": "draft"}},
        "due_date": {"value": "2030-01-01T00:00:00Z"},
        "note": f"Note {u}",
        "contributors": [{"email": "user@example.com"}],
    },
    ("PUT", f"{_ENV}/items/{{item:kontent_identifier}}/variants/{{language:kontent_identifier}}/publish"): lambda u: {
        "scheduled_to": "2099-01-01T00:00:00Z",
        "display_timezone": "Europe/Prague",
    },
    (
        "PUT",
        f"{_ENV}/items/{{item:kontent_identifier}}/variants/{{language:kontent_identifier}}/unpublish-and-archive",
    ): lambda u: {
        "scheduled_to": "2099-01-01T00:00:00Z",
        "display_timezone": "Europe/Prague",
    },
    (
        "PUT",
        f"{_ENV}/items/{{item:kontent_identifier}}/variants/{{language:kontent_identifier}}/change-workflow",
    ): lambda u: {
        "workflow_identifier": {"codename": "default"},
        "step_identifier": {"codename": "draft"},
    },
    (
        "PUT",
        f"{_ENV}/items/{{item:kontent_identifier}}/variants/{{language:kontent_identifier}}/schedule-publish-and-unpublish",
    ): lambda u: {
        "publish_scheduled_to": "2098-01-01T00:00:00Z",
        "publish_display_timezone": "Europe/Prague",
        "unpublish_scheduled_to": "2099-01-01T00:00:00Z",
        "unpublish_display_timezone": "Europe/Prague",
    },
    ("PUT", f"{_ENV}/workflows/{{workflow:kontent_identifier}}"): lambda u: _workflow(u, "seed_workflow"),
    ("POST", "/spaces"): lambda u: {"name": f"Space {u}", "defaultLocale": "en-US"},
    ("PUT", "/spaces/{space_id}"): lambda u: {"name": f"Space {u}"},
    ("POST", "/spaces/{space_id}/environments"): lambda u: {"name": f"Environment {u}"},
    ("PUT", "/spaces/{space_id}/environments/{environment_id}"): lambda u: {"name": "master"},
}
# The v1 item paths take the same bodies as their v2 counterparts.
for (_method, _path), _sample in list(SAMPLES.items()):
    if _path.startswith(f"{_ENV}/items"):
        SAMPLES[(_method, _path.replace("/v2/", "/v1/", 1))] = _sample
for _base in ("/spaces/{space_id}/environments/{environment_id}", "/spaces/{space_id}"):
    SAMPLES[("POST", f"{_base}/locales")] = lambda u: {
        "name": f"Locale {u}",
        "code": f"zz-{u}",
        "fallbackCode": "en-US",
        **_LOCALE_FLAGS,
    }
    SAMPLES[("PUT", f"{_base}/locales/{{locale_id}}")] = lambda u: dict(_DEFAULT_LOCALE)


def sample_for(endpoint: Endpoint) -> Callable[[str], Any]:
    """The route's known-good body; a route without one gets a generic named object."""
    return SAMPLES.get((endpoint.method, endpoint.path), lambda u: {"name": f"Sample {u}"})


# -- JSON field paths and type swaps -----------------------------------------------------------------

FieldPath = tuple[str | int, ...]


def field_paths(value: Any, prefix: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Every (path, value) in a JSON document, the root first."""
    yield prefix, value
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from field_paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from field_paths(inner, (*prefix, index))


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


SWAP_VALUES: list[Any] = [None, True, False, 0, 1, -1, 1.5, "", "text", [], ["text"], [None], {}, {"name": "x"}]


def other_type_values(value: Any) -> list[Any]:
    kind = json_type(value)
    return [v for v in SWAP_VALUES if json_type(v) != kind]


def is_int_field(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- hostile atoms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blob:
    """Bytes given by a short recipe, `prefix + open * count + middle + close * count + suffix`, so that
    failure reports show `Blob(b'[', 5000, …)` rather than the megabytes themselves."""

    open: bytes
    count: int
    middle: bytes = b""
    close: bytes = b""
    prefix: bytes = b""
    suffix: bytes = b""

    def __bytes__(self) -> bytes:
        return self.prefix + self.open * self.count + self.middle + self.close * self.count + self.suffix


Raw = bytes | Blob


def as_bytes(raw: Raw) -> bytes:
    return bytes(raw)


# Raw JSON string literals (quotes included): invalid UTF-8, NULs, lone surrogates, control characters.
HOSTILE_JSON_STRINGS: list[Raw] = [
    b'"\xff\xfe"',
    b'"caf\xc3"',
    b'"\xc3\x28"',
    b'"\xed\xa0\x80"',  # a UTF-8-encoded surrogate
    b'"\xc0\x80"',  # overlong NUL
    b'"\xf4\x90\x80\x80"',  # beyond U+10FFFF
    b'"\x80abc"',
    b'"\\u0000"',
    b'"a\\u0000b"',
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b'"x\\ud83d"',
    b'"\x00"',
    b'"\x01\x1f"',
    b'"\x7f"',
    b'"\\u0001\\u0002\\u001f\\u007f"',
    b'"\\t\\r\\n\\b\\f"',
    b'"\\u2028\\u2029\\u202e\\u200b\\ufeff"',
    b'"\\uffff\\ufffe"',
    b'"\xf0\x9f\x92\xa9"',
    b'"\\\\\\\\\\\\"',
    b'""',
    b'" "',
    b'"."',
    b'".."',
    b'"../../etc/passwd"',
    b'"%00"',
    Blob(b"x", 70000, prefix=b'"', suffix=b'"'),
]

# Raw JSON number literals (some deliberately not JSON).
HOSTILE_NUMBERS: list[bytes] = [
    b"9223372036854775807",
    b"9223372036854775808",
    b"18446744073709551615",
    b"18446744073709551616",
    b"-9223372036854775808",
    b"-9223372036854775809",
    b"-18446744073709551616",
    b"2147483648",
    b"4294967296",
    b"-1",
    b"0",
    b"-0",
    b"1e400",
    b"-1e400",
    b"1e-400",
    b"1.5",
    b"1.0",
    b"1E2",
    b"9.3e18",
    b"1" + b"0" * 400,
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"01",
    b"+1",
    b"0x10",
    b".5",
]

# Depths around every recursion limit the server may run under: Python's default 1000 (granian workers)
# and Hypothesis' raised one (about 2000 above the test's frame, which the in-thread server shares).
NESTING_DEPTHS = [64, 200, 300, 400, 490, 600, 800, 950, 1000, 1400, 1800, 2100, 5000, 100000]


def nested(depth: int, shape: str) -> Blob:
    if shape == "array":
        return Blob(b"[", depth, close=b"]")
    if shape == "object":
        return Blob(b'{"a":', depth, b"1", b"}")
    return Blob(b'[{"a":', depth, b"null", b"}]")


def json_literal(value: Any, ascii_only: bool) -> bytes:
    """`json.dumps` rather than msgspec: it can spell lone surrogates (as escapes)."""
    if ascii_only:
        return json.dumps(value, ensure_ascii=True).encode("ascii")
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


_any_char = st.characters(exclude_categories=())
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_any_char, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(_any_char, max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _bytes_in_string(raw: bytes) -> bytes:
    return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


hostile_strings: st.SearchStrategy[Raw] = st.one_of(
    st.sampled_from(HOSTILE_JSON_STRINGS),
    st.builds(json_literal, st.text(_any_char, max_size=30), st.booleans()),
    st.binary(max_size=30).map(_bytes_in_string),
)
hostile_numbers: st.SearchStrategy[bytes] = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers().map(lambda n: str(n).encode()),
    st.integers(min_value=2**63, max_value=2**80).map(lambda n: str(n).encode()),
)
deep_values: st.SearchStrategy[Blob] = st.builds(
    nested, st.sampled_from(NESTING_DEPTHS), st.sampled_from(["array", "object", "mixed"])
)

# -- body specs ----------------------------------------------------------------------------------------

_MARK = "__hw_robustness_marker__"
_MARK_JSON = b'"' + _MARK.encode() + b'"'
_KEY_MARK = "__hw_robustness_key__"


def _set(doc: Any, path: FieldPath, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        return {**doc, head: _set(doc[head], rest, value)}
    out = list(doc)
    assert isinstance(head, int)
    out[head] = _set(out[head], rest, value)
    return out


@dataclass(frozen=True)
class BodySpec:
    """How to build a request body from the route's sample.

    `kind`: `replace` (the value at `path` becomes the raw JSON `raw`), `add_key` (the object at `path`
    gains the member `raw_key: raw`), `raw` (the whole body is `raw`), `wrap` (the encoded sample with
    `prefix`/`suffix` and cut to `cut` bytes), `sample` (unchanged). `out_of_range` is set when an
    integer field of the sample gets an integer outside int64: such a write must be refused.
    """

    kind: str
    path: FieldPath = ()
    raw: Raw = b""
    raw_key: Raw = b""
    prefix: bytes = b""
    suffix: bytes = b""
    cut: int | None = None
    out_of_range: bool = False

    def render(self, sample: Any) -> bytes:
        raw = as_bytes(self.raw)
        if self.kind == "raw":
            return self.prefix + raw
        if self.kind == "sample":
            return msgspec.json.encode(sample)
        if self.kind == "wrap":
            encoded = msgspec.json.encode(sample)
            if self.cut is not None:
                encoded = encoded[: self.cut]
            return self.prefix + encoded + self.suffix
        if self.kind == "replace":
            return msgspec.json.encode(_set(sample, self.path, _MARK)).replace(_MARK_JSON, raw, 1)
        assert self.kind == "add_key"
        target = _get(sample, self.path)
        assert isinstance(target, dict)
        marked = _set(sample, self.path, {_KEY_MARK: _MARK, **target})
        member = b'"' + _KEY_MARK.encode() + b'":' + _MARK_JSON
        return msgspec.json.encode(marked).replace(member, as_bytes(self.raw_key) + b":" + raw, 1)


def replace(path: FieldPath, raw: Raw) -> BodySpec:
    """The value at `path` becomes the raw JSON `raw`."""
    return BodySpec("replace", path, raw=raw)


def replace_int(path: FieldPath, raw: bytes) -> BodySpec:
    """An integer field of the sample becomes the number literal `raw`."""
    return BodySpec("replace", path, raw=raw, out_of_range=_out_of_range(raw))


def add_key(path: FieldPath, key: Raw, raw: bytes) -> BodySpec:
    return BodySpec("add_key", path, raw=raw, raw_key=key)


def whole(prefix: bytes, raw: Raw) -> BodySpec:
    return BodySpec("raw", raw=raw, prefix=prefix)


def wrap(prefix: bytes, suffix: bytes, cut: int | None) -> BodySpec:
    """The encoded sample, cut to `cut` bytes, between `prefix` and `suffix`."""
    return BodySpec("wrap", prefix=prefix, suffix=suffix, cut=cut)


def swap(path: FieldPath, value: Any) -> BodySpec:
    """The value at `path` becomes `value`, a JSON value of another type."""
    return BodySpec("replace", path, raw=msgspec.json.encode(value))


def generated(path: FieldPath, value: Any, ascii_only: bool) -> BodySpec:
    return BodySpec("replace", path, raw=json_literal(value, ascii_only))


def _get(doc: Any, path: FieldPath) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _short(raw: bytes, limit: int = 120) -> str:
    return repr(raw[:limit]) + (f"…(+{len(raw) - limit} bytes)" if len(raw) > limit else "")


def _out_of_range(raw: bytes) -> bool:
    if not re.fullmatch(rb"-?(0|[1-9][0-9]*)", raw):
        return False
    return not INT64_MIN <= int(raw) <= INT64_MAX


def body_specs(endpoint: Endpoint) -> st.SearchStrategy[BodySpec]:
    """Hostile bodies for one endpoint, built around the fields its sample body has."""
    template = sample_for(endpoint)("0")
    paths = list(field_paths(template))
    object_paths = [p for p, v in paths if isinstance(v, dict)]
    int_paths = [p for p, v in paths if is_int_field(v)]
    string_paths = [p for p, v in paths if isinstance(v, str)] or [()]
    any_paths = [p for p, _ in paths]

    def swaps(item: tuple[FieldPath, Any]) -> st.SearchStrategy[BodySpec]:
        path, value = item
        return st.builds(swap, st.just(path), st.sampled_from(other_type_values(value)))

    options: list[st.SearchStrategy[BodySpec]] = [
        st.sampled_from(paths).flatmap(swaps),
        st.builds(replace, st.sampled_from(string_paths), hostile_strings),
        st.builds(replace, st.sampled_from(any_paths), hostile_numbers),
        st.builds(replace, st.sampled_from(any_paths), deep_values),
        st.builds(generated, st.sampled_from(any_paths), json_values, st.booleans()),
        st.builds(
            whole,
            st.sampled_from([b"", b" ", b"\xef\xbb\xbf", b"\xff\xfe"]),
            st.one_of(st.binary(max_size=64), deep_values, st.sampled_from(_RAW_BODIES)),
        ),
        st.builds(
            wrap,
            st.sampled_from([b"", b"\xef\xbb\xbf", b"\x00", b" \t\r\n", b"\xff"]),
            st.sampled_from([b"", b"\x00", b"garbage", b"}", b",", b"\xff", b"\n\n"]),
            st.none() | st.integers(min_value=0, max_value=200),
        ),
    ]
    if int_paths:
        options.append(st.builds(replace_int, st.sampled_from(int_paths), hostile_numbers))
    if object_paths:
        options.append(
            st.builds(
                add_key,
                st.sampled_from(object_paths),
                hostile_strings,
                st.sampled_from([b"1", b"null", b'"x"', b"{}", b"[]"]),
            )
        )
    return st.one_of(*options)


_RAW_BODIES: list[Raw] = [
    b"",
    b"{",
    b"null",
    b"[]",
    b"{}",
    b'"text"',
    b"12345678901234567890123456789",
    b"\xff\xfe\x00garbage",
    b'{"name":"\xff\xfe"}',
    b'{"name":"a\\u0000b"}',
    b'{"\\u0000":1}',
    b'{"name":"x","name":1}',
    b"name=x&code=y",
    b'\xff\xfe{\x00"\x00}\x00',  # UTF-16 LE
    Blob(b"[", 5000, close=b"]"),
    Blob(b"x", 4 * 1024 * 1024 + 16),  # over the body limit
]


def body_must_be_refused(body: bytes) -> str | None:
    """Why a write with this body can never succeed, if it certainly cannot: bodies that are not UTF-8, or
    hold U+0000 anywhere (the NUL rule)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not valid UTF-8"
    try:
        value = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return None
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return "the body holds U+0000"
        if isinstance(item, dict):
            if any("\x00" in key for key in item):
                return "the body holds U+0000"
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


# -- path ids ----------------------------------------------------------------------------------------------

HOSTILE_IDS: list[str] = [
    "%00",
    "a%00b",
    "master%00",
    "%01",
    "%1f",
    "%7f",
    "%09",
    "%0a",
    "%0d%0a",
    "%20",
    "%20master",
    ".",
    "..",
    "...",
    "%2e",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%ff",
    "%c3%28",
    "%ed%a0%80",
    "%c0%80",
    "%f4%90%80%80",
    "%e2%80%ae",
    "%ef%bc%91",
    "%2f",
    "%5c",
    "%3f",
    "%23",
    "%25",
    "%2500",
    "null",
    "0",
    "-1",
    "9223372036854775808",
    "00000000-0000-0000-0000-000000000000",
    "%7b00000000-0000-0000-0000-000000000000%7d",
    "codename/..",
    "codename/.",
    "codename/%00",
    "codename/%ff",
    "codename/%2e%2e",
    "external-id/%00",
    "external-id/..",
    "external-id/%ff",
    "codename/",
    "external-id/",
    "a" * 65,
    "a" * 300,
    "a" * 3000,
]


def _encode_segment(raw: bytes) -> str:
    return quote(raw, safe="")


hostile_ids: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(HOSTILE_IDS),
    st.binary(min_size=1, max_size=24).map(_encode_segment),
    st.text(_any_char, min_size=1, max_size=24).map(lambda t: _encode_segment(t.encode("utf-8", "surrogatepass"))),
)


def id_must_not_resolve(raw_segment: str) -> str | None:
    """Why a path id can never name (or create) anything: a whole segment `.`/`..`, or, anywhere in it,
    U+0000 or invalid UTF-8; in a plain id (not `codename/…`, `external-id/…`) any control character."""
    decoded = unquote_to_bytes(raw_segment)
    if decoded in (b".", b".."):
        return "a dot segment"
    if b"\x00" in decoded:
        return "U+0000"
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid UTF-8"
    plain = not text.startswith(("codename/", "external-id/"))
    if plain and any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return "a control character"
    return None


@dataclass(frozen=True)
class PathSpec:
    """One value per path parameter: None is the tenant's real object, a string is sent as it is."""

    values: tuple[str | None, ...]


def path_specs(endpoint: Endpoint) -> st.SearchStrategy[PathSpec]:
    if not endpoint.params:
        return st.just(PathSpec(()))
    slots = [st.none() | hostile_ids for _ in endpoint.params]
    # At least one slot hostile, so every example tests something.
    return st.tuples(*slots).filter(lambda values: any(v is not None for v in values)).map(PathSpec)


# -- query strings -----------------------------------------------------------------------------------------

KONTENT_KINDS = [seed.LANGUAGE, seed.COLLECTION, taxonomies.TAXONOMY, elements.CONTENT_TYPE, elements.SNIPPET]
ODD_NUMBERS: list[str] = [
    "1_0",
    "+1",
    " 1",
    "1 ",
    "１",
    "١",
    "0x10",
    "1e3",
    "1.0",
    "-0",
    "-1",
    "",
    "00001",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "-9223372036854775809",
    "9" * 400,
    "\x00",
    "1\x00",
    "NaN",
    "inf",
]
STRICT_INT = re.compile(r"[0-9]+")


def _b64(raw: bytes, urlsafe: bool = True, pad: bool = False) -> str:
    encoded = (base64.urlsafe_b64encode if urlsafe else base64.standard_b64encode)(raw).decode("ascii")
    return encoded if pad else encoded.rstrip("=")


_SEQS: list[Any] = [0, 1, -1, 2**63 - 1, 2**63, 2**64, 10**30, 1.5, "1", None, True, [], {}]
tokens: st.SearchStrategy[str] = st.one_of(
    st.builds(
        lambda k, s, urlsafe, pad: _b64(msgspec.json.encode({"k": k, "s": s}), urlsafe, pad),
        st.sampled_from([*KONTENT_KINDS, "", "x", None, 1]),
        st.sampled_from(_SEQS) | st.integers(),
        st.booleans(),
        st.booleans(),
    ),
    st.sampled_from(
        [
            _b64(b'{"k":"language","s":1e400}'),
            _b64(b'{"k":"language","s":18446744073709551616}'),
            _b64(b'{"k":"language","s":' + b"9" * 100 + b"}"),
            _b64(b'{"k":"language\\u0000","s":1}'),
            _b64(b'{"k":"\xff","s":1}'),
            _b64(b"\xff\xfe\xfd"),
            _b64(b"[" * 3000 + b"]" * 3000),
            _b64(b"[]"),
            _b64(b"null"),
            _b64(b'{"k":"language","s":1,"s":2}'),
            "=",
            "====",
            "!!!",
            "a" * 513,
            "eyJrIjoibGFuZ3VhZ2UiLCJzIjo5MjIzMzcyMDM2ODU0Nzc1ODA4fQ",
        ]
    ),
    st.text(_any_char, max_size=40),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
)


@dataclass(frozen=True)
class QuerySpec:
    """Query pairs (decoded text; percent-encoded when sent) and an optional `x-continuation` header."""

    pairs: tuple[tuple[str, str], ...]
    continuation: str | None = None

    def query_string(self) -> str:
        return "&".join(
            f"{quote(k.encode('utf-8', 'surrogatepass'), safe='')}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}"
            for k, v in self.pairs
        )


_query_values = st.one_of(st.sampled_from(ODD_NUMBERS), st.integers().map(str), tokens)
_query_names = st.sampled_from(["skip", "limit", "continuationToken", "order", "select", "query", "", "skip\x00"])
query_specs: st.SearchStrategy[QuerySpec] = st.builds(
    QuerySpec,
    st.lists(st.tuples(_query_names, _query_values), min_size=0, max_size=4).map(tuple)
    | st.tuples(st.tuples(st.sampled_from(["skip", "limit"]), st.sampled_from(ODD_NUMBERS))),
    st.none() | tokens.filter(lambda t: all(0x20 <= ord(c) <= 0xFF and ord(c) != 0x7F for c in t)),
)


def odd_skip_or_limit(spec: QuerySpec) -> str | None:
    """A `skip`/`limit` given once whose value is not plain ASCII digits: a paginated list must refuse it."""
    for name in ("skip", "limit"):
        values = [v for k, v in spec.pairs if k == name]
        if len(values) == 1 and values[0] != "" and not STRICT_INT.fullmatch(values[0]):
            return f"{name}={values[0]!r}"
    return None


# -- headers ---------------------------------------------------------------------------------------------

DIALECT = "<the dialect's own>"
MISSING = "<missing>"
CURRENT = "<current version>"
CONTENT_TYPES: list[str] = [
    DIALECT,
    MISSING,
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/octet-stream",
    "application/json; charset=utf-8",
    "application/json; charset=latin-1",
    "APPLICATION/JSON",
    "application/jsonx",
    "application/json, text/plain",
    "application/vnd.contentful.management.v1+json",
    "application/merge-patch+json",
    "text/json",
    "json",
    "*/*",
    "",
    "\xff/\xfe",
]
NON_JSON_MEDIA_TYPES = frozenset(
    {
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/xml",
        "application/octet-stream",
    }
)


def content_type_refused(content_type: str, raw_body: bool = False) -> str | None:
    """Why a write with a body and this Content-Type must be refused, if it certainly must (a raw-bytes
    endpoint takes only `application/octet-stream`)."""
    if raw_body:
        media_type = content_type.split(";", 1)[0].strip().lower() if content_type != MISSING else ""
        return None if media_type == "application/octet-stream" else f"raw bytes sent as {content_type!r}"
    if content_type == MISSING:
        return "a body without a Content-Type"
    if content_type.split(";", 1)[0].strip().lower() in NON_JSON_MEDIA_TYPES:
        return f"a body sent as {content_type!r}"
    return None


VERSIONS: list[str] = [CURRENT, MISSING, "0", "-1", "+{v}", "{v}.0", "{v}_0", "{v:fw}", "0{v}", "", "abc", "1e3"]
VERSIONS += ["9223372036854775807", "9223372036854775808", "18446744073709551616", "9" * 400]


def spell_version(template: str, current: int) -> str:
    """A version template (`+{v}`, `{v:fw}` for full-width digits) filled with the current version."""
    if template == CURRENT:
        return str(current)
    fullwidth = str(current).translate({ord(d): 0xFF10 + int(d) for d in string.digits})
    return template.replace("{v:fw}", fullwidth).replace("{v}", str(current))


def version_refused(template: str) -> bool:
    """Spellings of the current version that are not plain ASCII digits (`+1`, `１`, `1.0`)."""
    return template in ("+{v}", "{v}.0", "{v:fw}")


EXTRA_HEADERS: list[tuple[str, str]] = [
    ("X-Contentful-Source-Environment", ".."),
    ("X-Contentful-Source-Environment", "%00"),
    ("X-Contentful-Source-Environment", "\xff"),
    ("X-Contentful-Source-Environment", "a" * 300),
    ("X-Contentful-Organization", ".."),
    ("X-Contentful-Organization", "\xff\xfe"),
    ("Authorization", "Bearer"),
    ("Authorization", "Bearer \xff\xfe"),
    ("Authorization", "bearer x"),
    ("Authorization", "Basic Zm9vOmJhcg=="),
    ("Content-Encoding", "gzip"),
    ("Accept", "text/html"),
    ("Accept-Charset", "latin-1"),
]


@dataclass(frozen=True)
class HeaderSpec:
    content_type: str = DIALECT
    version: str = CURRENT
    extra: tuple[tuple[str, str], ...] = field(default=())


header_specs: st.SearchStrategy[HeaderSpec] = st.builds(
    HeaderSpec,
    st.sampled_from(CONTENT_TYPES),
    st.sampled_from(VERSIONS),
    st.lists(st.sampled_from(EXTRA_HEADERS), max_size=1, unique=True).map(tuple),
)

# -- a raw HTTP client ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query exactly as sent (ASCII, percent-encoded)
    headers: tuple[tuple[str, str], ...]  # values are latin-1 text, sent byte for byte
    body: bytes | None

    def describe(self) -> str:
        shown = [
            (k, "<token>" if k.lower() == "authorization" and v.startswith("Bearer ") else v) for k, v in self.headers
        ]
        body = "none" if self.body is None else _short(self.body, 300)
        return f"{self.method} {_shorten(self.target)}\n  headers: {shown}\n  body: {body}"


def _shorten(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + f"…(+{len(text) - limit} chars)"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def describe(self) -> str:
        return f"{self.status} content-type={self.headers.get('content-type')!r} body={_short(self.body, 300)}"


def header_bytes(value: str) -> bytes:
    """Latin-1 text is sent byte for byte (`\xff` is the byte 0xFF); anything wider as UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


class RawHttp:
    """HTTP/1.1 over one keep-alive connection; sends paths and headers exactly as given."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        assert parts.hostname is not None and parts.port is not None
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def send(self, request: Request) -> Reply:
        for attempt in (1, 2):
            reused = self.conn.sock is not None
            try:
                return self._send(request)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                # An idle keep-alive connection the server closed: retry once on a new one.
                if not reused or attempt == 2:
                    raise
            except BaseException:
                self.conn.close()
                raise
        raise AssertionError("unreachable")

    def _send(self, request: Request) -> Reply:
        conn = self.conn
        conn.putrequest(request.method, request.target, skip_accept_encoding=True)
        for name, value in request.headers:
            conn.putheader(name, header_bytes(value))
        if request.body is not None:
            conn.putheader("Content-Length", str(len(request.body)))
        try:
            conn.endheaders(request.body)
        except (BrokenPipeError, ConnectionResetError):
            # The server answered before reading the whole body (e.g. 413 on Content-Length) and
            # closed; its answer may still be waiting in the socket.
            if not request.body:
                raise
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        if response.will_close:
            conn.close()
        return Reply(response.status, headers, body)

    def close(self) -> None:
        self.conn.close()
