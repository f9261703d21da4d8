"""The vendor's tutorials, API reference samples and tools, request by request, as regression tests
over real HTTP.

Each test sends the requests of one kontent.ai/learn tutorial (content model, then content items and
their language variants), one set of API reference samples, or one tool, in the order they are sent,
with the bodies they publish. The JavaScript versions are checked where their wire bodies differ: the
SDK's element builders return their argument unchanged and `withElements([...])` / `withData(...)`
put `{"elements": [...]}` on the wire, so most JavaScript samples send the REST body. Samples name
objects of the vendor's sample project; each test first creates objects with the codenames and
external ids the samples use and picks, of the URL forms a sample lists, the ones those allow.
Imports are run twice: the second run must answer 200 and return the same objects.

A tutorial that works against the hosted API must work here (the JavaScript tutorials' bare-string
`type: "<codename>"` included). Requests the hosted API cannot accept either (a v1 element map, a
component element the tutorial never created) are sent as published and must be refused, storing
nothing. Published bodies that are not JSON (a missing comma, a trailing comma) are sent repaired.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from headwater.kontent.model.elements import ASSET, CONTENT_ITEM
from headwater.platform import ids
from tests.kontent_client import ZERO, Kontent
from tests.test_kontent_types import Api, api

__all__ = ["api"]


def post(api: Api, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    r = api.post(resource, body)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    assert api.get(resource, created["id"]).json() == created
    return created


def element_codenames(doc: dict[str, Any]) -> list[str]:
    return [element["codename"] for element in doc["elements"]]


def term_codenames(terms: list[dict[str, Any]]) -> list[Any]:
    return [(term["codename"], term_codenames(term["terms"])) if term["terms"] else term["codename"] for term in terms]


# -- "Import content model" (kontent.ai/learn, REST and JavaScript) --------------------------------

# Step 1: the snippet. Both versions send the element codenames without the `metadata__` prefix.
IMPORT_MODEL_SNIPPET = {
    "name": "Metadata",
    "codename": "metadata",
    "elements": [
        {"name": "Title", "codename": "title", "type": "text"},
        {"name": "Keywords", "codename": "keywords", "type": "text"},
        {"name": "Description", "codename": "description", "type": "text"},
    ],
}

# Step 2: the taxonomy group. The REST version names the sport terms by external id, the JavaScript
# version by codename.
IMPORT_MODEL_TAXONOMY_REST = {
    "name": "Blogpost topic",
    "codename": "blog_topic",
    "terms": [
        {
            "name": "Sport",
            "codename": "sport",
            "terms": [
                {"name": "Soccer", "external_id": "soccer", "terms": []},
                {"name": "Ice hockey", "external_id": "hockey", "terms": []},
                {"name": "Rugby", "external_id": "rugby", "terms": []},
            ],
        },
        {
            "name": "Technology stack",
            "codename": "tech",
            "terms": [
                {"name": "JavaScript", "codename": "js", "terms": []},
                {"name": "C#", "codename": "c", "terms": []},
                {"name": "MVC", "codename": "mvc", "terms": []},
            ],
        },
    ],
}
IMPORT_MODEL_TAXONOMY_JS = {
    "name": "Blogpost topic",
    "codename": "blog_topic",
    "terms": [
        {
            "name": "Sport",
            "codename": "sport",
            "terms": [
                {"name": "Soccer", "codename": "soccer", "terms": []},
                {"name": "Ice hockey", "codename": "hockey", "terms": []},
                {"name": "Rugby", "codename": "rugby", "terms": []},
            ],
        },
        {
            "name": "Technology stack",
            "codename": "tech",
            "terms": [
                {"name": "JavaScript", "codename": "js", "terms": []},
                {"name": "C#", "codename": "c", "terms": []},
                {"name": "MVC", "codename": "mvc", "terms": []},
            ],
        },
    ],
}


def import_model_type(*, title_default: bool) -> dict[str, Any]:
    """Step 3: the Blogpost type. The REST version also gives the title a default value (its published
    curl body misses the comma before `default`, which no JSON parser accepts; the comma is restored)."""
    title: dict[str, Any] = {"name": "Title", "type": "text", "content_group": {"external_id": "content"}}
    if title_default:
        title["default"] = {"global": {"value": "This is the default value of the text element."}}
    return {
        "name": "Blogpost",
        "codename": "blogpost",
        "content_groups": [
            {"name": "Content", "external_id": "content"},
            {"name": "Metadata", "external_id": "metadata"},
            {"name": "Topic", "external_id": "topic"},
        ],
        "elements": [
            title,
            {"name": "Image", "type": "asset", "content_group": {"external_id": "content"}},
            {"name": "Blog content", "type": "rich_text", "content_group": {"external_id": "content"}},
            {
                "snippet": {"codename": "metadata"},
                "type": "snippet",
                "codename": "metadata",
                "content_group": {"external_id": "metadata"},
            },
            {
                "taxonomy_group": {"codename": "blog_topic"},
                "type": "taxonomy",
                "codename": "taxonomy",
                "content_group": {"external_id": "topic"},
            },
        ],
    }


@pytest.mark.parametrize(
    ("taxonomy_body", "title_default"),
    [
        pytest.param(IMPORT_MODEL_TAXONOMY_REST, True, id="rest"),
        pytest.param(IMPORT_MODEL_TAXONOMY_JS, False, id="javascript"),
    ],
)
def test_import_content_model_tutorial(api: Api, taxonomy_body: dict[str, Any], title_default: bool) -> None:
    snippet = post(api, "snippets", IMPORT_MODEL_SNIPPET)
    assert snippet["codename"] == "metadata"
    assert element_codenames(snippet) == ["metadata__title", "metadata__keywords", "metadata__description"]
    assert [element["name"] for element in snippet["elements"]] == ["Title", "Keywords", "Description"]
    for element in snippet["elements"]:
        assert element == {
            "maximum_text_length": None,
            "name": element["name"],
            "guidelines": None,
            "is_required": False,
            "is_non_localizable": False,
            "type": "text",
            "id": element["id"],
            "codename": element["codename"],
        }

    taxonomy = post(api, "taxonomies", taxonomy_body)
    assert taxonomy["codename"] == "blog_topic" and taxonomy["name"] == "Blogpost topic"
    sport = (
        ["soccer", "ice_hockey", "rugby"]
        if taxonomy_body is IMPORT_MODEL_TAXONOMY_REST
        else ["soccer", "hockey", "rugby"]
    )
    assert term_codenames(taxonomy["terms"]) == [("sport", sport), ("tech", ["js", "c", "mvc"])]

    blogpost = post(api, "types", import_model_type(title_default=title_default))
    content, metadata, topic = blogpost["content_groups"]
    assert [(g["name"], g["codename"], g["external_id"]) for g in blogpost["content_groups"]] == [
        ("Content", "content", "content"),
        ("Metadata", "metadata", "metadata"),
        ("Topic", "topic", "topic"),
    ]
    title, image, body, snippet_element, taxonomy_element = blogpost["elements"]
    assert element_codenames(blogpost) == ["title", "image", "blog_content", "metadata", "taxonomy"]
    assert [e["content_group"] for e in blogpost["elements"]] == [
        {"id": content["id"]},
        {"id": content["id"]},
        {"id": content["id"]},
        {"id": metadata["id"]},
        {"id": topic["id"]},
    ]
    assert ("default" in title) is title_default
    if title_default:
        assert title["default"] == {"global": {"value": "This is the default value of the text element."}}
    assert image["type"] == "asset" and body["type"] == "rich_text"
    assert snippet_element == {
        "snippet": {"id": snippet["id"]},
        "is_non_localizable": False,
        "type": "snippet",
        "id": snippet_element["id"],
        "codename": "metadata",
        "content_group": {"id": metadata["id"]},
    }
    assert taxonomy_element["taxonomy_group"] == {"id": taxonomy["id"]}
    assert taxonomy_element["name"] == "Blogpost topic"
    # The snippet is now in use, and its elements answer to both codename forms.
    patched = api.ok_patch(
        "snippets",
        "codename/metadata",
        {"op": "replace", "path": "/elements/codename:title/guidelines", "value": "30-60 characters"},
        {"op": "replace", "path": "/elements/codename:metadata__keywords/guidelines", "value": "Comma separated."},
    )
    assert [e["guidelines"] for e in patched["elements"]] == ["30-60 characters", "Comma separated.", None]
    assert api.delete("snippets", "codename/metadata").status_code == 400


# -- shared set-up and helpers for content ----------------------------------------------------------

DEFAULT_DRAFT_STEP = "eee6db3b-545a-4785-8e86-e3772c8756f9"
PUBLISHED_STEP = "c199950d-99f0-4983-b711-6c4c91624b22"
SCHEDULED_STEP = "9d2b0228-4d0d-4c23-8b49-01a698857709"
EMPTY_SCHEDULE = {
    "publish_time": None,
    "publish_display_timezone": None,
    "unpublish_time": None,
    "unpublish_display_timezone": None,
}


# `type` as a bare codename string: what the JavaScript tutorials pass to `upsertContentItem().withData()`
# (the SDK's upsert contract once declared `type: string`) and the SDK puts on the wire unchanged.
@pytest.fixture
def kontent(api: Api, project: dict[str, Any]) -> Kontent:
    """The content client on the same connection as `api`."""
    return Kontent(api.http, project)


def sample_project_languages(kontent: Kontent) -> None:
    """The tutorials address the Sample project's default language by its codename `en-US`."""
    body = [{"op": "replace", "property_name": "codename", "value": "en-US"}]
    assert kontent.ok("PATCH", f"/languages/{ZERO}", body)["codename"] == "en-US"


