"""Locales over real HTTP: list, get, create, update, delete, the fallback and default-locale rules, and
the environment-less short forms that mean `master`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from contentful_management import Client

from headwater.contentful.errors import MEDIA_TYPE
from tests.support import LiveServer, contentful_headers
from tests.test_contentful_users import TIMESTAMP, assert_error, user_link

NOT_FOUND = "The resource could not be found."


def link(link_type: str, object_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": object_id}}


class Api:
    """Locale requests against one environment of a space (None: the short form, i.e. master)."""

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
        return f"{base}/locales{suffix}"

    def index(self, **params: Any) -> httpx.Response:
        return self.http.get(self.url(), params=params, headers=self.headers())

    def codes(self) -> list[str]:
        return [x["code"] for x in self.index().json()["items"]]

    def get(self, locale_id: str) -> httpx.Response:
        return self.http.get(self.url(f"/{locale_id}"), headers=self.headers())

    def post(self, body: Any) -> httpx.Response:
        return self.http.post(self.url(), json=body, headers=self.headers())

    def create(self, code: str, **fields: Any) -> dict[str, Any]:
        r = self.post({"name": code, "code": code, **fields})
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    def put(self, locale_id: str, body: Any, version: int | str | None) -> httpx.Response:
        return self.http.put(self.url(f"/{locale_id}"), json=body, headers=self.headers(version))

    def delete(self, locale_id: str, version: int | str | None = None) -> httpx.Response:
        return self.http.delete(self.url(f"/{locale_id}"), headers=self.headers(version))

    def default(self) -> dict[str, Any]:
        items: list[dict[str, Any]] = self.index().json()["items"]
        return next(x for x in items if x["default"])


def writable(locale: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What the JS SDK sends on update: everything but `sys` and `default`."""
    body = {k: v for k, v in locale.items() if k not in ("sys", "default")}
    body.update(changes)
    return body


def validation(*problems: dict[str, Any]) -> dict[str, Any]:
    return {"errors": list(problems)}


def invalid(path: str, value: Any, details: str) -> dict[str, Any]:
    return {"name": "invalid", "path": path, "value": value, "details": details}


