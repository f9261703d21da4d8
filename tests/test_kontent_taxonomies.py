"""Taxonomy groups over real HTTP: list, add, retrieve, modify (every patch operation) and delete,
with every error path and the all-or-nothing rule for patches."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from headwater.platform import ids
from tests.support import LiveServer, kontent_headers

INVALID_BODY = (
    "The provided request body is invalid. See the 'validation_errors' attribute for more information and "
    "specify a valid JSON object."
)
NOT_FOUND = {"error_code": 107, "message": "The requested taxonomy was not found."}
REF_NOT_FOUND = "The referenced object was not found."
NO_TERMS = "No terms were provided, provide at least an empty collection of terms."
KONTENT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
UNKNOWN_ID = "4b8b1d7e-5f57-4c43-9b1c-0c1f3c0f0a11"


class Api:
    def __init__(self, http: httpx.Client, project: dict[str, Any]) -> None:
        self.http = http
        self.headers = kontent_headers(project["management_api_key"])
        self.url = f"/v2/projects/{project['environment_id']}/taxonomies"

    def post(self, body: Any) -> httpx.Response:
        return self.http.post(self.url, headers=self.headers, json=body)

    def add(self, body: dict[str, Any]) -> dict[str, Any]:
        r = self.post(body)
        assert r.status_code == 201, r.text
        doc: dict[str, Any] = r.json()
        return doc

    def get(self, identifier: str) -> httpx.Response:
        return self.http.get(f"{self.url}/{identifier}", headers=self.headers)

    def doc(self, identifier: str) -> dict[str, Any]:
        r = self.get(identifier)
        assert r.status_code == 200, r.text
        doc: dict[str, Any] = r.json()
        return doc

    def patch(self, identifier: str, body: Any) -> httpx.Response:
        return self.http.patch(f"{self.url}/{identifier}", headers=self.headers, json=body)

    def ok(self, identifier: str, *operations: dict[str, Any]) -> dict[str, Any]:
        r = self.patch(identifier, list(operations))
        assert r.status_code == 200, r.text
        doc: dict[str, Any] = r.json()
        return doc

    def delete(self, identifier: str) -> httpx.Response:
        return self.http.delete(f"{self.url}/{identifier}", headers=self.headers)


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Api]:
    with server.client() as http:
        yield Api(http, project)


def term(name: str, *children: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, **extra, "terms": list(children)}


def tree(doc: dict[str, Any]) -> list[Any]:
    """The term tree as nested (codename, children) pairs: order and nesting at a glance."""
    return [(t["codename"], tree(t)) if t["terms"] else t["codename"] for t in doc["terms"]]


def assert_invalid(r: httpx.Response, *messages: str) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert set(body) == {"request_id", "error_code", "message", "validation_errors"}
    assert body["error_code"] == 5 and body["message"] == INVALID_BODY
    assert body["validation_errors"] == [{"message": message} for message in messages]


def assert_invalid_operation(r: httpx.Response, index: int, *messages: str) -> None:
    assert_invalid(r, *(f"Invalid operation with index '{index}': {message}" for message in messages))


def assert_not_found(r: httpx.Response) -> None:
    assert r.status_code == 404, r.text
    body = r.json()
    assert set(body) == {"request_id", "error_code", "message"}
    assert {k: body[k] for k in ("error_code", "message")} == NOT_FOUND


@pytest.fixture
def group(api: Api) -> dict[str, Any]:
    """A group `g` with a two-level tree: a(a1(a11), a2), b, c."""
    return api.add(
        {
            "name": "G",
            "codename": "g",
            "terms": [
                term(
                    "A", term("A1", term("A11", codename="a11"), codename="a1"), term("A2", codename="a2"), codename="a"
                ),
                term("B", codename="b", external_id="b-ext"),
                term("C", codename="c"),
            ],
        }
    )


# -- add ---------------------------------------------------------------------------------------------


def test_add_returns_the_exact_shape(api: Api) -> None:
    body = {
        "name": "Personas",
        "codename": "people",
        "external_id": "tax-group-1",
        "terms": [
            {
                "name": "Coffee expert",
                "codename": "expert",
                "external_id": "tax-term-1",
                "terms": [{"name": "Barista"}, {"name": "Cafe owner", "external_id": "tax-term-2"}],
            },
            {"name": "Coffee enthusiast", "terms": []},
        ],
    }
    r = api.post(body)
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert list(doc) == ["id", "name", "codename", "external_id", "last_modified", "terms"]
    assert doc["id"] == ids.guid_for_external_id("taxonomy", "tax-group-1")
    assert KONTENT_TIME.match(doc["last_modified"])
    expert, enthusiast = doc["terms"]
    barista, owner = expert["terms"]
    assert expert == {
        "id": ids.guid_for_external_id("taxonomy_term", "tax-term-1"),
        "name": "Coffee expert",
        "codename": "expert",
        "external_id": "tax-term-1",
        "terms": [barista, owner],
    }
    assert barista == {"id": barista["id"], "name": "Barista", "codename": "barista", "terms": []}
    assert ids.is_guid(barista["id"])
    assert owner == {
        "id": ids.guid_for_external_id("taxonomy_term", "tax-term-2"),
        "name": "Cafe owner",
        "codename": "cafe_owner",
        "external_id": "tax-term-2",
        "terms": [],
    }
    assert enthusiast == {
        "id": enthusiast["id"],
        "name": "Coffee enthusiast",
        "codename": "coffee_enthusiast",
        "terms": [],
    }
    assert api.doc(doc["id"]) == doc


def test_add_without_external_id_omits_it_and_generates_codenames(api: Api) -> None:
    doc = api.add({"name": "Product category!", "terms": []})
    assert list(doc) == ["id", "name", "codename", "last_modified", "terms"]
    assert doc["codename"] == "product_category_"
    assert doc["terms"] == []
    second = api.add({"name": "Product category!", "terms": []})
    assert second["codename"] == "product_category__" + second["id"].replace("-", "")[:7]


def test_generated_term_codenames_avoid_chosen_and_earlier_ones(api: Api) -> None:
    doc = api.add({"name": "G", "terms": [term("Red"), term("Blue", term("Red")), term("Other", codename="red")]})
    red, blue, other = doc["terms"]
    inner = blue["terms"][0]
    assert other["codename"] == "red"
    assert red["codename"] == "red__" + red["id"].replace("-", "")[:7]
    assert inner["codename"] == "red__" + inner["id"].replace("-", "")[:7]


def test_term_codenames_are_per_group(api: Api) -> None:
    first = api.add({"name": "One", "terms": [term("Shared", codename="shared")]})
    second = api.add({"name": "Two", "terms": [term("Shared")]})
    assert first["terms"][0]["codename"] == second["terms"][0]["codename"] == "shared"


def test_long_term_codenames_are_allowed(api: Api) -> None:
    long = "t" * 210
    doc = api.add({"name": "G", "terms": [term("x" * 200, codename=long), term("y" * 200)]})
    assert doc["terms"][0]["codename"] == long
    assert doc["terms"][1]["codename"] == "y" * 60
    r = api.post({"name": "H", "terms": [term("T", codename="t" * 211)]})
    assert r.status_code == 400


def test_deep_trees_round_trip(api: Api) -> None:
    node: dict[str, Any] = term("Leaf", codename="level_50")
    for level in range(49, 0, -1):
        node = term(f"Level {level}", node, codename=f"level_{level}")
    doc = api.add({"name": "Deep", "terms": [node]})
    depth, current = 0, doc
    while current["terms"]:
        current = current["terms"][0]
        depth += 1
    assert depth == 50 and current["codename"] == "level_50"
    assert api.doc("codename/deep") == doc


def test_too_deep_trees_are_rejected(api: Api) -> None:
    node: dict[str, Any] = term("Leaf")
    for _ in range(100):
        node = term("Level", node)
    r = api.post({"name": "Deep", "terms": [node]})
    assert r.status_code == 400
    assert "nested too deeply" in r.json()["validation_errors"][0]["message"]


def test_add_requires_terms(api: Api) -> None:
    assert_invalid(api.post({"name": "G"}), NO_TERMS)
    assert_invalid(api.post({"name": "G", "terms": None}), NO_TERMS)


def test_add_reports_every_problem(api: Api) -> None:
    r = api.post(
        {
            "name": " ",
            "codename": "Bad Codename",
            "external_id": "a/b",
            "terms": [
                {"name": ""},
                {"name": "Ok", "codename": 5, "terms": [{"name": "x" * 201}, "nonsense"]},
                {"name": "Ok 2", "external_id": "x.y", "terms": {"a": 1}},
            ],
        }
    )
    assert r.status_code == 400
    messages = [e["message"] for e in r.json()["validation_errors"]]
    assert len(messages) == 9, messages
    assert messages[0].startswith("The 'name' property is required.")
    assert "'Bad Codename' is invalid" in messages[1]
    assert "must not contain '/', '.' or ';'" in messages[2]
    assert messages[3].startswith("The 'name' property of the term at 'terms[0]' is missing or invalid.")
    assert messages[4] == "The 'codename' property of the term at 'terms[1]' is invalid. The codename must be a string."
    assert messages[5].startswith("The 'name' property of the term at 'terms[1].terms[0]'")
    assert messages[6] == "The term at 'terms[1].terms[1]' must be a JSON object with at least a 'name'."
    assert messages[7].startswith("The 'external_id' property of the term at 'terms[2]' is invalid.")
    assert messages[8] == "The 'terms[2].terms' property must be an array of terms."
    r = api.post({"name": "G", "terms": [{"name": "T", "terms": 3}]})
    assert_invalid(r, "The 'terms[0].terms' property must be an array of terms.")
    assert_invalid(api.post([]), "The request body must be a JSON object.")
    assert api.http.get(api.url, headers=api.headers).json()["taxonomies"] == []


def test_add_rejects_duplicates(api: Api, group: dict[str, Any]) -> None:
    assert_invalid(
        api.post({"name": "X", "codename": "g", "terms": []}), "A taxonomy group with the codename 'g' already exists."
    )
    api.add({"name": "E", "external_id": "grp", "terms": []})
    assert_invalid(
        api.post({"name": "Y", "external_id": "grp", "terms": []}),
        "A taxonomy group with the external_id 'grp' already exists.",
    )
    r = api.post({"name": "Z", "terms": [term("T", codename="t"), term("U", term("T2", codename="t"))]})
    assert_invalid(
        r, "The codename 't' of the term at 'terms[1].terms[0]' is already used by another term of the taxonomy group."
    )
    r = api.post({"name": "Z", "terms": [term("T", external_id="b-ext")]})
    assert_invalid(r, "The external_id 'b-ext' of the term at 'terms[0]' is already used by another taxonomy term.")
    r = api.post({"name": "Z", "terms": [term("T", external_id="e"), term("U", external_id="e")]})
    assert_invalid(r, "The external_id 'e' of the term at 'terms[1]' is already used by another taxonomy term.")
    assert [t["codename"] for t in api.http.get(api.url, headers=api.headers).json()["taxonomies"]] == ["g", "e"]


# -- retrieve, list, delete --------------------------------------------------------------------------


def test_retrieve_by_every_identifier(api: Api) -> None:
    doc = api.add({"name": "G", "external_id": "g-ext", "terms": [term("T")]})
    for identifier in (doc["id"], doc["id"].upper(), "codename/g", "external-id/g-ext"):
        r = api.get(identifier)
        assert r.status_code == 200 and r.json() == doc
    for identifier in (UNKNOWN_ID, "not-a-guid", "codename/nope", "external-id/nope"):
        assert_not_found(api.get(identifier))


def test_list_is_empty_then_in_insertion_order(api: Api) -> None:
    r = api.http.get(api.url, headers=api.headers)
    assert r.status_code == 200
    assert r.json() == {"taxonomies": [], "pagination": {"continuation_token": None, "next_page": None}}
    first = api.add({"name": "First", "terms": [term("T")]})
    second = api.add({"name": "Second", "terms": []})
    assert api.http.get(api.url, headers=api.headers).json()["taxonomies"] == [first, second]


def test_list_pages_with_continuation_tokens(make_server: Any) -> None:
    live: LiveServer = make_server(kontent_page_size=2)
    project = live.project()
    with live.client() as http:
        api = Api(http, project)
        for name in ("a", "b", "c", "d", "e"):
            api.add({"name": name, "terms": []})
        body = http.get(api.url, headers=api.headers).json()
        seen = [g["codename"] for g in body["taxonomies"]]
        token = body["pagination"]["continuation_token"]
        assert seen == ["a", "b"] and isinstance(token, str)
        assert body["pagination"]["next_page"].endswith(f"/taxonomies?continuationToken={token}")
        while token is not None:
            body = http.get(api.url, headers={**api.headers, "x-continuation": token}).json()
            seen += [g["codename"] for g in body["taxonomies"]]
            token = body["pagination"]["continuation_token"]
        assert seen == ["a", "b", "c", "d", "e"]
        assert body["pagination"] == {"continuation_token": None, "next_page": None}
        r = http.get(api.url, headers={**api.headers, "x-continuation": "nonsense"})
        assert r.status_code == 400 and r.json()["error_code"] == 1007


def test_delete_by_every_identifier(api: Api) -> None:
    by_id = api.add({"name": "One", "terms": []})
    api.add({"name": "Two", "terms": []})
    api.add({"name": "Three", "external_id": "three", "terms": []})
    for identifier in (by_id["id"], "codename/two", "external-id/three"):
        r = api.delete(identifier)
        assert r.status_code == 204 and r.content == b""
        assert_not_found(api.delete(identifier))
        assert_not_found(api.get(identifier))
    assert_not_found(api.delete("not-a-guid"))
    assert api.http.get(api.url, headers=api.headers).json()["taxonomies"] == []
    # A deleted group's codename and external id are free again; the external id gives the same id.
    again = api.add({"name": "Three", "external_id": "three", "terms": []})
    assert again["id"] == ids.guid_for_external_id("taxonomy", "three") and again["codename"] == "three"


def test_wrong_method_is_405(api: Api) -> None:
    r = api.http.put(f"{api.url}/codename/g", headers=api.headers, json={})
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PATCH", "DELETE"}


# -- addInto -----------------------------------------------------------------------------------------


def test_add_into_root_and_under_a_term(api: Api, group: dict[str, Any]) -> None:
    time.sleep(0.002)
    doc = api.ok(
        "codename/g",
        {"op": "addInto", "value": {"name": "D", "codename": "d", "external_id": "d-ext"}},
        {"op": "addInto", "reference": {"codename": "a1"}, "value": term("A12", term("A121"), codename="a12")},
    )
    assert tree(doc) == [("a", [("a1", ["a11", ("a12", ["a121"])]), "a2"]), "b", "c", "d"]
    d = doc["terms"][3]
    assert d == {
        "id": ids.guid_for_external_id("taxonomy_term", "d-ext"),
        "name": "D",
        "codename": "d",
        "external_id": "d-ext",
        "terms": [],
    }
    assert KONTENT_TIME.match(doc["last_modified"]) and doc["last_modified"] > group["last_modified"]
    assert api.doc(group["id"]) == doc


def test_add_into_before_and_after_siblings(api: Api, group: dict[str, Any]) -> None:
    doc = api.ok(
        "codename/g",
        {"op": "addInto", "value": {"name": "First", "codename": "first"}, "before": {"codename": "a"}},
        {"op": "addInto", "value": {"name": "Mid", "codename": "mid"}, "after": {"external_id": "b-ext"}},
        {
            "op": "addInto",
            "reference": {"codename": "a"},
            "value": {"name": "Between", "codename": "between"},
            "after": {"codename": "a1"},
        },
    )
    assert tree(doc) == ["first", ("a", [("a1", ["a11"]), "between", "a2"]), "b", "mid", "c"]


def test_add_into_errors(api: Api, group: dict[str, Any]) -> None:
    g = "codename/g"
    value = {"name": "New"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"op": "addInto"}, "The 'value' property is required. Provide the term to add, with at least a 'name'."),
        ({"op": "addInto", "value": "x"}, "The term at 'value' must be a JSON object with at least a 'name'."),
        (
            {"op": "addInto", "value": {"name": ""}},
            "The 'name' property of the term at 'value' is missing or invalid. Provide a nonempty term name that "
            "fits within 200 characters.",
        ),
        (
            {"op": "addInto", "reference": {"codename": "nope"}, "value": value},
            f"The 'reference' property is invalid. {REF_NOT_FOUND}",
        ),
        (
            {"op": "addInto", "reference": {"id": "x"}, "value": value},
            "The 'reference' property is invalid. The id 'x' in the reference is not a valid GUID.",
        ),
        (
            {"op": "addInto", "value": value, "before": {"codename": "a"}, "after": {"codename": "b"}},
            "The 'before' and 'after' properties are mutually exclusive.",
        ),
        (
            {"op": "addInto", "value": value, "before": {"codename": "a1"}},
            "The 'before' property is invalid. The referenced term is not a child of the taxonomy group's top level.",
        ),
        (
            {"op": "addInto", "reference": {"codename": "a"}, "value": value, "after": {"codename": "b"}},
            "The 'after' property is invalid. The referenced term is not a child of the referenced parent term.",
        ),
        (
            {"op": "addInto", "value": value, "after": {"id": UNKNOWN_ID}},
            f"The 'after' property is invalid. {REF_NOT_FOUND}",
        ),
        (
            {"op": "addInto", "value": {"name": "X", "codename": "a11"}},
            "The codename 'a11' of the term at 'value' is already used by another term of the taxonomy group.",
        ),
        (
            {"op": "addInto", "value": {"name": "X", "external_id": "b-ext"}},
            "The external_id 'b-ext' of the term at 'value' is already used by another taxonomy term.",
        ),
    ]
    for operation, message in cases:
        r = api.patch(g, [{"op": "addInto", "value": {"name": "Fine"}}, operation])
        assert_invalid_operation(r, 1, message)
    assert api.doc(g) == group


def test_term_external_ids_are_unique_across_groups(api: Api, group: dict[str, Any]) -> None:
    api.add({"name": "Other", "codename": "other", "terms": [term("X", external_id="x-ext")]})
    r = api.patch("codename/g", [{"op": "addInto", "value": {"name": "X", "external_id": "x-ext"}}])
    assert_invalid_operation(
        r, 0, "The external_id 'x-ext' of the term at 'value' is already used by another taxonomy term."
    )
    # Removing a term frees its external id within the same request; the re-added term gets the same id.
    doc = api.ok(
        "codename/g",
        {"op": "remove", "reference": {"external_id": "b-ext"}},
        {"op": "addInto", "value": {"name": "B again", "external_id": "b-ext"}},
    )
    assert doc["terms"][-1]["id"] == group["terms"][1]["id"]


# -- move --------------------------------------------------------------------------------------------


def test_move_before_after_and_under(api: Api, group: dict[str, Any]) -> None:
    doc = api.ok(
        "codename/g",
        {"op": "move", "reference": {"codename": "c"}, "before": {"codename": "a"}},
        {"op": "move", "reference": {"codename": "a11"}, "after": {"external_id": "b-ext"}},
        {"op": "move", "reference": {"codename": "a2"}, "under": {"codename": "a11"}},
        {"op": "move", "reference": {"codename": "b"}, "before": {"codename": "a1"}},
    )
    assert tree(doc) == ["c", ("a", ["b", "a1"]), ("a11", ["a2"])]
    # Moved terms keep their ids and properties.
    b = doc["terms"][1]["terms"][0]
    assert b == group["terms"][1]
    assert api.doc("codename/g") == doc


def test_move_errors(api: Api, group: dict[str, Any]) -> None:
    g = "codename/g"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"op": "move", "before": {"codename": "a"}}, "The 'reference' property is required."),
        (
            {"op": "move", "reference": {"codename": "nope"}, "before": {"codename": "a"}},
            f"The 'reference' property is invalid. {REF_NOT_FOUND}",
        ),
        (
            {"op": "move", "reference": {"codename": "b"}},
            "Provide exactly one of the properties 'before', 'after' or 'under'.",
        ),
        (
            {"op": "move", "reference": {"codename": "b"}, "before": {"codename": "a"}, "under": {"codename": "c"}},
            "Provide exactly one of the properties 'before', 'after' or 'under'.",
        ),
        (
            {"op": "move", "reference": {"codename": "b"}, "after": {"codename": "zz"}},
            f"The 'after' property is invalid. {REF_NOT_FOUND}",
        ),
        (
            {"op": "move", "reference": {"codename": "b"}, "before": {"codename": "b"}},
            "The 'before' property is invalid. A term cannot be moved before itself.",
        ),
        (
            {"op": "move", "reference": {"codename": "b"}, "under": {"external_id": "b-ext"}},
            "The 'under' property is invalid. A term cannot be moved under itself.",
        ),
        (
            {"op": "move", "reference": {"codename": "a"}, "under": {"codename": "a11"}},
            "The 'under' property is invalid. The referenced term is a descendant of the moved term; moving a term "
            "into its own subtree would create a cycle.",
        ),
        (
            {"op": "move", "reference": {"codename": "a"}, "after": {"codename": "a2"}},
            "The 'after' property is invalid. The referenced term is a descendant of the moved term; moving a term "
            "into its own subtree would create a cycle.",
        ),
        (
            {"op": "move", "reference": {"codename": "a"}, "under": []},
            "The 'under' property is invalid. A reference must be an object with exactly one of the properties "
            "'id', 'codename' or 'external_id'.",
        ),
    ]
    for operation, message in cases:
        r = api.patch(g, [{"op": "move", "reference": {"codename": "c"}, "before": {"codename": "a"}}, operation])
        assert_invalid_operation(r, 1, message)
    assert api.doc(g) == group


# -- remove ------------------------------------------------------------------------------------------


def test_remove_takes_the_subtree(api: Api, group: dict[str, Any]) -> None:
    doc = api.ok(
        "codename/g",
        {"op": "remove", "reference": {"codename": "a1"}},
        {"op": "remove", "reference": {"external_id": "b-ext"}},
    )
    assert tree(doc) == [("a", ["a2"]), "c"]
    # Codenames of removed terms are free again.
    doc = api.ok("codename/g", {"op": "addInto", "value": {"name": "A11", "codename": "a11"}})
    assert tree(doc) == [("a", ["a2"]), "c", "a11"]


def test_remove_errors(api: Api, group: dict[str, Any]) -> None:
    r = api.patch(
        "codename/g",
        [{"op": "remove", "reference": {"codename": "c"}}, {"op": "remove", "reference": {"codename": "c"}}],
    )
    assert_invalid_operation(r, 1, f"The 'reference' property is invalid. {REF_NOT_FOUND}")
    assert_invalid_operation(api.patch("codename/g", [{"op": "remove"}]), 0, "The 'reference' property is required.")
    assert api.doc("codename/g") == group


# -- replace -----------------------------------------------------------------------------------------


def test_replace_group_and_term_properties(api: Api, group: dict[str, Any]) -> None:
    doc = api.ok(
        group["id"],
        {"op": "replace", "property_name": "name", "value": "Renamed"},
        {"op": "replace", "property_name": "codename", "value": "renamed"},
        {"op": "replace", "reference": {"codename": "a2"}, "property_name": "name", "value": "A two"},
        {"op": "replace", "reference": {"codename": "a2"}, "property_name": "codename", "value": "a_two"},
        {"op": "replace", "reference": {"codename": "c"}, "property_name": "codename", "value": "c"},
    )
    assert doc["name"] == "Renamed" and doc["codename"] == "renamed"
    a_two = doc["terms"][0]["terms"][1]
    assert a_two == {"id": group["terms"][0]["terms"][1]["id"], "name": "A two", "codename": "a_two", "terms": []}
    assert_not_found(api.get("codename/g"))
    assert api.doc("codename/renamed") == doc


def test_replace_terms_of_a_term_and_of_the_group(api: Api, group: dict[str, Any]) -> None:
    doc = api.ok(
        "codename/g",
        {
            "op": "replace",
            "reference": {"codename": "a"},
            "property_name": "terms",
            "value": [term("A1", term("Deep"), codename="a1"), {"name": "New"}],
        },
    )
    assert tree(doc) == [("a", [("a1", ["deep"]), "new"]), "b", "c"]
    assert doc["terms"][0]["terms"][0]["id"] != group["terms"][0]["terms"][0]["id"]
    doc = api.ok("codename/g", {"op": "replace", "property_name": "terms", "value": [term("B", external_id="b-ext")]})
    assert doc["terms"] == [
        {"id": group["terms"][1]["id"], "name": "B", "codename": "b", "external_id": "b-ext", "terms": []}
    ]
    doc = api.ok("codename/g", {"op": "replace", "property_name": "terms", "value": []})
    assert doc["terms"] == []


def test_replace_errors(api: Api, group: dict[str, Any]) -> None:
    api.add({"name": "Other", "codename": "other", "terms": []})
    g = "codename/g"
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"op": "replace", "property_name": "external_id", "value": "x"},
            "The value of the 'property_name' property is missing or invalid. Use 'name', 'codename' or 'terms'.",
        ),
        ({"op": "replace", "property_name": "name"}, "The 'value' property is required."),
        (
            {"op": "replace", "property_name": "name", "value": 3},
            "The 'value' property is invalid. Provide a nonempty taxonomy group name that fits within 200 characters.",
        ),
        (
            {"op": "replace", "reference": {"codename": "b"}, "property_name": "name", "value": "x" * 201},
            "The 'value' property is invalid. Provide a nonempty term name that fits within 200 characters.",
        ),
        (
            {"op": "replace", "property_name": "codename", "value": "other"},
            "A taxonomy group with the codename 'other' already exists.",
        ),
        (
            {"op": "replace", "property_name": "codename", "value": "g" * 61},
            f"The 'value' property is invalid. The codename '{'g' * 61}' is too long; codenames fit within 60 "
            "characters.",
        ),
        (
            {"op": "replace", "reference": {"codename": "b"}, "property_name": "codename", "value": "a11"},
            "The codename 'a11' is already used by another term of the taxonomy group.",
        ),
        (
            {"op": "replace", "reference": {"codename": "b"}, "property_name": "codename", "value": None},
            "The 'value' property is invalid. The codename must be a string.",
        ),
        ({"op": "replace", "property_name": "terms", "value": "x"}, "The 'value' property must be an array of terms."),
        ({"op": "replace", "property_name": "terms", "value": None}, NO_TERMS),
        (
            {"op": "replace", "reference": {"codename": "zz"}, "property_name": "name", "value": "x"},
            f"The 'reference' property is invalid. {REF_NOT_FOUND}",
        ),
        (
            {
                "op": "replace",
                "reference": {"codename": "a"},
                "property_name": "terms",
                "value": [{"name": "X", "codename": "b"}],
            },
            "The codename 'b' of the term at 'value[0]' is already used by another term of the taxonomy group.",
        ),
    ]
    for operation, message in cases:
        r = api.patch(g, [{"op": "replace", "property_name": "name", "value": "Changed"}, operation])
        assert_invalid_operation(r, 1, message)
    assert api.doc(g) == group


# -- request-level errors ----------------------------------------------------------------------------


def test_patch_body_and_op_errors(api: Api, group: dict[str, Any]) -> None:
    g = "codename/g"
    assert_invalid(api.patch(g, {"op": "remove"}), "The request body must be an array of operations.")
    assert_invalid(api.patch(g, []), "No patch operations were provided, provide at least one operation.")
    assert_invalid_operation(api.patch(g, ["x"]), 0, "The operation must be a JSON object.")
    message = "The value of the 'op' property is missing or invalid. Use 'addInto', 'move', 'remove' or 'replace'."
    assert_invalid_operation(api.patch(g, [{"op": "rename", "value": "x"}]), 0, message)
    assert_invalid_operation(api.patch(g, [{"value": "x"}]), 0, message)
    # Op names are matched case-insensitively, as the hosted API's enum parsing does.
    doc = api.ok(g, {"op": "Remove", "reference": {"codename": "c"}})
    assert tree(doc) == [("a", [("a1", ["a11"]), "a2"]), "b"]


def test_patch_unknown_group_is_404(api: Api) -> None:
    operation = [{"op": "replace", "property_name": "name", "value": "x"}]
    for identifier in (UNKNOWN_ID, "codename/nope", "external-id/nope", "not-a-guid"):
        assert_not_found(api.patch(identifier, operation))


def test_failed_patch_leaves_everything_unchanged(api: Api, group: dict[str, Any]) -> None:
    r = api.patch(
        "codename/g",
        [
            {"op": "replace", "property_name": "codename", "value": "changed"},
            {"op": "remove", "reference": {"codename": "a"}},
            {"op": "addInto", "value": {"name": "New", "external_id": "new-ext"}},
            {"op": "move", "reference": {"codename": "b"}, "under": {"codename": "a"}},
        ],
    )
    assert_invalid_operation(r, 3, f"The 'under' property is invalid. {REF_NOT_FOUND}")
    assert api.doc("codename/g") == group
    assert_not_found(api.get("codename/changed"))
    # The external id the failed request would have used is still free.
    doc = api.ok("codename/g", {"op": "addInto", "value": {"name": "New", "external_id": "new-ext"}})
    assert doc["terms"][-1]["id"] == ids.guid_for_external_id("taxonomy_term", "new-ext")


def test_patch_sample_sequence(api: Api) -> None:
    """The shape of the reference's modify example: rename, recodename, replace terms, add, move."""
    api.add(
        {
            "name": "Personas",
            "external_id": "grp",
            "terms": [term("First-level", codename="first_term"), term("Unused", external_id="unused")],
        }
    )
    doc = api.ok(
        "external-id/grp",
        {"op": "replace", "property_name": "name", "value": "Categories"},
        {"op": "replace", "property_name": "codename", "value": "category"},
        {
            "op": "replace",
            "reference": {"codename": "first_term"},
            "property_name": "terms",
            "value": [{"name": "Second-level", "codename": "second_term", "terms": [{"name": "Third-level"}]}],
        },
        {"op": "remove", "reference": {"external_id": "unused"}},
        {
            "op": "addInto",
            "reference": {"codename": "second_term"},
            "value": {"name": "New term", "external_id": "my-new-term"},
        },
        {"op": "move", "reference": {"external_id": "my-new-term"}, "before": {"codename": "first_term"}},
    )
    assert list(doc) == ["id", "name", "codename", "external_id", "last_modified", "terms"]
    assert (doc["name"], doc["codename"]) == ("Categories", "category")
    assert tree(doc) == ["new_term", ("first_term", [("second_term", ["third_level"])])]
    assert api.doc("codename/category") == doc


def test_moves_and_additions_keep_the_depth_limit(api: Api) -> None:
    node: dict[str, Any] = term("Level 100", codename="level_100")
    for level in range(99, 0, -1):
        node = term(f"Level {level}", node, codename=f"level_{level}")
    api.add({"name": "Deep", "terms": [node, term("X", term("Y"), codename="x")]})
    r = api.patch("codename/deep", [{"op": "move", "reference": {"codename": "x"}, "under": {"codename": "level_99"}}])
    assert_invalid_operation(r, 0, "The term cannot be moved there: terms nest at most 100 levels.")
    r = api.patch("codename/deep", [{"op": "addInto", "reference": {"codename": "level_100"}, "value": {"name": "Z"}}])
    assert_invalid_operation(r, 0, "The term at 'value' is nested too deeply; terms nest at most 100 levels.")
    doc = api.ok("codename/deep", {"op": "move", "reference": {"codename": "x"}, "after": {"codename": "level_98"}})
    parent = doc["terms"][0]
    while parent["codename"] != "level_97":
        parent = parent["terms"][0]
    assert [t["codename"] for t in parent["terms"]] == ["level_98", "x"]
    assert len(doc["terms"]) == 1