def put(kontent: Kontent, path: str, body: Any, status: int) -> dict[str, Any]:
    doc: dict[str, Any] = kontent.ok("PUT", path, body, status)
    return doc


def item_id(external_id: str) -> str:
    """The id an item created by external id gets (and references to it point at before it exists)."""
    return ids.guid_for_external_id(CONTENT_ITEM, external_id)


def values_by_codename(variant: dict[str, Any], type_doc: dict[str, Any]) -> dict[str, Any]:
    """A variant's element values keyed by the type's element codenames (the response names ids only)."""
    names = {element["id"]: element["codename"] for element in type_doc["elements"]}
    out: dict[str, Any] = {}
    for value in variant["elements"]:
        rest = {k: v for k, v in value.items() if k != "element"}
        out[names[value["element"]["id"]]] = rest["value"] if list(rest) == ["value"] else rest
    return out


def assert_refused(r: httpx.Response, status: int = 400, *fragments: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    doc: dict[str, Any] = r.json()
    assert set(doc) >= {"request_id", "error_code", "message"}
    text = " ".join([doc["message"], *(e["message"] for e in doc.get("validation_errors", []))])
    for fragment in fragments:
        assert fragment in text, (fragment, doc)
    return doc


# -- "Import content items" (kontent.ai/learn, REST and JavaScript) --------------------------------

CAFE_GUIDELINES = (
    "<h2>Keep Guidelines where the creative process happens.</h2>\n<p>These are sample guidelines that you can "
    "place for the whole content item. It’s a place where you can include your content brief, voice and tone "
    "recommendations or the URL to a wireframe, so the author will have all the relevant instructions at hand "
    "before writing a single line.</p>\n<p>Besides overview guidelines, you can include instructions for each "
    "particular content element, as you will see below.</p>"
)


def add_cafe_type(api: Api) -> dict[str, Any]:
    """Step 1: the Cafe type (REST and JavaScript send the same body)."""
    cafe = post(
        api,
        "types",
        {
            "codename": "cafe",
            "name": "Cafe",
            "external_id": "cafe",
            "elements": [
                {"name": "Price per unit", "type": "number", "codename": "price_per_unit"},
                {
                    "guidelines": CAFE_GUIDELINES,
                    "type": "guidelines",
                    "codename": "n2f836bce_e062_b2cd_5265_f5c3be3aa6f5",
                },
                {"name": "Street", "type": "text", "codename": "street"},
                {"name": "City", "type": "text", "codename": "city"},
                {"name": "Country", "type": "text", "codename": "country"},
                {"name": "State", "type": "text", "codename": "state"},
                {"name": "ZIP Code", "type": "text", "codename": "zip_code"},
                {"name": "Phone", "type": "text", "codename": "phone"},
                {"name": "Email", "type": "text", "codename": "email"},
                {"name": "Photo", "type": "asset", "codename": "photo"},
            ],
        },
    )
    assert cafe["codename"] == "cafe" and cafe["external_id"] == "cafe" and cafe["content_groups"] == []
    assert element_codenames(cafe) == [
        "price_per_unit",
        "n2f836bce_e062_b2cd_5265_f5c3be3aa6f5",
        "street",
        "city",
        "country",
        "state",
        "zip_code",
        "phone",
        "email",
        "photo",
    ]
    guidelines = cafe["elements"][1]
    assert guidelines == {
        "guidelines": CAFE_GUIDELINES,
        "type": "guidelines",
        "id": guidelines["id"],
        "codename": "n2f836bce_e062_b2cd_5265_f5c3be3aa6f5",
    }
    assert api.get("types", "external-id/cafe").json() == cafe
    return cafe


def brno_variant(phone: str) -> dict[str, Any]:
    """Step 2b: the variant body. The JavaScript version writes the phone number without spaces; its
    element builders return their argument, and the SDK sends `{"elements": [...]}`."""
    values = [
        ("street", "Nove Sady 25"),
        ("city", "Brno"),
        ("country", "Czech Republic"),
        ("state", "Jihomoravsky kraj"),
        ("zip_code", "60200"),
        ("phone", phone),
        ("email", "brnocafe@kontent.ai"),
    ]
    return {"elements": [{"element": {"codename": codename}, "value": value} for codename, value in values]}


BRNO_ITEM = {"name": "Brno", "type": {"codename": "cafe"}}


@pytest.mark.parametrize("phone", [pytest.param("+420 555 555 555", id="rest"), pytest.param("+420555555555", id="js")])
def test_import_content_items_tutorial(api: Api, kontent: Kontent, phone: str) -> None:
    sample_project_languages(kontent)
    cafe = add_cafe_type(api)

    # Step 2a: the item, created by upserting it by external id.
    item = put(kontent, "/items/external-id/ext-cafe-brno", BRNO_ITEM, 201)
    assert item == {
        "id": item_id("ext-cafe-brno"),
        "name": "Brno",
        "codename": "brno",
        "type": {"id": cafe["id"]},
        "collection": {"id": ZERO},
        "spaces": [],
        "sitemap_locations": [],
        "external_id": "ext-cafe-brno",
        "last_modified": item["last_modified"],
    }

    # Step 2b: its variant in en-US, by item external id and language codename.
    variant_path = "/items/external-id/ext-cafe-brno/variants/codename/en-US"
    variant = put(kontent, variant_path, brno_variant(phone), 201)
    assert variant["item"] == {"id": item["id"]} and variant["language"] == {"id": ZERO}
    assert values_by_codename(variant, cafe) == {
        "price_per_unit": None,
        "street": "Nove Sady 25",
        "city": "Brno",
        "country": "Czech Republic",
        "state": "Jihomoravsky kraj",
        "zip_code": "60200",
        "phone": phone,
        "email": "brnocafe@kontent.ai",
        "photo": [],
    }
    assert variant["workflow"] == {
        "workflow_identifier": {"id": ZERO},
        "step_identifier": {"id": DEFAULT_DRAFT_STEP},
    }
    assert variant["schedule"] == EMPTY_SCHEDULE and variant["due_date"] == {"value": None}

    # Read back by every identifier form.
    for path in ("/items/external-id/ext-cafe-brno", f"/items/{item['id']}", "/items/codename/brno"):
        assert kontent.ok("GET", path) == item
    assert kontent.ok("GET", variant_path) == variant
    assert kontent.ok("GET", f"/items/{item['id']}/variants/{ZERO}") == variant
    assert kontent.ok("GET", f"/items/{item['id']}/variants") == [variant]

    # The import runs again: the same requests succeed with 200 and change nothing.
    assert put(kontent, "/items/external-id/ext-cafe-brno", BRNO_ITEM, 200) == item
    assert put(kontent, variant_path, brno_variant(phone), 200) == variant
    assert kontent.ok("GET", variant_path) == variant
    assert kontent.ok("GET", "/items")["items"] == [item]


def test_import_content_items_tutorial_javascript_item(api: Api, kontent: Kontent) -> None:
    """Step 2a as the JavaScript version sends it: `type` as the bare codename."""
    cafe = add_cafe_type(api)
    item = put(kontent, "/items/external-id/ext-cafe-brno", {"name": "Brno", "type": "cafe"}, 201)
    assert item["type"] == {"id": cafe["id"]} and item["external_id"] == "ext-cafe-brno"
    assert put(kontent, "/items/external-id/ext-cafe-brno", {"name": "Brno", "type": "cafe"}, 200) == item


# -- "Import linked content" (kontent.ai/learn, REST and JavaScript) -------------------------------


def add_article_type(kontent: Kontent) -> dict[str, Any]:
    """The Sample project's Article type, as far as the tutorial uses it."""
    return kontent.add_type(
        "article",
        [
            {"name": "Title", "codename": "title", "type": "text"},
            {"name": "Related articles", "codename": "related_articles", "type": "modular_content"},
        ],
    )


def linked_variant(title: str, related: str) -> dict[str, Any]:
    """The JavaScript version's variant body (`withElements([...])` sends `{"elements": [...]}`)."""
    return {
        "elements": [
            {"element": {"codename": "title"}, "value": title},
            {"element": {"codename": "related_articles"}, "value": [{"external_id": related}]},
        ]
    }


def linked_variant_rest(title: str, related: str) -> dict[str, Any]:
    """The REST version's variant body: Management API v1's element map, which v2 does not take."""
    return {"elements": {"title": title, "related_articles": [{"external_id": related}]}}


def test_import_linked_content_tutorial(api: Api, kontent: Kontent) -> None:
    sample_project_languages(kontent)
    article = add_article_type(kontent)
    on_roasts_path = "/items/external-id/123/variants/codename/en-US"
    donate_path = "/items/external-id/456/variants/codename/en-US"

    # On Roasts first: its item, then its variant, which links Donate with us before that exists.
    on_roasts = put(kontent, "/items/external-id/123", {"name": "On Roasts", "type": {"codename": "article"}}, 201)
    assert on_roasts["id"] == item_id("123") and on_roasts["codename"] == "on_roasts"
    # The REST version's body is the v1 element map: refused, nothing stored.
    assert_refused(kontent.request("PUT", on_roasts_path, linked_variant_rest("On Roasts", "456")), 400, "elements")
    assert kontent.error("GET", on_roasts_path, status=404)["error_code"] == 103
    first = put(kontent, on_roasts_path, linked_variant("On Roasts", "456"), 201)
    assert values_by_codename(first, article) == {
        "title": "On Roasts",
        "related_articles": [{"id": item_id("456")}],
    }
    assert kontent.error("GET", "/items/external-id/456", status=404)["error_code"] == 100

    # Donate with us: creating the item resolves the reference.
    donate = put(kontent, "/items/external-id/456", {"name": "Donate with us", "type": {"codename": "article"}}, 201)
    assert donate["id"] == item_id("456") and donate["codename"] == "donate_with_us"
    assert_refused(kontent.request("PUT", donate_path, linked_variant_rest("Donate with us", "123")), 400, "elements")
    second = put(kontent, donate_path, linked_variant("Donate with us", "123"), 201)
    assert values_by_codename(second, article) == {
        "title": "Donate with us",
        "related_articles": [{"id": on_roasts["id"]}],
    }
    assert kontent.ok("GET", on_roasts_path) == first
    assert kontent.ok("GET", donate_path) == second

    # "Validate imported content": an empty POST (the sample sends `Content-Length: 0`).
    report = kontent.request("POST", "/validate", content=b"", headers={"Content-Length": "0"})
    assert report.status_code == 200, report.text
    assert report.json()["variant_issues"] == [] and report.json()["type_issues"] == []

    # The import runs again, in the same order: 200s and the same objects.
    assert (
        put(kontent, "/items/external-id/123", {"name": "On Roasts", "type": {"codename": "article"}}, 200) == on_roasts
    )
    assert put(kontent, on_roasts_path, linked_variant("On Roasts", "456"), 200) == first
    body = {"name": "Donate with us", "type": {"codename": "article"}}
    assert put(kontent, "/items/external-id/456", body, 200) == donate
    assert put(kontent, donate_path, linked_variant("Donate with us", "123"), 200) == second


def test_import_linked_content_tutorial_javascript_items(kontent: Kontent) -> None:
    """The JavaScript version creates both items with `type: 'article'`."""
    article = add_article_type(kontent)
    for external_id, name in (("123", "On Roasts"), ("456", "Donate with us")):
        item = put(kontent, f"/items/external-id/{external_id}", {"name": name, "type": "article"}, 201)
        assert item["id"] == item_id(external_id) and item["type"] == {"id": article["id"]}


# -- "Import rich text" (kontent.ai/learn, REST and JavaScript) ------------------------------------

COMPONENT_ID = "a2ee7bac-15ff-4dce-a244-012b9f98dd7b"
# The tutorial's value, character for character: newlines between blocks, two-space list indents, the
# figure right after `</ul>` with no `<img>`, a link to an item (`second-page`) and an asset
# (`rich-text-asset`) nobody has imported.
RICH_TEXT = (
    '<h1>Lorem Ipsum</h1>\n<p>Lorem ipsum dolor sit amet, consectetur <a href="https://wikipedia.org">adipiscing '
    "elit</a>, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>\n<object "
    'type="application/kenticocloud" data-type="component" data-id="a2ee7bac-15ff-4dce-a244-012b9f98dd7b"></object>\n'
    '<p>Ut enim ad minim veniam, <a data-item-external-id="second-page">quis nostrud</a> exercitation ullamco '
    "laboris nisi ut aliquip ex ea commodo consequat.</p>\n<ul>\n  <li>Lorem ipsum dolor sit amet</li>\n  "
    "<li>Consectetur adipiscing elit</li>\n  <li>Sed do eiusmod tempor incididunt ut labore et dolore magna "
    'aliqua</li>\n</ul><figure data-asset-external-id="rich-text-asset"></figure>'
)
RICH_TEXT_VARIANT = {
    "elements": [
        {
            "element": {"external_id": "rich-text"},
            "value": RICH_TEXT,
            "components": [
                {
                    "id": COMPONENT_ID,
                    "type": {"external_id": "button"},
                    "elements": [
                        {"element": {"external_id": "button-text"}, "value": "Buy me"},
                        {"element": {"external_id": "button-link"}, "value": "https://kontent.ai"},
                    ],
                }
            ],
        }
    ]
}
SIMPLE_EXAMPLE = {"name": "Simple example", "type": {"external_id": "simple-rich-text"}}


def add_rich_text_types(api: Api, version: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Steps 1 and 2: the Simple Rich Text type and the Button type its component uses."""
    simple = post(
        api,
        "types",
        {
            "external_id": "simple-rich-text",
            "name": "Simple Rich Text",
            "elements": [{"name": "Rich Text", "external_id": "rich-text", "type": "rich_text"}],
        },
    )
    assert simple["codename"] == "simple_rich_text"
    assert [(e["codename"], e["external_id"]) for e in simple["elements"]] == [("rich_text", "rich-text")]
    # The JavaScript version spells the first element's external id `externalId`; the key is no element
    # property, so the element is created without an external id.
    text_element: dict[str, Any] = {"name": "Text", "type": "text"}
    text_element["externalId" if version == "javascript" else "external_id"] = "button-text"
    button = post(
        api,
        "types",
        {
            "external_id": "button",
            "name": "Button",
            "elements": [text_element, {"name": "Link", "external_id": "button-link", "type": "text"}],
        },
    )
    first, link = button["elements"]
    assert button["codename"] == "button" and element_codenames(button) == ["text", "link"]
    assert first.get("external_id") == ("button-text" if version == "rest" else None)
    assert "externalId" not in first and link["external_id"] == "button-link"
    return simple, button


def test_import_rich_text_tutorial(api: Api, kontent: Kontent) -> None:
    simple, button = add_rich_text_types(api, "rest")
    # Step 3: the item by external id, its type by external id.
    item = put(kontent, "/items/external-id/simple-example", SIMPLE_EXAMPLE, 201)
    assert item["id"] == item_id("simple-example") and item["type"] == {"id": simple["id"]}
    assert item["codename"] == "simple_example"

    # Step 4: the variant, by item external id and the default language's id.
    path = f"/items/external-id/simple-example/variants/{ZERO}"
    variant = put(kontent, path, RICH_TEXT_VARIANT, 201)
    (value,) = variant["elements"]
    assert value["element"] == {"id": simple["elements"][0]["id"]}
    # References come back as ids: the link to the item and the figure of the asset that do not exist
    # yet point at the ids they will get; the component keeps its id and names its type and elements by id.
    second_page = item_id("second-page")
    asset = ids.guid_for_external_id(ASSET, "rich-text-asset")
    assert value["value"] == (
        "<h1>Lorem Ipsum</h1>\n"
        '<p>Lorem ipsum dolor sit amet, consectetur <a href="https://wikipedia.org">adipiscing elit</a>, sed do '
        "eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>\n"
        f'<object type="application/kenticocloud" data-type="component" data-id="{COMPONENT_ID}"></object>\n'
        f'<p>Ut enim ad minim veniam, <a data-item-id="{second_page}">quis nostrud</a> exercitation ullamco laboris '
        "nisi ut aliquip ex ea commodo consequat.</p>\n"
        "<ul>\n  <li>Lorem ipsum dolor sit amet</li>\n  <li>Consectetur adipiscing elit</li>\n"
        "  <li>Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua</li>\n</ul>\n"
        f'<figure data-asset-id="{asset}"><img src="#" data-asset-id="{asset}"></figure>'
    )
    text, link = button["elements"]
    assert value["components"] == [
        {
            "id": COMPONENT_ID,
            "type": {"id": button["id"]},
            "elements": [
                {"element": {"id": text["id"]}, "value": "Buy me"},
                {"element": {"id": link["id"]}, "value": "https://kontent.ai"},
            ],
        }
    ]
    assert kontent.ok("GET", path) == variant
    assert kontent.ok("GET", f"/items/{item['id']}/variants/codename/default") == variant
    listed = kontent.ok("GET", f"/types/{button['id']}/components")["variants"]
    assert [v["item"] for v in listed] == [{"id": item["id"]}]

    # The import runs again: 200s and the same objects.
    assert put(kontent, "/items/external-id/simple-example", SIMPLE_EXAMPLE, 200) == item
    assert put(kontent, path, RICH_TEXT_VARIANT, 200) == variant

    # The linked item is imported later: the link now names an existing item, unchanged.
    later = put(
        kontent,
        "/items/external-id/second-page",
        {"name": "Second page", "type": {"codename": "simple_rich_text"}},
        201,
    )
    assert later["id"] == second_page
    assert kontent.ok("GET", path) == variant


def test_import_rich_text_tutorial_javascript(api: Api, kontent: Kontent) -> None:
    """The JavaScript version's Button type has no element with the external id `button-text` (it spelled
    the key `externalId`), so its component names an element the type does not have: refused, nothing
    stored. The item request and the variant body are the REST ones on the wire."""
    add_rich_text_types(api, "javascript")
    put(kontent, "/items/external-id/simple-example", SIMPLE_EXAMPLE, 201)
    path = f"/items/external-id/simple-example/variants/{ZERO}"
    assert_refused(kontent.request("PUT", path, RICH_TEXT_VARIANT), 400, "button-text")
    assert kontent.error("GET", path, status=404)["error_code"] == 103
    assert kontent.ok("GET", "/items/external-id/simple-example/variants") == []


# -- API reference samples: content items, language variants, workflow and publishing ---------------

ARTICLE_ELEMENTS: list[dict[str, Any]] = [
    {"name": "Title", "codename": "title", "type": "text"},
    {"name": "Post date", "codename": "post_date", "type": "date_time"},
    {"name": "Summary", "codename": "summary", "type": "text"},
    {"name": "Related articles", "codename": "related_articles", "type": "modular_content"},
    {"name": "Meta keywords", "codename": "meta_keywords", "type": "text"},
    {"name": "Meta description", "codename": "meta_description", "type": "text"},
    {"name": "Personas", "codename": "personas", "type": "taxonomy", "taxonomy_group": {"codename": "personas"}},
    {
        "name": "URL pattern",
        "codename": "url_pattern",
        "type": "url_slug",
        "depends_on": {"element": {"codename": "title"}},
    },
]
POST_ITEM = {
    "name": "On Roasts",
    "codename": "my_article_my_article",
    "type": {"codename": "article"},
    "collection": {"codename": "default"},
    "external_id": "59713",
}
UPSERT_ITEM = {
    "name": "On Roasts",
    "codename": "my_article_my_article",
    "type": {"codename": "article"},
    "collection": {"codename": "default"},
}
SUMMARY = "Tostar granos de café puede tardar de 6 a 13 minutos. ..."


def put_variant_elements() -> list[dict[str, Any]]:
    """The elements of the upsert sample (REST, and the JavaScript builders' arguments)."""
    return [
        {"element": {"codename": "personas"}, "value": [{"codename": "barista"}, {"codename": "coffee_blogger"}]},
        {
            "element": {"codename": "post_date"},
            "value": "2014-11-07T00:00:00Z",
            "display_timezone": "Australia/Sydney",
        },
        {"element": {"codename": "summary"}, "value": SUMMARY},
        {
            "element": {"codename": "related_articles"},
            "value": [{"codename": "coffee_processing_techniques"}, {"codename": "origins_of_arabica_bourbon"}],
        },
        {"element": {"codename": "meta_keywords"}, "value": "asados, café"},
        {"element": {"codename": "meta_description"}, "value": SUMMARY},
        # The JavaScript sample passes `value: undefined`, which JSON leaves out.
        {"element": {"codename": "url_pattern"}, "mode": "autogenerated"},
    ]


def reference_sample_project(api: Api, kontent: Kontent) -> dict[str, Any]:
    """What the samples address: the es-ES language, the Personas taxonomy, the Article type, the two
    articles the sample links by codename, a workflow `my_workflow` with the step `my_workflow_step`
    (the JavaScript upsert sample) and a `review` step in the default workflow (the change-workflow
    sample's codename form)."""
    kontent.add_language("es-ES", name="Spanish (Spain)")
    post(
        api,
        "taxonomies",
        {
            "name": "Personas",
            "codename": "personas",
            "terms": [
                {"name": "Barista", "codename": "barista", "terms": []},
                {"name": "Coffee blogger", "codename": "coffee_blogger", "terms": []},
            ],
        },
    )
    article = kontent.add_type("article", ARTICLE_ELEMENTS)
    for name in ("Coffee processing techniques", "Origins of Arabica Bourbon"):
        kontent.add_item(name, "article")
    kontent.ok(
        "POST",
        "/workflows",
        {
            "name": "My workflow",
            "codename": "my_workflow",
            "scopes": [],
            "steps": [
                {
                    "name": "My workflow step",
                    "codename": "my_workflow_step",
                    "color": "sky-blue",
                    "transitions_to": [{"step": {"codename": "published"}}],
                    "role_ids": [],
                }
            ],
            "published_step": {},
            "archived_step": {},
        },
        201,
    )
    kontent.ok(
        "PUT",
        f"/workflows/{ZERO}",
        {
            "name": "Default",
            "codename": "default",
            "scopes": [],
            "steps": [
                {
                    "id": DEFAULT_DRAFT_STEP,
                    "name": "Draft",
                    "codename": "draft",
                    "color": "red",
                    "transitions_to": [
                        {"step": {"codename": "review"}},
                        {"step": {"codename": "published"}},
                        {"step": {"codename": "archived"}},
                    ],
                    "role_ids": [],
                },
                {
                    "name": "Review",
                    "codename": "review",
                    "color": "yellow",
                    "transitions_to": [{"step": {"codename": "draft"}}, {"step": {"codename": "published"}}],
                    "role_ids": [],
                },
            ],
            "published_step": {},
            "archived_step": {},
        },
    )
    return article


def workflow_ids(kontent: Kontent) -> dict[str, str]:
    """Workflow and step codenames → ids."""
    out: dict[str, str] = {}
    for workflow in kontent.ok("GET", "/workflows"):
        out[workflow["codename"]] = workflow["id"]
        for step in workflow["steps"]:
            out[f"{workflow['codename']}/{step['codename']}"] = step["id"]
    return out


def test_content_item_and_variant_reference_samples(api: Api, kontent: Kontent) -> None:
    """The API reference's item, variant, workflow and publishing samples in reference order, on the
    item the samples name by external id (`59713`) and the language they name by codename (`es-ES`)."""
    article = reference_sample_project(api, kontent)
    steps = workflow_ids(kontent)
    es = kontent.ok("GET", "/languages/codename/es-ES")["id"]

    # Add a content item (REST; the JavaScript `addContentItem` sends the same object).
    item = kontent.ok("POST", "/items", POST_ITEM, 201)
    assert item["id"] == item_id("59713") and item["codename"] == "my_article_my_article"
    assert item["collection"] == {"id": ZERO} and item["external_id"] == "59713"
    # Upsert a content item: the item exists, so it is an update that changes nothing.
    for path in ("/items/external-id/59713", f"/items/{item['id']}", "/items/codename/my_article_my_article"):
        assert put(kontent, path, UPSERT_ITEM, 200) == item
    # The JavaScript `updateContentItem` sample: name and codename only.
    assert put(kontent, f"/items/{item['id']}", {"name": "On Roasts", "codename": "my_article_my_article"}, 200) == item
    # The 2019 sample: its own codename and the deprecated `sitemap_locations`.
    renamed = put(
        kontent,
        "/items/external-id/59713",
        {
            "name": "On Roasts",
            "codename": "my_article_on_roasts",
            "type": {"codename": "article"},
            "sitemap_locations": [{"codename": "articles"}],
        },
        200,
    )
    assert renamed["codename"] == "my_article_on_roasts" and renamed["sitemap_locations"] == []
    assert put(kontent, "/items/external-id/59713", UPSERT_ITEM, 200)["codename"] == "my_article_my_article"

    # Upsert a language variant (REST): a new es-ES variant, with a due date.
    variant_path = "/items/external-id/59713/variants/codename/es-ES"
    rest_body = {"elements": put_variant_elements(), "due_date": {"value": "2024-02-26T06:04:00.7069564Z"}}
    variant = put(kontent, variant_path, rest_body, 201)
    assert variant["item"] == {"id": item["id"]} and variant["language"] == {"id": es}
    personas = kontent.ok("GET", "/taxonomies/codename/personas")["terms"]
    related = [
        kontent.ok("GET", f"/items/codename/{c}")["id"]
        for c in ("coffee_processing_techniques", "origins_of_arabica_bourbon")
    ]
    assert values_by_codename(variant, article) == {
        "title": None,
        "post_date": {"value": "2014-11-07T00:00:00Z", "display_timezone": "Australia/Sydney"},
        "summary": SUMMARY,
        "related_articles": [{"id": related[0]}, {"id": related[1]}],
        "meta_keywords": "asados, café",
        "meta_description": SUMMARY,
        "personas": [{"id": personas[0]["id"]}, {"id": personas[1]["id"]}],
        "url_pattern": {"value": "", "mode": "autogenerated"},
    }
    assert variant["due_date"] == {"value": "2024-02-26T06:04:00.7069564Z"}
    assert variant["workflow"]["step_identifier"] == {"id": DEFAULT_DRAFT_STEP}
    # The same request again changes nothing.
    assert put(kontent, variant_path, rest_body, 200) == variant
    # The JavaScript sample, by ids: the same elements and a workflow step by codename.
    js_body = {
        "elements": put_variant_elements(),
        "workflow": {
            "step_identifier": {"codename": "my_workflow_step"},
            "workflow_identifier": {"codename": "my_workflow"},
        },
    }
    moved = put(kontent, f"/items/{item['id']}/variants/{es}", js_body, 200)
    assert moved["workflow"] == {
        "workflow_identifier": {"id": steps["my_workflow"]},
        "step_identifier": {"id": steps["my_workflow/my_workflow_step"]},
    }
    assert moved["elements"] == variant["elements"] and moved["due_date"] == variant["due_date"]
    assert kontent.ok("GET", f"/items/{item['id']}/variants") == [moved]
    # The 2019 sample: the title too, and the URL slug as a plain value.
    elements_2019 = [{"element": {"codename": "title"}, "value": "En Asados"}, *put_variant_elements()[:-1]]
    elements_2019.append({"element": {"codename": "url_pattern"}, "value": "on-roasts"})
    elements_2019[2] = {"element": {"codename": "post_date"}, "value": "2014-11-07T00:00:00Z"}
    updated = put(kontent, variant_path, {"elements": elements_2019}, 200)
    values = values_by_codename(updated, article)
    assert values["title"] == "En Asados" and values["url_pattern"]["value"] == "on-roasts"
    assert values["post_date"] == {"value": "2014-11-07T00:00:00Z", "display_timezone": None}
    assert updated["workflow"] == moved["workflow"]

    def action(suffix: str, body: Any = None) -> None:
        r = kontent.request("PUT", f"{variant_path}/{suffix}", body)
        assert r.status_code == 204, r.text
        assert r.content == b""

    def current() -> dict[str, Any]:
        doc: dict[str, Any] = kontent.ok("GET", variant_path)
        return doc

    # Publish or schedule: the 2019 sample's date has passed, so it is refused and nothing changes.
    r = kontent.request("PUT", f"{variant_path}/publish", {"scheduled_to": "2021-01-31T11:00:00+01:00"})
    assert assert_refused(r, 400, "needs to be in the future")["validation_errors"][0]["path"] == "scheduled_to"
    assert current() == updated
    # The current sample schedules.
    action("publish", {"scheduled_to": "2038-01-19T04:14:08", "display_timezone": "Australia/Sydney"})
    scheduled = current()
    assert scheduled["workflow"]["step_identifier"] == {"id": SCHEDULED_STEP}
    assert scheduled["schedule"]["publish_display_timezone"] == "Australia/Sydney"
    assert scheduled["schedule"]["publish_time"].startswith("2038-01-19T04:14:08")
    # Cancel scheduled publishing: back to the step it came from.
    action("cancel-scheduled-publish")
    assert current()["workflow"]["step_identifier"] == {"id": steps["my_workflow/my_workflow_step"]}
    assert current()["schedule"] == EMPTY_SCHEDULE
    # Publish now (the SDKs' `withoutData()` sends no body).
    action("publish")
    published = current()
    assert published["workflow"]["step_identifier"] == {"id": PUBLISHED_STEP}
    assert kontent.ok("GET", f"{variant_path}/published") == published
    # Unpublish and archive: the sample schedules it; then cancel that.
    action("unpublish-and-archive", {"scheduled_to": "2038-01-19T04:14:08", "display_timezone": "Australia/Sydney"})
    assert current()["schedule"]["unpublish_display_timezone"] == "Australia/Sydney"
    action("cancel-scheduled-unpublish")
    assert current()["schedule"] == EMPTY_SCHEDULE
    # The 2019 sample: a time with an offset, no time zone.
    action("unpublish-and-archive", {"scheduled_to": "2038-01-19T04:14:08+01:00"})
    assert current()["schedule"]["unpublish_time"].startswith("2038-01-19T03:14:08")
    assert current()["schedule"]["unpublish_display_timezone"] is None
    action("cancel-scheduled-unpublish")
    # Create a new version: the latest version returns to the workflow's first step, the live one stays.
    action("new-version")
    assert current()["workflow"]["step_identifier"] == {"id": steps["my_workflow/my_workflow_step"]}
    assert kontent.ok("GET", f"{variant_path}/published")["workflow"]["step_identifier"] == {"id": PUBLISHED_STEP}
    # Change workflow (the JavaScript sample's codename form: `review` in `default`).
    action(
        "change-workflow", {"step_identifier": {"codename": "review"}, "workflow_identifier": {"codename": "default"}}
    )
    assert current()["workflow"] == {
        "workflow_identifier": {"id": ZERO},
        "step_identifier": {"id": steps["default/review"]},
    }
    # The deprecated step change (default workflow only), by codename and by an upper-case step id.
    action("workflow/codename/draft")
    assert current()["workflow"]["step_identifier"] == {"id": DEFAULT_DRAFT_STEP}
    action(f"workflow/{steps['default/review'].upper()}")
    assert current()["workflow"]["step_identifier"] == {"id": steps["default/review"]}
    action("workflow/codename/draft")
    # Schedule publish and unpublish (the sample's body without its trailing comma).
    action(
        "schedule-publish-and-unpublish",
        {
            "publish_scheduled_to": "2038-01-19T04:14:08",
            "publish_display_timezone": "Australia/Sydney",
            "unpublish_scheduled_to": "2039-01-19T00:00:00",
            "unpublish_display_timezone": "Australia/Sydney",
        },
    )
    both = current()["schedule"]
    assert both["publish_time"].startswith("2038-01-19T04:14:08")
    assert both["unpublish_time"].startswith("2039-01-19T00:00:00")
    action("cancel-scheduled-unpublish")
    action("cancel-scheduled-publish")
    assert current()["workflow"]["step_identifier"] == {"id": DEFAULT_DRAFT_STEP}
    # The deprecated unpublish: the live version goes, the latest stays in its step.
    action("unpublish")
    assert kontent.error("GET", f"{variant_path}/published", status=404)["error_code"] == 122
    assert current()["workflow"]["step_identifier"] == {"id": DEFAULT_DRAFT_STEP}

    # Delete a language variant: the item's only variant, so the item goes with it.
    r = kontent.request("DELETE", variant_path)
    assert r.status_code == 204, r.text
    assert kontent.error("GET", "/items/external-id/59713", status=404)["error_code"] == 100
    # Delete a content item.
    other = kontent.ok("GET", "/items/codename/coffee_processing_techniques")
    assert kontent.request("DELETE", f"/items/{other['id']}").status_code == 204
    assert kontent.error("GET", f"/items/{other['id']}", status=404)["error_code"] == 100


def test_upsert_content_item_javascript_sample(kontent: Kontent) -> None:
    """The reference's JavaScript upsert sample creates the item with `type: 'article'`."""
    article = kontent.add_type("article", ARTICLE_ELEMENTS[:1])
    body = {"name": "On Roasts", "codename": "my_article_my_article", "type": "article"}
    item = put(kontent, "/items/external-id/59713", body, 201)
    assert item["type"] == {"id": article["id"]} and item["id"] == item_id("59713")
    assert put(kontent, "/items/external-id/59713", body, 200) == item


# -- data-ops `environment restore` -----------------------------------------------------------------

OLD = {
    "snippet": "3c1fd6bd-6d1b-46e4-8a1f-6d1fd5a0a4a1",
    "snippet_title": "4f0c9a76-57c8-4f6e-9d0c-b0f4f0d1f0a2",
    "snippet_hint": "5a2e0b33-92c8-4b9e-a0f1-2e9c3f1c7a03",
    "type": "6b3f1c44-03d9-4caf-b102-3fad402d8b04",
    "group": "7c4a2d55-14ea-4db0-8213-4abe513e9c05",
    "hint": "8d5b3e66-25fb-4ec1-9324-5bcf624faf06",
    "headline": "9e6c4f77-36ac-4fd2-a435-6cda735ab007",
    "body": "af7d5088-47bd-4ae3-b546-7deb846bc108",
    "uses": "b08e6199-58ce-4bf4-8657-8efc957cd209",
}
INACTIVE_RULE = {"regex": "", "flags": None, "validation_message": "", "is_active": False}


def test_data_ops_environment_restore(api: Api) -> None:
    """The requests data-ops' `environment restore` sends for a backed-up snippet and type.

    The add requests carry each element as exported (old ids included) with a fallback external id,
    content groups by external id, guidelines emptied (`""`) and reference lists left out; a second pass
    patches the guidelines and references in by the new element ids. Exported text elements carry the
    inactive empty `validation_regex` the hosted API returns for "no rule", rich text its allow-lists in
    whatever order they were stored.
    """
    snippet = post(
        api,
        "snippets",
        {
            "name": "SEO",
            "codename": "seo",
            "external_id": "seo",
            "elements": [
                {
                    "maximum_text_length": {"value": 60, "applies_to": "characters"},
                    "name": "Meta title",
                    "guidelines": None,
                    "is_required": False,
                    "is_non_localizable": False,
                    "type": "text",
                    "id": OLD["snippet_title"],
                    "codename": "seo__meta_title",
                    "validation_regex": INACTIVE_RULE,
                    "external_id": "seo_seo__meta_title",
                },
                {
                    "guidelines": "",
                    "type": "guidelines",
                    "id": OLD["snippet_hint"],
                    "codename": "seo__hint",
                    "external_id": "seo_seo__hint",
                },
            ],
        },
    )
    title, hint = snippet["elements"]
    assert element_codenames(snippet) == ["seo__meta_title", "seo__hint"]
    assert title["id"] != OLD["snippet_title"] and title["validation_regex"] == {**INACTIVE_RULE}
    assert hint["guidelines"] == ""

    article = post(
        api,
        "types",
        {
            "name": "Article",
            "codename": "article",
            "external_id": "article",
            "content_groups": [
                {"id": OLD["group"], "name": "Content", "codename": "content", "external_id": "article_content"}
            ],
            "elements": [
                {
                    "guidelines": "",
                    "type": "guidelines",
                    "id": OLD["hint"],
                    "codename": "n8d5b3e66_25fb_4ec1_9324_5bcf624faf06",
                    "external_id": "article_content_n8d5b3e66_25fb_4ec1_9324_5bcf624faf06",
                    "content_group": {"external_id": "article_content"},
                },
                {
                    "maximum_text_length": None,
                    "name": "Headline",
                    "guidelines": None,
                    "is_required": True,
                    "is_non_localizable": False,
                    "type": "text",
                    "id": OLD["headline"],
                    "codename": "headline",
                    "validation_regex": INACTIVE_RULE,
                    "external_id": "article_content_headline",
                    "content_group": {"external_id": "article_content"},
                },
                {
                    "maximum_text_length": None,
                    "maximum_image_size": None,
                    "image_width_limit": None,
                    "image_height_limit": None,
                    "allowed_image_types": "any",
                    "allowed_blocks": ["text", "components-and-items"],
                    "allowed_text_blocks": ["paragraph", "heading-two", "unordered-list"],
                    "allowed_formatting": ["bold", "italic", "link", "unstyled"],
                    "allowed_table_blocks": ["text"],
                    "allowed_table_text_blocks": ["paragraph"],
                    "allowed_table_formatting": ["link", "unstyled"],
                    "name": "Body",
                    "guidelines": "",
                    "is_required": False,
                    "is_non_localizable": False,
                    "type": "rich_text",
                    "id": OLD["body"],
                    "codename": "body",
                    "external_id": "article_content_body",
                    "content_group": {"external_id": "article_content"},
                },
                {
                    "snippet": {"id": snippet["id"]},
                    "is_non_localizable": False,
                    "type": "snippet",
                    "id": OLD["uses"],
                    "codename": "seo",
                    "external_id": "article_content_seo",
                    "content_group": {"external_id": "article_content"},
                },
            ],
        },
    )
    (group,) = article["content_groups"]
    assert group["id"] != OLD["group"] and group["external_id"] == "article_content"
    guide, headline, body, uses = article["elements"]
    assert guide["guidelines"] == "" and guide["codename"] == "n8d5b3e66_25fb_4ec1_9324_5bcf624faf06"
    assert headline["validation_regex"] == INACTIVE_RULE and headline["is_required"] is True
    assert body["allowed_formatting"] == ["bold", "italic", "link", "unstyled"]
    assert body["allowed_table_formatting"] == ["link", "unstyled"]
    assert body["allowed_content_types"] == [] and uses["snippet"] == {"id": snippet["id"]}

    # Second pass: guidelines and type references, addressed by the new element ids.
    patched = api.ok_patch(
        "snippets",
        "codename/seo",
        {"op": "replace", "path": f"/elements/id:{hint['id']}/guidelines", "value": "<p>Fill in both.</p>"},
    )
    assert patched["elements"][1]["guidelines"] == "<p>Fill in both.</p>"
    patched = api.ok_patch(
        "types",
        "codename/article",
        {"op": "replace", "path": f"/elements/id:{guide['id']}/guidelines", "value": "<p>Write short.</p>"},
        {"op": "replace", "path": f"/elements/id:{body['id']}/allowed_content_types", "value": [{"id": article["id"]}]},
        {"op": "replace", "path": f"/elements/id:{body['id']}/allowed_item_link_types", "value": []},
    )
    assert patched["elements"][0]["guidelines"] == "<p>Write short.</p>"
    assert patched["elements"][2]["allowed_content_types"] == [{"id": article["id"]}]
    assert api.get("types", article["id"]).json() == patched
