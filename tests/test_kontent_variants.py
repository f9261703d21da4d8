"""Language variants over real HTTP: upsert (every element type, every way to reference), retrieve,
published version, lists, delete, shared non-localizable values, concurrency; both backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from headwater.platform import ids
from tests.kontent_client import INVALID_BODY, ZERO, Kontent, element_id, value_of
from tests.support import LiveServer

UNKNOWN_ID = "4b8b1d7e-5f57-4c43-9b1c-0c1f3c0f0a11"
DEFAULT_WORKFLOW = {"id": ZERO}


def every_element_type(api: Kontent) -> dict[str, Any]:
    """A taxonomy, a snippet and a type with one element of each kind (the reference's element set)."""
    api.ok(
        "POST",
        "/taxonomies",
        {
            "name": "Personas",
            "codename": "personas",
            "terms": [
                {"name": "Barista", "codename": "barista", "terms": []},
                {"name": "Blogger", "codename": "coffee_blogger", "external_id": "blogger", "terms": []},
            ],
        },
        201,
    )
    api.add_snippet(
        "metadata",
        [
            {"name": "Meta title", "codename": "metadata__meta_title", "type": "text"},
            {"name": "Meta description", "codename": "metadata__meta_description", "type": "text"},
        ],
    )
    return api.add_type(
        "article",
        [
            {"name": "Title", "codename": "title", "type": "text", "external_id": "title-ext"},
            {"name": "Body", "codename": "body", "type": "rich_text"},
            {"name": "Rating", "codename": "rating", "type": "number"},
            {"name": "Post date", "codename": "post_date", "type": "date_time"},
            {
                "name": "Category",
                "codename": "category",
                "type": "multiple_choice",
                "mode": "multiple",
                "options": [
                    {"name": "News", "codename": "news", "external_id": "opt-news"},
                    {"name": "Blog", "codename": "blog"},
                ],
            },
            {"name": "Teaser", "codename": "teaser", "type": "asset"},
            {"name": "Related", "codename": "related", "type": "modular_content"},
            {"name": "Children", "codename": "children", "type": "subpages"},
            {
                "name": "Personas",
                "codename": "personas",
                "type": "taxonomy",
                "taxonomy_group": {"codename": "personas"},
            },
            {
                "name": "Slug",
                "codename": "slug",
                "type": "url_slug",
                "depends_on": {"element": {"codename": "title"}},
            },
            {
                "name": "Widget",
                "codename": "widget",
                "type": "custom",
                "source_url": "https://example.com/widget",
                "json_parameters": None,
            },
            {"type": "guidelines", "guidelines": "Write well."},
            {"type": "snippet", "snippet": {"codename": "metadata"}},
            {"name": "Shared", "codename": "shared", "type": "text", "is_non_localizable": True},
        ],
    )


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Kontent]:
    with server.client() as http:
        api = Kontent(http, project)
        api.type_doc = every_element_type(api)  # type: ignore[attr-defined]
        yield api


def ids_of(type_doc: dict[str, Any]) -> dict[str, str]:
    return {e["codename"]: e["id"] for e in type_doc["elements"] if "codename" in e and e["type"] != "guidelines"}


def test_a_new_variant_lists_every_element_of_its_type(api: Kontent) -> None:
    item = api.add_item("On Roasts", "article")
    r = api.upsert(item["id"], ZERO, [{"element": {"codename": "title"}, "value": "On Roasts"}])
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["item"] == {"id": item["id"]} and doc["language"] == {"id": ZERO}
    assert doc["workflow"]["workflow_identifier"] == DEFAULT_WORKFLOW
    assert doc["workflow_step"] == doc["workflow"]["step_identifier"]
    assert doc["schedule"] == {
        "publish_time": None,
        "publish_display_timezone": None,
        "unpublish_time": None,
        "unpublish_display_timezone": None,
    }
    assert doc["due_date"] == {"value": None} and doc["contributors"] == [] and doc["note"] is None
    element_ids = [v["element"]["id"] for v in doc["elements"]]
    type_doc = api.type_doc  # type: ignore[attr-defined]
    snippet = api.ok("GET", "/snippets/codename/metadata")
    expected = [e["id"] for e in type_doc["elements"] if e["type"] not in ("guidelines", "snippet")]
    expected[-1:-1] = [e["id"] for e in snippet["elements"]]
    assert element_ids == expected
    by = ids_of(type_doc)
    assert value_of(doc, by["title"])["value"] == "On Roasts"
    assert value_of(doc, by["slug"]) == {"element": {"id": by["slug"]}, "value": "on-roasts", "mode": "autogenerated"}
    assert value_of(doc, by["rating"])["value"] is None
    assert value_of(doc, by["related"])["value"] == []
    assert value_of(doc, by["body"])["components"] == []
    assert api.variant(item["id"]) == doc
    assert api.variant("codename/on_roasts", "codename/default") == doc


