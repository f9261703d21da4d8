"""Every element type over real HTTP: properties, defaults, references and validation messages."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.kontent.model.elements import SNIPPET, Catalog, normalize
from headwater.platform import ids
from tests.test_kontent_types import Api, api, assert_invalid, text

__all__ = ["api"]


def one(api: Api, element: dict[str, Any], **type_extra: Any) -> dict[str, Any]:
    created = api.create("types", {"name": "T", "elements": [element], **type_extra})
    result: dict[str, Any] = created["elements"][0]
    return result


def test_text_element_properties(api: Api) -> None:
    element = one(
        api,
        text(
            "Title",
            guidelines="Short.",
            is_required=True,
            is_non_localizable=True,
            maximum_text_length={"value": 60, "applies_to": "characters"},
            validation_regex={"regex": "^[a-z]+$", "flags": "i", "validation_message": "Letters only"},
            default={"global": {"value": "hello"}},
            external_id="title-ext",
        ),
    )
    assert element == {
        "maximum_text_length": {"value": 60, "applies_to": "characters"},
        "validation_regex": {
            "regex": "^[a-z]+$",
            "flags": "i",
            "validation_message": "Letters only",
            "is_active": False,
        },
        "name": "Title",
        "guidelines": "Short.",
        "is_required": True,
        "is_non_localizable": True,
        "type": "text",
        "id": element["id"],
        "codename": "title",
        "external_id": "title-ext",
        "default": {"global": {"value": "hello"}},
    }


def test_rich_text_element_properties(api: Api) -> None:
    target = api.create("types", {"name": "Target", "codename": "target", "elements": []})
    element = one(
        api,
        {
            "name": "Body",
            "type": "rich_text",
            "allowed_content_types": [{"codename": "target"}, {"external_id": "later"}],
            "allowed_item_link_types": [{"id": target["id"]}],
            "allowed_blocks": ["text", "tables"],
            "allowed_text_blocks": ["paragraph", "heading-one"],
            "allowed_formatting": ["unstyled", "bold"],
            "allowed_table_blocks": ["text"],
            "allowed_table_text_blocks": ["paragraph"],
            "allowed_table_formatting": ["unstyled"],
            "maximum_text_length": {"value": 10, "applies_to": "words"},
            "maximum_image_size": 1000,
            "image_width_limit": {"value": 100, "condition": "at_most"},
            "image_height_limit": {"value": 50, "condition": "exactly"},
            "allowed_image_types": "adjustable",
        },
    )
    assert element["allowed_content_types"] == [
        {"id": target["id"]},
        {"id": ids.guid_for_external_id("content_type", "later")},
    ]
    assert element["allowed_item_link_types"] == [{"id": target["id"]}]
    assert element["allowed_formatting"] == ["unstyled", "bold"]
    assert element["image_width_limit"] == {"value": 100, "condition": "at_most"}
    assert element["allowed_image_types"] == "adjustable" and element["maximum_image_size"] == 1000


def test_dangling_type_reference_resolves_once_the_type_exists(api: Api) -> None:
    element = one(api, {"name": "Items", "type": "modular_content", "allowed_content_types": [{"external_id": "soon"}]})
    later = api.create("types", {"name": "Soon", "external_id": "soon", "elements": []})
    assert element["allowed_content_types"] == [{"id": later["id"]}]


def test_type_may_reference_itself(api: Api) -> None:
    created = api.create(
        "types",
        {
            "name": "Node",
            "codename": "node",
            "elements": [
                {"name": "Children", "type": "modular_content", "allowed_content_types": [{"codename": "node"}]}
            ],
        },
    )
    assert created["elements"][0]["allowed_content_types"] == [{"id": created["id"]}]


def test_number_date_time_asset_subpages_custom_guidelines(api: Api) -> None:
    created = api.create(
        "types",
        {
            "name": "All",
            "elements": [
                {"name": "Count", "type": "number", "default": {"global": {"value": 3.5}}},
                {"name": "When", "type": "date_time", "default": {"global": {"value": "2024-01-02T03:04:05Z"}}},
                {
                    "name": "Files",
                    "type": "asset",
                    "asset_count_limit": {"value": 2, "condition": "at_least"},
                    "maximum_file_size": 2048,
                    "allowed_file_types": "adjustable",
                    "default": {"global": {"value": [{"external_id": "logo"}]}},
                },
                {"name": "Pages", "type": "subpages", "item_count_limit": {"value": 1, "condition": "exactly"}},
                {
                    "name": "Color",
                    "type": "custom",
                    "source_url": "https://example.com/picker",
                    "json_parameters": '{"a": 1}',
                    "allowed_elements": [{"codename": "count"}],
                },
                {"type": "guidelines", "guidelines": "Read me."},
            ],
        },
    )
    number, when, files, pages, color, guide = created["elements"]
    assert number["default"] == {"global": {"value": 3.5}} and number["codename"] == "count"
    assert when["default"] == {"global": {"value": "2024-01-02T03:04:05Z"}}
    assert files["asset_count_limit"] == {"value": 2, "condition": "at_least"}
    assert files["default"] == {"global": {"value": [{"id": ids.guid_for_external_id("asset", "logo")}]}}
    assert files["image_width_limit"] is None and files["maximum_file_size"] == 2048
    assert pages["item_count_limit"] == {"value": 1, "condition": "exactly"} and pages["allowed_content_types"] == []
    assert color["allowed_elements"] == [{"id": number["id"]}] and color["json_parameters"] == '{"a": 1}'
    assert guide == {
        "guidelines": "Read me.",
        "type": "guidelines",
        "id": guide["id"],
        "codename": "n" + guide["id"].replace("-", "_"),
    }


def test_multiple_choice_options_and_default(api: Api) -> None:
    element = one(
        api,
        {
            "name": "Host",
            "type": "multiple_choice",
            "mode": "single",
            "options": [{"name": "YouTube", "external_id": "yt"}, {"name": "Vimeo", "codename": "vim"}],
            "default": {"global": {"value": [{"codename": "vim"}]}},
        },
    )
    youtube, vimeo = element["options"]
    assert youtube == {"id": youtube["id"], "codename": "youtube", "name": "YouTube", "external_id": "yt"}
    assert vimeo == {"id": vimeo["id"], "codename": "vim", "name": "Vimeo"}
    assert element["mode"] == "single" and element["default"] == {"global": {"value": [{"id": vimeo["id"]}]}}


def test_taxonomy_element_accepts_dangling_external_id(api: Api) -> None:
    element = one(api, {"name": "Tags", "type": "taxonomy", "taxonomy_group": {"external_id": "tags"}})
    assert element["taxonomy_group"] == {"id": ids.guid_for_external_id("taxonomy", "tags")}
    assert element["term_count_limit"] is None and element["codename"] == "tags"


def test_taxonomy_default_terms_must_exist_but_may_later_be_removed(api: Api) -> None:
    """A default term must exist when written; removing it from its group later (as the hosted API lets a
    taxonomy change under its users) must not make the type's unrelated edits fail."""
    api.create(
        "taxonomies",
        {
            "name": "Tags",
            "codename": "tags",
            "terms": [{"name": "A", "codename": "a", "terms": []}, {"name": "B", "terms": []}],
        },
    )
    r = api.post(
        "types",
        {
            "name": "T",
            "elements": [
                {
                    "type": "taxonomy",
                    "taxonomy_group": {"codename": "tags"},
                    "default": {"global": {"value": [{"codename": "zzz"}]}},
                }
            ],
        },
    )
    assert_invalid(r, "the taxonomy term {codename: zzz} was not found in the taxonomy group")
    element = one(
        api,
        {
            "type": "taxonomy",
            "taxonomy_group": {"codename": "tags"},
            "default": {"global": {"value": [{"codename": "a"}]}},
        },
    )
    kept = element["default"]
    r = api.patch("taxonomies", "codename/tags", [{"op": "remove", "reference": {"codename": "a"}}])
    assert r.status_code == 200, r.text
    renamed = api.ok_patch("types", "codename/t", {"op": "replace", "path": "/name", "value": "Renamed"})
    assert renamed["elements"][0]["default"] == kept
    # A new default must still name terms that exist.
    r = api.patch(
        "types",
        "codename/t",
        [
            {
                "op": "replace",
                "path": f"/elements/id:{element['id']}/default",
                "value": {"global": {"value": [{"codename": "a"}]}},
            }
        ],
    )
    assert_invalid(r, "the taxonomy term {codename: a} was not found in the taxonomy group")


