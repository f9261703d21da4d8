"""Cloning an environment with its content over real HTTP: `PUT`/`POST …/environments` with
`X-Contentful-Source-Environment` copies locales, content types, editor interfaces, entries, assets and
tags with their ids, fields, versions and states; every copied object links the new environment; the
copy is independent of its source; asset file URLs keep working. Snapshots are not copied (the hosted
API keeps no snapshots in sandbox environments)."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from tests.support import LiveServer, contentful_headers
from tests.test_contentful_assets import png, upload_file
from tests.test_contentful_uploads import create_upload

WRITERS = 3
LISTS = {
    "locales": "/locales",
    "content types": "/content_types?order=sys.id",
    "editor interfaces": "/editor_interfaces",
    "entries": "/entries?order=sys.id",
    "assets": "/assets?order=sys.id",
    "tags": "/tags?order=sys.id",
    "public content types": "/public/content_types?order=sys.id",
}


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


class Env:
    """Requests against one environment of a space."""

    def __init__(self, http: httpx.Client, space: dict[str, Any], env_id: str) -> None:
        self.http = http
        self.space = space
        self.env_id = env_id

    def url(self, suffix: str) -> str:
        return f"/spaces/{self.space['space_id']}/environments/{self.env_id}{suffix}"

    def headers(self, version: int | None = None, **extra: str) -> dict[str, str]:
        """`extra` names use `_` for `-`: `X_Contentful_Content_Type=…`."""
        named = {key.replace("_", "-"): value for key, value in extra.items()}
        if version is not None:
            named["X-Contentful-Version"] = str(version)
        return contentful_headers(self.space["cma_token"], **named)

    def get(self, suffix: str) -> dict[str, Any]:
        r = self.http.get(self.url(suffix), headers=self.headers())
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def send(self, method: str, suffix: str, body: Any = None, version: int | None = None, **extra: str) -> Any:
        r = self.http.request(method, self.url(suffix), json=body, headers=self.headers(version, **extra))
        assert r.status_code in (200, 201, 204), r.text
        return r.json() if r.content else None

    def snapshot(self) -> dict[str, Any]:
        """Every listing this test compares, in a fixed order."""
        return {name: self.get(suffix)["items"] for name, suffix in LISTS.items()}


def make_content(master: Env) -> dict[str, str]:
    """Content of every kind in master; returns ids by role."""
    master.send("POST", "/locales", {"name": "German", "code": "de-DE", "fallbackCode": "en-US", "optional": True})
    master.send("PUT", "/tags/featured", {"name": "Featured", "sys": {"id": "featured", "type": "Tag"}})
    master.send(
        "PUT",
        "/tags/internal",
        {"name": "Internal", "sys": {"id": "internal", "type": "Tag"}},
        X_Contentful_Tag_Visibility="private",
    )
    fields = [
        {"id": "title", "name": "Title", "type": "Symbol", "required": True, "localized": True},
        {"id": "rank", "name": "Rank", "type": "Integer", "validations": [{"range": {"min": 0, "max": 100}}]},
        {"id": "author", "name": "Author", "type": "Link", "linkType": "Entry"},
        {"id": "image", "name": "Image", "type": "Link", "linkType": "Asset"},
        {"id": "labels", "name": "Labels", "type": "Array", "items": {"type": "Symbol"}},
    ]
    ct = master.send("PUT", "/content_types/article", {"name": "Article", "displayField": "title", "fields": fields})
    master.send("PUT", "/content_types/article/published", version=ct["sys"]["version"])
    draft_ct = master.send(
        "PUT", "/content_types/note", {"name": "Note", "fields": [{"id": "text", "name": "Text", "type": "Text"}]}
    )
    assert draft_ct["sys"]["version"] == 1
    ei = master.get("/content_types/article/editor_interface")
    controls = [{"fieldId": "title", "widgetId": "slugEditor", "widgetNamespace": "builtin"}, *ei["controls"][1:]]
    master.send("PUT", "/content_types/article/editor_interface", {**ei, "controls": controls}, ei["sys"]["version"])

    image = png(5, 4)
    upload_id = create_upload(master.http, master.space, image)["sys"]["id"]
    asset = master.send(
        "POST",
        "/assets",
        {"fields": {"title": {"en-US": "Picture"}, "file": {"en-US": upload_file("pic.png", "image/png", upload_id)}}},
    )
    asset_id = asset["sys"]["id"]
    master.send("PUT", f"/assets/{asset_id}/files/en-US/process", version=1)
    master.send("PUT", f"/assets/{asset_id}/published", version=2)
    draft_asset = master.send("POST", "/assets", {"fields": {"title": {"en-US": "Draft asset"}}})

    def entry(title: str, **more: Any) -> dict[str, Any]:
        body = {"fields": {"title": {"en-US": title, "de-DE": f"{title} (de)"}, **more}}
        created: dict[str, Any] = master.send("POST", "/entries", body, X_Contentful_Content_Type="article")
        return created

    author = entry("Author", rank={"en-US": 1})
    master.send("PUT", f"/entries/{author['sys']['id']}/published", version=1)
    published = entry(
        "Published",
        rank={"en-US": 50},
        author={"en-US": link("Entry", author["sys"]["id"])},
        image={"en-US": link("Asset", asset_id)},
        labels={"en-US": ["a", "b"]},
    )
    pid = published["sys"]["id"]
    master.send(
        "PUT",
        f"/entries/{pid}",
        {"fields": published["fields"], "metadata": {"tags": [link("Tag", "featured")]}},
        version=1,
    )
    master.send("PUT", f"/entries/{pid}/published", version=2)
    changed = master.send("PUT", f"/entries/{pid}", {"fields": {**published["fields"], "rank": {"en-US": 51}}}, 3)
    assert changed["sys"]["version"] == 4
    archived = entry("Archived")
    master.send("PUT", f"/entries/{archived['sys']['id']}/archived", version=1)
    draft = entry("Draft")
    return {
        "asset": asset_id,
        "draft asset": draft_asset["sys"]["id"],
        "author": author["sys"]["id"],
        "published": pid,
        "archived": archived["sys"]["id"],
        "draft": draft["sys"]["id"],
    }


def environment_links(value: Any) -> list[str]:
    """The ids of every Environment link anywhere in `value`."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "Link" and value.get("linkType") == "Environment":
            found.append(value["id"])
        for item in value.values():
            found.extend(environment_links(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(environment_links(item))
    return found


def retarget(value: Any, source: str, target: str) -> Any:
    """`value` with its Environment links and URNs moved from `source` to `target`."""
    if isinstance(value, dict):
        if value.get("type") == "Link" and value.get("linkType") == "Environment" and value.get("id") == source:
            return {**value, "id": target}
        return {key: retarget(item, source, target) for key, item in value.items()}
    if isinstance(value, list):
        return [retarget(item, source, target) for item in value]
    if isinstance(value, str) and value.startswith("crn:contentful:"):
        return value.replace(f"/environments/{source}/", f"/environments/{target}/")
    return value


def test_clone_copies_everything_and_stays_independent(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        master = Env(http, space, "master")
        made = make_content(master)
        before = master.snapshot()
        assert [e["sys"]["id"] for e in before["editor interfaces"]] == ["default"]
        assert len(before["entries"]) == 4 and len(before["assets"]) == 2 and len(before["content types"]) == 2
        assert len(before["public content types"]) == 1

        r = http.put(
            master.url("").replace("/environments/master", "/environments/copy"),
            json={"name": "Copy"},
            headers=master.headers(X_Contentful_Source_Environment="master"),
        )
        assert r.status_code == 201, r.text
        # The creation answers `queued` like the hosted API; the copy is done in the creating transaction,
        # so the first poll says `ready`.
        assert r.json()["sys"]["status"] == link("Status", "queued")
        copy = Env(http, space, "copy")
        assert copy.get("")["sys"]["status"] == link("Status", "ready")

        cloned = copy.snapshot()
        for name in LISTS:
            assert len(cloned[name]) == len(before[name]), name
            # Same ids, fields, versions, publish/archive state; links point at the new environment.
            assert cloned[name] == retarget(before[name], "master", "copy"), name
            assert set(environment_links(cloned[name])) == {"copy"}, name
        entries = {e["sys"]["id"]: e["sys"] for e in cloned["entries"]}
        assert entries[made["published"]]["publishedVersion"] == 2 and entries[made["published"]]["version"] == 4
        assert entries[made["archived"]]["archivedVersion"] == 1
        assert "publishedVersion" not in entries[made["draft"]]
        # Single reads and searches work in the copy (its search rows were copied too).
        assert copy.get(f"/entries/{made['published']}") == retarget(
            master.get(f"/entries/{made['published']}"), "master", "copy"
        )
        found = copy.get("/entries?content_type=article&fields.rank[gte]=50&metadata.tags.sys.id[in]=featured")
        assert [e["sys"]["id"] for e in found["items"]] == [made["published"]]
        # Snapshots stay with their environment.
        assert master.get(f"/entries/{made['published']}/snapshots")["total"] == 1
        assert copy.get(f"/entries/{made['published']}/snapshots")["total"] == 0

        # The file of the copied asset still downloads.
        file = copy.get(f"/assets/{made['asset']}")["fields"]["file"]["en-US"]
        download = httpx.get(file["url"], timeout=30)
        assert download.status_code == 200 and download.content == png(5, 4)

        # Changes in the copy leave master alone.
        published = copy.get(f"/entries/{made['published']}")
        copy.send(
            "PUT",
            f"/entries/{made['published']}",
            {"fields": {**published["fields"], "rank": {"en-US": 99}}},
            published["sys"]["version"],
        )
        copy.send("PUT", f"/entries/{made['published']}/published", version=published["sys"]["version"] + 1)
        copy.send("DELETE", f"/entries/{made['draft']}")
        copy.send("DELETE", f"/entries/{made['archived']}/archived")
        copy.send("DELETE", f"/assets/{made['draft asset']}")
        copy.send("POST", "/locales", {"name": "French", "code": "fr-FR", "fallbackCode": "en-US", "optional": True})
        tag = copy.get("/tags/featured")
        copy.send("PUT", "/tags/featured", {"name": "Renamed", "sys": tag["sys"]}, tag["sys"]["version"])
        ct = copy.get("/content_types/note")
        extra = [*ct["fields"], {"id": "more", "name": "More", "type": "Symbol"}]
        ct = copy.send("PUT", "/content_types/note", {**ct, "fields": extra}, ct["sys"]["version"])
        copy.send("PUT", "/content_types/note/published", version=ct["sys"]["version"])
        copy.send("PUT", "/entries/onlyInCopy", {"fields": {"text": {"en-US": "x"}}}, X_Contentful_Content_Type="note")
        found = copy.get("/entries?content_type=article&fields.rank=99")
        assert [e["sys"]["id"] for e in found["items"]] == [made["published"]]

        assert master.snapshot() == before
        assert master.get("/entries?content_type=article&fields.rank=99")["total"] == 0
        assert master.get("/entries?sys.id=onlyInCopy")["total"] == 0
        assert master.get(f"/entries/{made['published']}/snapshots")["total"] == 1


def test_clone_from_a_named_source_with_post(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        master = Env(http, space, "master")
        ct = master.send(
            "PUT", "/content_types/thing", {"name": "Thing", "fields": [{"id": "n", "name": "N", "type": "Integer"}]}
        )
        master.send("PUT", "/content_types/thing/published", version=ct["sys"]["version"])
        master.send("PUT", "/entries/one", {"fields": {"n": {"en-US": 1}}}, X_Contentful_Content_Type="thing")
        first = Env(http, space, "first")
        r = http.put(first.url(""), json={"name": "First"}, headers=master.headers())
        assert r.status_code == 201, r.text
        first.send("PUT", "/entries/two", {"fields": {"n": {"en-US": 2}}}, X_Contentful_Content_Type="thing")
        # POST picks the id; the source is `first`, not master.
        r = http.post(
            f"/spaces/{space['space_id']}/environments",
            json={"name": "Second"},
            headers=master.headers(X_Contentful_Source_Environment="first"),
        )
        assert r.status_code == 201, r.text
        assert r.json()["sys"]["status"] == link("Status", "queued")
        second = Env(http, space, r.json()["sys"]["id"])
        assert second.get("")["sys"]["status"] == link("Status", "ready")
        items = second.get("/entries?order=sys.id")["items"]
        assert [e["sys"]["id"] for e in items] == ["one", "two"]
        assert {e["sys"]["environment"]["sys"]["id"] for e in items} == {second.env_id}
        assert master.get("/entries")["total"] == 1


def test_clone_during_writes_copies_entries_and_their_search_rows_together(
    server: LiveServer, space: dict[str, Any]
) -> None:
    """Entries saved while a clone runs: each copied entry is found in the copy by its copied value (the
    entities and their search rows come from one moment)."""
    with server.client() as http:
        master = Env(http, space, "master")
        fields = [{"id": "n", "name": "N", "type": "Integer"}]
        ct = master.send("PUT", "/content_types/counter", {"name": "Counter", "fields": fields})
        master.send("PUT", "/content_types/counter/published", version=ct["sys"]["version"])
        ids = [f"c{i}" for i in range(WRITERS * 100)]
        for entry_id in ids:
            master.send(
                "PUT", f"/entries/{entry_id}", {"fields": {"n": {"en-US": 0}}}, X_Contentful_Content_Type="counter"
            )
    stop = threading.Event()

    def write(mine: list[str]) -> None:
        versions = dict.fromkeys(mine, 1)
        with server.client() as writer_http:
            writer = Env(writer_http, space, "master")
            n = 0
            while not stop.is_set():
                n += 1
                entry_id = mine[n % len(mine)]
                body = {"fields": {"n": {"en-US": n}}}
                saved = writer.send("PUT", f"/entries/{entry_id}", body, versions[entry_id])
                versions[entry_id] = saved["sys"]["version"]

    writers = [threading.Thread(target=write, args=(ids[w::WRITERS],)) for w in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        with server.client() as http:
            for round_no in range(4):
                r = http.put(
                    f"/spaces/{space['space_id']}/environments/race{round_no}",
                    json={"name": f"Race {round_no}"},
                    headers=contentful_headers(space["cma_token"]),
                )
                assert r.status_code == 201, r.text
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    with server.client() as http:
        for round_no in range(4):
            copy = Env(http, space, f"race{round_no}")
            for entry in copy.get("/entries?content_type=counter&limit=1000")["items"]:
                value = entry["fields"]["n"]["en-US"]
                found = copy.get(f"/entries?content_type=counter&fields.n={value}&sys.id={entry['sys']['id']}")
                assert found["total"] == 1, (round_no, entry["sys"]["id"], value)