def test_every_element_type_by_codename_as_the_reference_sample_sends_it(api: Kontent) -> None:
    related = api.add_item("Coffee processing", "article", codename="coffee_processing_techniques")
    item = api.add_item("On Roasts", "article", codename="my_article")
    by = ids_of(api.type_doc)  # type: ignore[attr-defined]
    assert item["codename"] == "my_article"
    elements = [
        {"element": {"codename": "personas"}, "value": [{"codename": "barista"}, {"codename": "coffee_blogger"}]},
        {"element": {"codename": "post_date"}, "value": "2014-11-07T00:00:00Z", "display_timezone": "Australia/Sydney"},
        {"element": {"codename": "title"}, "value": "Tostar granos de café"},
        {"element": {"codename": "related"}, "value": [{"codename": "coffee_processing_techniques"}]},
        {"element": {"codename": "metadata__meta_title"}, "value": "asados, café"},
        {"element": {"codename": "slug"}, "mode": "autogenerated"},
        {"element": {"codename": "rating"}, "value": 3.14},
        {"element": {"codename": "category"}, "value": [{"codename": "news"}, {"external_id": "opt-news"}]},
        {"element": {"codename": "widget"}, "value": '{"formId": 42}', "searchable_value": "Almighty form!"},
        {"element": {"codename": "teaser"}, "value": [{"external_id": "hero-image"}]},
        {"element": {"codename": "children"}, "value": [{"external_id": "not-yet"}]},
    ]
    body = {
        "elements": elements,
        "due_date": {"value": "2024-02-26T06:04:00.7069564Z"},
        "note": "Check the pictures.",
        "contributors": [{"email": "user@example.com"}],
    }
    r = api.request("PUT", "/items/codename/my_article/variants/codename/default", body)
    assert r.status_code == 201, r.text
    doc = r.json()
    taxonomy = api.ok("GET", "/taxonomies/codename/personas")
    assert value_of(doc, by["personas"])["value"] == [{"id": t["id"]} for t in taxonomy["terms"]]
    assert value_of(doc, by["post_date"]) == {
        "element": {"id": by["post_date"]},
        "value": "2014-11-07T00:00:00Z",
        "display_timezone": "Australia/Sydney",
    }
    assert value_of(doc, by["related"])["value"] == [{"id": related["id"]}]
    snippet = api.ok("GET", "/snippets/codename/metadata")
    assert value_of(doc, snippet["elements"][0]["id"])["value"] == "asados, café"
    assert value_of(doc, by["slug"])["value"] == "tostar-granos-de-caf"
    assert value_of(doc, by["rating"])["value"] == 3.14
    news = api.type_doc["elements"][4]["options"][0]["id"]  # type: ignore[attr-defined]
    assert value_of(doc, by["category"])["value"] == [{"id": news}]
    assert value_of(doc, by["widget"])["searchable_value"] == "Almighty form!"
    assert value_of(doc, by["teaser"])["value"] == [
        {"id": ids.guid_for_external_id("asset", "hero-image"), "renditions": []}
    ]
    # a reference to an item that does not exist yet resolves once it is created with that external id
    later = ids.guid_for_external_id("content_item", "not-yet")
    assert value_of(doc, by["children"])["value"] == [{"id": later}]
    assert api.add_item("Later", "article", external_id="not-yet")["id"] == later
    assert doc["due_date"] == {"value": "2024-02-26T06:04:00.7069564Z"}
    assert doc["note"] == "Check the pictures."
    assert len(doc["contributors"]) == 1 and ids.is_guid(doc["contributors"][0]["id"])


