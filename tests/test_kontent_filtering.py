"""Items with variants over real HTTP: the filter (every filter, ordering, paging, errors) and bulk get;
both backends. Both endpoints are reads: a battery of requests leaves every stored row as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from headwater.kontent.content import filtering
from headwater.storage.database import Database
from tests.kontent_client import INVALID_BODY, ZERO, Kontent
from tests.support import LiveServer, run_async

FILTER = "/items-with-variant/filter"
BULK = "/items-with-variant/bulk-get"
PUBLISHED = "c199950d-99f0-4983-b711-6c4c91624b22"
ARCHIVED = "7a535a69-ad34-47f8-806a-def1fdf4d391"
USER = "6f1b8c3e-2d4a-4e8b-9c1d-0a2b3c4d5e6f"
UNKNOWN = "4b8b1d7e-5f57-4c43-9b1c-0c1f3c0f0a11"
COMPONENT = "11111111-1111-4111-8111-111111111111"


@dataclass
class World:
    """One environment, seeded once per backend: items in every state the filters tell apart."""

    api: Kontent
    project: dict[str, Any]
    ids: dict[str, str] = field(default_factory=dict)
    spanish: str = ""

    def item(self, key: str) -> str:
        return self.ids[key]

    def pairs(self, body: Any, headers: dict[str, str] | None = None) -> list[str]:
        """The item keys of the first page (asserting the exact response shape)."""
        r = self.api.request("POST", FILTER, body, headers=headers or {})
        assert r.status_code == 200, r.text
        page = r.json()
        assert set(page) == {"variants", "pagination"}
        assert set(page["pagination"]) == {"continuation_token", "next_page"}
        names = {v: k for k, v in self.ids.items()}
        out = []
        for pair in page["variants"]:
            assert set(pair) == {"item", "language"} and set(pair["item"]) == {"id"} and set(pair["language"]) == {"id"}
            out.append(names[pair["item"]["id"]])
        return out

    def error(self, path: str, body: Any, status: int = 400) -> dict[str, Any]:
        return self.api.error("POST", path, body, status)


def _component(text: str) -> dict[str, Any]:
    return {
        "id": COMPONENT,
        "type": {"codename": "tweet"},
        "elements": [{"element": {"codename": "text"}, "value": text}],
    }


def _seed(api: Kontent) -> World:
    world = World(api, {})
    world.spanish = api.add_language("es-ES")["id"]
    api.ok(
        "POST",
        "/taxonomies",
        {
            "name": "Topics",
            "codename": "topics",
            "terms": [
                {"name": "Coffee", "codename": "coffee", "external_id": "t-coffee", "terms": []},
                {"name": "Tea", "codename": "tea", "terms": []},
            ],
        },
        201,
    )
    api.ok("PATCH", "/collections", [{"op": "addInto", "value": {"name": "Global", "codename": "global"}}])
    api.add_type("tweet", [{"name": "Text", "codename": "text", "type": "text"}])
    api.add_type(
        "article",
        [
            {"name": "Title", "codename": "title", "type": "text", "is_required": True},
            {"name": "Body", "codename": "body", "type": "rich_text"},
            {"name": "Topics", "codename": "topics", "type": "taxonomy", "taxonomy_group": {"codename": "topics"}},
            {"name": "Slug", "codename": "slug", "type": "url_slug", "depends_on": {"element": {"codename": "title"}}},
            {"name": "Widget", "codename": "widget", "type": "custom", "source_url": "https://example.com/w"},
        ],
        external_id="type-article",
    )
    api.add_type("page", [{"name": "Title", "codename": "title", "type": "text"}])

    def upsert(key: str, language: str, elements: list[dict[str, Any]], **extra: Any) -> None:
        r = api.upsert(world.ids[key], language, elements, **extra)
        assert r.status_code in (200, 201), r.text

    def act(key: str, action: str, body: Any = None) -> None:
        r = api.request("PUT", f"/items/{world.ids[key]}/variants/{ZERO}/{action}", body)
        assert r.status_code == 204, r.text

    def title(value: str) -> dict[str, Any]:
        return {"element": {"codename": "title"}, "value": value}

    world.ids["espresso"] = api.add_item("Espresso guide", "article")["id"]
    upsert(
        "espresso",
        ZERO,
        [
            title("Espresso"),
            {
                "element": {"codename": "body"},
                "value": '<p>Rich <strong>crema</strong> and café</p><object type="application/kenticocloud" '
                f'data-type="component" data-id="{COMPONENT}"></object>',
                "components": [_component("Latte art")],
            },
            {"element": {"codename": "topics"}, "value": [{"codename": "coffee"}]},
            {"element": {"codename": "widget"}, "value": "{}", "searchable_value": "Grinder widget"},
        ],
        contributors=[{"email": "barista@example.com"}],
        due_date={"value": "2024-03-01T00:00:00Z"},
    )
    act("espresso", "publish")
    upsert("espresso", "codename/es-ES", [title("Espresso ES")])
    world.ids["tea"] = api.add_item("Tea notes", "article", external_id="tea-ext")["id"]
    upsert(
        "tea",
        ZERO,
        [title("Green tea"), {"element": {"codename": "topics"}, "value": [{"codename": "tea"}]}],
        contributors=[{"id": USER}],
        due_date={"value": "2024-01-01T00:00:00Z"},
    )
    world.ids["empty"] = api.add_item("Empty article", "article")["id"]
    upsert("empty", ZERO, [{"element": {"codename": "body"}, "value": "<p>no title yet</p>"}])
    world.ids["about"] = api.add_item("About page", "page", collection={"codename": "global"})["id"]
    upsert("about", ZERO, [title("About us")])
    upsert("about", "codename/es-ES", [title("Sobre nosotros")])
    world.ids["lonely"] = api.add_item("Lonely item", "page")["id"]
    world.ids["old"] = api.add_item("Old news", "page")["id"]
    upsert("old", ZERO, [title("Old")])
    act("old", "publish")
    act("old", "unpublish-and-archive")
    return world


@pytest.fixture(scope="module")
def world(server: LiveServer) -> Iterator[World]:
    project = server.project()
    with server.client() as http:
        world = _seed(Kontent(http, project))
        world.project = project
        yield world


DEFAULT_ORDER = ["espresso", "tea", "empty", "about", "old"]


# -- the filters ----------------------------------------------------------------------------------


def test_no_filters_lists_the_default_language_variants_in_item_order(world: World) -> None:
    r = world.api.request("POST", FILTER, {})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    page = r.json()
    assert page == {
        "variants": [{"item": {"id": world.item(k)}, "language": {"id": ZERO}} for k in DEFAULT_ORDER],
        "pagination": {"continuation_token": None, "next_page": None},
    }
    assert world.pairs({"filters": None, "order": None}) == DEFAULT_ORDER
    assert world.pairs({"filters": {"language": {"id": ZERO}, "search_phrase": None}}) == DEFAULT_ORDER


def test_language(world: World) -> None:
    r = world.api.request("POST", FILTER, {"filters": {"language": {"codename": "es-ES"}}})
    assert [(p["item"]["id"], p["language"]["id"]) for p in r.json()["variants"]] == [
        (world.item("espresso"), world.spanish),
        (world.item("about"), world.spanish),
    ]


def test_content_types_and_collections(world: World) -> None:
    assert world.pairs({"filters": {"content_types": [{"codename": "page"}]}}) == ["about", "old"]
    assert world.pairs({"filters": {"content_types": [{"external_id": "type-article"}]}}) == [
        "espresso",
        "tea",
        "empty",
    ]
    page_id = world.api.ok("GET", "/types/codename/page")["id"]
    assert world.pairs({"filters": {"content_types": [{"id": page_id}, {"codename": "tweet"}]}}) == ["about", "old"]
    assert world.pairs({"filters": {"collections": [{"codename": "global"}]}}) == ["about"]
    assert world.pairs({"filters": {"collections": [{"id": ZERO}]}}) == ["espresso", "tea", "empty", "old"]


def test_search_phrase(world: World) -> None:
    def search(phrase: str, **filters: Any) -> list[str]:
        return world.pairs({"filters": {"search_phrase": phrase, **filters}})

    assert search("espresso") == ["espresso"]  # the item name and the title
    assert search("CREMA") == ["espresso"]  # rich text, case-insensitive
    assert search("latte") == ["espresso"]  # a component's text element
    assert search("grinder") == ["espresso"]  # a custom element's searchable value
    assert search("café") == ["espresso"]  # non-ASCII words are checked exactly
    assert search("green notes") == ["tea"]  # every word, in the name or in an element
    assert search("green espresso") == []
    assert search("espresso_guide") == []  # codenames are not searched
    assert search("page") == ["about"]
    assert search("nosotros", language={"codename": "es-ES"}) == ["about"]
    assert search("nosotros") == []
    assert search("  ") == DEFAULT_ORDER
    assert search("lonely") == []
    assert search("lonely", completion_statuses=["not_translated"]) == ["lonely"]


def test_contributors(world: World) -> None:
    assert world.pairs({"filters": {"contributors": [{"email": "BARISTA@example.com"}]}}) == ["espresso"]
    assert world.pairs({"filters": {"contributors": [{"id": USER.upper()}]}}) == ["tea"]
    assert world.pairs({"filters": {"contributors": [{"id": USER}, {"email": "barista@example.com"}]}}) == [
        "espresso",
        "tea",
    ]
    assert world.pairs({"filters": {"contributors": [{"id": UNKNOWN}]}}) == []
    assert world.pairs({"filters": {"has_no_contributors": True}}) == ["empty", "about", "old"]
    assert world.pairs({"filters": {"has_no_contributors": False}}) == DEFAULT_ORDER


def test_completion_statuses(world: World) -> None:
    def statuses(*values: str, **filters: Any) -> list[str]:
        return world.pairs({"filters": {"completion_statuses": list(values), **filters}})

    assert statuses("unfinished") == ["empty"]
    assert statuses("ready") == ["tea", "about"]
    assert statuses("completed") == ["tea", "about"]  # the older name of `ready`
    assert statuses("all_done") == ["espresso", "old"]
    assert statuses("not_translated") == ["lonely"]
    assert statuses("unfinished", "all_done") == ["espresso", "empty", "old"]
    assert statuses("unfinished", "ready") == ["tea", "empty", "about"]
    assert statuses("unfinished", "ready", "not_translated", "all_done") == [
        "espresso",
        "tea",
        "empty",
        "about",
        "lonely",
        "old",
    ]
    assert statuses("not_translated", language={"codename": "es-ES"}) == ["tea", "empty", "lonely", "old"]
    assert statuses("not_translated", content_types=[{"codename": "page"}]) == ["lonely"]
    assert statuses("not_translated", collections=[{"codename": "global"}]) == []
    # filters on what only a variant has never match a missing one
    assert statuses("not_translated", has_no_contributors=True) == []
    error = world.error(FILTER, {"filters": {"completion_statuses": ["ready", "nonsense"]}})
    assert error["error_code"] == 265 and "validation_errors" not in error
    assert error["message"] == (
        "Invalid completion status name `nonsense`. The values of the 'completion_statuses' property must be one "
        "of the following: unfinished, ready, not_translated, all_done."
    )


def test_workflow_steps(world: World) -> None:
    done = [{"codename": "published"}, {"id": ARCHIVED}]
    assert world.pairs(
        {"filters": {"workflow_steps": [{"workflow_identifier": {"codename": "default"}, "step_identifiers": done}]}}
    ) == ["espresso", "old"]
    draft = {"workflow_identifier": {"id": ZERO}, "step_identifiers": [{"codename": "draft"}]}
    assert world.pairs({"filters": {"workflow_steps": [draft]}}) == ["tea", "empty", "about"]
    published = {"workflow_identifier": {"id": ZERO}, "step_identifiers": [{"id": PUBLISHED}]}
    assert world.pairs({"filters": {"workflow_steps": [draft, published]}}) == ["espresso", "tea", "empty", "about"]


def test_taxonomy_groups(world: World) -> None:
    def groups(*entries: dict[str, Any]) -> list[str]:
        return world.pairs({"filters": {"taxonomy_groups": list(entries)}})

    coffee = {"taxonomy_identifier": {"codename": "topics"}, "term_identifiers": [{"external_id": "t-coffee"}]}
    tea = {"taxonomy_identifier": {"codename": "topics"}, "term_identifiers": [{"codename": "tea"}]}
    assert groups(coffee) == ["espresso"]
    assert groups({**tea, "include_uncategorized": True}) == ["tea", "empty", "about", "old"]
    assert groups({"taxonomy_identifier": {"codename": "topics"}}) == ["espresso", "tea"]
    assert groups({"taxonomy_identifier": {"codename": "topics"}, "include_uncategorized": True}) == [
        "empty",
        "about",
        "old",
    ]
    both = {**coffee, "term_identifiers": [{"codename": "coffee"}, {"codename": "tea"}]}
    assert groups(both) == ["espresso", "tea"]
    assert groups(coffee, tea) == []  # several groups must all match


def test_publishing_states_and_component_types(world: World) -> None:
    def states(*values: str) -> list[str]:
        return world.pairs({"filters": {"publishing_states": list(values)}})

    assert states("published") == ["espresso"]
    assert states("unpublished") == ["old"]
    assert states("not_published_yet") == ["tea", "empty", "about"]
    assert states("published", "unpublished") == ["espresso", "old"]
    assert world.pairs({"filters": {"component_types": [{"codename": "tweet"}]}}) == ["espresso"]
    assert world.pairs({"filters": {"component_types": [{"codename": "page"}]}}) == []
    combined = {"content_types": [{"codename": "article"}], "publishing_states": ["not_published_yet"]}
    assert world.pairs({"filters": {**combined, "completion_statuses": ["ready"]}}) == ["tea"]


def test_spaces_do_not_exist(world: World) -> None:
    error = world.error(FILTER, {"filters": {"spaces": [{"codename": "web"}]}}, status=404)
    assert error["error_code"] == 121
    assert error["message"] == "The requested space '{codename: web}' was not found."


def test_order(world: World) -> None:
    by_name = ["about", "empty", "espresso", "old", "tea"]
    assert world.pairs({"order": {"by": "name", "direction": "asc"}}) == by_name
    assert world.pairs({"order": {"by": "name"}}) == by_name
    assert world.pairs({"order": {"by": "name", "direction": "desc"}}) == by_name[::-1]
    assert world.pairs({"order": {"by": "due_date", "direction": "asc"}}) == [
        "tea",
        "espresso",
        "empty",
        "about",
        "old",
    ]
    assert world.pairs({"order": {"by": "due_date", "direction": "desc"}}) == [
        "espresso",
        "tea",
        "old",
        "about",
        "empty",
    ]
    stamps = {key: world.api.variant(world.item(key))["last_modified"] for key in DEFAULT_ORDER}
    oldest_first = sorted(DEFAULT_ORDER, key=lambda key: stamps[key])
    assert world.pairs({"order": {"by": "last_modified", "direction": "asc"}}) == oldest_first
    assert world.pairs({"order": {"by": "last_modified", "direction": "desc"}}) == oldest_first[::-1]
    assert world.pairs({"filters": {"search_phrase": "e"}, "order": {"by": "name", "direction": "desc"}}) == [
        "tea",
        "old",
        "espresso",
        "empty",
        "about",
    ]


# -- paging ---------------------------------------------------------------------------------------


def walk(api: Kontent, path: str, body: Any, *, query: bool = False) -> tuple[list[dict[str, Any]], int]:
    """Every entry of a paginated POST list, following tokens (header, or the `next_page` URL)."""
    key = "variants" if path == FILTER else "data"
    seen: list[dict[str, Any]] = []
    token: str | None = None
    pages = 0
    while True:
        if token is not None and query:
            r = api.request("POST", f"{path}?continuationToken={token}", body)
        else:
            r = api.request("POST", path, body, headers={"x-continuation": token} if token else {})
        assert r.status_code == 200, r.text
        page = r.json()
        pages += 1
        seen += page[key]
        token = page["pagination"]["continuation_token"]
        if token is None:
            assert page["pagination"]["next_page"] is None
            return seen, pages
        assert page["pagination"]["next_page"].endswith(f"{path}?continuationToken={token}")


def test_filter_pages(world: World, make_server: Callable[..., LiveServer]) -> None:
    small = make_server(kontent_page_size=2)
    with small.client() as http:
        api = Kontent(http, world.project)
        names = {v: k for k, v in world.ids.items()}
        for body, expected in (
            ({}, DEFAULT_ORDER),
            ({"order": {"by": "name"}}, ["about", "empty", "espresso", "old", "tea"]),
            ({"order": {"by": "due_date", "direction": "desc"}}, ["espresso", "tea", "old", "about", "empty"]),
            ({"filters": {"completion_statuses": ["ready", "not_translated"]}}, ["tea", "about", "lonely"]),
            (
                {"filters": {"search_phrase": "e"}, "order": {"by": "name"}},
                ["about", "empty", "espresso", "old", "tea"],
            ),
        ):
            seen, pages = walk(api, FILTER, body)
            assert [names[p["item"]["id"]] for p in seen] == expected, body
            assert pages == (len(expected) + 1) // 2
            seen, _ = walk(api, FILTER, body, query=True)
            assert [names[p["item"]["id"]] for p in seen] == expected
        token = api.request("POST", FILTER, {}).json()["pagination"]["continuation_token"]
        for other in ({"filters": {"search_phrase": "e"}}, {"order": {"by": "name"}}):
            r = api.request("POST", FILTER, other, headers={"x-continuation": token})
            assert r.status_code == 400 and r.json()["error_code"] == 1007, r.text
        for bad in ("garbage", "e30", "x" * 2000):
            r = api.request("POST", FILTER, {}, headers={"x-continuation": bad})
            assert r.status_code == 400 and r.json()["error_code"] == 1007
        bulk_token = api.request(
            "POST",
            BULK,
            {"variants": [{"item": {"id": world.item(k)}, "language": {"id": ZERO}} for k in DEFAULT_ORDER]},
        ).json()["pagination"]["continuation_token"]
        r = api.request("POST", FILTER, {}, headers={"x-continuation": bulk_token})
        assert r.status_code == 400 and r.json()["error_code"] == 1007


def test_a_spent_scan_budget_gives_shorter_pages_that_continue(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks that need the stored documents examine a bounded number of rows per request."""
    monkeypatch.setattr(filtering, "SCAN_BUDGET", 2)
    monkeypatch.setattr(filtering, "SCAN_CHUNK", 1)
    names = {v: k for k, v in world.ids.items()}
    for body, expected, expected_pages in (
        # candidates tea, empty, about: two rows examined per request
        ({"filters": {"completion_statuses": ["ready"]}}, ["tea", "about"], 2),
        # every item is a candidate (each stored item mentions "spaces"); the first page finds none
        ({"filters": {"search_phrase": "es"}, "order": {"by": "name"}}, ["espresso", "tea"], 3),
        ({"filters": {"search_phrase": "nothing matches"}}, [], 1),
    ):
        seen, pages = walk(world.api, FILTER, body)
        assert [names[p["item"]["id"]] for p in seen] == expected, body
        assert pages == expected_pages, body
    first = world.api.ok("POST", FILTER, {"filters": {"search_phrase": "es"}, "order": {"by": "name"}})
    assert first["variants"] == [] and first["pagination"]["continuation_token"] is not None


