"""Collections over real HTTP: the ordered list and every patch operation, including every error path."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from headwater.platform import ids
from tests.support import LiveServer, kontent_headers

ZERO = "00000000-0000-0000-0000-000000000000"
DEFAULT = {"id": ZERO, "name": "Default", "codename": "default"}
INVALID_BODY = (
    "The provided request body is invalid. See the 'validation_errors' attribute for more information and "
    "specify a valid JSON object."
)
NOT_FOUND = "The referenced object was not found."
KONTENT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")


class Api:
    def __init__(self, http: httpx.Client, project: dict[str, Any]) -> None:
        self.http = http
        self.headers = kontent_headers(project["management_api_key"])
        self.url = f"/v2/projects/{project['environment_id']}/collections"

    def get(self) -> dict[str, Any]:
        r = self.http.get(self.url, headers=self.headers)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def collections(self) -> list[dict[str, Any]]:
        collections: list[dict[str, Any]] = self.get()["collections"]
        return collections

    def codenames(self) -> list[str]:
        return [c["codename"] for c in self.collections()]

    def patch(self, body: Any) -> httpx.Response:
        return self.http.patch(self.url, headers=self.headers, json=body)

    def ok(self, *operations: dict[str, Any]) -> dict[str, Any]:
        r = self.patch(list(operations))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Api]:
    with server.client() as http:
        yield Api(http, project)


def add(name: str, **extra: Any) -> dict[str, Any]:
    operation: dict[str, Any] = {"op": "addInto", "value": {"name": name}}
    for key in ("codename", "external_id"):
        if key in extra:
            operation["value"][key] = extra.pop(key)
    return {**operation, **extra}


def assert_invalid_operation(r: httpx.Response, index: int, message: str) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert set(body) == {"request_id", "error_code", "message", "validation_errors"}
    assert body["error_code"] == 5 and body["message"] == INVALID_BODY
    assert body["validation_errors"] == [{"message": f"Invalid operation with index '{index}': {message}"}]


# -- list --------------------------------------------------------------------------------------------


def test_new_environment_has_the_default_collection(api: Api) -> None:
    r = api.http.get(api.url, headers=api.headers)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"collections", "last_modified"}
    assert body["collections"] == [DEFAULT]
    assert KONTENT_TIME.match(body["last_modified"])


# -- addInto -----------------------------------------------------------------------------------------


def test_add_into_appends_and_generates_codenames(api: Api) -> None:
    before = api.get()["last_modified"]
    time.sleep(0.002)
    body = api.ok(add("US branch"), add("Marketing", codename="mkt", external_id="marketing-ext"))
    us_branch, marketing = body["collections"][1:]
    assert body["collections"][0] == DEFAULT
    assert us_branch == {"id": us_branch["id"], "name": "US branch", "codename": "us_branch"}
    assert ids.is_guid(us_branch["id"])
    assert marketing == {
        "id": ids.guid_for_external_id("collection", "marketing-ext"),
        "name": "Marketing",
        "codename": "mkt",
        "external_id": "marketing-ext",
    }
    assert KONTENT_TIME.match(body["last_modified"]) and body["last_modified"] > before
    assert api.get() == body


def test_generated_codename_clash_gets_the_id_suffix(api: Api) -> None:
    body = api.ok(add("Marketing"), add("Marketing"), add("Default"))
    first, second, third = body["collections"][1:]
    assert first["codename"] == "marketing"
    assert second["codename"] == "marketing__" + second["id"].replace("-", "")[:7]
    assert third["codename"] == "default__" + third["id"].replace("-", "")[:7]


def test_add_into_before_and_after(api: Api) -> None:
    api.ok(add("A", codename="a"), add("B", codename="b"))
    api.ok(add("Before A", codename="before_a", before={"codename": "a"}))
    api.ok(add("After A", codename="after_a", after={"codename": "a"}))
    api.ok(add("First", codename="first", before={"id": ZERO}))
    api.ok(add("Last", codename="last", after={"codename": "b"}))
    assert api.codenames() == ["first", "default", "before_a", "a", "after_a", "b", "last"]


def test_add_into_accepts_the_lowercase_op_from_the_docs_sample(api: Api) -> None:
    body = api.ok({"op": "addinto", "value": {"name": "Lower"}})
    assert [c["codename"] for c in body["collections"]] == ["default", "lower"]


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"op": "addInto"}, "The 'value' property must be a collection object with at least a 'name'."),
        ({"op": "addInto", "value": "x"}, "The 'value' property must be a collection object with at least a 'name'."),
        (add(""), "Provide a nonempty collection name that fits within 200 characters."),
        (add("  "), "Provide a nonempty collection name that fits within 200 characters."),
        (add("x" * 201), "Provide a nonempty collection name that fits within 200 characters."),
        ({"op": "addInto", "value": {"codename": "x"}}, "Provide a nonempty collection name that fits within 200"),
        (add("X", codename="Bad"), "The codename 'Bad' is invalid."),
        (add("X", codename="x" * 211), "is too long; codenames fit within 210 characters."),
        (add("X", codename="default"), "A collection with the codename 'default' already exists."),
        (add("X", external_id="a/b"), "The external_id 'a/b' is invalid"),
        (add("X", external_id=7), "The external_id must be a string."),
        (add("X", before={"codename": "default"}, after={"codename": "default"}), "mutually exclusive."),
        (add("X", before={"codename": "nothing"}), NOT_FOUND),
        (add("X", after={"external_id": "nothing"}), NOT_FOUND),
        (add("X", after={"id": "bad"}), "The id 'bad' in the reference is not a valid GUID."),
    ],
)
def test_add_into_errors(api: Api, operation: dict[str, Any], message: str) -> None:
    before = api.get()
    r = api.patch([add("Fine"), operation])
    assert r.status_code == 400, r.text
    errors = r.json()["validation_errors"]
    assert len(errors) == 1
    assert errors[0]["message"].startswith("Invalid operation with index '1': ")
    assert message in errors[0]["message"]
    assert api.get() == before


def test_duplicate_external_id_is_refused(api: Api) -> None:
    api.ok(add("A", external_id="ext"))
    assert_invalid_operation(
        api.patch([add("B", external_id="ext")]), 0, "A collection with the external_id 'ext' already exists."
    )
    assert_invalid_operation(
        api.patch([add("C", codename="c"), add("D", codename="c")]),
        1,
        "A collection with the codename 'c' already exists.",
    )


def test_long_codenames_up_to_210_and_generated_ones_up_to_60(api: Api) -> None:
    body = api.ok(add("n" * 150), add("Long", codename="l" * 210))
    assert [c["codename"] for c in body["collections"][1:]] == ["n" * 60, "l" * 210]


# -- move ----------------------------------------------------------------------------------------


def test_move_before_and_after(api: Api) -> None:
    api.ok(add("A", codename="a"), add("B", codename="b"), add("C", codename="c"))
    api.ok({"op": "move", "reference": {"codename": "c"}, "before": {"codename": "a"}})
    assert api.codenames() == ["default", "c", "a", "b"]
    api.ok({"op": "move", "reference": {"id": ZERO}, "after": {"codename": "b"}})
    assert api.codenames() == ["c", "a", "b", "default"]
    api.ok(
        {"op": "move", "reference": {"codename": "b"}, "before": {"codename": "c"}},
        {"op": "move", "reference": {"codename": "default"}, "after": {"codename": "b"}},
    )
    assert api.codenames() == ["b", "default", "c", "a"]


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"op": "move", "before": {"codename": "a"}}, "The 'reference' property is required."),
        ({"op": "move", "reference": {"codename": "nothing"}, "before": {"codename": "a"}}, NOT_FOUND),
        ({"op": "move", "reference": {"codename": "a"}, "before": {"codename": "nothing"}}, NOT_FOUND),
        ({"op": "move", "reference": {"codename": "a"}}, "Provide exactly one of the properties 'before' or 'after'."),
        (
            {"op": "move", "reference": {"codename": "a"}, "before": {"codename": "b"}, "after": {"codename": "b"}},
            "The 'before' and 'after' properties are mutually exclusive.",
        ),
        (
            {"op": "move", "reference": {"codename": "a"}, "after": {"codename": "a"}},
            "A collection cannot be moved before or after itself.",
        ),
        (
            {"op": "move", "reference": "a", "after": {"codename": "b"}},
            "A reference must be an object with exactly one of the properties 'id', 'codename' or 'external_id'.",
        ),
    ],
)
def test_move_errors(api: Api, operation: dict[str, Any], message: str) -> None:
    api.ok(add("A", codename="a"), add("B", codename="b"))
    before = api.get()
    r = api.patch([{"op": "move", "reference": {"codename": "b"}, "before": {"codename": "a"}}, operation])
    assert_invalid_operation(r, 1, message)
    assert api.get() == before


# -- remove --------------------------------------------------------------------------------------


def test_remove(api: Api) -> None:
    api.ok(add("A", codename="a"), add("B", codename="b", external_id="b-ext"))
    body = api.ok({"op": "remove", "reference": {"external_id": "b-ext"}})
    assert [c["codename"] for c in body["collections"]] == ["default", "a"]
    assert api.codenames() == ["default", "a"]
    # The external id is free again, and a re-added collection gets the same id.
    body = api.ok(add("B again", external_id="b-ext"))
    assert body["collections"][-1]["id"] == ids.guid_for_external_id("collection", "b-ext")


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"op": "remove"}, "The 'reference' property is required."),
        ({"op": "remove", "reference": {"codename": "nothing"}}, NOT_FOUND),
        ({"op": "remove", "reference": {"id": ZERO}}, "The default collection cannot be removed."),
        ({"op": "remove", "reference": {"codename": "default"}}, "The default collection cannot be removed."),
        ({"op": "remove", "reference": {"codename": "a"}}, NOT_FOUND),
    ],
)
def test_remove_errors(api: Api, operation: dict[str, Any], message: str) -> None:
    api.ok(add("A", codename="a"))
    before = api.get()
    r = api.patch([{"op": "remove", "reference": {"codename": "a"}}, operation])
    assert_invalid_operation(r, 1, message)
    assert api.get() == before


# -- replace -------------------------------------------------------------------------------------


def test_replace_name_and_codename(api: Api) -> None:
    api.ok(add("A", codename="a"))
    body = api.ok(
        {"op": "replace", "reference": {"codename": "a"}, "property_name": "name", "value": "Renamed"},
        {"op": "replace", "reference": {"codename": "a"}, "property_name": "codename", "value": "renamed"},
        {"op": "replace", "reference": {"id": ZERO}, "property_name": "name", "value": "Main"},
    )
    assert [(c["name"], c["codename"]) for c in body["collections"]] == [("Main", "default"), ("Renamed", "renamed")]
    assert api.get() == body


def test_codenames_can_be_swapped_within_one_request(api: Api) -> None:
    api.ok(add("A", codename="a"), add("B", codename="b"))
    body = api.ok(
        {"op": "replace", "reference": {"codename": "a"}, "property_name": "codename", "value": "tmp"},
        {"op": "replace", "reference": {"codename": "b"}, "property_name": "codename", "value": "a"},
        {"op": "replace", "reference": {"codename": "tmp"}, "property_name": "codename", "value": "b"},
    )
    assert [(c["name"], c["codename"]) for c in body["collections"][1:]] == [("A", "b"), ("B", "a")]
    assert api.get() == body


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"op": "replace", "property_name": "name", "value": "X"}, "The 'reference' property is required."),
        ({"op": "replace", "reference": {"codename": "x"}, "property_name": "name", "value": "X"}, NOT_FOUND),
        (
            {"op": "replace", "reference": {"codename": "a"}, "property_name": "external_id", "value": "x"},
            "The value of the 'property_name' property is missing or invalid. Use 'name' or 'codename'.",
        ),
        (
            {"op": "replace", "reference": {"codename": "a"}, "property_name": "name"},
            "The 'value' property is required.",
        ),
        (
            {"op": "replace", "reference": {"codename": "a"}, "property_name": "name", "value": ""},
            "Provide a nonempty collection name that fits within 200 characters.",
        ),
        (
            {"op": "replace", "reference": {"codename": "a"}, "property_name": "codename", "value": "default"},
            "A collection with the codename 'default' already exists.",
        ),
        (
            {"op": "replace", "reference": {"codename": "a"}, "property_name": "codename", "value": "9lives"},
            "The codename '9lives' is invalid. Codenames contain only lowercase letters, digits and underscores, "
            "and start with a letter or an underscore.",
        ),
    ],
)
def test_replace_errors(api: Api, operation: dict[str, Any], message: str) -> None:
    api.ok(add("A", codename="a"))
    before = api.get()
    r = api.patch([{"op": "replace", "reference": {"codename": "a"}, "property_name": "name", "value": "Y"}, operation])
    assert_invalid_operation(r, 1, message)
    assert api.get() == before


# -- whole requests ------------------------------------------------------------------------------


def test_operations_see_the_effect_of_earlier_ones(api: Api) -> None:
    body = api.ok(
        add("New", external_id="new"),
        add("Newer", codename="newer", before={"external_id": "new"}),
        {"op": "replace", "reference": {"external_id": "new"}, "property_name": "name", "value": "Newest"},
        {"op": "move", "reference": {"codename": "default"}, "after": {"external_id": "new"}},
        {"op": "remove", "reference": {"codename": "newer"}},
    )
    assert [(c["name"], c["codename"]) for c in body["collections"]] == [("Newest", "new"), ("Default", "default")]
    assert api.get() == body


def test_the_docs_sample_request_runs(api: Api) -> None:
    api.ok(
        add("First", codename="first_collection"),
        add("Second", codename="second_collection"),
        add("Important", codename="important_collection"),
        add("Extra", codename="extra_collection"),
    )
    body = api.ok(
        {
            "op": "addInto",
            "value": {"external_id": "another-collection", "name": "Another collection", "codename": "another"},
            "after": {"codename": "second_collection"},
        },
        {"op": "move", "reference": {"codename": "important_collection"}, "before": {"codename": "first_collection"}},
        {"op": "remove", "reference": {"codename": "extra_collection"}},
        {
            "op": "replace",
            "property_name": "name",
            "value": "A new name",
            "reference": {"codename": "second_collection"},
        },
    )
    assert [(c["name"], c["codename"]) for c in body["collections"]] == [
        ("Default", "default"),
        ("Important", "important_collection"),
        ("First", "first_collection"),
        ("A new name", "second_collection"),
        ("Another collection", "another"),
    ]
    assert body["collections"][-1]["external_id"] == "another-collection"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"op": "addInto", "value": {"name": "x"}}, "The request body must be an array of operations."),
        ([], "No patch operations were provided, provide at least one operation."),
    ],
)
def test_body_must_be_a_nonempty_array(api: Api, body: Any, message: str) -> None:
    r = api.patch(body)
    assert r.status_code == 400
    assert r.json()["validation_errors"] == [{"message": message}]


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("addInto", "The operation must be a JSON object."),
        ({"op": "rename", "reference": {"id": ZERO}}, "The value of the 'op' property is missing or invalid."),
        ({"reference": {"id": ZERO}}, "The value of the 'op' property is missing or invalid."),
    ],
)
def test_unknown_operations(api: Api, operation: Any, message: str) -> None:
    r = api.patch([add("Fine"), operation])
    assert r.status_code == 400
    assert r.json()["validation_errors"][0]["message"].startswith(f"Invalid operation with index '1': {message}")
    assert api.collections() == [DEFAULT]


def test_a_failed_request_changes_nothing_not_even_last_modified(api: Api) -> None:
    api.ok(add("A", codename="a"), add("B", codename="b"))
    before = api.get()
    r = api.patch(
        [
            add("C", codename="c"),
            {"op": "move", "reference": {"codename": "a"}, "after": {"codename": "b"}},
            {"op": "replace", "reference": {"codename": "b"}, "property_name": "name", "value": "Bee"},
            {"op": "remove", "reference": {"codename": "a"}},
            {"op": "remove", "reference": {"codename": "a"}},
        ]
    )
    assert_invalid_operation(r, 4, NOT_FOUND)
    assert api.get() == before


def test_wrong_method_is_405(api: Api) -> None:
    r = api.http.post(api.url, headers=api.headers, json=[])
    assert r.status_code == 405
    assert {"GET", "PATCH"} <= {m.strip() for m in r.headers["allow"].split(",")}


def test_concurrent_patches_serialize(server: LiveServer, project: dict[str, Any]) -> None:
    """Same-name additions racing on PostgreSQL must all land, with distinct generated codenames."""
    headers = kontent_headers(project["management_api_key"])
    url = f"/v2/projects/{project['environment_id']}/collections"

    def patch(_: int) -> int:
        with server.client() as http:
            return http.patch(url, headers=headers, json=[add("Same")]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(patch, range(8)))
    assert statuses == [200] * 8
    with server.client() as http:
        codenames = [c["codename"] for c in Api(http, project).collections()]
    assert len(codenames) == 9 and len(set(codenames)) == 9
    assert "same" in codenames