def test_default_locale_shape(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        r = api.index()
        assert r.status_code == 200
        assert r.headers["content-type"] == MEDIA_TYPE
        body = r.json()
        assert list(body) == ["total", "limit", "skip", "sys", "items"]
        assert (body["total"], body["limit"], body["skip"], body["sys"]) == (1, 100, 0, {"type": "Array"})
        locale = body["items"][0]
        assert TIMESTAMP.match(locale["sys"]["createdAt"])
        assert locale == {
            "name": "English (United States)",
            "internal_code": "en-US",
            "code": "en-US",
            "fallbackCode": None,
            "default": True,
            "contentManagementApi": True,
            "contentDeliveryApi": True,
            "optional": False,
            "sys": {
                "type": "Locale",
                "id": locale["sys"]["id"],
                "version": 1,
                "space": link("Space", space["space_id"]),
                "environment": link("Environment", "master"),
                "createdBy": user_link(space["user_id"]),
                "createdAt": locale["sys"]["createdAt"],
                "updatedBy": user_link(space["user_id"]),
                "updatedAt": locale["sys"]["createdAt"],
            },
        }
        assert list(locale) == [
            "name",
            "internal_code",
            "code",
            "fallbackCode",
            "default",
            "contentManagementApi",
            "contentDeliveryApi",
            "optional",
            "sys",
        ]
        assert api.get(locale["sys"]["id"]).json() == locale


def test_create_locale(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        r = api.post(
            {
                "name": "Klingon",
                "code": "tlg",
                "fallbackCode": "en-US",
                "contentDeliveryApi": False,
                "optional": True,
            }
        )
        assert r.status_code == 201
        locale = r.json()
        locale_id = locale["sys"]["id"]
        assert r.headers["location"] == (
            f"{server.base_url}/spaces/{space['space_id']}/environments/master/locales/{locale_id}"
        )
        assert r.headers["x-contentful-request-id"]
        assert locale == {
            "name": "Klingon",
            "internal_code": "tlg",
            "code": "tlg",
            "fallbackCode": "en-US",
            "default": False,
            "contentManagementApi": True,
            "contentDeliveryApi": False,
            "optional": True,
            "sys": {
                "type": "Locale",
                "id": locale_id,
                "version": 1,
                "space": link("Space", space["space_id"]),
                "environment": link("Environment", "master"),
                "createdBy": user_link(space["user_id"]),
                "createdAt": locale["sys"]["createdAt"],
                "updatedBy": user_link(space["user_id"]),
                "updatedAt": locale["sys"]["createdAt"],
            },
        }
        assert api.get(locale_id).json() == locale
        assert api.codes() == ["en-US", "tlg"]


def test_create_defaults(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        locale = api.post({"code": "de-DE", "internal_code": "ignored", "default": False, "sys": {"id": "x"}}).json()
        assert {k: v for k, v in locale.items() if k != "sys"} == {
            "name": "de-DE",
            "internal_code": "de-DE",
            "code": "de-DE",
            "fallbackCode": None,
            "default": False,
            "contentManagementApi": True,
            "contentDeliveryApi": True,
            "optional": False,
        }
        assert locale["sys"]["id"] != "x"
        # The Python SDK's "no fallback" is an empty string.
        assert api.create("it-IT", fallbackCode="")["fallbackCode"] is None


def test_create_rejections_leave_locales_unchanged(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        api.create("fr-FR")
        cases: list[tuple[Any, dict[str, Any]]] = [
            ({"name": "Dup", "code": "en-US"}, validation({"name": "taken", "path": "code", "value": "en-US"})),
            ({"name": "No code"}, validation({"name": "invalid", "path": "code", "value": None})),
            (
                {"code": "not a code"},
                validation(invalid("code", "not a code", "'not a code' is not a valid locale code.")),
            ),
            (
                {"code": "es-ES", "fallbackCode": "xx-XX"},
                validation(
                    invalid("fallbackCode", "xx-XX", "There is no locale with the code 'xx-XX' in this environment.")
                ),
            ),
            (
                {"code": "es-ES", "fallbackCode": "es-ES"},
                validation(invalid("fallbackCode", "es-ES", "Fallback locale creates a loop.")),
            ),
            (
                {"code": "es-ES", "default": True},
                validation(
                    invalid(
                        "default",
                        True,
                        "An environment has exactly one default locale; a new locale cannot be the default.",
                    )
                ),
            ),
        ]
        for body, details in cases:
            assert_error(api.post(body), 422, "ValidationFailed", "Validation error", details)
        r = api.post({"code": 5, "name": [], "fallbackCode": 1, "optional": "yes", "default": 0})
        assert r.status_code == 422
        assert [(e["name"], e["path"], e.get("type")) for e in r.json()["details"]["errors"]] == [
            ("type", "code", "Symbol"),
            ("type", "name", "Symbol"),
            ("type", "fallbackCode", "Symbol"),
            ("type", "default", "Boolean"),
            ("type", "optional", "Boolean"),
        ]
        r = api.post({"code": "es-ES", "contentManagementApi": None})
        assert r.json()["details"]["errors"] == [
            {
                "name": "type",
                "path": "contentManagementApi",
                "value": None,
                "type": "Boolean",
                "details": 'The type of "contentManagementApi" is incorrect, expected type: Boolean',
            }
        ]
        assert_error(api.post({}), 400, "MissingKey", None, {"key": "resource"})
        assert_error(api.post({"sys": {}}), 400, "MissingKey", None, {"key": "resource"})
        assert_error(
            api.post({"code": "es-ES", "unknownKey": "unknownValue"}),
            400,
            "UnknownKey",
            "The body you sent contains an unknown key.",
            {"keys": ["unknown_key"]},
        )
        assert_error(api.post("es-ES"), 400, "BadRequest", "The request body must be a JSON object.")
        assert api.codes() == ["en-US", "fr-FR"]


def test_get_unknown_locale(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        details = {"type": "Locale", "id": "nope", "space": space["space_id"], "environment": "master"}
        assert_error(api.get("nope"), 404, "NotFound", NOT_FOUND, details)
        assert_error(api.put("nope", {"code": "x"}, 1), 404, "NotFound", NOT_FOUND, details)
        assert_error(api.put("nope", {"code": "x"}, None), 404, "NotFound", NOT_FOUND, details)
        assert_error(api.delete("nope"), 404, "NotFound", NOT_FOUND, details)
        other = Api(http, space, env_id="ghost")
        env_details = {"type": "Environment", "id": "ghost", "space": space["space_id"]}
        assert_error(other.index(), 404, "NotFound", NOT_FOUND, env_details)
        assert_error(other.post({"code": "x"}), 404, "NotFound", NOT_FOUND, env_details)


def test_list_paging(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        for code in ("ab", "cd", "ef"):
            api.create(code)
        page = api.index(skip=1, limit=2).json()
        assert (page["total"], page["skip"], page["limit"]) == (4, 1, 2)
        assert [x["code"] for x in page["items"]] == ["ab", "cd"]
        assert api.index(limit=2000).json()["limit"] == 1000
        assert api.index(skip="x").status_code == 400


def test_update_locale(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        created = api.create("en-GB", fallbackCode="en-US")
        locale_id = created["sys"]["id"]
        # The JS SDK sends everything back but sys and default; internal_code included.
        r = api.put(locale_id, writable(created, name="British", code="en-NZ", optional=True), 1)
        assert r.status_code == 200
        updated = r.json()
        assert {k: v for k, v in updated.items() if k != "sys"} == {
            "name": "British",
            "internal_code": "en-GB",  # fixed at creation
            "code": "en-NZ",
            "fallbackCode": "en-US",
            "default": False,
            "contentManagementApi": True,
            "contentDeliveryApi": True,
            "optional": True,
        }
        assert updated["sys"]["version"] == 2
        assert updated["sys"]["createdAt"] == created["sys"]["createdAt"]
        assert updated["sys"]["updatedAt"] >= created["sys"]["updatedAt"]
        assert api.get(locale_id).json() == updated
        # A full replacement: left-out flags return to their defaults; sys and an unchanged default are fine.
        r = api.put(locale_id, {"code": "en-NZ", "default": False, "sys": updated["sys"]}, 2)
        assert r.status_code == 200
        again = r.json()
        assert (again["name"], again["fallbackCode"], again["optional"], again["sys"]["version"]) == (
            "en-NZ",
            None,
            False,
            3,
        )
        # The old code is free again.
        api.create("en-GB")


def test_update_needs_the_current_version(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        created = api.create("sv-SE")
        locale_id = created["sys"]["id"]
        for version in (None, 0, 2):
            assert_error(api.put(locale_id, writable(created, name="x"), version), 409, "VersionMismatch")
        assert_error(
            api.put(locale_id, writable(created), "v1"),
            400,
            "BadRequest",
            "The X-Contentful-Version header must be a non-negative integer, got 'v1'.",
        )
        assert api.get(locale_id).json() == created


def test_update_rejections_leave_the_locale_unchanged(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        api.create("pt-PT")
        created = api.create("pt-BR", fallbackCode="pt-PT")
        locale_id = created["sys"]["id"]
        r = api.put(locale_id, writable(created, code="en-US"), 1)
        details = validation({"name": "taken", "path": "code", "value": "en-US"})
        assert_error(r, 422, "ValidationFailed", "Validation error", details)
        # Taking the code of its own fallback is two problems at once.
        r = api.put(locale_id, writable(created, code="pt-PT"), 1)
        assert r.json()["details"] == validation(
            {"name": "taken", "path": "code", "value": "pt-PT"},
            invalid("fallbackCode", "pt-PT", "Fallback locale creates a loop."),
        )
        r = api.put(locale_id, writable(created, default=True), 1)
        assert_error(
            r,
            422,
            "ValidationFailed",
            "Validation error",
            validation(invalid("default", True, "The default locale cannot be changed.")),
        )
        r = api.put(locale_id, writable(created, fallbackCode="pt-BR"), 1)
        assert r.json()["details"] == validation(invalid("fallbackCode", "pt-BR", "Fallback locale creates a loop."))
        r = api.put(locale_id, writable(created, optional=1), 1)
        assert r.json()["details"]["errors"][0]["name"] == "type"
        assert_error(api.put(locale_id, {}, 1), 400, "MissingKey", None, {"key": "resource"})
        r = api.put(locale_id, writable(created, extra=1), 1)
        assert_error(r, 400, "UnknownKey", "The body you sent contains an unknown key.", {"keys": ["extra"]})
        assert api.get(locale_id).json() == created


def test_fallback_loops_are_refused(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        a = api.create("aa", fallbackCode="en-US")
        api.create("bb", fallbackCode="aa")
        api.create("cc", fallbackCode="bb")
        r = api.put(a["sys"]["id"], writable(a, fallbackCode="cc"), 1)
        assert_error(
            r,
            422,
            "ValidationFailed",
            "Validation error",
            validation(invalid("fallbackCode", "cc", "Fallback locale creates a loop.")),
        )
        assert api.get(a["sys"]["id"]).json() == a
        # Pointing elsewhere without a cycle is fine.
        assert api.put(a["sys"]["id"], writable(a, fallbackCode=None), 1).status_code == 200


def test_default_locale_rules(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        api.create("fi-FI")
        default = api.default()
        default_id = default["sys"]["id"]
        r = api.put(default_id, writable(default, fallbackCode="fi-FI"), 1)
        assert r.json()["details"] == validation(
            invalid("fallbackCode", "fi-FI", "The default locale cannot have a fallback.")
        )
        r = api.put(default_id, writable(default, optional=True), 1)
        assert r.json()["details"] == validation(invalid("optional", True, "The default locale cannot be optional."))
        r = api.put(default_id, writable(default, default=False), 1)
        assert r.json()["details"] == validation(invalid("default", False, "The default locale cannot be changed."))
        assert_error(api.delete(default_id), 403, "DefaultLocaleNotDeletable", "Cannot delete a default locale")
        assert api.get(default_id).json() == default
        # Renaming the default locale itself is allowed.
        r = api.put(default_id, writable(default, name="American English", default=True), 1)
        assert r.status_code == 200 and r.json()["default"] is True and r.json()["name"] == "American English"


def test_fallback_target_cannot_be_renamed_or_deleted(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        target = api.create("en-GB", fallbackCode="en-US")
        follower = api.create("en-AU", fallbackCode="en-GB")
        r = api.put(target["sys"]["id"], writable(target, code="en-IE"), 1)
        assert_error(
            r,
            403,
            "FallbackLocaleNotRenameable",
            "Cannot change the code of a locale which is fallback of another one",
        )
        r = api.delete(target["sys"]["id"])
        assert_error(r, 403, "FallbackLocaleNotDeletable", "Cannot delete locale which is fallback of another one")
        assert api.get(target["sys"]["id"]).json() == target
        # Other changes to the target are fine; once nobody falls back to it, it can go.
        assert api.put(target["sys"]["id"], writable(target, name="UK"), 1).status_code == 200
        assert api.put(follower["sys"]["id"], writable(follower, fallbackCode="en-US"), 1).status_code == 200
        assert api.put(target["sys"]["id"], writable(target, code="en-IE"), 2).status_code == 200
        assert api.delete(target["sys"]["id"]).status_code == 204


def test_delete_locale(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        api = Api(http, space)
        locale = api.create("ja-JP")
        locale_id = locale["sys"]["id"]
        assert_error(api.delete(locale_id, version=2), 409, "VersionMismatch")
        r = api.delete(locale_id, version=1)
        assert r.status_code == 204 and r.content == b""
        assert r.headers["x-contentful-request-id"]
        assert api.get(locale_id).status_code == 404
        assert api.codes() == ["en-US"]
        # The code can be created again (under a new id).
        assert api.create("ja-JP")["sys"]["id"] != locale_id


@pytest.mark.parametrize("env_id", [None, "master"])
def test_short_form_is_master(server: LiveServer, space: dict[str, Any], env_id: str | None) -> None:
    with server.client() as http:
        short, long = Api(http, space, env_id=None), Api(http, space, env_id="master")
        api = Api(http, space, env_id=env_id)
        created = api.create("ko-KR")
        locale_id = created["sys"]["id"]
        assert created["sys"]["environment"] == link("Environment", "master")
        assert short.get(locale_id).json() == long.get(locale_id).json() == created
        assert short.index().json() == long.index().json()
        assert short.put(locale_id, writable(created, name="Korean"), 1).json()["name"] == "Korean"
        assert long.get(locale_id).json()["name"] == "Korean"
        assert short.delete(locale_id).status_code == 204
        assert long.get(locale_id).status_code == 404


def test_environments_have_separate_locales(server: LiveServer, space: dict[str, Any]) -> None:
    with server.client() as http:
        put = http.put(
            f"/spaces/{space['space_id']}/environments/branch",
            json={"name": "Branch"},
            headers=contentful_headers(space["cma_token"]),
        )
        assert put.status_code == 201
        master, branch = Api(http, space), Api(http, space, env_id="branch")
        created = branch.create("zh-Hant-TW")
        assert created["sys"]["environment"] == link("Environment", "branch")
        assert branch.get(created["sys"]["id"]).json() == created
        assert master.get(created["sys"]["id"]).status_code == 404
        assert master.codes() == ["en-US"] and branch.codes() == ["en-US", "zh-Hant-TW"]
        # The copied default locale has the same id in both; changing one leaves the other alone.
        default_id = master.default()["sys"]["id"]
        assert branch.default()["sys"]["id"] == default_id
        assert branch.put(default_id, writable(branch.default(), name="Branch English"), 1).status_code == 200
        assert master.get(default_id).json()["name"] == "English (United States)"


def test_python_sdk_round_trip(server: LiveServer, space: dict[str, Any]) -> None:
    """The official Python client creates, saves and deletes a locale."""
    client = Client(space["cma_token"], api_url=server.base_url.split("://", 1)[1], https=False, gzip_encoded=False)
    locales = client.locales(space["space_id"], "master")
    locale = locales.create(attributes={"name": "Klingon", "code": "tlh", "fallbackCode": "en-US"})
    assert (locale.code, locale.fallback_code, locale.default) == ("tlh", "en-US", False)
    locale.name = "Not Klingon"
    locale.save()
    assert locale.sys["version"] == 2
    assert locales.find(locale.id).name == "Not Klingon"
    locale.delete()
    assert [x.code for x in locales.all()] == ["en-US"]


def test_concurrent_creates_of_one_code_admit_one(server: LiveServer, space: dict[str, Any]) -> None:
    """Uniqueness and the other cross-locale rules hold under concurrent writers."""
    url = f"/spaces/{space['space_id']}/environments/master/locales"

    def attempt(_: int) -> int:
        with server.client() as http:
            return http.post(url, json={"code": "race-ON"}, headers=contentful_headers(space["cma_token"])).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(attempt, range(8)))
    assert statuses == [201] + [422] * 7
    with server.client() as http:
        assert Api(http, space).codes() == ["en-US", "race-ON"]


def test_a_new_locale_never_shares_the_stored_values_of_a_renamed_one(
    server: LiveServer, space: dict[str, Any]
) -> None:
    """Renaming `de-DE` keeps its content under the fixed `internal_code` `de-DE`; a new `de-DE` then gets
    an internal code of its own, so the two locales' entry values stay apart; nor does a deleted locale's
    content come back under a new locale of its code."""
    with server.client() as http:
        api = Api(http, space)
        german = api.create("de-DE")
        base = f"/spaces/{space['space_id']}/environments/master"
        headers = contentful_headers(space["cma_token"])
        fields = [{"id": "title", "name": "Title", "type": "Symbol", "localized": True}]
        r = http.put(f"{base}/content_types/note", json={"name": "Note", "fields": fields}, headers=headers)
        assert r.status_code == 201, r.text
        version = {"X-Contentful-Version": str(r.json()["sys"]["version"])}
        assert http.put(f"{base}/content_types/note/published", headers={**headers, **version}).status_code == 200
        r = http.put(
            f"{base}/entries/greeting",
            json={"fields": {"title": {"en-US": "Hello", "de-DE": "Hallo"}}},
            headers={**headers, "X-Contentful-Content-Type": "note"},
        )
        assert r.status_code == 201, r.text

        r = api.put(german["sys"]["id"], writable(german, code="de-AT"), 1)
        assert r.status_code == 200 and r.json()["internal_code"] == "de-DE"
        again = api.create("de-DE")
        assert again["internal_code"] == "de-DE-1"
        assert api.create("de-DE-1")["internal_code"] == "de-DE-1-1"
        entry = http.get(f"{base}/entries/greeting", headers=headers).json()
        assert entry["fields"] == {"title": {"en-US": "Hello", "de-AT": "Hallo"}}

        body = {"fields": {"title": {"en-US": "Hello", "de-AT": "Hallo", "de-DE": "Guten Tag"}}}
        r = http.put(f"{base}/entries/greeting", json=body, headers={**headers, "X-Contentful-Version": "1"})
        assert r.status_code == 200, r.text
        assert r.json()["fields"] == body["fields"]
        body = {"fields": {"title": {"en-US": "Hello", "de-AT": "Servus", "de-DE": "Guten Tag"}}}
        r = http.put(f"{base}/entries/greeting", json=body, headers={**headers, "X-Contentful-Version": "2"})
        assert r.status_code == 200 and r.json()["fields"] == body["fields"]
        found = http.get(
            f"{base}/entries", params={"content_type": "note", "fields.title": "Guten Tag"}, headers=headers
        )
        assert [e["sys"]["id"] for e in found.json()["items"]] == ["greeting"]

        # Deleting a locale deletes its content: a new locale of the same code starts empty.
        assert api.delete(again["sys"]["id"]).status_code == 204
        recreated = api.create("de-DE")
        assert recreated["internal_code"] == "de-DE-2"
        entry = http.get(f"{base}/entries/greeting", headers=headers).json()
        assert entry["fields"] == {"title": {"en-US": "Hello", "de-AT": "Servus"}}