def test_elements_by_id_and_external_id_and_only_given_elements_change(api: Kontent) -> None:
    item = api.add_item("X", "article")
    by = ids_of(api.type_doc)  # type: ignore[attr-defined]
    api.upsert(
        item["id"],
        ZERO,
        [{"element": {"id": by["title"]}, "value": "First"}, {"element": {"codename": "rating"}, "value": 1}],
    )
    r = api.upsert(item["id"], ZERO, [{"element": {"external_id": "title-ext"}, "value": "Second"}])
    assert r.status_code == 200, r.text
    doc = r.json()
    assert value_of(doc, by["title"])["value"] == "Second"
    assert value_of(doc, by["rating"])["value"] == 1
    again = api.upsert(item["id"], ZERO, [{"element": {"external_id": "title-ext"}, "value": "Second"}])
    assert again.status_code == 200 and again.json() == doc  # a rerun changes nothing, not even last_modified


def test_the_get_response_can_be_sent_back_as_an_upsert(api: Kontent) -> None:
    item = api.add_item("Copy me", "article")
    doc = api.upsert(item["id"], ZERO, [{"element": {"codename": "title"}, "value": "Copy"}]).json()
    r = api.request("PUT", f"/items/{item['id']}/variants/{ZERO}", doc)
    assert r.status_code == 200, r.text
    assert r.json() == doc


@pytest.mark.parametrize(
    ("element", "value", "fragment"),
    [
        ({"codename": "title"}, 5, "must be a string"),
        ({"codename": "title"}, "x" * 100_001, "longer than"),
        ({"codename": "rating"}, "3", "must be a number"),
        ({"codename": "rating"}, True, "must be a number"),
        ({"codename": "post_date"}, "2014-13-07T00:00:00Z", "not an ISO-8601"),
        ({"codename": "category"}, [{"codename": "nope"}], "is not an option"),
        ({"codename": "category"}, "news", "array of references"),
        ({"codename": "personas"}, [{"codename": "nope"}], "does not exist"),
        ({"codename": "related"}, [{"codename": "nope"}], "does not exist"),
        ({"codename": "related"}, [{"id": UNKNOWN_ID}], "does not exist"),
        ({"codename": "related"}, [{"id": "bad"}], "not a valid GUID"),
        ({"codename": "teaser"}, [{"codename": "nope"}], "does not exist"),
        ({"codename": "widget"}, 42, "must be a string"),
        ({"codename": "body"}, "<p>unclosed", "'line': 1, 'position': 12"),
        ({"codename": "body"}, "plain text", ""),
        ({"codename": "nope"}, "x", "is not an element of the content type"),
        ({"id": UNKNOWN_ID}, "x", "is not an element of the content type"),
        ({"nope": 1}, "x", "exactly one of"),
    ],
)
def test_bad_values_are_refused_with_the_element_named(
    api: Kontent, element: dict[str, Any], value: Any, fragment: str
) -> None:
    item = api.add_item("X", "article")
    before = api.upsert(item["id"], ZERO, [{"element": {"codename": "title"}, "value": "kept"}]).json()
    error = api.error(
        "PUT",
        f"/items/{item['id']}/variants/{ZERO}",
        {"elements": [{"element": element, "value": value}, {"element": {"codename": "rating"}, "value": 9}]},
    )
    assert error["error_code"] == 5 and error["message"] == INVALID_BODY
    assert fragment in str(error["validation_errors"])
    assert all("path" in e for e in error["validation_errors"])
    assert api.variant(item["id"]) == before


def test_bad_bodies(api: Kontent) -> None:
    item = api.add_item("X", "article")
    for body in [
        [],
        {"elements": "x"},
        {},
        {"elements": [], "workflow": 5},
        {"elements": [], "note": 5},
        {"elements": [], "due_date": {"value": "soon"}},
        {
            "elements": [
                {"element": {"codename": "title"}, "value": "a"},
                {"element": {"codename": "title"}, "value": "b"},
            ]
        },
    ]:
        assert api.error("PUT", f"/items/{item['id']}/variants/{ZERO}", body)["error_code"] == 5, body
    assert api.error("GET", f"/items/{item['id']}/variants/{ZERO}", status=404)["error_code"] == 103


