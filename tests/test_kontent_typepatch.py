"""The path-based PATCH of content types over real HTTP: every op and path form, and every error path."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.kontent.model.typepatch import path_reference, split_path
from headwater.kontent.references import Reference
from tests.test_kontent_types import Api, api, assert_invalid, text

__all__ = ["api"]


def op(name: str, path: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"op": name, "path": path, **extra}
    if name in ("addInto", "replace"):
        body["value"] = value
    return body


def make(api: Api, **extra: Any) -> dict[str, Any]:
    body = {
        "name": "Article",
        "codename": "article",
        "elements": [
            text("Title", codename="title", external_id="title-ext"),
            {
                "name": "Host",
                "codename": "host",
                "type": "multiple_choice",
                "mode": "multiple",
                "options": [{"name": "A", "codename": "a"}, {"name": "B", "codename": "b"}],
            },
            {"name": "Body", "codename": "body", "type": "rich_text", "allowed_blocks": ["text"]},
            {"name": "Related", "codename": "related", "type": "modular_content"},
        ],
        **extra,
    }
    return api.create("types", body)


def codenames(doc: dict[str, Any]) -> list[str]:
    return [element["codename"] for element in doc["elements"]]


def test_split_path_and_path_references() -> None:
    assert split_path("/elements/external_id:a\\/b/options") == ["elements", "external_id:a/b", "options"]
    assert split_path("/name") == ["name"]
    assert path_reference("codename:x") == Reference(codename="x")
    assert path_reference("external_id:a/b") == Reference(external_id="a/b")
    assert path_reference("id:5EB3D03E-C69D-4E93-B4CC-76F453271386") == Reference(
        id="5eb3d03e-c69d-4e93-b4cc-76f453271386"
    )
    assert path_reference("id:nope") is None and path_reference("title") is None and path_reference("codename:") is None


def test_replace_type_and_element_properties(api: Api) -> None:
    created = make(api)
    body = api.ok_patch(
        "types",
        "codename/article",
        op("replace", "/name", "A new name"),
        op("replace", "/codename", "story"),
        op("replace", "/elements/codename:title/guidelines", "Plain text."),
        op("replace", "/elements/external_id:title-ext/maximum_text_length", {"value": 5, "applies_to": "words"}),
        op("replace", "/elements/id:" + created["elements"][2]["id"] + "/is_required", True),
    )
    assert (
        body["name"] == "A new name"
        and body["codename"] == "story"
        and body["last_modified"] > created["last_modified"]
    )
    title = body["elements"][0]
    assert title["guidelines"] == "Plain text." and title["maximum_text_length"] == {"value": 5, "applies_to": "words"}
    assert body["elements"][2]["is_required"] is True
    assert api.get("types", "codename/story").json() == body
    assert api.get("types", "codename/article").status_code == 404


def test_add_into_elements_with_anchors(api: Api) -> None:
    make(api)
    body = api.ok_patch(
        "types",
        "codename/article",
        op("addInto", "/elements", text("First", codename="first"), before={"codename": "title"}),
        op("addInto", "/elements", text("After title"), after={"external_id": "title-ext"}),
        op("addInto", "/elements", {"name": "Count", "type": "number", "id": "ignored"}),
    )
    assert codenames(body) == ["first", "title", "after_title", "host", "body", "related", "count"]
    assert body["elements"][-1]["id"] != "ignored"


def test_options_add_move_replace_remove(api: Api) -> None:
    make(api)
    body = api.ok_patch(
        "types",
        "codename/article",
        op("addInto", "/elements/codename:host/options", {"name": "C"}, before={"codename": "a"}),
        op("move", "/elements/codename:host/options/codename:b", before={"codename": "c"}),
        op("replace", "/elements/codename:host/options/codename:a/name", "Alpha"),
        op("remove", "/elements/codename:host/options/codename:a"),
    )
    options = body["elements"][1]["options"]
    assert [(o["codename"], o["name"]) for o in options] == [("b", "B"), ("c", "C")]


def test_reference_and_string_lists(api: Api) -> None:
    target = api.create("types", {"name": "Target", "codename": "target", "elements": []})
    make(api)
    body = api.ok_patch(
        "types",
        "codename/article",
        op("addInto", "/elements/codename:related/allowed_content_types", {"codename": "target"}),
        op("addInto", "/elements/codename:related/allowed_content_types", {"external_id": "later"}),
        op("addInto", "/elements/codename:body/allowed_blocks", ["images", "tables"]),
        op("remove", "/elements/codename:body/allowed_blocks/text"),
        op("addInto", "/elements/codename:body/allowed_formatting", "unstyled"),
    )
    related, rich = body["elements"][3], body["elements"][2]
    assert related["allowed_content_types"][0] == {"id": target["id"]}
    assert rich["allowed_blocks"] == ["images", "tables"] and rich["allowed_formatting"] == ["unstyled"]
    body = api.ok_patch(
        "types",
        "codename/article",
        op("remove", "/elements/codename:related/allowed_content_types/codename:target"),
        op("remove", "/elements/codename:related/allowed_content_types/external_id:later"),
    )
    assert body["elements"][3]["allowed_content_types"] == []


def test_move_and_remove_elements(api: Api) -> None:
    created = make(api)
    body = api.ok_patch(
        "types",
        "codename/article",
        op("move", "/elements/codename:related", before={"codename": "title"}),
        op("move", "/elements/codename:title", after={"codename": "body"}),
        op("remove", "/elements/id:" + created["elements"][1]["id"]),
    )
    assert codenames(body) == ["related", "body", "title"]


def test_content_groups_add_assign_and_remove_all(api: Api) -> None:
    make(api, elements=[text("Title", codename="title")])
    body = api.ok_patch(
        "types",
        "codename/article",
        op("addInto", "/content_groups", {"name": "Main", "external_id": "main"}),
        op("addInto", "/content_groups", {"name": "Side"}, before={"external_id": "main"}),
        op("replace", "/elements/codename:title/content_group", {"external_id": "main"}),
        op("replace", "/content_groups/codename:side/name", "Sidebar"),
    )
    side, main = body["content_groups"]
    assert side["name"] == "Sidebar" and main["codename"] == "main"
    assert body["elements"][0]["content_group"] == {"id": main["id"]}
    body = api.ok_patch(
        "types",
        "codename/article",
        op("move", "/content_groups/codename:main", before={"codename": "side"}),
        op("replace", "/elements/codename:title/content_group", {"codename": "side"}),
    )
    assert [g["codename"] for g in body["content_groups"]] == ["main", "side"]
    body = api.ok_patch(
        "types",
        "codename/article",
        op("remove", "/content_groups/codename:main"),
        op("remove", "/content_groups/codename:side"),
        op("replace", "/elements/codename:title/content_group", None),
    )
    assert body["content_groups"] == [] and "content_group" not in body["elements"][0]


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        (
            [op("nope", "/name")],
            "Invalid operation with index '0': The value of the 'op' property is missing or invalid.",
        ),
        ([{"op": "replace", "value": "x"}], "Invalid operation with index '0': The 'path' property is required"),
        ([{"op": "replace", "path": "/name"}], "The 'value' property is required for the 'replace' operation."),
        ([op("replace", "/external_id", "x")], "The external_id cannot be changed."),
        ([op("replace", "/elements/codename:title/type", "number")], "The 'type' property cannot be changed."),
        ([op("replace", "/elements/codename:title/external_id", "x")], "The 'external_id' property cannot be changed."),
        ([op("replace", "/elements/codename:title/mode", "x")], "The property 'mode' cannot be replaced here"),
        (
            [op("replace", "/elements/codename:nope/name", "x")],
            "Invalid operation with index '0': The referenced object was not found.",
        ),
        ([op("replace", "/elements/title/name", "x")], "The path reference 'title' is invalid."),
        ([op("replace", "/bogus", "x")], "The path '/bogus' is not valid for the 'replace' operation."),
        ([op("remove", "/name")], "The path '/name' is not valid for the 'remove' operation."),
        ([op("addInto", "/elements", "x")], "The 'value' property must be an element object."),
        (
            [op("addInto", "/elements/codename:title/options", {"name": "x"})],
            "Cannot add into 'options' of a text element.",
        ),
        (
            [op("addInto", "/elements", text("X"), before={"codename": "title"}, after={"codename": "host"})],
            "The 'before' and 'after' properties are mutually exclusive.",
        ),
        ([op("addInto", "/elements", text("X"), after={"codename": "zzz"})], "The referenced object was not found."),
        ([op("move", "/elements/codename:title")], "Provide exactly one of the properties 'before' or 'after'."),
        (
            [op("move", "/elements/codename:title", before={"codename": "title"})],
            "cannot be moved before or after itself",
        ),
        (
            [op("addInto", "/elements/codename:body/allowed_blocks", ["images", "tables", "components-and-items"])],
            "Cannot add the last allowed limitation type.",
        ),
        ([op("remove", "/elements/codename:body/allowed_blocks/images")], "The referenced object was not found."),
        (
            [op("addInto", "/elements/codename:related/allowed_content_types", {"nope": 1})],
            "A reference must be an object",
        ),
        ([op("replace", "/name", "ok"), op("replace", "/elements/codename:nope/name", "x")], "index '1'"),
    ],
)
def test_invalid_operations_change_nothing(api: Api, ops: list[dict[str, Any]], message: str) -> None:
    created = make(api)
    assert_invalid(api.patch("types", "codename/article", ops), message)
    assert api.get("types", created["id"]).json() == created


@pytest.mark.parametrize(
    ("ops", "fragment"),
    [
        ([op("replace", "/elements/codename:host/codename", "title")], "element codenames must be unique"),
        ([op("replace", "/name", "")], "name: provide a nonempty name"),
        ([op("replace", "/codename", "Bad!")], "codename: The codename 'Bad!' is invalid"),
        ([op("replace", "/codename", "other")], "codename 'other' already exists"),
        ([op("replace", "/codename", None)], "codename: The codename must be a string."),
        ([op("addInto", "/content_groups", {"name": "G"})], "content_group is required"),
        ([op("addInto", "/elements", {"name": "X", "type": "weird"})], "unknown element type"),
        (
            [op("replace", "/elements/codename:title/maximum_text_length", {"value": -1, "applies_to": "words"})],
            "positive",
        ),
        (
            [op("replace", "/elements/codename:title/maximum_text_length", {"value": 2**31, "applies_to": "words"})],
            "no greater than 2147483647",
        ),
        ([op("replace", "/elements/codename:title/validation_regex", {"regex": "("})], "not a valid JavaScript"),
    ],
)
def test_invalid_results_change_nothing(api: Api, ops: list[dict[str, Any]], fragment: str) -> None:
    api.create("types", {"name": "Other", "codename": "other", "elements": []})
    created = make(api)
    assert_invalid(api.patch("types", "codename/article", ops), fragment)
    assert api.get("types", created["id"]).json() == created


def test_patch_body_must_be_a_nonempty_array(api: Api) -> None:
    make(api)
    assert_invalid(api.patch("types", "codename/article", []), "No patch operations were provided")
    assert_invalid(api.patch("types", "codename/article", {"op": "replace"}), "must be an array of operations")
    assert_invalid(api.patch("types", "codename/article", ["x"]), "The operation must be a JSON object.")
