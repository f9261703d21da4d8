"""Content type snippets over real HTTP: add, list, retrieve, modify, delete (refused while used), errors."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.platform import ids
from tests.support import LiveServer
from tests.test_kontent_types import KONTENT_TIME, Api, api, assert_invalid, text

__all__ = ["api"]


def meta(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Metadata",
        "codename": "my_metadata",
        "external_id": "meta-ext",
        "elements": [text("Meta title", external_id="mt"), text("Meta description", codename="my_metadata__desc")],
        **extra,
    }


def test_add_snippet_prefixes_generated_element_codenames(api: Api) -> None:
    created = api.create("snippets", meta())
    assert created["id"] == ids.guid_for_external_id("content_type_snippet", "meta-ext")
    assert set(created) == {"id", "codename", "last_modified", "name", "external_id", "elements"}
    assert KONTENT_TIME.match(created["last_modified"])
    title, desc = created["elements"]
    assert title["codename"] == "my_metadata__meta_title" and title["external_id"] == "mt"
    assert desc["codename"] == "my_metadata__desc"
    assert "content_group" not in title
    for identifier in (created["id"], "codename/my_metadata", "external-id/meta-ext"):
        r = api.get("snippets", identifier)
        assert r.status_code == 200 and r.json() == created


def test_snippet_codename_generated_from_name_prefixes_elements(api: Api) -> None:
    created = api.create("snippets", {"name": "SEO data", "elements": [text("Keywords")]})
    assert created["codename"] == "seo_data"
    assert created["elements"][0]["codename"] == "seo_data__keywords"


def test_list_snippets_is_paginated(api: Api, server: LiveServer) -> None:
    size = server.settings.kontent_page_size
    made = [api.create("snippets", {"name": f"S{i}", "elements": []})["id"] for i in range(size + 1)]
    first = api.get("snippets").json()
    assert [s["id"] for s in first["snippets"]] == made[:size]
    second = api.get("snippets", **{"x-continuation": first["pagination"]["continuation_token"]}).json()
    assert [s["id"] for s in second["snippets"]] == made[size:]
    assert second["pagination"]["continuation_token"] is None
    # A token from the type list is no good here.
    r = api.get("snippets", **{"x-continuation": "eyJrIjoiY29udGVudF90eXBlIiwicyI6MX0"})
    assert r.status_code == 400 and r.json()["error_code"] == 1007


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (meta(codename="x" * 51), "codenames fit within 50 characters"),
        (meta(name=""), "name: provide a nonempty name which fits within 50 characters."),
        (meta(content_groups=[{"name": "G"}]), "snippets cannot contain content groups"),
        (meta(elements=[{"type": "url_slug"}]), "snippets cannot contain url_slug elements"),
        (meta(elements=[{"type": "snippet"}]), "snippets cannot contain snippet elements"),
        (meta(elements=[{"type": "subpages", "name": "P"}]), "snippets cannot contain subpages elements"),
        # Codenames are compared once prefixed: `x` and `my_metadata__x` are the same element codename.
        (
            meta(elements=[text("X", codename="x"), text("Y", codename="my_metadata__x")]),
            "elements (codename 'my_metadata__x'): element codenames must be unique",
        ),
        # The 60-character limit counts the prefix (13 characters here).
        (meta(elements=[text("X", codename="x" * 48)]), "including the 'my_metadata__' prefix, fit within 60"),
        (meta(elements=[text("X", codename="my_metadata__" + "x" * 48)]), "fit within 60 characters"),
        (meta(elements=[text("X", codename="Title")]), "The codename 'Title' is invalid"),
        (meta(elements=[text("X", codename="")]), "The codename must not be empty."),
    ],
)
def test_add_snippet_rejects_invalid_bodies(api: Api, body: dict[str, Any], fragment: str) -> None:
    assert_invalid(api.post("snippets", body), fragment)
    assert api.get("snippets").json()["snippets"] == []


def test_unknown_snippet_is_404_with_the_reference_codes(api: Api) -> None:
    missing = "baf884be-531f-441f-ae88-64205efdd0f6"
    r = api.get("snippets", missing)
    assert r.status_code == 404 and r.json()["error_code"] == 105
    assert r.json()["message"] == f"The requested content type snippet '{missing}' was not found."
    r = api.patch("snippets", "codename/nope", [{"op": "replace", "path": "/name", "value": "x"}])
    assert r.status_code == 404 and r.json()["error_code"] == 109
    assert r.json()["message"] == "The requested content type snippet was not found."
    r = api.delete("snippets", missing)
    assert r.status_code == 404 and r.json()["error_code"] == 105


def test_delete_snippet_refused_while_a_type_uses_it(api: Api) -> None:
    snippet = api.create("snippets", meta())
    user = api.create(
        "types", {"name": "Page", "elements": [{"type": "snippet", "snippet": {"external_id": "meta-ext"}}]}
    )
    r = api.delete("snippets", "codename/my_metadata")
    assert r.status_code == 400
    assert r.json()["error_code"] == 0
    assert r.json()["message"] == f"Type 'Metadata ({snippet['id']})' is still used and cannot be archived."
    assert api.get("snippets", snippet["id"]).status_code == 200
    assert api.delete("types", user["id"]).status_code == 204
    assert api.delete("snippets", "codename/my_metadata").status_code == 204
    assert api.get("snippets", snippet["id"]).status_code == 404


def test_dangling_snippet_reference_resolves_later(api: Api) -> None:
    page = api.create("types", {"name": "Page", "elements": [{"type": "snippet", "snippet": {"external_id": "later"}}]})
    snippet = api.create("snippets", {"name": "Later", "external_id": "later", "elements": []})
    assert page["elements"][0]["snippet"] == {"id": snippet["id"]}
    assert api.delete("snippets", snippet["id"]).status_code == 400


def test_modify_snippet_rename_keeps_element_prefixes(api: Api) -> None:
    api.create("snippets", meta())
    body = api.ok_patch(
        "snippets",
        "codename/my_metadata",
        {"op": "replace", "path": "/codename", "value": "seo"},
        {"op": "addInto", "path": "/elements", "value": text("Keywords")},
        {"op": "replace", "path": "/elements/codename:seo__desc/guidelines", "value": "70-150 characters"},
    )
    assert [e["codename"] for e in body["elements"]] == ["seo__meta_title", "seo__desc", "seo__keywords"]
    assert body["elements"][1]["guidelines"] == "70-150 characters"
    assert api.get("snippets", "codename/seo").json() == body


def test_modify_snippet_rejects_forbidden_content(api: Api) -> None:
    api.create("snippets", meta())
    r = api.patch(
        "snippets", "codename/my_metadata", [{"op": "addInto", "path": "/content_groups", "value": {"name": "G"}}]
    )
    assert_invalid(r, "Invalid operation with index '0': Content type snippets cannot contain content groups.")
    r = api.patch(
        "snippets",
        "codename/my_metadata",
        [{"op": "addInto", "path": "/elements", "value": {"type": "snippet", "snippet": {"codename": "x"}}}],
    )
    assert_invalid(r, "snippets cannot contain snippet elements")
    # A codename that, once prefixed, equals another element's is refused; nothing changes.
    r = api.patch(
        "snippets",
        "codename/my_metadata",
        [{"op": "replace", "path": "/elements/external_id:mt/codename", "value": "desc"}],
    )
    assert_invalid(r, "elements (codename 'my_metadata__desc'): element codenames must be unique")
    r = api.patch(
        "snippets",
        "codename/my_metadata",
        [{"op": "replace", "path": "/elements/external_id:mt/codename", "value": "x" * 48}],
    )
    assert_invalid(r, "including the 'my_metadata__' prefix, fit within 60 characters")
    assert api.get("snippets", "codename/my_metadata").json()["elements"][0]["codename"] == "my_metadata__meta_title"


def _page_with_slug(api: Api) -> dict[str, Any]:
    """A type that uses the `my_metadata` snippet and points its URL slug at the snippet's title."""
    return api.create(
        "types",
        {
            "name": "Page",
            "codename": "page",
            "elements": [
                text("Body", codename="body"),
                {"type": "snippet", "snippet": {"codename": "my_metadata"}, "codename": "meta"},
                {
                    "type": "url_slug",
                    "name": "Slug",
                    "depends_on": {"snippet": {"codename": "my_metadata"}, "element": {"external_id": "mt"}},
                },
            ],
        },
    )