# -- errors ---------------------------------------------------------------------------------------


def test_malformed_filter_bodies(world: World) -> None:
    def problems(body: Any) -> list[dict[str, Any]]:
        error = world.error(FILTER, body)
        assert error["error_code"] == 5 and error["message"] == INVALID_BODY, error
        found: list[dict[str, Any]] = error["validation_errors"]
        return found

    assert problems([]) == [{"message": "The request body must be a JSON object."}]
    assert problems({"filters": []})[0]["path"] == "filters"
    assert problems({"filters": {"content_types": []}}) == [
        {
            "message": "The 'content_types' property must not be an empty array; omit it or use null.",
            "path": "filters.content_types",
        }
    ]
    assert problems({"filters": {"collections": {"codename": "x"}}})[0]["path"] == "filters.collections"
    assert problems({"filters": {"search_phrase": 5}})[0]["path"] == "filters.search_phrase"
    assert problems({"filters": {"language": {"codename": "a", "id": ZERO}}})[0]["path"] == "filters.language"
    assert problems({"filters": {"content_types": [{"id": "not-a-guid"}]}})[0]["path"] == "filters.content_types[0]"
    assert problems({"filters": {"contributors": [{"email": "nope"}]}})[0]["path"] == "filters.contributors[0]"
    both = problems({"filters": {"contributors": [{"id": USER}], "has_no_contributors": True}})
    assert both[0]["path"] == "filters.has_no_contributors"
    assert problems({"filters": {"has_no_contributors": "yes"}})[0]["path"] == "filters.has_no_contributors"
    assert problems({"filters": {"completion_statuses": [1]}})[0]["path"] == "filters.completion_statuses[0]"
    state = problems({"filters": {"publishing_states": ["live"]}})
    assert state[0]["path"] == "filters.publishing_states[0]" and "'live'" in state[0]["message"]
    steps = problems({"filters": {"workflow_steps": [{"workflow_identifier": {"id": ZERO}, "step_identifiers": []}]}})
    assert steps[0]["path"] == "filters.workflow_steps[0].step_identifiers"
    assert problems({"filters": {"workflow_steps": ["x"]}})[0]["path"] == "filters.workflow_steps[0]"
    taxonomy = problems({"filters": {"taxonomy_groups": [{"taxonomy_identifier": {}, "include_uncategorized": 1}]}})
    assert [p["path"] for p in taxonomy] == [
        "filters.taxonomy_groups[0].taxonomy_identifier",
        "filters.taxonomy_groups[0].include_uncategorized",
    ]
    order = problems({"order": {"by": "codename", "direction": "up"}})
    assert [p["path"] for p in order] == ["order.by", "order.direction"]
    assert problems({"order": "name"})[0]["path"] == "order"
    # several problems are reported at once
    assert len(problems({"filters": {"spaces": [], "component_types": [], "search_phrase": []}})) == 3