def test_url_slug_depends_on_a_text_element(api: Api) -> None:
    created = api.create(
        "types",
        {
            "name": "Page",
            "elements": [
                text("Title", codename="title"),
                {"name": "Slug", "type": "url_slug", "depends_on": {"element": {"codename": "title"}}},
            ],
        },
    )
    title, slug = created["elements"]
    assert slug["depends_on"] == {"element": {"id": title["id"]}}


def test_url_slug_depends_on_a_snippet_element(api: Api) -> None:
    snippet = api.create("snippets", {"name": "Meta", "codename": "meta", "elements": [text("Title")]})
    created = api.create(
        "types",
        {
            "name": "Page",
            "elements": [
                {"type": "snippet", "snippet": {"codename": "meta"}},
                {
                    "name": "Slug",
                    "type": "url_slug",
                    "depends_on": {"snippet": {"codename": "meta"}, "element": {"codename": "meta__title"}},
                },
            ],
        },
    )
    snippet_element, slug = created["elements"]
    assert snippet_element == {
        "snippet": {"id": snippet["id"]},
        "is_non_localizable": False,
        "type": "snippet",
        "id": snippet_element["id"],
        "codename": "meta",
    }
    assert slug["depends_on"] == {"element": {"id": snippet["elements"][0]["id"]}, "snippet": {"id": snippet["id"]}}