def test_snippet_edit_cannot_remove_an_element_a_type_slug_depends_on(api: Api) -> None:
    before = api.create("snippets", meta())
    _page_with_slug(api)
    r = api.patch("snippets", "codename/my_metadata", [{"op": "remove", "path": "/elements/external_id:mt"}])
    messages = assert_invalid(r, "The content type 'page' uses this snippet:", "depends_on.element")
    assert len(messages) == 1
    assert api.get("snippets", before["id"]).json() == before
    # Elements nothing depends on can go.
    body = api.ok_patch(
        "snippets", "codename/my_metadata", {"op": "remove", "path": "/elements/codename:my_metadata__desc"}
    )
    assert [e["codename"] for e in body["elements"]] == ["my_metadata__meta_title"]
    # Renaming the depended-on element keeps the dependency (it is held by id).
    body = api.ok_patch(
        "snippets",
        "codename/my_metadata",
        {"op": "replace", "path": "/elements/external_id:mt/codename", "value": "my_metadata__t"},
    )
    assert body["elements"][0]["codename"] == "my_metadata__t"


def test_snippet_edit_cannot_clash_with_an_element_codename_of_a_using_type(api: Api) -> None:
    api.create("snippets", meta())
    api.create(
        "types",
        {
            "name": "Page",
            "codename": "page",
            "elements": [
                text("Own", codename="seo__keywords"),
                {"type": "snippet", "snippet": {"codename": "my_metadata"}},
            ],
        },
    )
    stored = api.get("snippets", "codename/my_metadata").json()
    # Renaming the snippet re-prefixes its elements; neither may then equal the type's own codename.
    r = api.patch(
        "snippets",
        "codename/my_metadata",
        [
            {"op": "replace", "path": "/codename", "value": "seo"},
            {"op": "addInto", "path": "/elements", "value": text("Keywords")},
        ],
    )
    assert_invalid(r, "The content type 'page' uses this snippet: elements (codename 'seo__keywords')")
    r = api.patch(
        "snippets",
        "codename/my_metadata",
        [{"op": "replace", "path": "/elements/external_id:mt/codename", "value": "my_metadata__x"}],
    )
    assert r.status_code == 200
    assert api.get("snippets", "codename/my_metadata").json()["elements"][1] == stored["elements"][1]