def test_unknown_item_and_language(api: Kontent) -> None:
    item = api.add_item("X", "article")
    body = {"elements": []}
    assert api.error("PUT", f"/items/{UNKNOWN_ID}/variants/{ZERO}", body, status=404)["error_code"] == 100
    assert api.error("PUT", f"/items/{item['id']}/variants/codename/nope", body, status=404)["error_code"] == 111
    assert api.error("GET", f"/items/{UNKNOWN_ID}/variants/{ZERO}", status=404)["error_code"] == 100
    assert api.error("GET", f"/items/{item['id']}/variants/codename/nope", status=404)["error_code"] == 111
    missing = api.error("GET", f"/items/{item['id']}/variants/{ZERO}", status=404)
    assert missing == {
        **missing,
        "error_code": 103,
        "message": f"The requested variant '{ZERO}' of content item '{item['id']}' was not found.",
    }


def test_published_version_is_a_122_until_published(api: Kontent) -> None:
    item = api.add_item("X", "article")
    api.upsert(item["id"], ZERO, [])
    error = api.error("GET", f"/items/{item['id']}/variants/{ZERO}/published", status=404)
    assert error["error_code"] == 122
    assert (
        error["message"] == f"The requested variant '{ZERO}' of content item '{item['id']}' has no published version."
    )


def test_rich_text_with_components_nested(api: Kontent) -> None:
    api.add_type(
        "tweet",
        [
            {"name": "Text", "codename": "text", "type": "text"},
            {"name": "Quote", "codename": "quote", "type": "rich_text"},
        ],
    )
    item = api.add_item("X", "article")
    outer, inner = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    component_object = '<object type="application/kenticocloud" data-type="component" data-id="{}"></object>'
    body = {
        "element": {"codename": "body"},
        "value": "<p>Hello</p>" + component_object.format(outer),
        "components": [
            {
                "id": outer,
                "type": {"codename": "tweet"},
                "elements": [
                    {"element": {"codename": "text"}, "value": "outer"},
                    {
                        "element": {"codename": "quote"},
                        "value": component_object.format(inner),
                        "components": [
                            {
                                "id": inner,
                                "type": {"codename": "tweet"},
                                "elements": [{"element": {"codename": "text"}, "value": "inner"}],
                            }
                        ],
                    },
                ],
            }
        ],
    }
    r = api.upsert(item["id"], ZERO, [body])
    assert r.status_code == 201, r.text
    by = ids_of(api.type_doc)  # type: ignore[attr-defined]
    value = value_of(r.json(), by["body"])
    assert value["components"][0]["id"] == outer
    tweet = api.ok("GET", "/types/codename/tweet")
    assert value["components"][0]["type"] == {"id": tweet["id"]}
    quote = value_of(value["components"][0], element_id(tweet, "quote"))
    assert quote["components"][0]["elements"][0]["value"] == "inner"
    listed = api.ok("GET", "/types/codename/tweet/components")
    assert [v["item"]["id"] for v in listed["variants"]] == [item["id"]]
    assert api.ok("GET", "/types/codename/article/components")["variants"] == []
    # components must match the rich text objects
    unused = {**body, "value": "<p>Hello</p>"}
    assert "unused components" in str(api.error("PUT", f"/items/{item['id']}/variants/{ZERO}", {"elements": [unused]}))
    missing = {**body, "components": []}
    assert api.error("PUT", f"/items/{item['id']}/variants/{ZERO}", {"elements": [missing]})["error_code"] == 5


def test_non_localizable_values_are_shared(api: Kontent) -> None:
    api.add_language("es-ES")
    item = api.add_item("X", "article")
    by = ids_of(api.type_doc)  # type: ignore[attr-defined]
    api.upsert(item["id"], ZERO, [{"element": {"codename": "shared"}, "value": "one"}])
    spanish = api.upsert(
        item["id"],
        "codename/es-ES",
        [{"element": {"codename": "shared"}, "value": "ignored"}, {"element": {"codename": "title"}, "value": "Hola"}],
    )
    assert spanish.status_code == 201, spanish.text
    assert value_of(spanish.json(), by["shared"])["value"] == "one"
    api.upsert(item["id"], ZERO, [{"element": {"codename": "shared"}, "value": "two"}])
    assert value_of(api.variant(item["id"], "codename/es-ES"), by["shared"])["value"] == "two"
    variants = api.ok("GET", f"/items/{item['id']}/variants")
    assert isinstance(variants, list)
    assert [v["language"]["id"] for v in variants] == [ZERO, api.ok("GET", "/languages/codename/es-ES")["id"]]