@pytest.mark.parametrize(
    ("element", "fragment"),
    [
        (
            text("X", maximum_text_length={"value": 0, "applies_to": "words"}),
            "maximum_text_length.value must be a positive",
        ),
        (
            text("X", maximum_text_length={"value": 5, "applies_to": "lines"}),
            "applies_to must be 'words' or 'characters'",
        ),
        (text("X", validation_regex={"flags": "i"}), "validation_regex.regex is required"),
        (text("X", validation_regex={"regex": "a", "flags": "z"}), "validation_regex.flags"),
        (text("X", default={"global": {"value": 5}}), "default.global.value must be a string"),
        (text("X", default={"value": "x"}), "default must be an object"),
        ({"name": "R", "type": "rich_text", "allowed_blocks": ["video"]}, "allowed_blocks contains unknown values"),
        (
            {"name": "R", "type": "rich_text", "allowed_formatting": ["bold", "bold"]},
            "allowed_formatting contains duplicate values",
        ),
        ({"name": "R", "type": "rich_text", "is_non_localizable": True}, "cannot be non-localizable"),
        ({"name": "R", "type": "rich_text", "allowed_image_types": "png"}, "must be 'adjustable' or 'any'"),
        (
            {"name": "R", "type": "rich_text", "image_width_limit": {"value": 5, "condition": "about"}},
            "condition must be",
        ),
        (
            {"name": "R", "type": "rich_text", "allowed_content_types": [{"codename": "nope"}]},
            "{codename: nope} was not found",
        ),
        ({"name": "N", "type": "number", "default": {"global": {"value": "1"}}}, "must be a number"),
        ({"name": "D", "type": "date_time", "default": {"global": {"value": "soon"}}}, "ISO-8601"),
        ({"name": "M", "type": "multiple_choice", "options": []}, "mode is required"),
        ({"name": "M", "type": "multiple_choice", "mode": "single"}, "options is required"),
        (
            {
                "name": "M",
                "type": "multiple_choice",
                "mode": "single",
                "options": [{"name": "A", "codename": "a"}, {"name": "B", "codename": "a"}],
            },
            "option codenames must be unique",
        ),
        (
            {
                "name": "M",
                "type": "multiple_choice",
                "mode": "single",
                "options": [{"name": "A"}, {"name": "B"}],
                "default": {"global": {"value": [{"codename": "a"}, {"codename": "b"}]}},
            },
            "at most one option",
        ),
        (
            {"name": "A", "type": "asset", "default": {"global": {"value": [{"codename": "logo"}]}}},
            "use an id or external_id",
        ),
        ({"name": "T", "type": "taxonomy"}, "provide taxonomy reference for taxonomy element"),
        ({"name": "T", "type": "taxonomy", "taxonomy_group": {"codename": "nope"}}, "taxonomy group {codename: nope}"),
        ({"name": "S", "type": "url_slug"}, "depends_on is required"),
        (
            {"name": "S", "type": "url_slug", "depends_on": {"element": {"codename": "nope"}}},
            "text element {codename: nope}",
        ),
        ({"name": "C", "type": "custom"}, "source_url is required"),
        ({"name": "C", "type": "custom", "source_url": "ftp://x"}, "absolute http(s) URL"),
        (
            {"name": "C", "type": "custom", "source_url": "https://x.io", "json_parameters": "{"},
            "valid stringified JSON",
        ),
        (
            {"name": "C", "type": "custom", "source_url": "https://x.io", "allowed_elements": [{"codename": "z"}]},
            "element {codename: z}",
        ),
        ({"type": "guidelines"}, "guidelines is required"),
        ({"type": "guidelines", "guidelines": 5}, "guidelines is required and must be a string"),
        ({"type": "snippet"}, "snippet is required"),
        ({"type": "snippet", "snippet": {"codename": "nope"}}, "snippet {codename: nope} was not found"),
        (
            {"type": "snippet", "snippet": {"id": ids.ZERO_GUID}, "name": "x"},
            "snippet elements have no properties ['name']",
        ),
        ({"name": "X", "type": "text", "is_required": "yes"}, "is_required must be true or false"),
    ],
)
def test_invalid_elements_are_rejected(api: Api, element: dict[str, Any], fragment: str) -> None:
    assert_invalid(api.post("types", {"name": "T", "elements": [element]}), fragment)
    assert api.get("types").json()["types"] == []


def test_at_most_one_url_slug(api: Api) -> None:
    slug = {"name": "S", "type": "url_slug", "depends_on": {"element": {"codename": "t"}}}
    body = {"name": "T", "elements": [text("T", codename="t"), slug, {**slug, "name": "S2"}]}
    assert_invalid(api.post("types", body), "at most one URL slug element")


def test_snippet_normalizer_rejects_groups_and_forbidden_elements() -> None:
    """Unit level: the snippet rules that no HTTP body for types can reach."""
    raw = {
        "name": "S",
        "codename": "s",
        "content_groups": [{"name": "G"}],
        "elements": [{"type": "url_slug"}, {"type": "snippet"}, text("X", codename="x")],
    }
    doc, problems = normalize(SNIPPET, raw, Catalog(), object_id=ids.ZERO_GUID, last_modified="now")
    joined = "\n".join(problems)
    assert "cannot contain content groups" in joined
    assert "cannot contain url_slug elements" in joined and "cannot contain snippet elements" in joined
    assert "must start with 's__'" not in joined
    assert [e["codename"] for e in doc["elements"] if e.get("type") == "text"] == ["s__x"]  # prefixed, not refused
