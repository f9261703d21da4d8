"""Entry checks over real HTTP: the structural checks on save (422 `InvalidEntry`), rich text's node
model, the field validations on publish (422 `ValidationFailed`) and unresolvable links (422
`UnresolvedLinks`). A refused request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import LiveServer
from tests.test_contentful_assets import png, upload_file
from tests.test_contentful_entries import Api, field, link, problems, symbol
from tests.test_contentful_uploads import create_upload


@pytest.fixture
def api(server: LiveServer, space: dict[str, Any]) -> Any:
    with server.client() as http:
        yield Api(http, space, "master")


def add_locale(api: Api, code: str, **extra: Any) -> None:
    r = api.http.post(api.url("/locales"), json={"name": code, "code": code, **extra}, headers=api.headers())
    assert r.status_code == 201, r.text


def text(value: str, marks: list[str] | None = None) -> dict[str, Any]:
    return {"nodeType": "text", "value": value, "marks": [{"type": m} for m in marks or []], "data": {}}


def paragraph(*content: dict[str, Any]) -> dict[str, Any]:
    return {"nodeType": "paragraph", "data": {}, "content": list(content)}


def document(*content: dict[str, Any]) -> dict[str, Any]:
    return {"nodeType": "document", "data": {}, "content": list(content)}


def embedded(node_type: str, link_type: str, target_id: str) -> dict[str, Any]:
    return {"nodeType": node_type, "data": {"target": link(link_type, target_id)}, "content": []}


ALL_TYPES = [
    symbol("sym", localized=True),
    field("txt", "Text"),
    field("int", "Integer"),
    field("num", "Number"),
    field("date", "Date"),
    field("bool", "Boolean"),
    field("loc", "Location"),
    field("obj", "Object"),
    field("ref", "Link", linkType="Entry"),
    field("img", "Link", linkType="Asset"),
    field("tags", "Array", items={"type": "Symbol"}),
    field("refs", "Array", items={"type": "Link", "linkType": "Entry"}),
    field("rich", "RichText"),
]


# -- save-time structure ----------------------------------------------------------------------------


def test_every_field_type_accepts_its_values(api: Api) -> None:
    api.content_type("all", ALL_TYPES)
    target = api.create("all", {})
    values = {
        "sym": "s",
        "txt": "long text",
        "int": 3,
        "num": 2.5,
        "date": "2024-05-01T10:00:00.000Z",
        "bool": False,
        "loc": {"lat": 52.5, "lon": 13.4},
        "obj": {"any": ["json", 1]},
        "ref": link("Entry", target["sys"]["id"]),
        "img": link("Asset", "someAsset"),
        "tags": ["a", "b"],
        "refs": [link("Entry", target["sys"]["id"])],
        "rich": document(paragraph(text("Hi ", ["bold"]), text("there"))),
    }
    entry = api.create("all", {k: {"en-US": v} for k, v in values.items()})
    assert entry["fields"] == {k: {"en-US": v} for k, v in values.items()}
    assert api.create("all", {"date": {"en-US": "2024-05-01"}, "num": {"en-US": 4}})["fields"]["num"] == {"en-US": 4}


def test_type_mismatches(api: Api) -> None:
    api.content_type("all", ALL_TYPES)
    entry = api.create("all", {"sym": {"en-US": "kept"}})
    wrong = {
        "sym": 1,
        "txt": ["x"],
        "int": 1.5,
        "num": "1",
        "date": "yesterday",
        "bool": "true",
        "loc": {"lat": 1},
        "obj": "x",
        "ref": link("Asset", "a"),
        "img": {"sys": {"id": "x"}},
        "tags": "a",
    }
    r = api.update(entry, fields={k: {"en-US": v} for k, v in wrong.items()})
    errors = problems(r, "InvalidEntry")
    expected_types = {
        "sym": "Symbol",
        "txt": "Text",
        "int": "Integer",
        "num": "Number",
        "date": "Date",
        "bool": "Boolean",
        "loc": "Location",
        "obj": "Object",
        "ref": "Link",
        "img": "Link",
        "tags": "Array",
    }
    assert errors == [
        {
            "name": "type",
            "value": wrong[f],
            "type": t,
            "details": f'The type of "value" is incorrect, expected type: {t}',
            "path": ["fields", f, "en-US"],
        }
        for f, t in expected_types.items()
    ]
    r = api.update(entry, fields={"tags": {"en-US": ["ok", 2]}, "refs": {"en-US": [link("Entry", "x"), "y"]}})
    errors = problems(r, "InvalidEntry")
    assert [(e["name"], e["path"], e["type"]) for e in errors] == [
        ("type", ["fields", "tags", "en-US", 1], "Symbol"),
        ("type", ["fields", "refs", "en-US", 1], "Link"),
    ]
    assert api.entry(entry["sys"]["id"]) == entry  # nothing changed


def test_unknown_fields_and_locales(api: Api) -> None:
    add_locale(api, "de-DE")
    api.content_type("post", [symbol("title", localized=True), symbol("slug")])
    entry = api.create("post", {"title": {"en-US": "Hi", "de-DE": "Hallo"}, "slug": {"en-US": "hi"}})
    assert entry["fields"]["title"] == {"en-US": "Hi", "de-DE": "Hallo"}
    assert entry["sys"]["fieldStatus"] == {"*": {"en-US": "draft", "de-DE": "draft"}}
    r = api.update(
        entry,
        fields={
            "title": {"en-US": "x", "fr-FR": "y"},
            "slug": {"en-US": "s", "de-DE": "non-localized"},
            "colour": {"en-US": "red"},
        },
    )
    assert problems(r, "InvalidEntry") == [
        {"name": "unknown", "path": ["fields", "title", "fr-FR"], "value": "y"},
        {"name": "unknown", "path": ["fields", "slug", "de-DE"], "value": "non-localized"},
        {"name": "unknown", "path": ["fields", "colour"], "details": 'The property "colour" is not allowed here.'},
    ]
    r = api.post_entry("post", {"fields": {"title": "flat"}})
    assert problems(r, "InvalidEntry")[0]["path"] == ["fields", "title"]
    r = api.post_entry("post", {"fields": {}, "metadata": {"tags": ["news"]}})
    assert problems(r, "InvalidEntry")[0]["path"] == ["metadata", "tags", 0]
    r = api.post_entry("post", {"fields": {}, "metadata": {"concepts": []}})
    assert problems(r, "InvalidEntry") == [
        {"name": "required", "path": ["metadata", "tags"], "details": 'The property "tags" is required here'}
    ]
    assert api.entry(entry["sys"]["id"]) == entry


def test_rich_text_node_model(api: Api) -> None:
    api.content_type("page", [field("body", "RichText")])
    valid = document(
        {"nodeType": "heading-1", "data": {}, "content": [text("Title")]},
        paragraph(
            text("see "),
            {"nodeType": "hyperlink", "data": {"uri": "https://example.com"}, "content": [text("here")]},
            embedded("embedded-entry-inline", "Entry", "e1"),
        ),
        {
            "nodeType": "unordered-list",
            "data": {},
            "content": [{"nodeType": "list-item", "data": {}, "content": [paragraph(text("one"))]}],
        },
        {"nodeType": "blockquote", "data": {}, "content": [paragraph(text("quote", ["italic"]))]},
        {"nodeType": "hr", "data": {}, "content": []},
        embedded("embedded-asset-block", "Asset", "a1"),
        {
            "nodeType": "table",
            "data": {},
            "content": [
                {
                    "nodeType": "table-row",
                    "data": {},
                    "content": [{"nodeType": "table-header-cell", "data": {}, "content": [paragraph(text("h"))]}],
                }
            ],
        },
    )
    assert api.create("page", {"body": {"en-US": valid}})["fields"]["body"]["en-US"] == valid
    entry = api.create("page", {})
    cases = [
        (document(text("bare text")), ["content", 0, "nodeType"], "in"),
        (document(paragraph(paragraph())), ["content", 0, "content", 0, "nodeType"], "in"),
        (document(paragraph(text("x", ["blink"]))), ["content", 0, "content", 0, "marks", 0, "type"], "in"),
        (document({"nodeType": "hr", "data": {}, "content": [text("x")]}), ["content", 0, "content"], "size"),
        (document(embedded("embedded-entry-block", "Asset", "a")), ["content", 0, "data", "target"], "type"),
        (document({"nodeType": "hyperlink", "data": {}, "content": []}), ["content", 0, "nodeType"], "in"),
        (document(paragraph({"nodeType": "hyperlink", "data": {}, "content": []})), None, "type"),
        (document({"nodeType": "paragraph", "content": []}), ["content", 0, "data"], "type"),
        ({"nodeType": "paragraph", "data": {}, "content": []}, [], "type"),
    ]
    for value, path, name in cases:
        errors = problems(api.update(entry, fields={"body": {"en-US": value}}), "InvalidEntry")
        assert errors[0]["name"] == name, (value, errors)
        if path is not None:
            assert errors[0]["path"] == ["fields", "body", "en-US", *path], (value, errors)
    assert api.entry(entry["sys"]["id"]) == entry


# -- publish-time validations ----------------------------------------------------------------------


def test_required(api: Api) -> None:
    add_locale(api, "de-DE")
    add_locale(api, "fr-FR", optional=True)
    api.content_type("post", [symbol("title", required=True, localized=True), symbol("slug", required=True)])
    entry = api.create("post", {})
    errors = problems(api.publish(entry), "ValidationFailed")
    assert errors == [
        {"name": "required", "path": ["fields", "title"], "details": 'The property "title" is required here'},
        {"name": "required", "path": ["fields", "slug"], "details": 'The property "slug" is required here'},
    ]
    entry = api.ok(api.update(entry, fields={"title": {"en-US": "t"}, "slug": {"en-US": "s"}}))
    errors = problems(api.publish(entry), "ValidationFailed")
    assert [(e["name"], e["path"]) for e in errors] == [("required", ["fields", "title", "de-DE"])]
    assert api.entry(entry["sys"]["id"]) == entry  # a refused publish changes nothing
    entry = api.ok(api.update(entry, fields={"title": {"en-US": "t", "de-DE": "t"}, "slug": {"en-US": "s"}}))
    assert api.publish(entry).status_code == 200  # fr-FR is optional


def test_value_validations(api: Api) -> None:
    api.content_type(
        "v",
        [
            symbol("short", validations=[{"size": {"min": 2, "max": 4}, "message": "2 to 4 please"}]),
            field("count", "Integer", validations=[{"range": {"min": 0, "max": 10}}]),
            symbol("colour", validations=[{"in": ["red", "green"]}]),
            symbol("code", validations=[{"regexp": {"pattern": "^[a-z]+$", "flags": "i"}}]),
            symbol("word", validations=[{"prohibitRegexp": {"pattern": "bad"}}]),
            field("when", "Date", validations=[{"dateRange": {"min": "2020-01-01", "max": "2020-12-31"}}]),
            field("list", "Array", items={"type": "Symbol", "validations": [{"in": ["a", "b"]}]},
                  validations=[{"size": {"max": 2}}]),
        ],
    )  # fmt: skip
    good = {
        "short": "abc",
        "count": 10,
        "colour": "red",
        "code": "ABc",
        "word": "good",
        "when": "2020-06-01T00:00:00Z",
        "list": ["a", "b"],
    }
    entry = api.create("v", {k: {"en-US": v} for k, v in good.items()})
    entry = api.ok(api.publish(entry))
    bad = {
        "short": "a",
        "count": 11,
        "colour": "blue",
        "code": "a1",
        "word": "so bad",
        "when": "2021-01-02",
        "list": ["a", "c", "b"],
    }
    entry = api.ok(api.update(entry, fields={k: {"en-US": v} for k, v in bad.items()}))
    errors = problems(api.publish(entry), "ValidationFailed")
    by_name = {(e["name"], tuple(e["path"])): e for e in errors}
    assert list(by_name) == [
        ("size", ("fields", "short", "en-US")),
        ("range", ("fields", "count", "en-US")),
        ("in", ("fields", "colour", "en-US")),
        ("regexp", ("fields", "code", "en-US")),
        ("prohibitRegexp", ("fields", "word", "en-US")),
        ("dateRange", ("fields", "when", "en-US")),
        ("size", ("fields", "list", "en-US")),
        ("in", ("fields", "list", "en-US", 1)),
    ]
    size = by_name[("size", ("fields", "short", "en-US"))]
    assert (size["value"], size["min"], size["max"], size["customMessage"]) == ("a", 2, 4, "2 to 4 please")
    assert by_name[("in", ("fields", "colour", "en-US"))]["expected"] == ["red", "green"]
    assert by_name[("range", ("fields", "count", "en-US"))]["max"] == 10
    after = api.entry(entry["sys"]["id"])
    assert (after["sys"]["version"], after["sys"]["publishedVersion"]) == (3, 1)


def test_text_length_caps(api: Api) -> None:
    api.content_type("t", [symbol("short"), field("long", "Text"), field("many", "Array", items={"type": "Symbol"})])
    entry = api.create("t", {"short": {"en-US": "x" * 256}, "long": {"en-US": "y" * 50_000}})
    entry = api.ok(api.publish(entry))
    fields = {"short": {"en-US": "x" * 257}, "long": {"en-US": "y" * 50_001}, "many": {"en-US": ["ok", "z" * 257]}}
    entry = api.ok(api.update(entry, fields=fields))
    errors = problems(api.publish(entry), "ValidationFailed")
    assert [(e["name"], e["max"], e["path"]) for e in errors] == [
        ("size", 256, ["fields", "short", "en-US"]),
        ("size", 50_000, ["fields", "long", "en-US"]),
        ("size", 256, ["fields", "many", "en-US", 1]),
    ]


def test_unique(api: Api) -> None:
    add_locale(api, "de-DE")
    api.content_type("u", [symbol("slug", localized=True, validations=[{"unique": True}])])
    first = api.ok(api.publish(api.create("u", {"slug": {"en-US": "same", "de-DE": "eins"}})))
    second = api.create("u", {"slug": {"en-US": "same", "de-DE": "zwei"}})
    errors = problems(api.publish(second), "ValidationFailed")
    assert errors == [
        {
            "name": "unique",
            "value": "same",
            "conflicting": [link("Entry", first["sys"]["id"])],
            "details": "Same field value present in other entry",
            "path": ["fields", "slug", "en-US"],
        }
    ]
    # A draft with the same value does not count; the same value in another locale does not either.
    third = api.create("u", {"slug": {"en-US": "eins"}})
    assert api.publish(third).status_code == 200
    assert api.ok(api.delete(f"/entries/{first['sys']['id']}/published"))
    assert api.publish(second).status_code == 200
    api.content_type("n", [field("rank", "Integer", validations=[{"unique": True}])])
    assert api.publish(api.create("n", {"rank": {"en-US": 7}})).status_code == 200
    errors = problems(api.publish(api.create("n", {"rank": {"en-US": 7}})), "ValidationFailed")
    assert [(e["name"], e["value"]) for e in errors] == [("unique", 7)]
    assert api.publish(api.create("n", {"rank": {"en-US": 8}})).status_code == 200


def test_links_content_type_and_resolution(api: Api) -> None:
    api.content_type("author", [symbol("name")])
    api.content_type("tag", [symbol("name")])
    api.content_type(
        "post",
        [
            field("author", "Link", linkType="Entry", validations=[{"linkContentType": ["author"]}]),
            field("related", "Array", items={"type": "Link", "linkType": "Entry"}),
            field("image", "Link", linkType="Asset"),
            field("body", "RichText"),
        ],
    )
    author = api.create("author", {})  # a draft target is fine
    tag = api.create("tag", {})
    post = api.create("post", {"author": {"en-US": link("Entry", tag["sys"]["id"])}})
    errors = problems(api.publish(post), "ValidationFailed")
    assert errors == [
        {
            "name": "linkContentType",
            "value": link("Entry", tag["sys"]["id"]),
            "contentTypeId": ["author"],
            "details": "Link to entry of wrong content type",
            "path": ["fields", "author", "en-US"],
        }
    ]
    post = api.ok(
        api.update(
            post,
            fields={
                "author": {"en-US": link("Entry", author["sys"]["id"])},
                "related": {"en-US": [link("Entry", tag["sys"]["id"]), link("Entry", "gone")]},
                "image": {"en-US": link("Asset", "noAsset")},
                "body": {"en-US": document(embedded("embedded-entry-block", "Entry", "missing"))},
            },
        )
    )
    r = api.publish(post)
    assert problems(r, "UnresolvedLinks") == [
        {"name": "notResolvable", "link": {"type": "Link", "linkType": "Entry", "id": "gone"},
         "path": ["fields", "related", "en-US", 1]},
        {"name": "notResolvable", "link": {"type": "Link", "linkType": "Asset", "id": "noAsset"},
         "path": ["fields", "image", "en-US"]},
        {"name": "notResolvable", "link": {"type": "Link", "linkType": "Entry", "id": "missing"},
         "path": ["fields", "body", "en-US", "content", 0, "data", "target"]},
    ]  # fmt: skip
    post = api.ok(api.update(post, fields={"author": {"en-US": link("Entry", author["sys"]["id"])}}))
    assert api.publish(post).status_code == 200


def test_rich_text_validations(api: Api) -> None:
    api.content_type("a", [symbol("name")])
    api.content_type("b", [symbol("name")])
    api.content_type(
        "page",
        [
            field(
                "body",
                "RichText",
                validations=[
                    {"enabledNodeTypes": ["heading-1", "embedded-entry-block"]},
                    {"enabledMarks": ["bold"]},
                    {"nodes": {"embedded-entry-block": [{"size": {"max": 1}}, {"linkContentType": ["a"]}]}},
                ],
            )
        ],
    )
    a = api.create("a", {})
    b = api.create("b", {})
    ok = document(paragraph(text("x", ["bold"])), embedded("embedded-entry-block", "Entry", a["sys"]["id"]))
    page = api.create("page", {"body": {"en-US": ok}})
    assert api.publish(page).status_code == 200
    bad = document(
        {"nodeType": "heading-2", "data": {}, "content": [text("h", ["italic"])]},
        embedded("embedded-entry-block", "Entry", b["sys"]["id"]),
        embedded("embedded-entry-block", "Entry", a["sys"]["id"]),
    )
    page = api.ok(api.update(api.entry(page["sys"]["id"]), fields={"body": {"en-US": bad}}))
    errors = problems(api.publish(page), "ValidationFailed")
    assert [(e["name"], e["path"]) for e in errors] == [
        ("enabledNodeTypes", ["fields", "body", "en-US", "content", 0, "nodeType"]),
        ("enabledMarks", ["fields", "body", "en-US", "content", 0, "content", 0, "marks", 0]),
        ("size", ["fields", "body", "en-US"]),
        ("linkContentType", ["fields", "body", "en-US", "content", 1, "data", "target"]),
    ]


def test_asset_link_validations(api: Api) -> None:
    def asset(asset_id: str, file_name: str, mime: str, data: bytes) -> None:
        upload_id = create_upload(api.http, api.space, data)["sys"]["id"]
        body = {"fields": {"title": {"en-US": asset_id}, "file": {"en-US": upload_file(file_name, mime, upload_id)}}}
        r = api.put(f"/assets/{asset_id}", body)
        assert r.status_code == 201, r.text
        r = api.http.put(api.url(f"/assets/{asset_id}/files/en-US/process"), headers=api.headers(1))
        assert r.status_code == 204, r.text

    asset("wide", "wide.png", "image/png", png(40, 10))
    asset("doc", "doc.pdf", "application/pdf", b"%PDF-1.4 tiny")
    api.content_type(
        "card",
        [
            field("picture", "Link", linkType="Asset", validations=[
                {"linkMimetypeGroup": ["image"]},
                {"assetImageDimensions": {"width": {"max": 30}}},
                {"assetFileSize": {"max": 20}},
            ]),
        ],
    )  # fmt: skip
    card = api.create("card", {"picture": {"en-US": link("Asset", "doc")}})
    errors = problems(api.publish(card), "ValidationFailed")
    assert [e["name"] for e in errors] == ["linkMimetypeGroup"]
    card = api.ok(api.update(card, fields={"picture": {"en-US": link("Asset", "wide")}}))
    errors = problems(api.publish(card), "ValidationFailed")
    assert [(e["name"], e["path"]) for e in errors] == [
        ("assetImageDimensions", ["fields", "picture", "en-US"]),
        ("assetFileSize", ["fields", "picture", "en-US"]),
    ]


def test_array_item_link_content_type(api: Api) -> None:
    api.content_type("a", [symbol("name")])
    api.content_type("b", [symbol("name")])
    items = {"type": "Link", "linkType": "Entry", "validations": [{"linkContentType": ["a"]}]}
    api.content_type("list", [field("refs", "Array", items=items, validations=[{"size": {"min": 1}}])])
    a, b = api.create("a", {}), api.create("b", {})
    refs = [link("Entry", a["sys"]["id"]), link("Entry", b["sys"]["id"])]
    entry = api.create("list", {"refs": {"en-US": refs}})
    errors = problems(api.publish(entry), "ValidationFailed")
    assert [(e["name"], e["path"], e["value"]) for e in errors] == [
        ("linkContentType", ["fields", "refs", "en-US", 1], refs[1])
    ]
    entry = api.ok(api.update(entry, fields={"refs": {"en-US": []}}))
    errors = problems(api.publish(entry), "ValidationFailed")
    assert [(e["name"], e["min"]) for e in errors] == [("size", 1)]
    entry = api.ok(api.update(entry, fields={"refs": {"en-US": refs[:1]}}))
    assert api.publish(entry).status_code == 200
