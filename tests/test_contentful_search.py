"""Collection search over real HTTP: `GET …/entries`, `…/assets`, `…/content_types` and their `public/…`
forms with the CMA query language (filters, full text, links, tags, select, order, paging, cursors)
and its `InvalidQuery` errors. The content is created once per backend through the endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import LiveServer, contentful_headers
from tests.test_contentful_users import assert_error

INVALID = (
    "The query you sent was invalid. Probably a filter or ordering specification is not applicable to the type of a "
    "field."
)
CONTENT_TYPE_REQUIRED = (
    "A Content Type ID is required. When querying for Entries and involving fields you need to limit your query to a "
    'specific Content Type. Please send a Content Type ID (not the name) as the URI query parameter "content_type"'
)
EN = "en-US"


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


def loc(value: Any) -> dict[str, Any]:
    return {EN: value}


def field(field_id: str, type_name: str, **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "name": field_id, "type": type_name, **extra}


BOOK_FIELDS = [
    field("title", "Symbol"),
    field("body", "Text"),
    field("pages", "Integer"),
    field("price", "Number"),
    field("released", "Date"),
    field("available", "Boolean"),
    field("labels", "Array", items={"type": "Symbol"}),
    field("author", "Link", linkType="Entry"),
    field("cover", "Link", linkType="Asset"),
    field("related", "Array", items={"type": "Link", "linkType": "Entry"}),
    field("place", "Location"),
    field("story", "RichText"),
    field("extra", "Object"),
]


def rich(text: str, entry_id: str | None = None) -> dict[str, Any]:
    content: list[dict[str, Any]] = [
        {"nodeType": "paragraph", "data": {}, "content": [{"nodeType": "text", "value": text, "marks": [], "data": {}}]}
    ]
    if entry_id is not None:
        content.append({"nodeType": "embedded-entry-block", "data": {"target": link("Entry", entry_id)}, "content": []})
    return {"nodeType": "document", "data": {}, "content": content}


class Api:
    def __init__(self, http: httpx.Client, space: dict[str, Any], env_id: str | None = "master") -> None:
        self.http = http
        self.space = space
        self.env_id = env_id

    def headers(self, **extra: str) -> dict[str, str]:
        return contentful_headers(self.space["cma_token"], **extra)

    def url(self, suffix: str) -> str:
        base = f"/spaces/{self.space['space_id']}"
        if self.env_id is not None:
            base += f"/environments/{self.env_id}"
        return base + suffix

    def get(self, suffix: str, params: Any = None) -> httpx.Response:
        return self.http.get(self.url(suffix), params=params, headers=self.headers())

    def put(self, suffix: str, body: Any = None, **headers: str) -> dict[str, Any]:
        r = self.http.put(self.url(suffix), json=body, headers=self.headers(**headers))
        assert r.status_code in (200, 201), r.text
        out: dict[str, Any] = r.json()
        return out

    def publish(self, kind: str, thing: dict[str, Any]) -> dict[str, Any]:
        version = str(thing["sys"]["version"])
        return self.put(f"/{kind}/{thing['sys']['id']}/published", **{"X-Contentful-Version": version})

    def entry(self, entry_id: str, content_type: str, fields: dict[str, Any], **metadata: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"fields": {k: loc(v) for k, v in fields.items()}}
        if metadata:
            body["metadata"] = {"tags": [link("Tag", t) for t in metadata["tags"]]}
        return self.put(f"/entries/{entry_id}", body, **{"X-Contentful-Content-Type": content_type})

    def search(self, suffix: str = "/entries", **params: Any) -> dict[str, Any]:
        r = self.get(suffix, params)
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out

    def ids(self, suffix: str = "/entries", **params: Any) -> list[str]:
        return [item["sys"]["id"] for item in self.search(suffix, **params)["items"]]

    def books(self, **params: Any) -> list[str]:
        return self.ids(content_type="book", order="sys.id", **params)


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Api]:
    space = server.space()
    with server.client() as http:
        a = Api(http, space)
        a.put("/tags/featured", {"name": "Featured"}, **{"X-Contentful-Tag-Visibility": "public"})
        a.put("/tags/classic", {"name": "Classic"}, **{"X-Contentful-Tag-Visibility": "public"})
        for ct_id, fields in (("author", [field("name", "Symbol")]), ("book", BOOK_FIELDS)):
            ct = a.put(
                f"/content_types/{ct_id}", {"name": ct_id.title(), "displayField": fields[0]["id"], "fields": fields}
            )
            a.publish("content_types", ct)
        png = {"contentType": "image/png", "fileName": "cover.png", "upload": "https://example.invalid/cover.png"}
        pdf = {"contentType": "application/pdf", "fileName": "sample.pdf", "upload": "https://example.invalid/s.pdf"}
        a.put("/assets/cover", {"fields": {"title": loc("Blue cover"), "file": loc(png)}})
        a.put("/assets/sample", {"fields": {"title": loc("Sample chapter"), "file": loc(pdf)}})
        ann = a.entry("ann", "author", {"name": "Ann"})
        a.publish("entries", ann)
        a.entry("bob", "author", {"name": "Bob"})
        books = {
            "b1": {
                "title": "Alpha",
                "body": "A quiet story about rivers",
                "pages": 120,
                "price": 9.5,
                "released": "2020-01-15",
                "available": True,
                "labels": ["new", "short"],
                "author": link("Entry", "ann"),
                "cover": link("Asset", "cover"),
                "place": {"lat": 52.52, "lon": 13.40},
                "story": rich("Berlin nights", "bob"),
            },
            "b2": {
                "title": "Beta",
                "body": "Loud mountains",
                "pages": 300,
                "price": 20.0,
                "released": "2021-06-01T10:00:00Z",
                "available": False,
                "labels": ["long"],
                "author": link("Entry", "bob"),
                "related": [link("Entry", "b1")],
                "place": {"lat": 48.86, "lon": 2.35},
                "extra": {"edition": 2, "notes": ["signed"]},
            },
            "b3": {"title": "Gamma", "pages": 50, "labels": ["short"], "author": link("Entry", "ann")},
            "b4": {
                "title": "Delta",
                "body": "Jazz age",
                "pages": 300,
                "related": [link("Entry", "b1"), link("Entry", "b2")],
            },
        }
        made = {}
        for book_id, fields in books.items():
            tags = {"b1": ["featured"], "b2": ["featured", "classic"]}.get(book_id, [])
            made[book_id] = a.entry(book_id, "book", fields, tags=tags) if tags else a.entry(book_id, "book", fields)
        a.publish("entries", made["b1"])
        b3 = a.publish("entries", made["b3"])
        revised = {**books["b3"], "title": "Gamma revised"}
        version = {"X-Contentful-Version": str(b3["sys"]["version"])}
        a.put("/entries/b3", {"fields": {k: loc(v) for k, v in revised.items()}}, **version)
        a.put("/entries/b4/archived", **{"X-Contentful-Version": str(made["b4"]["sys"]["version"])})
        yield a


def test_collection_shape_and_cli_queries(api: Api) -> None:
    body = api.search(order="sys.createdAt,sys.id")
    assert (body["sys"], body["total"], body["skip"], body["limit"]) == ({"type": "Array"}, 6, 0, 100)
    assert [i["sys"]["id"] for i in body["items"]] == ["ann", "bob", "b1", "b2", "b3", "b4"]
    assert api.ids(**{"sys.id[in]": "b2,ann,nope", "order": "sys.id"}) == ["ann", "b2"]
    assert api.ids(**{"sys.archivedAt[exists]": "false", "order": "sys.createdAt"}) == ["ann", "bob", "b1", "b2", "b3"]
    assert api.ids(**{"sys.archivedAt[exists]": "true"}) == ["b4"]
    assert api.ids(**{"sys.contentType.sys.id[in]": "author", "order": "-sys.id"}) == ["bob", "ann"]
    assert api.ids(**{"sys.publishedAt[exists]": "true", "order": "sys.id"}) == ["ann", "b1", "b3"]
    assert api.ids(**{"sys.version[gte]": "3", "order": "sys.id"}) == ["b3"]
    assert api.ids(**{"sys.version": "2", "order": "sys.id"}) == ["ann", "b1", "b4"]
    # default order: most recently updated first
    assert api.ids()[0] == "b4"
    # the environment-less short form
    short = Api(api.http, api.space, None)
    assert short.ids(**{"sys.id": "b1"}) == ["b1"]


def test_field_filters(api: Api) -> None:
    assert api.books(**{"fields.title": "Beta"}) == ["b2"]
    assert api.books(**{"fields.title[ne]": "Beta"}) == ["b1", "b3", "b4"]
    assert api.books(**{"fields.title[in]": "Alpha,Delta"}) == ["b1", "b4"]
    assert api.books(**{"fields.title[nin]": "Alpha,Delta"}) == ["b2", "b3"]
    assert api.books(**{"fields.labels": "short"}) == ["b1", "b3"]
    assert api.books(**{"fields.labels[all]": "short,new"}) == ["b1"]
    assert api.books(**{"fields.labels[in]": "long,new"}) == ["b1", "b2"]
    assert api.books(**{"fields.labels[exists]": "false"}) == ["b4"]
    assert api.books(**{"fields.pages": "300"}) == ["b2", "b4"]
    assert api.books(**{"fields.pages[lt]": "120"}) == ["b3"]
    assert api.books(**{"fields.pages[lte]": "120"}) == ["b1", "b3"]
    assert api.books(**{"fields.price[gt]": "9.5"}) == ["b2"]
    assert api.books(**{"fields.released[gte]": "2021-01-01"}) == ["b2"]
    assert api.books(**{"fields.released": "2020-01-15T00:00:00Z"}) == ["b1"]
    assert api.books(**{"fields.available": "false"}) == ["b2"]
    assert api.books(**{"fields.author.sys.id": "ann"}) == ["b1", "b3"]
    assert api.books(**{"fields.related.sys.id": "b1"}) == ["b2", "b4"]
    assert api.books(**{"fields.related.sys.id[all]": "b1,b2"}) == ["b4"]
    assert api.books(**{"fields.author[exists]": "true", "fields.pages[gte]": "100"}) == ["b1", "b2"]
    assert api.books(**{"fields.body[match]": "RIVERS quiet"}) == ["b1"]
    assert api.books(**{"fields.story[match]": "berlin"}) == ["b1"]
    assert api.books(**{"fields.title[match]": "revised"}) == ["b3"]
    assert api.books(**{"fields.extra[exists]": "true"}) == ["b2"]
    assert api.books(**{"fields.extra[exists]": "false"}) == ["b1", "b3", "b4"]
    r = api.get("/entries", {"content_type": "book", "fields.extra": "2"})
    assert r.status_code == 400 and r.json()["details"]["errors"][0]["name"] == "operator"


def test_full_text_links_tags(api: Api) -> None:
    assert api.ids(query="mountains") == ["b2"]
    assert api.ids(query="gamma REVISED") == ["b3"]
    assert api.ids(query="100%_") == []
    assert api.ids(query="mount") == ["b2"]
    assert api.ids(query="riv, QUI!") == ["b1"]
    assert api.ids(query="nights") == ["b1"]  # rich text
    assert api.ids(query="ann") == ["ann"]  # not b1/b3, which only link to her
    assert api.ids("/content_types", query="auth") == ["author"]
    assert api.ids(query="bz") == [] and api.ids(query="gamma_") == []
    assert api.ids(query="jazz") == ["b4"] and api.ids(query="jaz") == ["b4"]
    assert api.books(links_to_entry="b1") == ["b2", "b4"]
    assert api.books(links_to_entry="bob") == ["b1", "b2"]
    assert api.ids(links_to_asset="cover") == ["b1"]
    assert api.books(**{"metadata.tags.sys.id[in]": "classic,featured"}) == ["b1", "b2"]
    assert api.books(**{"metadata.tags.sys.id[all]": "classic,featured"}) == ["b2"]
    assert api.books(**{"metadata.tags.sys.id[exists]": "false"}) == ["b3", "b4"]


def test_location(api: Api) -> None:
    # near Paris: Paris first, then Berlin; entries without a place last
    assert api.ids(content_type="book", **{"fields.place[near]": "48.8,2.3"})[:2] == ["b2", "b1"]
    assert api.books(**{"fields.place[within]": "50,10,55,15"}) == ["b1"]
    assert api.books(**{"fields.place[within]": "48.85,2.35,10"}) == ["b2"]


def test_order_select_and_paging(api: Api) -> None:
    assert api.ids(content_type="book", order="fields.pages,-fields.title") == ["b3", "b1", "b4", "b2"]
    assert api.ids(content_type="book", order="-fields.pages,fields.title") == ["b2", "b4", "b1", "b3"]
    assert api.ids(content_type="book", order="-fields.released") == ["b2", "b1", "b3", "b4"]
    page = api.search(content_type="book", order="fields.title", skip=1, limit=2)
    assert (page["total"], page["skip"], page["limit"]) == (4, 1, 2)
    assert [i["sys"]["id"] for i in page["items"]] == ["b2", "b4"]
    assert api.search(limit=5000)["limit"] == 1000
    selected = api.search(**{"sys.id": "b1", "select": "fields.title,fields.pages"})["items"][0]
    assert set(selected) == {"sys", "fields"} and selected["fields"] == {"title": loc("Alpha"), "pages": loc(120)}
    assert selected["sys"]["id"] == "b1"
    only_sys = api.search("/assets", select="sys")["items"][0]
    assert list(only_sys) == ["sys"]


def test_cursor_paging(api: Api) -> None:
    first = api.search(cursor="true", limit=4, order="sys.createdAt")
    assert "total" not in first and "skip" not in first and first["limit"] == 4
    assert [i["sys"]["id"] for i in first["items"]] == ["ann", "bob", "b1", "b2"]
    assert set(first["pages"]) == {"next"}
    next_url = first["pages"]["next"]
    r = api.http.get(next_url, headers=api.headers())
    second = r.json()
    assert [i["sys"]["id"] for i in second["items"]] == ["b3", "b4"]
    assert set(second["pages"]) == {"prev"}
    token = httpx.URL(second["pages"]["prev"]).params["pagePrev"]
    again = api.search(cursor="true", limit=4, order="sys.createdAt", pagePrev=token)
    assert [i["sys"]["id"] for i in again["items"]] == ["ann", "bob", "b1", "b2"]
    message = 'The value provided for "pageNext" is invalid.'
    r = api.get("/entries", {"cursor": "true", "pageNext": "!!"})
    assert_error(r, 400, "InvalidQuery", message, {"errors": []})


def test_assets_and_content_types(api: Api) -> None:
    assert api.ids("/assets", mimetype_group="image") == ["cover"]
    assert api.ids("/assets", mimetype_group="pdfdocument") == ["sample"]
    assert api.ids("/assets", **{"fields.title[match]": "chapter"}) == ["sample"]
    assert api.ids("/assets", **{"fields.file.contentType": "image/png"}) == ["cover"]
    assert api.ids("/assets", query="blue") == ["cover"]
    cts = api.search("/content_types", order="sys.createdAt,sys.id")
    assert [i["sys"]["id"] for i in cts["items"]] == ["author", "book"] and cts["total"] == 2
    assert api.ids("/content_types", **{"sys.id[in]": "book"}) == ["book"]
    assert api.ids("/content_types", name="Author") == ["author"]
    details = {
        "errors": [
            {"name": "unknown", "path": ["content_type"], "details": 'The path "content_type" is not recognized'}
        ]
    }
    assert_error(api.get("/assets", {"content_type": "book"}), 400, "InvalidQuery", INVALID, details)


def test_public_collections(api: Api) -> None:
    assert api.ids("/public/entries", order="sys.id") == ["ann", "b1", "b3"]
    # the published version of b3 still has the old title
    assert api.ids("/public/entries", content_type="book", **{"fields.title": "Gamma"}) == ["b3"]
    assert api.ids("/entries", content_type="book", **{"fields.title": "Gamma"}) == []
    published = api.search("/public/entries", **{"sys.id": "b3"})["items"][0]
    assert published["fields"]["title"] == loc("Gamma")
    assert api.ids("/public/content_types", order="sys.id") == ["author", "book"]
    assert api.search("/public/assets")["total"] == 0


def test_invalid_queries(api: Api) -> None:
    details = {
        "errors": [{"name": "unknown", "path": ["sys", "foo"], "details": 'The path "sys.foo" is not recognized'}]
    }
    assert_error(api.get("/entries", {"sys.foo": "1"}), 400, "InvalidQuery", INVALID, details)
    value = {
        "name": "value",
        "path": ["sys", "archivedAt"],
        "type": "Date",
        "filter": "equals",
        "details": "false used on sys.archivedAt is not a valid value for type Date.",
    }
    assert_error(api.get("/entries", {"sys.archivedAt": "false"}), 400, "InvalidQuery", INVALID, {"errors": [value]})
    assert_error(api.get("/entries", {"fields.title": "x"}), 400, "InvalidQuery", CONTENT_TYPE_REQUIRED, {"errors": []})
    assert_error(
        api.get("/entries", {"order": "fields.title"}), 400, "InvalidQuery", CONTENT_TYPE_REQUIRED, {"errors": []}
    )
    unknown_ct = {"errors": [{"name": "unknownContentType", "value": "nope"}]}
    assert_error(api.get("/entries", {"content_type": "nope"}), 400, "InvalidQuery", INVALID, unknown_ct)
    unknown_field = {
        "errors": [
            {"name": "unknown", "path": ["fields", "nope"], "details": 'The path "fields.nope" is not recognized'}
        ]
    }
    r = api.get("/entries", {"content_type": "book", "fields.nope": "1"})
    assert_error(r, 400, "InvalidQuery", INVALID, unknown_field)
    bad_pages = api.get("/entries", {"content_type": "book", "fields.pages": "many"}).json()
    assert bad_pages["details"]["errors"][0]["type"] == "Integer"
    limit_message = 'The value provided for "limit" is invalid. It must be a non-negative integer.'
    assert_error(api.get("/entries", {"limit": "-1"}), 400, "InvalidQuery", limit_message, {"errors": []})
    bogus = {"name": "unknown", "path": ["sys", "id[bogus]"], "details": 'The path "sys.id[bogus]" is not recognized'}
    assert_error(api.get("/entries", {"sys.id[bogus]": "1"}), 400, "InvalidQuery", INVALID, {"errors": [bogus]})
    # accepted and ignored
    assert api.ids(**{"sys.id": "b1", "include": "2", "locale": "de-DE"}) == ["b1"]


def test_sys_dates_constants_and_order_errors(api: Api) -> None:
    b1 = api.search(**{"sys.id": "b1"})["items"][0]["sys"]
    created = b1["createdAt"]
    assert api.ids(**{"sys.createdAt": created}) == ["b1"]
    assert api.ids(**{"sys.createdAt[lte]": created, "order": "sys.createdAt"}) == ["ann", "bob", "b1"]
    assert api.ids(**{"sys.createdAt[gt]": created, "order": "sys.createdAt"}) == ["b2", "b3", "b4"]
    assert api.ids(**{"sys.updatedAt[gte]": "2000-01-01", "sys.id[in]": "b1,b2", "order": "sys.id"}) == ["b1", "b2"]
    assert api.ids(**{"sys.publishedBy.sys.id[exists]": "true", "order": "sys.id"}) == ["ann", "b1", "b3"]
    assert len(api.ids(**{"sys.type": "Entry"})) == 6
    assert api.ids(**{"sys.type": "Asset"}) == []
    assert len(api.ids(**{"sys.space.sys.id": api.space["space_id"]})) == 6
    operator = {
        "name": "operator",
        "path": ["fields", "author"],
        "type": "LinkObject",
        "filter": "order",
        "details": 'The filter "order" is not applicable to fields.author of type LinkObject.',
    }
    r = api.get("/entries", {"content_type": "book", "order": "fields.author"})
    assert_error(r, 400, "InvalidQuery", INVALID, {"errors": [operator]})
    unknown = {"name": "unknown", "path": ["sys", "foo"], "details": 'The path "sys.foo" is not recognized'}
    assert_error(api.get("/entries", {"order": "-sys.foo"}), 400, "InvalidQuery", INVALID, {"errors": [unknown]})
    bad_date = api.get("/entries", {"sys.createdAt[gte]": "yesterday"}).json()["details"]["errors"][0]
    assert (bad_date["name"], bad_date["type"], bad_date["filter"]) == ("value", "Date", "gte")