def test_deleting_the_last_variant_deletes_the_item(api: Kontent) -> None:
    api.add_language("es-ES")
    item = api.add_item("X", "article")
    api.upsert(item["id"], ZERO, [])
    api.upsert(item["id"], "codename/es-ES", [])
    assert api.request("DELETE", f"/items/{item['id']}/variants/codename/es-ES").status_code == 204
    assert api.ok("GET", f"/items/{item['id']}")["id"] == item["id"]
    assert api.error("DELETE", f"/items/{item['id']}/variants/codename/es-ES", status=404)["error_code"] == 103
    assert api.request("DELETE", f"/items/{item['id']}/variants/{ZERO}").status_code == 204
    assert api.error("GET", f"/items/{item['id']}", status=404)["error_code"] == 100


def test_lists_by_type_and_collection_paginate(server: LiveServer, project: dict[str, Any], make_server: Any) -> None:
    small = make_server(kontent_page_size=2)
    with small.client() as http:
        api = Kontent(http, project)
        api.add_type("article", [{"name": "Title", "codename": "title", "type": "text"}])
        api.add_type("page", [{"name": "Title", "codename": "title", "type": "text"}])
        made = []
        for n in range(5):
            item = api.add_item(f"A{n}", "article")
            api.upsert(item["id"], ZERO, [])
            made.append(item["id"])
        page_item = api.add_item("P", "page")
        api.upsert(page_item["id"], ZERO, [])

        def walk(path: str) -> list[str]:
            seen: list[str] = []
            token = None
            while True:
                r = api.request("GET", path, headers={"x-continuation": token} if token else {})
                assert r.status_code == 200, r.text
                page = r.json()
                assert set(page) == {"variants", "pagination"}
                seen += [v["item"]["id"] for v in page["variants"]]
                token = page["pagination"]["continuation_token"]
                if token is None:
                    return seen

        assert walk("/types/codename/article/variants") == made
        assert walk("/types/codename/page/variants") == [page_item["id"]]
        assert walk("/collections/codename/default/variants") == [*made, page_item["id"]]
        assert walk(f"/collections/{ZERO}/variants") == [*made, page_item["id"]]
        assert api.error("GET", "/types/codename/nope/variants", status=404)["error_code"] == 105
        missing = api.error("GET", "/collections/codename/global/variants", status=404)
        assert missing["message"] == "The requested content collection 'global' was not found."
        space = api.error("GET", f"/spaces/{UNKNOWN_ID}/variants", status=404)
        assert space["error_code"] == 121
        token = api.request("GET", "/types/codename/article/variants").json()["pagination"]["continuation_token"]
        other = api.request("GET", "/collections/codename/default/variants", headers={"x-continuation": token})
        assert other.status_code == 400 and other.json()["error_code"] == 1007


def test_concurrent_upserts_of_one_variant_never_interleave(server: LiveServer, project: dict[str, Any]) -> None:
    with server.client() as http:
        api = Kontent(http, project)
        api.add_type(
            "pair", [{"name": "A", "codename": "a", "type": "text"}, {"name": "B", "codename": "b", "type": "text"}]
        )
        item = api.add_item("Pair", "pair")
        type_doc = api.ok("GET", "/types/codename/pair")
    a, b = element_id(type_doc, "a"), element_id(type_doc, "b")
    errors: list[str] = []

    def write(n: int) -> None:
        with server.client() as http:
            r = Kontent(http, project).upsert(
                item["id"],
                ZERO,
                [{"element": {"codename": "a"}, "value": f"v{n}"}, {"element": {"codename": "b"}, "value": f"v{n}"}],
            )
            if r.status_code not in (200, 201):
                errors.append(r.text)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with server.client() as http:
        final = Kontent(http, project).variant(item["id"])
    assert value_of(final, a)["value"] == value_of(final, b)["value"]