def test_unknown_references_are_listed(world: World) -> None:
    error = world.error(
        FILTER,
        {
            "filters": {
                "language": {"codename": "fr-FR"},
                "content_types": [{"codename": "article"}, {"external_id": "nope"}],
                "component_types": [{"id": UNKNOWN}],
                "collections": [{"codename": "local"}],
                "workflow_steps": [
                    {"workflow_identifier": {"codename": "nope"}, "step_identifiers": [{"codename": "draft"}]},
                    {"workflow_identifier": {"id": ZERO}, "step_identifiers": [{"codename": "review"}]},
                ],
                "taxonomy_groups": [
                    {"taxonomy_identifier": {"codename": "colors"}},
                    {"taxonomy_identifier": {"codename": "topics"}, "term_identifiers": [{"codename": "juice"}]},
                ],
                "spaces": [{"codename": "web"}],
            }
        },
    )
    assert error["error_code"] == 5 and error["message"] == INVALID_BODY
    assert error["validation_errors"] == [
        {"message": "The language {codename: fr-FR} does not exist.", "path": "filters.language"},
        {"message": "The content type {external_id: nope} does not exist.", "path": "filters.content_types[1]"},
        {"message": f"The content type {{id: {UNKNOWN}}} does not exist.", "path": "filters.component_types[0]"},
        {"message": "The collection {codename: local} does not exist.", "path": "filters.collections[0]"},
        {
            "message": "The workflow {codename: nope} does not exist.",
            "path": "filters.workflow_steps[0].workflow_identifier",
        },
        {
            "message": "The step {codename: review} is not a step of the workflow.",
            "path": "filters.workflow_steps[1].step_identifiers[0]",
        },
        {
            "message": "The taxonomy group {codename: colors} does not exist.",
            "path": "filters.taxonomy_groups[0].taxonomy_identifier",
        },
        {
            "message": "The taxonomy term {codename: juice} is not a term of the group.",
            "path": "filters.taxonomy_groups[1].term_identifiers[0]",
        },
    ]