def test_snippet_created_late_cannot_clash_with_the_type_waiting_for_it(api: Api) -> None:
    api.create(
        "types",
        {
            "name": "Page",
            "codename": "page",
            "elements": [
                text("Own", codename="later__title"),
                {"type": "snippet", "snippet": {"external_id": "later"}},
            ],
        },
    )
    r = api.post("snippets", {"name": "Later", "external_id": "later", "elements": [text("Title")]})
    assert_invalid(r, "The content type 'page' uses this snippet: elements (codename 'later__title')")
    assert api.get("snippets").json()["snippets"] == []
    created = api.create("snippets", {"name": "Later", "external_id": "later", "elements": [text("Heading")]})
    assert created["elements"][0]["codename"] == "later__heading"


# -- element codenames with or without the snippet prefix ------------------------------------------


def test_add_snippet_prefixes_unprefixed_element_codenames(api: Api) -> None:
    body = meta(
        elements=[
            text("Title", codename="title"),
            text("Keywords", codename="my_metadata__keywords"),
            text("Other", codename="other__description"),
            {"type": "guidelines", "guidelines": "Fill in.", "codename": "hint"},
            {"name": "Choice", "codename": "choice", "type": "multiple_choice", "mode": "single", "options": []},
        ]
    )
    created = api.create("snippets", body)
    assert [e["codename"] for e in created["elements"]] == [
        "my_metadata__title",
        "my_metadata__keywords",
        "my_metadata__other__description",
        "my_metadata__hint",
        "my_metadata__choice",
    ]
    assert api.get("snippets", created["id"]).json() == created
    # Exactly 60 characters once prefixed fits.
    fits = api.create("snippets", {"name": "Long", "codename": "long", "elements": [text("X", codename="x" * 54)]})
    assert fits["elements"][0]["codename"] == "long__" + "x" * 54


