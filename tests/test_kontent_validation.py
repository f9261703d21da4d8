"""Element limits over real HTTP: publishing refuses a variant that breaks any limit of its type (each limit
passing and failing), and environment validation (`POST /validate`, `POST /validate-async`, its task and
paginated issues) reports variant and type issues; both backends."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.kontent_client import ZERO, Kontent
from tests.support import LiveServer

GUID_A = "4b8b1d7e-5f57-4c43-9b1c-0c1f3c0f0a11"
GUID_B = "9d6e3f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
GUID_C = "0f1e2d3c-4b5a-4968-8776-655443322110"
COMPONENT = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Kontent]:
    with server.client() as http:
        yield Kontent(http, project)


_serial = itertools.count()


def host(api: Kontent, element: dict[str, Any], *extra: dict[str, Any]) -> str:
    """A new type holding `element` as 'Field' (codename `field`), plus `extra` elements; its codename."""
    codename = f"host_{next(_serial)}"
    api.add_type(codename, [{"name": "Field", "codename": "field", **element}, *extra])
    return codename


def publish_errors(api: Kontent, type_codename: str, value: dict[str, Any]) -> list[dict[str, Any]]:
    """Upsert `value` (for the element `field`) into a new item of the type and publish it: the validation
    errors of the refusal, or [] when it was published."""
    item = api.add_item(f"Item {next(_serial)}", type_codename)
    r = api.upsert(item["id"], ZERO, [{"element": {"codename": "field"}, **value}])
    assert r.status_code == 201, r.text
    r = api.request("PUT", f"/items/{item['id']}/variants/{ZERO}/publish")
    if r.status_code == 204:
        return []
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error_code"] == 4040027, body
    assert body["message"] == "Publishing item failed because some of its elements are incomplete."
    assert api.request("GET", f"/items/{item['id']}/variants/{ZERO}/published").status_code == 404
    errors: list[dict[str, Any]] = body["validation_errors"]
    return errors


def messages(api: Kontent, type_codename: str, value: dict[str, Any]) -> list[str]:
    errors = publish_errors(api, type_codename, value)
    assert all(error["path"] == "elements.field" for error in errors), errors
    return [error["message"] for error in errors]


def rich(html: str, components: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"value": html, "components": components or []}


def limit(value: int, condition: str) -> dict[str, Any]:
    return {"value": value, "condition": condition}


# -- text ----------------------------------------------------------------------------------------------------

TEXT_CASES: list[tuple[dict[str, Any], Any, list[str]]] = [
    ({"maximum_text_length": {"value": 5, "applies_to": "characters"}}, "Hello", []),
    (
        {"maximum_text_length": {"value": 5, "applies_to": "characters"}},
        "Hello!",
        ["Element 'Field' should have at most 5 characters(s) but has 6 character(s)."],
    ),
    # characters count as UTF-16 code units, as the hosted platform counts them
    (
        {"maximum_text_length": {"value": 2, "applies_to": "characters"}},
        "a\U0001f600",
        ["Element 'Field' should have at most 2 characters(s) but has 3 character(s)."],
    ),
    ({"maximum_text_length": {"value": 2, "applies_to": "words"}}, "one  two ", []),
    (
        {"maximum_text_length": {"value": 2, "applies_to": "words"}},
        "one two three",
        ["Element 'Field' should have at most 2 words(s) but has 3 word(s)."],
    ),
    ({"validation_regex": {"regex": "^\\d+$", "is_active": True}}, "123", []),
    (
        {"validation_regex": {"regex": "^\\d+$", "is_active": True, "validation_message": "Digits only."}},
        "12a",
        ["Element 'Field' does not match the required pattern. Digits only."],
    ),
    (
        {"validation_regex": {"regex": "^\\d+$", "is_active": True}},
        "12a",
        ["Element 'Field' does not match the required pattern."],
    ),
    ({"validation_regex": {"regex": "^\\d+$", "is_active": False}}, "abc", []),
    ({"validation_regex": {"regex": "^abc$", "flags": "i", "is_active": True}}, "ABC", []),
    # JavaScript syntax Python's `re` lacks: named groups and \p{…} under `u`
    ({"validation_regex": {"regex": "^(?<year>\\d{4})$", "is_active": True}}, "2024", []),
    ({"validation_regex": {"regex": "^\\p{Lu}", "flags": "u", "is_active": True}}, "Émile", []),
    # a search, not a full match (RegExp.prototype.test); sticky anchors it at the start
    ({"validation_regex": {"regex": "b", "is_active": True}}, "abc", []),
    (
        {"validation_regex": {"regex": "b", "flags": "y", "is_active": True}},
        "abc",
        ["Element 'Field' does not match the required pattern."],
    ),
    # an empty optional element meets every limit
    ({"validation_regex": {"regex": "^\\d+$", "is_active": True}}, None, []),
    ({"is_required": True}, "x", []),
    ({"is_required": True}, "", ["Element 'Field' is required but has no value"]),
]


@pytest.mark.parametrize(("definition", "value", "expected"), TEXT_CASES)
def test_text_limits(api: Kontent, definition: dict[str, Any], value: Any, expected: list[str]) -> None:
    assert messages(api, host(api, {"type": "text", **definition}), {"value": value}) == expected


def test_url_slug_pattern(api: Kontent) -> None:
    slug = {
        "type": "url_slug",
        "depends_on": {"element": {"codename": "title"}},
        "validation_regex": {"regex": "^[a-z-]+$", "is_active": True, "validation_message": "Lowercase words."},
    }
    codename = host(api, slug, {"name": "Title", "codename": "title", "type": "text"})
    assert messages(api, codename, {"value": "good-slug", "mode": "custom"}) == []
    assert messages(api, codename, {"value": "Bad_Slug", "mode": "custom"}) == [
        "Element 'Field' does not match the required pattern. Lowercase words."
    ]


# -- rich text -----------------------------------------------------------------------------------------------

TABLE = "<table><tbody><tr><td>{}</td></tr></tbody></table>"
FIGURE = f'<figure data-asset-id="{GUID_A}"><img src="#" data-asset-id="{GUID_A}"></figure>'

RICH_CASES: list[tuple[dict[str, Any], str, list[str]]] = [
    ({"maximum_text_length": {"value": 10, "applies_to": "characters"}}, "<p>Hello</p><ul><li>world</li></ul>", []),
    (
        {"maximum_text_length": {"value": 10, "applies_to": "characters"}},
        "<p>Hello <strong>world</strong>!</p>",
        ["Element 'Field' should have at most 10 characters(s) but has 12 character(s)."],
    ),
    ({"maximum_text_length": {"value": 3, "applies_to": "words"}}, "<h1>one</h1><p>two three</p>", []),
    (
        {"maximum_text_length": {"value": 3, "applies_to": "words"}},
        "<h1>one</h1><p>two</p><p>three four</p>",
        ["Element 'Field' should have at most 3 words(s) but has 4 word(s)."],
    ),
    ({"allowed_blocks": ["text"]}, "<p>Just text</p>", []),
    (
        {"allowed_blocks": ["text"]},
        "<p>Text</p>" + TABLE.format("cell") + FIGURE,
        [
            "Element 'Field' contains images that are not allowed in this context.",
            "Element 'Field' contains tables that are not allowed in this context.",
        ],
    ),
    ({"allowed_blocks": ["images"]}, FIGURE, []),
    (
        {"allowed_blocks": ["images"]},
        "<p>Caption</p>",
        ["Element 'Field' contains text blocks that are not allowed in this context."],
    ),
    ({"allowed_text_blocks": ["paragraph", "unordered-list"]}, "<p>a</p><ul><li>b</li></ul>", []),
    (
        {"allowed_text_blocks": ["paragraph"]},
        "<h1>Title</h1><p>a</p><ul><li>b<ol><li>c</li></ol></li></ul>",
        [
            "Element 'Field' contains text blocks of type 'heading-one' that are not allowed.",
            "Element 'Field' contains text blocks of type 'ordered-list' that are not allowed.",
            "Element 'Field' contains text blocks of type 'unordered-list' that are not allowed.",
        ],
    ),
    ({"allowed_formatting": ["unstyled"]}, "<p>plain</p>", []),
    (
        {"allowed_formatting": ["unstyled", "bold"]},
        '<p><strong>b</strong> <em>i</em> <a href="https://example.com">l</a> <sub>s</sub></p>',
        [
            "Element 'Field' contains formatting 'italic' that is not allowed.",
            "Element 'Field' contains formatting 'subscript' that is not allowed.",
            "Element 'Field' contains formatting 'link' that is not allowed.",
        ],
    ),
    ({"allowed_table_blocks": ["text"]}, TABLE.format("cell") + FIGURE, []),
    (
        {"allowed_table_blocks": ["text"]},
        TABLE.format(FIGURE),
        ["Element 'Field' contains images in a table that are not allowed."],
    ),
    ({"allowed_table_text_blocks": ["paragraph"]}, TABLE.format("implicit <em>paragraph</em>") + "<h2>x</h2>", []),
    (
        {"allowed_table_text_blocks": ["paragraph"]},
        TABLE.format("<h2>Heading</h2>"),
        ["Element 'Field' contains text blocks of type 'heading-two' in a table that are not allowed."],
    ),
    ({"allowed_table_formatting": ["unstyled"]}, TABLE.format("plain") + "<p><em>outside</em></p>", []),
    (
        {"allowed_table_formatting": ["unstyled"]},
        TABLE.format("<em>inside</em>"),
        ["Element 'Field' contains formatting 'italic' in a table that is not allowed."],
    ),
    # the empty value uses no blocks at all
    ({"allowed_blocks": ["images"], "allowed_text_blocks": ["heading-one"]}, "<p><br/></p>", []),
    ({"is_required": True}, FIGURE, []),
    ({"is_required": True}, "<p><br/></p>", ["Element 'Field' is required but has no value"]),
    ({"is_required": True}, "<p>  </p>", ["Element 'Field' is required but has no value"]),
]


@pytest.mark.parametrize(("definition", "html", "expected"), RICH_CASES)
def test_rich_text_limits(api: Kontent, definition: dict[str, Any], html: str, expected: list[str]) -> None:
    assert messages(api, host(api, {"type": "rich_text", **definition}), rich(html)) == expected


@pytest.fixture
def linkable(api: Kontent) -> dict[str, str]:
    """Two small types with an item each, for linked items, components and item links."""
    for codename in ("coffee", "brewer"):
        api.add_type(codename, [{"name": "Name", "codename": "name", "type": "text"}])
    coffee = api.add_item("Colombia Carlos Imbachi", "coffee")
    brewer = api.add_item("Hario V60", "brewer")
    return {"coffee": coffee["id"], "brewer": brewer["id"]}


def test_rich_text_allowed_content_types_and_item_links(api: Kontent, linkable: dict[str, str]) -> None:
    codename = host(
        api,
        {
            "type": "rich_text",
            "allowed_content_types": [{"codename": "coffee"}],
            "allowed_item_link_types": [{"codename": "coffee"}],
        },
    )
    coffee, brewer = linkable["coffee"], linkable["brewer"]

    def item(item_id: str) -> str:
        return f'<object type="application/kenticocloud" data-type="item" data-id="{item_id}"></object>'

    component = f'<object type="application/kenticocloud" data-type="component" data-id="{COMPONENT}"></object>'

    def component_of(type_codename: str) -> list[dict[str, Any]]:
        return [{"id": COMPONENT, "type": {"codename": type_codename}, "elements": []}]

    link = '<p><a data-item-id="{}">see</a></p>'
    assert messages(api, codename, rich(item(coffee) + component + link.format(coffee), component_of("coffee"))) == []
    assert messages(api, codename, rich(item(brewer) + component + link.format(brewer), component_of("brewer"))) == [
        "Element 'Field' contains a content module Hario V60 of type Brewer that is not allowed in this context.",
        "Element 'Field' contains a component of type Brewer that is not allowed in this context.",
        "Element 'Field' contains a link to the content item Hario V60 of type Brewer that is not allowed in this "
        "context.",
    ]


# -- linked items and subpages -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["modular_content", "subpages"])
def test_linked_items_count_and_types(api: Kontent, linkable: dict[str, str], kind: str) -> None:
    coffee, brewer = linkable["coffee"], linkable["brewer"]
    exactly_one = host(api, {"type": kind, "item_count_limit": limit(1, "exactly")})
    assert messages(api, exactly_one, {"value": [{"id": coffee}]}) == []
    assert messages(api, exactly_one, {"value": []}) == []  # optional and empty
    assert messages(api, exactly_one, {"value": [{"id": coffee}, {"id": brewer}]}) == [
        "Element 'Field' should have exactly 1 content module(s) but has 2 content module(s)."
    ]
    at_least = host(api, {"type": kind, "is_required": True, "item_count_limit": limit(2, "at_least")})
    assert messages(api, at_least, {"value": []}) == [
        "Element 'Field' is required but has no value",
        "Element 'Field' should have at least 2 content module(s) but has 0 content module(s).",
    ]
    at_most = host(api, {"type": kind, "item_count_limit": limit(1, "at_most")})
    assert messages(api, at_most, {"value": [{"id": coffee}, {"id": brewer}]}) == [
        "Element 'Field' should have at most 1 content module(s) but has 2 content module(s)."
    ]
    only_coffee = host(api, {"type": kind, "allowed_content_types": [{"codename": "coffee"}]})
    assert messages(api, only_coffee, {"value": [{"id": coffee}]}) == []
    assert messages(api, only_coffee, {"value": [{"id": brewer}, {"id": coffee}]}) == [
        "Element 'Field' contains a content module Hario V60 of type Brewer that is not allowed in this context."
    ]
    # an item referenced before it exists does not block publishing (imports create items in any order)
    assert messages(api, only_coffee, {"value": [{"external_id": "not-yet-imported"}]}) == []


# -- assets, taxonomy, multiple choice -----------------------------------------------------------------------


def test_asset_count_limit(api: Kontent) -> None:
    """Assets are referenced by id before they exist (the asset endpoints are not built yet)."""
    two = host(api, {"type": "asset", "asset_count_limit": limit(2, "at_least")})
    assert messages(api, two, {"value": [{"id": GUID_A}, {"id": GUID_B}]}) == []
    assert messages(api, two, {"value": []}) == []
    assert messages(api, two, {"value": [{"id": GUID_A}]}) == [
        "Element 'Field' should have at least 2 asset(s) but has 1 asset(s)."
    ]
    exactly = host(api, {"type": "asset", "is_required": True, "asset_count_limit": limit(1, "exactly")})
    assert messages(api, exactly, {"value": [{"id": GUID_A}, {"id": GUID_B}, {"id": GUID_C}]}) == [
        "Element 'Field' should have exactly 1 asset(s) but has 3 asset(s)."
    ]


@pytest.fixture
def personas(api: Kontent) -> dict[str, Any]:
    doc: dict[str, Any] = api.ok(
        "POST",
        "/taxonomies",
        {
            "name": "Personas",
            "codename": "personas",
            "terms": [
                {
                    "name": "Barista",
                    "codename": "barista",
                    "terms": [{"name": "Head", "codename": "head", "terms": []}],
                },
                {"name": "Blogger", "codename": "blogger", "terms": []},
            ],
        },
        201,
    )
    return doc


def test_taxonomy_term_count_and_removed_terms(api: Kontent, personas: dict[str, Any]) -> None:
    at_most = host(
        api, {"type": "taxonomy", "taxonomy_group": {"codename": "personas"}, "term_count_limit": limit(1, "at_most")}
    )
    assert messages(api, at_most, {"value": [{"codename": "head"}]}) == []
    assert messages(api, at_most, {"value": [{"codename": "head"}, {"codename": "blogger"}]}) == [
        "Element 'Field' should have at most 1 term(s) but has 2 term(s)."
    ]
    item = api.add_item("Tagged", at_most)
    r = api.upsert(item["id"], ZERO, [{"element": {"codename": "field"}, "value": [{"codename": "blogger"}]}])
    assert r.status_code == 201, r.text
    blogger = personas["terms"][1]["id"]
    api.ok("PATCH", "/taxonomies/codename/personas", [{"op": "remove", "reference": {"codename": "blogger"}}])
    error = api.error("PUT", f"/items/{item['id']}/variants/{ZERO}/publish")
    assert error["error_code"] == 4040027
    assert error["validation_errors"] == [
        {
            "message": f"Element 'Field' references a non-existent taxonomy term with ID {blogger}.",
            "path": "elements.field",
        }
    ]


def test_multiple_choice_single_mode_and_removed_options(api: Kontent) -> None:
    codename = host(
        api,
        {
            "type": "multiple_choice",
            "mode": "multiple",
            "options": [{"name": "A", "codename": "a"}, {"name": "B", "codename": "b"}, {"name": "C", "codename": "c"}],
        },
    )
    item = api.add_item("Choices", codename)
    r = api.upsert(
        item["id"], ZERO, [{"element": {"codename": "field"}, "value": [{"codename": "a"}, {"codename": "b"}]}]
    )
    assert r.status_code == 201, r.text
    option_b = r.json()["elements"][0]["value"][1]["id"]
    api.ok(
        "PATCH",
        f"/types/codename/{codename}",
        [
            {"op": "replace", "path": "/elements/codename:field/mode", "value": "single"},
            {"op": "remove", "path": "/elements/codename:field/options/codename:b"},
        ],
    )
    error = api.error("PUT", f"/items/{item['id']}/variants/{ZERO}/publish")
    assert [e["message"] for e in error["validation_errors"]] == [
        f"Element 'Field' references a non-existent option with ID {option_b}.",
        "Element 'Field' should have at most 1 option(s) but has 2 option(s).",
    ]
    single = host(api, {"type": "multiple_choice", "mode": "single", "options": [{"name": "A", "codename": "a"}]})
    assert messages(api, single, {"value": [{"codename": "a"}]}) == []


# -- the refusal lists everything ------------------------------------------------------------------------------


def every_required(api: Kontent) -> str:
    """A type whose every value element (and a snippet's) is required."""
    api.ok("POST", "/taxonomies", {"name": "Tags", "codename": "tags", "terms": []}, 201)
    api.add_snippet("seo", [{"name": "Meta", "codename": "seo__meta", "type": "text", "is_required": True}])
    required = {"is_required": True}
    api.add_type(
        "complete",
        [
            {"name": "Title", "codename": "title", "type": "text", **required},
            {"name": "Body", "codename": "body", "type": "rich_text", **required},
            {"name": "Rating", "codename": "rating", "type": "number", **required},
            {"name": "Date", "codename": "date", "type": "date_time", **required},
            {
                "name": "Pick",
                "codename": "pick",
                "type": "multiple_choice",
                "mode": "single",
                "options": [{"name": "A", "codename": "a"}],
                **required,
            },
            {"name": "Image", "codename": "image", "type": "asset", **required},
            {"name": "Related", "codename": "related", "type": "modular_content", **required},
            {
                "name": "Tags",
                "codename": "tags",
                "type": "taxonomy",
                "taxonomy_group": {"codename": "tags"},
                **required,
            },
            {
                "name": "Slug",
                "codename": "slug",
                "type": "url_slug",
                "depends_on": {"element": {"codename": "title"}},
                **required,
            },
            {"name": "Widget", "codename": "widget", "type": "custom", "source_url": "https://example.com", **required},
            {"type": "snippet", "snippet": {"codename": "seo"}},
        ],
    )
    return "complete"


def test_publish_refusal_lists_every_problem_with_its_path(api: Kontent) -> None:
    every_required(api)
    item = api.add_item("Empty", "complete")
    assert api.upsert(item["id"], ZERO, []).status_code == 201
    error = api.error("PUT", f"/items/{item['id']}/variants/{ZERO}/publish")
    assert error["error_code"] == 4040027
    names = ["Title", "Body", "Rating", "Date", "Pick", "Image", "Related", "Tags", "Slug", "Widget", "Meta"]
    codenames = ["title", "body", "rating", "date", "pick", "image", "related", "tags", "slug", "widget", "seo__meta"]
    assert error["validation_errors"] == [
        {"message": f"Element '{name}' is required but has no value", "path": f"elements.{codename}"}
        for name, codename in zip(names, codenames, strict=True)
    ]
    # scheduling refuses the same way, and nothing changed
    before = api.variant(item["id"])
    scheduled = api.error(
        "PUT", f"/items/{item['id']}/variants/{ZERO}/publish", {"scheduled_to": "2999-01-01T00:00:00Z"}
    )
    assert scheduled["validation_errors"] == error["validation_errors"]
    assert api.variant(item["id"]) == before


# -- environment validation -----------------------------------------------------------------------------------


def broken_environment(api: Kontent, linkable: dict[str, str]) -> dict[str, Any]:
    """A type whose taxonomy group is deleted afterwards, and two variants with issues (one per language)."""
    api.ok("POST", "/taxonomies", {"name": "Status", "codename": "status", "terms": []}, 201)
    group = api.ok("GET", "/taxonomies/codename/status")
    spanish = api.add_language("es-ES", name="Spanish (Spain)")
    article = api.add_type(
        "article",
        [
            {"name": "Meta description", "codename": "meta_description", "type": "text",
             "maximum_text_length": {"value": 5, "applies_to": "characters"}},
            {"name": "Related articles", "codename": "related_articles", "type": "modular_content", "is_required": True,
             "allowed_content_types": [{"codename": "coffee"}], "item_count_limit": limit(1, "at_least")},
            {"name": "Product status", "codename": "product_status", "type": "taxonomy",
             "taxonomy_group": {"codename": "status"}},
        ],
    )  # fmt: skip
    item = api.add_item("Origins of Arabica Bourbon", "article", codename="origins_of_arabica_bourbon")
    r = api.upsert(
        item["id"],
        ZERO,
        [
            {"element": {"codename": "related_articles"}, "value": [{"id": linkable["brewer"]}]},
            {"element": {"codename": "meta_description"}, "value": "Too long"},
        ],
    )
    assert r.status_code == 201, r.text
    r = api.upsert(item["id"], "codename/es-ES", [{"element": {"codename": "meta_description"}, "value": "Corto"}])
    assert r.status_code == 201, r.text
    api.ok("DELETE", "/taxonomies/codename/status", status=204)
    return {"article": article, "item": item, "group": group, "spanish": spanish}


def test_validate_reports_variant_and_type_issues(
    api: Kontent, linkable: dict[str, str], project: dict[str, Any]
) -> None:
    env = broken_environment(api, linkable)
    article, item = env["article"], env["item"]
    report = api.ok("POST", "/validate")
    assert report["project"] == {
        "id": project["environment_id"],
        "name": "Test project",
        "environment": "Production",
        "is_production": True,
    }

    def element(codename: str) -> dict[str, str]:
        found = next(e for e in article["elements"] if e["codename"] == codename)
        return {"id": found["id"], "name": found["name"], "codename": codename}

    item_ref = {"id": item["id"], "name": "Origins of Arabica Bourbon", "codename": "origins_of_arabica_bourbon"}
    assert report["variant_issues"] == [
        {
            "item": item_ref,
            "language": {"id": ZERO, "name": "Default project language", "codename": "default"},
            "issues": [
                {
                    "element": element("meta_description"),
                    "messages": [
                        "Element 'Meta description' should have at most 5 characters(s) but has 8 character(s)."
                    ],
                },
                {
                    "element": element("related_articles"),
                    "messages": [
                        "Element 'Related articles' contains a content module Hario V60 of type Brewer that is not "
                        "allowed in this context."
                    ],
                },
            ],
        },
        {
            "item": item_ref,
            "language": {"id": env["spanish"]["id"], "name": "Spanish (Spain)", "codename": "es-ES"},
            "issues": [
                {
                    "element": element("related_articles"),
                    "messages": [
                        "Element 'Related articles' is required but has no value",
                        "Element 'Related articles' should have at least 1 content module(s) but has 0 content "
                        "module(s).",
                    ],
                }
            ],
        },
    ]
    assert report["type_issues"] == [
        {
            "type": {"id": article["id"], "name": "Article", "codename": "article"},
            "issues": [
                {
                    "element": element("product_status"),
                    "messages": [
                        "Element 'Product status' contains references to non-existing taxonomy group with ID "
                        f"{env['group']['id']}."
                    ],
                }
            ],
        }
    ]


def test_validate_reports_missing_items_and_types(api: Kontent) -> None:
    """References to items and types that do not exist: issues for validation, not for publishing."""
    api.add_type(
        "page",
        [
            {"name": "Parts", "codename": "parts", "type": "modular_content",
             "allowed_content_types": [{"external_id": "future-type"}]},
            {"name": "Text", "codename": "text", "type": "rich_text"},
        ],
    )  # fmt: skip
    page = api.ok("GET", "/types/codename/page")
    item = api.add_item("Page", "page")
    r = api.upsert(
        item["id"],
        ZERO,
        [
            {"element": {"codename": "parts"}, "value": [{"external_id": "future-item"}]},
            {"element": {"codename": "text"}, "value": '<p><a data-item-external-id="future-link">x</a></p>'},
        ],
    )
    assert r.status_code == 201, r.text
    part_id = r.json()["elements"][0]["value"][0]["id"]
    link_id = r.json()["elements"][1]["value"].split('data-item-id="')[1].split('"')[0]
    assert api.request("PUT", f"/items/{item['id']}/variants/{ZERO}/publish").status_code == 204
    report = api.ok("POST", "/validate")
    future_type = page["elements"][0]["allowed_content_types"][0]["id"]
    assert report["type_issues"] == [
        {
            "type": {"id": page["id"], "name": "Page", "codename": "page"},
            "issues": [
                {
                    "element": {"id": page["elements"][0]["id"], "name": "Parts", "codename": "parts"},
                    "messages": [
                        f"Element 'Parts' contains references to non-existing content type with ID {future_type}."
                    ],
                }
            ],
        }
    ]
    assert [issue["issues"] for issue in report["variant_issues"]] == [
        [
            {
                "element": {"id": page["elements"][0]["id"], "name": "Parts", "codename": "parts"},
                "messages": [f"Element 'Parts' references a non-existent content item with ID {part_id}."],
            },
            {
                "element": {"id": page["elements"][1]["id"], "name": "Text", "codename": "text"},
                "messages": [f"Element 'Text' links to a non-existent content item with ID {link_id}."],
            },
        ]
    ]


def test_validate_a_clean_environment(api: Kontent) -> None:
    api.add_type("note", [{"name": "Body", "codename": "body", "type": "text", "is_required": True}])
    item = api.add_item("Note", "note")
    assert api.upsert(item["id"], ZERO, [{"element": {"codename": "body"}, "value": "ok"}]).status_code == 201
    report = api.ok("POST", "/validate")
    assert report["variant_issues"] == [] and report["type_issues"] == []
    task = api.ok("POST", "/validate-async", status=202)
    assert task == {"id": task["id"], "status": "finished", "validation_result": "no_issues"}
    assert api.ok("GET", f"/validate-async/tasks/{task['id']}") == task
    assert api.ok("GET", f"/validate-async/tasks/{task['id']}/issues") == {
        "issues": [],
        "pagination": {"continuation_token": None, "next_page": None},
    }


def test_validate_takes_no_body_but_refuses_a_malformed_one(api: Kontent) -> None:
    for path in ("/validate", "/validate-async"):
        assert api.request("POST", path, headers={"Content-Type": "text/plain"}, content=b"x").status_code == 415
        assert api.request("POST", path, content=b"{").status_code == 400
        assert api.request("POST", path, {}).status_code in (200, 202)
    assert api.request("GET", "/validate").status_code == 405


@pytest.fixture
def paged(make_server: Callable[..., LiveServer]) -> Iterator[Kontent]:
    """A client of a server serving two issues per page, on a fresh project."""
    live = make_server(kontent_page_size=2)
    with live.client() as http:
        yield Kontent(http, live.project())


def test_validation_task_and_paged_issues(paged: Kontent) -> None:
    api = paged
    api.ok("POST", "/taxonomies", {"name": "Gone", "codename": "gone", "terms": []}, 201)
    api.add_type(
        "post",
        [
            {"name": "Title", "codename": "title", "type": "text", "is_required": True},
            {"name": "Topic", "codename": "topic", "type": "taxonomy", "taxonomy_group": {"codename": "gone"}},
        ],
    )
    api.ok("DELETE", "/taxonomies/codename/gone", status=204)
    names = [f"Post {n}" for n in range(4)]
    for name in names:
        item = api.add_item(name, "post")
        assert api.upsert(item["id"], ZERO, []).status_code == 201
    task = api.ok("POST", "/validate-async", status=202)
    assert set(task) == {"id", "status", "validation_result"}
    assert task["status"] == "finished" and task["validation_result"] == "issues_found"
    assert api.ok("GET", f"/validate-async/tasks/{task['id'].upper()}") == task

    path = f"/validate-async/tasks/{task['id']}/issues"
    first = api.ok("GET", path)
    token = first["pagination"]["continuation_token"]
    assert token and first["pagination"]["next_page"].endswith(f"/issues?continuationToken={token}")
    second = api.request("GET", path, headers={"x-continuation": token}).json()
    third_url = second["pagination"]["next_page"]
    third = api.http.get(third_url, headers=api.headers).json()
    assert third["pagination"] == {"continuation_token": None, "next_page": None}
    issues = first["issues"] + second["issues"] + third["issues"]
    assert [issue["issue_type"] for issue in issues] == ["type_issue"] + ["variant_issue"] * 4
    assert issues[0]["type"]["codename"] == "post"
    assert issues[0]["issues"][0]["messages"][0].startswith("Element 'Topic' contains references to non-existing")
    assert [issue["item"]["name"] for issue in issues[1:]] == names
    assert all(
        issue["language"]["id"] == ZERO
        and issue["issues"]
        == [{"element": issue["issues"][0]["element"], "messages": ["Element 'Title' is required but has no value"]}]
        for issue in issues[1:]
    )
    # another task's token is refused; a fresh task has its own issues
    other = api.ok("POST", "/validate-async", status=202)
    assert other["id"] != task["id"]
    refused = api.request("GET", f"/validate-async/tasks/{other['id']}/issues", headers={"x-continuation": token})
    assert refused.status_code == 400 and refused.json()["error_code"] == 1007
    assert api.error("GET", f"{path}?continuationToken=garbage")["error_code"] == 1007


@pytest.mark.parametrize("task_id", ["499f0e7d-a1e9-42d2-9bf2-a7336291f8df", "not-a-task"])
def test_unknown_validation_task(api: Kontent, task_id: str) -> None:
    for path in (f"/validate-async/tasks/{task_id}", f"/validate-async/tasks/{task_id}/issues"):
        error = api.error("GET", path, status=404)
        assert error["error_code"] == 120
        assert error["message"] == f"The requested validation task '{task_id}' was not found."
