"""Assets over real HTTP: create, update, processing of uploads and URLs, the served files, the
publish/archive rules and bad input, on both URL forms."""

from __future__ import annotations

import http.server
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx

from headwater.contentful.assets import images
from tests.support import LiveServer, contentful_headers
from tests.test_contentful_uploads import assert_error, create_upload

NOT_FOUND = "The resource could not be found."


def png(width: int, height: int) -> bytes:
    """A valid grayscale PNG of the given size."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    raw = b"".join(b"\x00" + b"\x7f" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


class Api:
    def __init__(self, http: httpx.Client, space: dict[str, Any], env_id: str | None = "master") -> None:
        self.http = http
        self.space = space
        self.env_id = env_id

    def headers(self, version: int | str | None = None) -> dict[str, str]:
        extra = {} if version is None else {"X-Contentful-Version": str(version)}
        return contentful_headers(self.space["cma_token"], **extra)

    def url(self, suffix: str = "") -> str:
        base = f"/spaces/{self.space['space_id']}"
        if self.env_id is not None:
            base += f"/environments/{self.env_id}"
        return f"{base}/assets{suffix}"

    def post(self, body: Any) -> httpx.Response:
        return self.http.post(self.url(), json=body, headers=self.headers())

    def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self.create_with({"fields": fields})

    def create_with(self, body: dict[str, Any]) -> dict[str, Any]:
        r = self.post(body)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        return created

    def get(self, asset_id: str) -> httpx.Response:
        return self.http.get(self.url(f"/{asset_id}"), headers=self.headers())

    def fetch(self, asset_id: str) -> dict[str, Any]:
        r = self.get(asset_id)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def put(self, asset_id: str, body: Any, version: int | str | None = None) -> httpx.Response:
        return self.http.put(self.url(f"/{asset_id}"), json=body, headers=self.headers(version))

    def delete(self, asset_id: str, version: int | None = None) -> httpx.Response:
        return self.http.delete(self.url(f"/{asset_id}"), headers=self.headers(version))

    def state(self, asset_id: str, action: str, method: str, version: int | str | None) -> httpx.Response:
        return self.http.request(method, self.url(f"/{asset_id}/{action}"), headers=self.headers(version))

    def process(self, asset_id: str, locale: str, version: int | str | None) -> httpx.Response:
        return self.http.put(self.url(f"/{asset_id}/files/{locale}/process"), headers=self.headers(version))


def upload_file(name: str, content_type: str, upload_id: str) -> dict[str, Any]:
    return {"fileName": name, "contentType": content_type, "uploadFrom": link("Upload", upload_id)}


def add_locale(http: httpx.Client, space: dict[str, Any], code: str) -> None:
    r = http.post(
        f"/spaces/{space['space_id']}/environments/master/locales",
        json={"name": code, "code": code},
        headers=contentful_headers(space["cma_token"]),
    )
    assert r.status_code == 201, r.text


def test_upload_process_download_publish(server: LiveServer, space: dict[str, Any]) -> None:
    image = png(3, 2)
    with server.client() as http:
        api = Api(http, space)
        upload_id = create_upload(http, space, image)["sys"]["id"]
        created = api.create(
            {"title": {"en-US": "Dot"}, "file": {"en-US": upload_file("dot.png", "image/png", upload_id)}}
        )
        asset_id = created["sys"]["id"]
        assert created["sys"]["version"] == 1 and created["sys"]["type"] == "Asset"
        assert created["sys"]["space"] == link("Space", space["space_id"])
        assert created["sys"]["environment"] == link("Environment", "master")
        assert created["metadata"] == {"tags": [], "concepts": []}
        assert created["fields"]["file"]["en-US"]["uploadFrom"] == link("Upload", upload_id)

        r = api.process(asset_id, "en-US", 1)
        assert r.status_code == 204, r.text
        processed = api.fetch(asset_id)
        assert processed["sys"]["version"] == 2
        file = processed["fields"]["file"]["en-US"]
        assert file["details"] == {"size": len(image), "image": {"width": 3, "height": 2}}
        assert (file["fileName"], file["contentType"]) == ("dot.png", "image/png")
        assert "uploadFrom" not in file and "upload" not in file
        assert file["url"].startswith(f"{server.base_url}/files/{space['space_id']}/{asset_id}/")
        assert file["url"].endswith("/dot.png")

        download = httpx.get(file["url"])  # no credentials: served like a CDN
        assert download.status_code == 200
        assert download.content == image
        assert download.headers["content-type"] == "image/png"

        # Processing again is a no-op that costs no version.
        assert api.process(asset_id, "en-US", 2).status_code == 204
        assert api.fetch(asset_id)["sys"]["version"] == 2

        assert processed["sys"]["fieldStatus"] == {"*": {"en-US": "draft"}}
        published = api.state(asset_id, "published", "PUT", 2)
        assert published.status_code == 200, published.text
        sys_ = published.json()["sys"]
        assert (sys_["version"], sys_["publishedVersion"], sys_["publishedCounter"]) == (3, 2, 1)
        assert sys_["fieldStatus"] == {"*": {"en-US": "published"}}
        # The short form means master.
        short = Api(http, space, None).fetch(asset_id)
        assert short["sys"]["version"] == 3 and short["fields"]["file"]["en-US"]["url"] == file["url"]


def test_parallel_processing_of_locales(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        add_locale(http, space, "de-DE")
        api = Api(http, space)
        en = create_upload(http, space, png(4, 5))["sys"]["id"]
        de = create_upload(http, space, jpeg_header(640, 480))["sys"]["id"]
        files = {"en-US": upload_file("en.png", "image/png", en), "de-DE": upload_file("de.jpg", "image/jpeg", de)}
        asset_id = api.create({"file": files})["sys"]["id"]

    def process(locale: str) -> int:
        with server.client() as own:
            return Api(own, space).process(asset_id, locale, 1).status_code

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(process, ["en-US", "de-DE"])) == [204, 204]
    with server.client() as http:
        body = Api(http, space).fetch(asset_id)
    assert body["sys"]["version"] == 3
    file = body["fields"]["file"]
    assert file["en-US"]["details"]["image"] == {"width": 4, "height": 5}
    assert file["de-DE"]["details"]["image"] == {"width": 640, "height": 480}
    assert file["en-US"]["url"] != file["de-DE"]["url"]


def test_create_with_id_update_and_delete(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        r = api.put("my-asset.1", {"fields": {"title": {"en-US": "One"}}})
        assert r.status_code == 201, r.text
        assert r.json()["sys"]["id"] == "my-asset.1" and r.json()["sys"]["version"] == 1
        assert_error(api.put("my-asset.1", {"fields": {}}), 409, "VersionMismatch")
        assert_error(api.put("my-asset.1", {"fields": {}}, 7), 409, "VersionMismatch")
        tags = {"tags": [link("Tag", "nice")], "concepts": []}
        updated = api.put("my-asset.1", {"fields": {"description": {"en-US": "Two"}}, "metadata": tags}, 1)
        assert updated.status_code == 200, updated.text
        body = updated.json()
        assert body["sys"]["version"] == 2
        assert body["fields"] == {"description": {"en-US": "Two"}}
        assert body["metadata"] == tags
        # Metadata left out of an update is kept.
        again = api.put("my-asset.1", {"fields": {}}, 2).json()
        assert again["metadata"] == tags and again["sys"]["version"] == 3
        assert api.delete("my-asset.1").status_code == 204
        details = {"type": "Asset", "id": "my-asset.1", "space": space["space_id"], "environment": "master"}
        assert_error(api.get("my-asset.1"), 404, "NotFound", NOT_FOUND, details)
        assert_error(api.delete("my-asset.1"), 404, "NotFound")
        assert_error(api.put("bad id!", {"fields": {}}), 400, "BadRequest")


def test_locale_rename_keeps_asset_values(server: LiveServer, space: dict[str, Any]) -> None:
    headers = contentful_headers(space["cma_token"])
    locales_url = f"/spaces/{space['space_id']}/environments/master/locales"
    with server.client() as http:
        api = Api(http, space)
        asset_id = api.create({"title": {"en-US": "Hello"}})["sys"]["id"]
        english = http.get(locales_url, headers=headers).json()["items"][0]
        renamed = http.put(
            f"{locales_url}/{english['sys']['id']}",
            json={"name": "English (UK)", "code": "en-GB"},
            headers={**headers, "X-Contentful-Version": str(english["sys"]["version"])},
        )
        assert renamed.status_code == 200, renamed.text
        body = api.fetch(asset_id)
        assert body["fields"] == {"title": {"en-GB": "Hello"}}
        assert body["sys"]["fieldStatus"] == {"*": {"en-GB": "draft"}}
        assert api.put(asset_id, {"fields": {"title": {"en-GB": "Hi"}}}, 1).json()["fields"] == {
            "title": {"en-GB": "Hi"}
        }
        assert_error(api.put(asset_id, {"fields": {"title": {"en-US": "Hi"}}}, 2), 422, "InvalidEntry")


def test_publish_archive_rules(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        asset_id = api.create({"title": {"en-US": "Rules"}})["sys"]["id"]
        assert_error(api.state(asset_id, "published", "PUT", None), 409, "VersionMismatch")
        assert_error(api.state(asset_id, "published", "PUT", 5), 409, "VersionMismatch")
        assert_error(api.state(asset_id, "published", "DELETE", 1), 400, "BadRequest", "Not published")
        assert api.state(asset_id, "published", "PUT", 1).json()["sys"]["publishedVersion"] == 1
        assert_error(api.delete(asset_id), 400, "BadRequest", "Cannot delete published")
        assert_error(api.state(asset_id, "archived", "PUT", 2), 400, "BadRequest", "Cannot archive published")
        unpublished = api.state(asset_id, "published", "DELETE", 2).json()["sys"]
        assert unpublished["version"] == 3 and "publishedVersion" not in unpublished
        assert unpublished["publishedCounter"] == 1 and "firstPublishedAt" in unpublished
        # The JS SDK sends no version when it archives, unarchives or unpublishes; a wrong one is refused.
        assert_error(api.state(asset_id, "archived", "PUT", 2), 409, "VersionMismatch")
        archived = api.state(asset_id, "archived", "PUT", None).json()["sys"]
        assert (archived["version"], archived["archivedVersion"]) == (4, 3)
        assert_error(api.state(asset_id, "published", "PUT", 4), 400, "BadRequest", "Cannot publish archived")
        assert_error(api.put(asset_id, {"fields": {}}, 4), 400, "BadRequest")
        assert_error(api.process(asset_id, "en-US", 4), 400, "BadRequest", "Cannot edit archived")
        unarchived = api.state(asset_id, "archived", "DELETE", 4).json()["sys"]
        assert unarchived["version"] == 5 and "archivedVersion" not in unarchived
        assert_error(api.state(asset_id, "archived", "DELETE", 5), 400, "BadRequest", "Not archived")
        assert_error(api.state("missing", "published", "PUT", 1), 404, "NotFound")
        assert api.delete(asset_id).status_code == 204


def test_bad_input(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        unknown_field = api.post({"fields": {"color": {"en-US": "red"}}})
        body = assert_error(unknown_field, 422, "InvalidEntry")
        assert body["details"]["errors"][0]["name"] == "unknown"
        assert body["details"]["errors"][0]["path"] == ["fields", "color"]
        unknown_locale = assert_error(api.post({"fields": {"title": {"xx-XX": "t"}}}), 422, "InvalidEntry")
        assert unknown_locale["details"]["errors"][0]["path"] == ["fields", "title", "xx-XX"]
        wrong_type = assert_error(api.post({"fields": {"title": {"en-US": 5}}}), 422, "InvalidEntry")
        assert wrong_type["details"]["errors"][0]["name"] == "type"
        no_name = assert_error(api.post({"fields": {"file": {"en-US": {"contentType": "a/b"}}}}), 422, "InvalidEntry")
        assert no_name["details"]["errors"][0]["path"] == ["fields", "file", "en-US", "fileName"]
        bad_link = {"fileName": "a", "uploadFrom": {"sys": {"id": 3}}}
        assert_error(api.post({"fields": {"file": {"en-US": bad_link}}}), 422, "InvalidEntry")
        bad_tag = assert_error(
            api.post({"fields": {}, "metadata": {"tags": [{"sys": {"id": "x"}}]}}), 422, "InvalidEntry"
        )
        assert bad_tag["details"]["errors"][0]["path"] == ["metadata", "tags", 0]
        tag = link("Tag", "twice")
        assert api.create_with({"fields": {}, "metadata": {"tags": [tag, tag]}})["metadata"]["tags"] == [tag]
        unknown_key = assert_error(api.post({"fields": {}, "extraThing": 1}), 400, "UnknownKey")
        assert unknown_key["details"] == {"keys": ["extra_thing"]}
        assert_error(http.post(api.url(), content=b"{", headers=api.headers()), 400, "BadRequest")
        assert_error(api.post([]), 400, "BadRequest")

        asset_id = api.create({"file": {"en-US": upload_file("x.txt", "text/plain", "noSuchUpload")}})["sys"]["id"]
        missing_upload = assert_error(api.process(asset_id, "en-US", 1), 422, "ValidationFailed")
        assert missing_upload["details"]["errors"][0]["name"] == "notResolvable"
        no_file = assert_error(api.process(asset_id, "de-DE", 1), 422, "ValidationFailed")
        assert no_file["details"]["errors"] == [
            {"name": "required", "path": ["fields", "file", "de-DE"], "details": "No file specified for locale: de-DE"}
        ]
        unprocessed = assert_error(api.state(asset_id, "published", "PUT", 1), 422, "ValidationFailed")
        assert unprocessed["details"]["errors"] == [
            {
                "name": "required",
                "path": ["fields", "file", "en-US", "url"],
                "details": 'The property "url" is required here',
            }
        ]
        sourceless = api.create({"file": {"en-US": {"fileName": "nothing.txt"}}})["sys"]["id"]
        no_source = assert_error(api.process(sourceless, "en-US", 1), 422, "ValidationFailed")
        assert [e["path"][-1] for e in no_source["details"]["errors"]] == ["upload", "uploadFrom"]
        assert_error(api.process(asset_id, "en-US", 2), 409, "VersionMismatch")
        assert_error(api.process(asset_id, "en-US", None), 409, "VersionMismatch")
        assert_error(api.process("missing", "en-US", 1), 404, "NotFound")
        assert api.fetch(asset_id)["sys"]["version"] == 1  # nothing stored changed


def test_upload_urls_offline_and_local_copies(server: LiveServer, space: dict[str, Any]) -> None:
    remote = "https://images.example.invalid/space/asset/token/cat.png"
    with server.client() as http:
        api = Api(http, space)
        asset_id = api.create(
            {"file": {"en-US": {"fileName": "cat.png", "contentType": "image/png", "upload": remote}}}
        )["sys"]["id"]
        assert api.process(asset_id, "en-US", 1).status_code == 204
        file = api.fetch(asset_id)["fields"]["file"]["en-US"]
        assert file["details"] == {"size": 0} and "upload" not in file
        assert file["url"].startswith(server.base_url + "/files/")
        redirect = httpx.get(file["url"])
        assert redirect.status_code == 302 and redirect.headers["location"] == remote

        # A URL this server serves is copied locally (how an export from Headwater imports offline).
        image = png(7, 9)
        upload_id = create_upload(http, space, image)["sys"]["id"]
        source = api.create({"file": {"en-US": upload_file("seven.png", "image/png", upload_id)}})["sys"]["id"]
        api.process(source, "en-US", 1)
        served = api.fetch(source)["fields"]["file"]["en-US"]["url"]
        # Any host and scheme, protocol-relative, even a doubled scheme: the token names the file.
        for spelling in (
            "https:" + served.split(":", 1)[1],
            "//example.test/" + served.split("/", 3)[3],
            "https:" + served,
        ):
            copy = api.create(
                {"file": {"en-US": {"fileName": "copy.png", "contentType": "image/png", "upload": spelling}}}
            )
            assert api.process(copy["sys"]["id"], "en-US", 1).status_code == 204
            copied = api.fetch(copy["sys"]["id"])["fields"]["file"]["en-US"]
            assert copied["details"] == {"size": len(image), "image": {"width": 7, "height": 9}}, spelling
            assert copied["url"] != served
            assert httpx.get(copied["url"]).content == image
        missing = f"{server.base_url}/files/{space['space_id']}/{source}/{'0' * 32}/x.png"
        assert_error(httpx.get(missing), 404, "NotFound")


@contextmanager
def static_site(payload: bytes) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/pic.gif":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()
        thread.join(5)


def test_fetching_upload_urls_when_enabled(make_server: Callable[..., LiveServer]) -> None:
    server = make_server(fetch_asset_urls=True)
    space = server.space()
    gif = b"GIF89a" + struct.pack("<HH", 12, 34) + b"\x00" * 20
    with static_site(gif) as site, server.client() as http:
        api = Api(http, space)
        good = api.create(
            {"file": {"en-US": {"fileName": "p.gif", "contentType": "image/gif", "upload": site + "/pic.gif"}}}
        )
        assert api.process(good["sys"]["id"], "en-US", 1).status_code == 204
        file = api.fetch(good["sys"]["id"])["fields"]["file"]["en-US"]
        assert file["details"] == {"size": len(gif), "image": {"width": 12, "height": 34}}
        assert httpx.get(file["url"]).content == gif
        # A failed download keeps the record usable: a redirect to the original.
        bad = api.create(
            {"file": {"en-US": {"fileName": "n.gif", "contentType": "image/gif", "upload": site + "/none"}}}
        )
        assert api.process(bad["sys"]["id"], "en-US", 1).status_code == 204
        fallback = api.fetch(bad["sys"]["id"])["fields"]["file"]["en-US"]
        assert fallback["details"] == {"size": 0}
        assert httpx.get(fallback["url"]).headers["location"] == site + "/none"


def test_image_dimensions_from_headers() -> None:
    assert images.dimensions(png(10, 20)) == (10, 20)
    assert images.dimensions(b"GIF87a" + struct.pack("<HH", 5, 6)) == (5, 6)
    assert images.dimensions(jpeg_header(1227, 1988)) == (1227, 1988)
    vp8x = b"RIFF" + b"\x00" * 4 + b"WEBPVP8X" + b"\x0a\x00\x00\x00" + b"\x00" * 4 + (99).to_bytes(3, "little")
    assert images.dimensions(vp8x + (49).to_bytes(3, "little")) == (100, 50)
    bmp = b"BM" + b"\x00" * 12 + struct.pack("<Iii", 40, 8, -4)
    assert images.dimensions(bmp) == (8, 4)
    assert images.dimensions(b"plain text") is None
    assert images.dimensions(b"\xff\xd8\xff\xda") is None