def test_patch_paths_may_omit_the_snippet_prefix(api: Api) -> None:
    api.create(
        "snippets",
        meta(
            elements=[
                text("Meta title", codename="title"),
                text("Meta description", codename="desc"),
                {
                    "name": "Choice",
                    "codename": "choice",
                    "type": "multiple_choice",
                    "mode": "multiple",
                    "options": [{"name": "A", "codename": "a"}, {"name": "B", "codename": "b"}],
                },
            ]
        ),
    )
    body = api.ok_patch(
        "snippets",
        "codename/my_metadata",
        {"op": "replace", "path": "/elements/codename:desc/guidelines", "value": "70-150 characters"},
        {"op": "replace", "path": "/elements/codename:my_metadata__title/guidelines", "value": "30-60 characters"},
        {"op": "move", "path": "/elements/codename:desc", "before": {"codename": "title"}},
        {"op": "remove", "path": "/elements/codename:choice/options/codename:a"},
        {
            "op": "addInto",
            "path": "/elements",
            "value": text("Keywords", codename="keywords"),
            "after": {"codename": "desc"},
        },
        {"op": "replace", "path": "/elements/codename:keywords/is_required", "value": True},
        {"op": "replace", "path": "/elements/codename:choice/codename", "value": "mode"},
        {"op": "replace", "path": "/elements/codename:my_metadata__mode/name", "value": "Mode"},
    )
    assert [e["codename"] for e in body["elements"]] == [
        "my_metadata__desc",
        "my_metadata__keywords",
        "my_metadata__title",
        "my_metadata__mode",
    ]
    desc, keywords, title, mode = body["elements"]
    assert desc["guidelines"] == "70-150 characters" and title["guidelines"] == "30-60 characters"
    assert keywords["is_required"] is True
    assert mode["name"] == "Mode" and [o["codename"] for o in mode["options"]] == ["b"]
    body = api.ok_patch("snippets", "codename/my_metadata", {"op": "remove", "path": "/elements/codename:mode"})
    assert len(body["elements"]) == 3
    # A codename that names nothing, with or without the prefix, is still not found.
    for path in ("/elements/codename:nope", "/elements/codename:my_metadata__nope"):
        r = api.patch("snippets", "codename/my_metadata", [{"op": "remove", "path": path}])
        assert_invalid(r, "Invalid operation with index '0': The referenced object was not found.")


def test_renamed_snippet_prefixes_later_elements_with_its_new_codename(api: Api) -> None:
    api.create("snippets", meta())
    body = api.ok_patch(
        "snippets",
        "codename/my_metadata",
        {"op": "replace", "path": "/codename", "value": "seo"},
        {"op": "addInto", "path": "/elements", "value": text("Keywords", codename="keywords")},
        {"op": "replace", "path": "/elements/codename:desc/codename", "value": "description"},
        {"op": "replace", "path": "/elements/codename:keywords/guidelines", "value": "Comma separated."},
    )
    assert [e["codename"] for e in body["elements"]] == ["seo__meta_title", "seo__description", "seo__keywords"]
    assert body["elements"][2]["guidelines"] == "Comma separated."


def test_references_to_snippet_elements_may_omit_the_prefix(api: Api) -> None:
    snippet = api.create(
        "snippets",
        meta(
            elements=[
                text("Meta title", codename="title"),
                {
                    "name": "Preview",
                    "type": "custom",
                    "source_url": "https://example.com",
                    "codename": "preview",
                    "allowed_elements": [{"codename": "title"}],
                },
            ]
        ),
    )
    title, preview = snippet["elements"]
    assert preview["allowed_elements"] == [{"id": title["id"]}]
    page = api.create(
        "types",
        {
            "name": "Page",
            "elements": [
                {"type": "snippet", "snippet": {"codename": "my_metadata"}},
                {
                    "type": "url_slug",
                    "name": "Slug",
                    "depends_on": {"snippet": {"codename": "my_metadata"}, "element": {"codename": "title"}},
                },
            ],
        },
    )
    assert page["elements"][1]["depends_on"] == {"element": {"id": title["id"]}, "snippet": {"id": snippet["id"]}}
    body = api.ok_patch(
        "snippets",
        "codename/my_metadata",
        {"op": "remove", "path": "/elements/codename:preview/allowed_elements/codename:title"},
    )
    assert body["elements"][1]["allowed_elements"] == []


def test_added_element_colliding_once_prefixed_is_refused(api: Api) -> None:
    before = api.create("snippets", meta())
    for codename in ("desc", "my_metadata__desc"):
        r = api.patch(
            "snippets",
            "codename/my_metadata",
            [{"op": "addInto", "path": "/elements", "value": text("Another", codename=codename)}],
        )
        assert_invalid(r, "elements (codename 'my_metadata__desc'): element codenames must be unique")
    assert api.get("snippets", before["id"]).json() == before