def test_filter_request_rules(world: World) -> None:
    api = world.api
    assert api.request("GET", FILTER).status_code == 405
    r = api.request("POST", FILTER, content=b"", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error_code"] == 5
    r = api.request("POST", FILTER, content=b"{", headers={"content-type": "application/json"})
    assert r.status_code == 400
    r = world.api.http.post(f"{world.api.base}{FILTER}", json={})
    assert r.status_code == 401


# -- bulk get -------------------------------------------------------------------------------------


def test_bulk_get_items_with_their_variants(world: World) -> None:
    api = world.api
    body = {
        "variants": [
            {"item": {"codename": "espresso_guide"}, "language": {"codename": "es-ES"}},
            {"item": {"id": world.item("lonely")}, "language": {"id": ZERO}},
            {"item": {"external_id": "tea-ext"}, "language": {"codename": "default"}},
            {"item": {"id": world.item("tea").upper()}, "language": {"id": world.spanish}},
        ]
    }
    page = api.ok("POST", BULK, body)
    assert set(page) == {"data", "pagination"}
    assert page["pagination"] == {"continuation_token": None, "next_page": None}
    espresso, lonely, tea, tea_es = page["data"]
    assert espresso == {
        "item": api.ok("GET", f"/items/{world.item('espresso')}"),
        "variant": api.variant(world.item("espresso"), "codename/es-ES"),
    }
    assert lonely == {"item": api.ok("GET", f"/items/{world.item('lonely')}")}
    assert tea == {"item": api.ok("GET", f"/items/{world.item('tea')}"), "variant": api.variant(world.item("tea"))}
    assert tea_es == {"item": tea["item"]}
    assert api.ok("POST", BULK, {"variants": []}) == {
        "data": [],
        "pagination": {"continuation_token": None, "next_page": None},
    }


def test_bulk_get_pages(world: World, make_server: Callable[..., LiveServer]) -> None:
    small = make_server(kontent_page_size=2)
    with small.client() as http:
        api = Kontent(http, world.project)
        keys = ["old", "espresso", "lonely", "about", "tea"]
        body = {"variants": [{"item": {"id": world.item(k)}, "language": {"id": ZERO}} for k in keys]}
        seen, pages = walk(api, BULK, body)
        assert pages == 3
        assert [entry["item"]["id"] for entry in seen] == [world.item(k) for k in keys]
        assert ["variant" in entry for entry in seen] == [True, True, False, True, True]
        seen, _ = walk(api, BULK, body, query=True)
        assert len(seen) == 5
        token = api.request("POST", BULK, body).json()["pagination"]["continuation_token"]
        other = {"variants": body["variants"][:4]}
        r = api.request("POST", BULK, other, headers={"x-continuation": token})
        assert r.status_code == 400 and r.json()["error_code"] == 1007


def test_bulk_get_errors(world: World) -> None:
    api = world.api
    pair = {"item": {"id": world.item("tea")}, "language": {"id": ZERO}}
    too_many = world.error(BULK, {"variants": [pair] * 101})
    assert too_many["error_code"] == 5 and too_many["validation_errors"][0]["path"] == "variants"
    assert api.ok("POST", BULK, {"variants": [pair] * 100})["pagination"]["continuation_token"] is not None
    unresolved = world.error(
        BULK,
        {
            "variants": [
                {"item": {"codename": "nonsense"}, "language": {"id": ZERO}},
                pair,
                {"item": {"id": UNKNOWN}, "language": {"codename": "nope"}},
                {"item": {"codename": "nonsense"}, "language": {"id": ZERO}},
            ]
        },
    )
    assert unresolved["error_code"] == 274 and "validation_errors" not in unresolved
    assert unresolved["message"] == (
        f"The following item references could not be resolved: {{codename: nonsense}}, {{id: {UNKNOWN}}}."
    )
    language = world.error(BULK, {"variants": [{**pair, "language": {"codename": "nope"}}]})
    assert language["error_code"] == 274
    assert language["message"] == "The following language references could not be resolved: {codename: nope}."
    for body, path in (
        ({}, "variants"),
        ({"variants": {"item": {}}}, "variants"),
        ({"variants": ["x"]}, "variants[0]"),
        ({"variants": [{"item": {"id": "bad"}, "language": {"id": ZERO}}]}, "variants[0].item"),
        ({"variants": [{"item": {"id": world.item("tea")}}]}, "variants[0].language"),
    ):
        error = world.error(BULK, body)
        assert error["error_code"] == 5 and error["validation_errors"][0]["path"] == path, body
    assert world.error(BULK, [])["validation_errors"] == [{"message": "The request body must be a JSON object."}]
    assert api.request("GET", BULK).status_code == 405


# -- reads change nothing -------------------------------------------------------------------------


def _stored(world: World, url: str) -> list[Any]:
    async def read(db: Database) -> list[Any]:
        async with db.read() as conn:
            env = await conn.fetchone(
                "SELECT pk FROM environments WHERE dialect = 'kontent' AND id = ?", (world.project["environment_id"],)
            )
            assert env is not None
            out: list[Any] = []
            for table, order in (
                ("objects", "seq"),
                ("kontent_variants", "seq"),
                ("kontent_variant_components", "item_id, language_id, type_id"),
            ):
                out.append(await conn.fetchall(f"SELECT * FROM {table} WHERE env_pk = ? ORDER BY {order}", (env[0],)))
            return out

    return run_async(read, url)


def test_requests_change_nothing_stored(world: World, server: LiveServer) -> None:
    before = _stored(world, server.db_url)
    everything: dict[str, Any] = {
        "filters": {
            "search_phrase": "e",
            "language": {"id": ZERO},
            "content_types": [{"codename": "article"}],
            "contributors": [{"email": "barista@example.com"}],
            "completion_statuses": ["all_done", "unfinished"],
            "workflow_steps": [
                {"workflow_identifier": {"codename": "default"}, "step_identifiers": [{"codename": "published"}]}
            ],
            "taxonomy_groups": [{"taxonomy_identifier": {"codename": "topics"}, "include_uncategorized": True}],
            "collections": [{"codename": "default"}],
            "publishing_states": ["published"],
            "component_types": [{"codename": "tweet"}],
        },
        "order": {"by": "due_date", "direction": "desc"},
    }
    assert world.pairs(everything) == []
    everything["filters"].pop("taxonomy_groups")
    assert world.pairs(everything) == ["espresso"]
    for body in ({}, {"filters": {"completion_statuses": ["ready", "not_translated"]}}, {"order": {"by": "name"}}):
        world.pairs(body)
    world.error(FILTER, {"filters": {"completion_statuses": ["nonsense"]}})
    world.error(FILTER, {"filters": {"spaces": [{"id": UNKNOWN}]}}, status=404)
    world.error(FILTER, {"filters": {"content_types": [{"codename": "nope"}]}})
    world.api.ok(
        "POST", BULK, {"variants": [{"item": {"id": world.item(k)}, "language": {"id": ZERO}} for k in world.ids]}
    )
    world.error(BULK, {"variants": [{"item": {"codename": "nonsense"}, "language": {"id": ZERO}}]})
    r = world.api.request("POST", FILTER, {}, headers={"x-continuation": "garbage"})
    assert r.status_code == 400
    assert _stored(world, server.db_url) == before


def test_responses_are_json_with_a_request_id(world: World) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [(FILTER, {}), (BULK, {"variants": []})]
    for path, body in cases:
        r: httpx.Response = world.api.request("POST", path, body)
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json; charset=utf-8"
        assert r.headers.get("x-request-id")
