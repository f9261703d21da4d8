"""Languages over real HTTP: list, add, retrieve by every identifier form, modify, and every error path."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from headwater.platform import ids
from tests.support import LiveServer, kontent_headers

ZERO = "00000000-0000-0000-0000-000000000000"
DEFAULT = {
    "id": ZERO,
    "name": "Default project language",
    "codename": "default",
    "is_active": True,
    "is_default": True,
    "fallback_language": {"id": ZERO},
}
NOT_FOUND = {"error_code": 111, "message": "The requested language was not found."}
INVALID_BODY = (
    "The provided request body is invalid. See the 'validation_errors' attribute for more information and "
    "specify a valid JSON object."
)
FALLBACK_INVALID = "The specified fallback language is inactive or does not exist."


class Api:
    """A tiny client for one environment's language endpoints."""

    def __init__(self, http: httpx.Client, project: dict[str, Any]) -> None:
        self.http = http
        self.headers = kontent_headers(project["management_api_key"])
        self.base = f"/v2/projects/{project['environment_id']}/languages"

    def list(self) -> list[dict[str, Any]]:
        r = self.http.get(self.base, headers=self.headers)
        assert r.status_code == 200, r.text
        languages: list[dict[str, Any]] = r.json()["languages"]
        return languages

    def add(self, body: Any) -> httpx.Response:
        return self.http.post(self.base, headers=self.headers, json=body)

    def create(self, codename: str, **extra: Any) -> dict[str, Any]:
        r = self.add({"name": extra.pop("name", codename.upper()), "codename": codename, **extra})
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        return created

    def get(self, identifier: str) -> httpx.Response:
        return self.http.get(f"{self.base}/{identifier}", headers=self.headers)

    def patch(self, identifier: str, body: Any) -> httpx.Response:
        return self.http.patch(f"{self.base}/{identifier}", headers=self.headers, json=body)


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Api]:
    with server.client() as http:
        yield Api(http, project)


def replace(prop: str, value: Any) -> dict[str, Any]:
    return {"op": "replace", "property_name": prop, "value": value}


def assert_invalid(r: httpx.Response, *messages: str) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert set(body) == {"request_id", "error_code", "message", "validation_errors"}
    assert body["request_id"] and body["error_code"] == 5 and body["message"] == INVALID_BODY
    assert body["validation_errors"] == [{"message": m} for m in messages]


def assert_invalid_operation(r: httpx.Response, index: int, message: str) -> None:
    assert_invalid(r, f"Invalid operation with index '{index}': {message}")


def assert_not_found(r: httpx.Response) -> None:
    assert r.status_code == 404, r.text
    body = r.json()
    assert set(body) == {"request_id", "error_code", "message"}
    assert {k: body[k] for k in NOT_FOUND} == NOT_FOUND


# -- list and retrieve -----------------------------------------------------------------------------


def test_new_environment_lists_only_the_default_language(api: Api) -> None:
    r = api.http.get(api.base, headers=api.headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"languages": [DEFAULT], "pagination": {"continuation_token": None, "next_page": None}}


def test_default_language_by_every_identifier_form(api: Api) -> None:
    for identifier in (ZERO, "codename/default"):
        r = api.get(identifier)
        assert r.status_code == 200
        assert r.json() == DEFAULT


def test_unknown_languages_are_111(api: Api) -> None:
    api.create("en-US", external_id="english")
    for identifier in (str(uuid.uuid4()), "codename/en-us", "codename/nothing", "external-id/nothing", "not-a-guid"):
        assert_not_found(api.get(identifier))
        assert_not_found(api.patch(identifier, [replace("name", "X")]))


# -- add -------------------------------------------------------------------------------------------


def test_add_language_with_defaults(api: Api) -> None:
    r = api.add({"name": "German (Germany)", "codename": "de-DE"})
    assert r.status_code == 201
    created = r.json()
    assert ids.is_guid(created["id"])
    assert created == {
        "id": created["id"],
        "name": "German (Germany)",
        "codename": "de-DE",
        "is_active": True,
        "is_default": False,
        "fallback_language": {"id": ZERO},
    }
    assert api.get(created["id"]).json() == created
    assert api.get(created["id"].upper()).json() == created
    assert api.get("codename/de-DE").json() == created
    assert api.list() == [DEFAULT, created]


def test_add_language_with_every_property(api: Api) -> None:
    austrian = api.create("de-AT")
    r = api.add(
        {
            "name": "German (Germany)",
            "codename": "de-DE",
            "is_active": False,
            "fallback_language": {"codename": "de-AT"},
            "external_id": "standard-german",
        }
    )
    assert r.status_code == 201
    created = r.json()
    assert created == {
        "id": ids.guid_for_external_id("language", "standard-german"),
        "name": "German (Germany)",
        "codename": "de-DE",
        "external_id": "standard-german",
        "is_active": False,
        "is_default": False,
        "fallback_language": {"id": austrian["id"]},
    }
    assert api.get("external-id/standard-german").json() == created
    assert api.list() == [DEFAULT, austrian, created]


def test_add_language_with_null_optionals_uses_defaults(api: Api) -> None:
    r = api.add({"name": "N", "codename": "n", "is_active": None, "fallback_language": None, "external_id": None})
    assert r.status_code == 201
    assert r.json()["is_active"] is True
    assert r.json()["fallback_language"] == {"id": ZERO}
    assert "external_id" not in r.json()


def test_add_language_validation_reports_every_problem(api: Api) -> None:
    r = api.add(
        {
            "name": "",
            "codename": "de DE",
            "external_id": "a.b",
            "is_active": "yes",
            "fallback_language": {"id": "nope"},
        }
    )
    assert_invalid(
        r,
        "The 'name' property is required. Provide a nonempty language name that fits within 25 characters.",
        "The codename 'de DE' is invalid. Language codenames contain only letters, digits, underscores and hyphens.",
        "The external_id 'a.b' is invalid: external ids must not contain '/', '.' or ';'.",
        "The 'is_active' property must be true or false.",
        "The 'fallback_language' property is invalid. The id 'nope' in the reference is not a valid GUID.",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "The request body must be a JSON object."),
        ({"codename": "x"}, "The 'name' property is required. Provide a nonempty language name that fits within 25 "),
        ({"name": "   ", "codename": "x"}, "The 'name' property is required."),
        ({"name": "x" * 26, "codename": "x"}, "The 'name' property is required."),
        ({"name": "X"}, "The 'codename' property is required."),
        ({"name": "X", "codename": "x" * 26}, "is too long; language codenames fit within 25 characters."),
        ({"name": "X", "codename": 5}, "The codename must be a string."),
        ({"name": "X", "codename": "x", "fallback_language": "default"}, "exactly one of the properties"),
        (
            {"name": "X", "codename": "x", "fallback_language": {"id": ZERO, "codename": "default"}},
            "exactly one of the properties",
        ),
    ],
)
def test_add_language_rejects_bad_bodies(api: Api, body: Any, message: str) -> None:
    r = api.add(body)
    assert r.status_code == 400
    errors = r.json()["validation_errors"]
    assert r.json()["error_code"] == 5 and len(errors) == 1
    assert message in errors[0]["message"]
    assert api.list() == [DEFAULT]


def test_add_language_rejects_malformed_json(api: Api) -> None:
    r = api.http.post(api.base, headers=api.headers, content=b'{"name": ')
    assert r.status_code == 400
    assert r.json()["error_code"] == 5
    assert api.list() == [DEFAULT]


def test_duplicate_codename_or_external_id_is_refused(api: Api) -> None:
    api.create("en-US", external_id="english")
    assert_invalid(
        api.add({"name": "Other", "codename": "en-US"}), "A language with the codename 'en-US' already exists."
    )
    assert_invalid(
        api.add({"name": "Other", "codename": "en-GB", "external_id": "english"}),
        "A language with the external_id 'english' already exists.",
    )
    assert_invalid(
        api.add({"name": "D", "codename": "default"}), "A language with the codename 'default' already exists."
    )
    assert [lang["codename"] for lang in api.list()] == ["default", "en-US"]


def test_fallback_must_exist_and_be_active(api: Api) -> None:
    api.create("inactive", is_active=False)
    for fallback in (
        {"codename": "inactive"},
        {"codename": "missing"},
        {"id": str(uuid.uuid4())},
        {"external_id": "x"},
    ):
        r = api.add({"name": "X", "codename": "x", "fallback_language": fallback})
        assert r.status_code == 400
        body = r.json()
        assert set(body) == {"request_id", "error_code", "message"}
        assert (body["error_code"], body["message"]) == (0, "Fallback language not found or inactive")
    assert [lang["codename"] for lang in api.list()] == ["default", "inactive"]


def test_dangling_external_id_reference_resolves_once_the_language_exists(api: Api) -> None:
    future_id = ids.guid_for_external_id("language", "future")
    assert_not_found(api.get(future_id))
    created = api.create("fr-FR", external_id="future")
    assert created["id"] == future_id
    assert api.get(future_id).json() == created


# -- modify ----------------------------------------------------------------------------------------


def test_modify_every_property_by_every_identifier_form(api: Api) -> None:
    english = api.create("en-US", external_id="english")
    german = api.create("de-DE", external_id="german")
    r = api.patch(german["id"], [replace("name", "Deutsch"), replace("fallback_language", {"codename": "en-US"})])
    assert r.status_code == 200
    expected = {**german, "name": "Deutsch", "fallback_language": {"id": english["id"]}}
    assert r.json() == expected
    r = api.patch("codename/de-DE", [replace("codename", "de")])
    expected["codename"] = "de"
    assert r.json() == expected
    r = api.patch("external-id/german", [replace("is_active", False)])
    expected["is_active"] = False
    assert r.json() == expected
    assert api.get("codename/de").json() == expected
    assert_not_found(api.get("codename/de-DE"))
    assert api.list() == [DEFAULT, english, expected]


def test_default_language_can_be_renamed_but_stays_active_and_self_falling_back(api: Api) -> None:
    api.create("en-US")
    r = api.patch(ZERO, [replace("name", "English"), replace("codename", "en"), replace("is_active", True)])
    assert r.status_code == 200
    renamed = {**DEFAULT, "name": "English", "codename": "en"}
    assert r.json() == renamed
    r = api.patch("codename/en", [replace("fallback_language", {"id": ZERO})])
    assert r.status_code == 200 and r.json() == renamed
    assert_invalid_operation(
        api.patch(ZERO, [replace("name", "X"), replace("is_active", False)]),
        1,
        "The default language cannot be deactivated.",
    )
    assert_invalid_operation(
        api.patch(ZERO, [replace("fallback_language", {"codename": "en-US"})]),
        0,
        "The fallback language of the default language cannot be changed; it falls back to itself.",
    )
    assert api.get(ZERO).json() == renamed


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("nope", "The operation must be a JSON object."),
        ({"op": "add", "property_name": "name", "value": "x"}, "The value of the 'op' property is missing or invalid."),
        ({"property_name": "name", "value": "x"}, "The value of the 'op' property is missing or invalid."),
        ({"op": "replace", "property_name": "external_id", "value": "x"}, "The value of the 'property_name' property"),
        ({"op": "replace", "property_name": "is_default", "value": True}, "The value of the 'property_name' property"),
        ({"op": "replace", "property_name": "name"}, "The 'value' property is required."),
        (replace("name", 5), "Provide a nonempty language name that fits within 25 characters."),
        (replace("name", ""), "Provide a nonempty language name that fits within 25 characters."),
        (replace("name", "x" * 26), "Provide a nonempty language name that fits within 25 characters."),
        (replace("codename", "no spaces"), "The codename 'no spaces' is invalid."),
        (replace("codename", None), "The codename must be a string."),
        (replace("is_active", "true"), "The value of the 'is_active' property must be true or false."),
        (replace("is_active", 1), "The value of the 'is_active' property must be true or false."),
        (replace("fallback_language", "default"), "A reference must be an object with exactly one of the properties"),
        (replace("fallback_language", {"id": "x"}), "The id 'x' in the reference is not a valid GUID."),
    ],
)
def test_malformed_operations_are_refused_with_their_index(api: Api, operation: Any, message: str) -> None:
    german = api.create("de-DE")
    r = api.patch(german["id"], [replace("name", "Changed"), operation])
    assert r.status_code == 400
    errors = r.json()["validation_errors"]
    assert len(errors) == 1 and errors[0]["message"].startswith(f"Invalid operation with index '1': {message}")
    assert api.get(german["id"]).json() == german


def test_modify_body_must_be_a_nonempty_array(api: Api) -> None:
    assert_invalid(api.patch(ZERO, []), "No patch operations were provided, provide at least one operation.")
    assert_invalid(api.patch(ZERO, replace("name", "x")), "The request body must be an array of operations.")


def test_op_names_are_case_insensitive(api: Api) -> None:
    r = api.patch(ZERO, [{"op": "Replace", "property_name": "name", "value": "Main"}])
    assert r.status_code == 200 and r.json()["name"] == "Main"


def test_codename_must_stay_unique(api: Api) -> None:
    german = api.create("de-DE")
    assert_invalid_operation(
        api.patch(german["id"], [replace("codename", "default")]),
        0,
        "A language with the codename 'default' already exists.",
    )
    r = api.patch(german["id"], [replace("codename", "de-DE")])
    assert r.status_code == 200 and r.json() == german


def test_fallback_must_be_an_active_existing_language_without_loops(api: Api) -> None:
    a = api.create("a")
    b = api.create("b", fallback_language={"codename": "a"})
    c = api.create("c", fallback_language={"codename": "b"})
    api.create("off", is_active=False)
    cases = [
        ([replace("fallback_language", {"codename": "off"})], FALLBACK_INVALID),
        ([replace("fallback_language", {"codename": "missing"})], FALLBACK_INVALID),
        ([replace("fallback_language", {"external_id": "missing"})], FALLBACK_INVALID),
        (
            [replace("fallback_language", {"id": a["id"]})],
            "A language other than the default language cannot fall back to itself.",
        ),
        ([replace("fallback_language", {"codename": "b"})], "The fallback language 'b' would create a loop"),
        ([replace("fallback_language", {"codename": "c"})], "The fallback language 'c' would create a loop"),
    ]
    for body, message in cases:
        r = api.patch(a["id"], [replace("name", "Changed"), *body])
        assert r.status_code == 400, body
        assert r.json()["validation_errors"][0]["message"].startswith(f"Invalid operation with index '1': {message}")
    assert api.get(a["id"]).json() == a
    # Re-pointing is fine while the chain stays acyclic: c -> a, b -> default, then a -> b.
    assert api.patch(c["id"], [replace("fallback_language", {"codename": "a"})]).status_code == 200
    assert api.patch(b["id"], [replace("fallback_language", {"codename": "default"})]).status_code == 200
    r = api.patch(a["id"], [replace("fallback_language", {"codename": "b"})])
    assert r.status_code == 200 and r.json()["fallback_language"] == {"id": b["id"]}


def test_inactive_languages_change_only_together_with_activation(api: Api) -> None:
    off = api.create("off", is_active=False)
    assert_invalid_operation(
        api.patch(off["id"], [replace("name", "Renamed")]),
        0,
        "Only active languages can be modified. Activate the language first (in this request or before).",
    )
    assert_invalid_operation(
        api.patch(off["id"], [replace("name", "Renamed"), replace("is_active", True)]),
        0,
        "Only active languages can be modified. Activate the language first (in this request or before).",
    )
    assert api.patch(off["id"], [replace("is_active", False)]).json() == off
    # The sequence data-ops' clean sends: activate, change, deactivate again, in one request.
    r = api.patch(
        off["id"],
        [
            replace("is_active", True),
            replace("fallback_language", {"codename": "default"}),
            replace("codename", off["id"][:7]),
            replace("name", off["id"][:7]),
            replace("is_active", False),
        ],
    )
    assert r.status_code == 200
    assert r.json() == {**off, "codename": off["id"][:7], "name": off["id"][:7]}


def test_a_language_others_fall_back_to_cannot_be_deactivated(api: Api) -> None:
    a = api.create("a")
    b = api.create("b", fallback_language={"codename": "a"})
    assert_invalid_operation(
        api.patch(a["id"], [replace("is_active", False)]),
        0,
        "The language cannot be deactivated because the active language 'b' falls back to it. Change that "
        "language's fallback language first.",
    )
    assert api.patch(b["id"], [replace("fallback_language", {"id": ZERO})]).status_code == 200
    assert api.patch(a["id"], [replace("is_active", False)]).json()["is_active"] is False


def test_reactivation_needs_an_active_fallback(api: Api) -> None:
    a = api.create("a")
    b = api.create("b", fallback_language={"codename": "a"})
    assert api.patch(b["id"], [replace("is_active", False)]).status_code == 200
    assert api.patch(a["id"], [replace("is_active", False)]).status_code == 200
    assert_invalid_operation(api.patch(b["id"], [replace("is_active", True)]), 0, FALLBACK_INVALID)
    r = api.patch(b["id"], [replace("is_active", True), replace("fallback_language", {"id": ZERO})])
    assert r.status_code == 200
    assert r.json() == {**b, "fallback_language": {"id": ZERO}}


def test_failed_modify_changes_nothing(api: Api) -> None:
    german = api.create("de-DE", external_id="german")
    r = api.patch(
        "external-id/german",
        [replace("name", "Deutsch"), replace("codename", "de"), replace("fallback_language", {"codename": "nope"})],
    )
    assert_invalid_operation(r, 2, FALLBACK_INVALID)
    assert api.get(german["id"]).json() == german
    assert_not_found(api.get("codename/de"))


def test_wrong_methods_are_405_with_every_allowed_method(api: Api) -> None:
    r = api.http.delete(f"{api.base}/{ZERO}", headers=api.headers)
    assert r.status_code == 405
    assert r.json()["error_code"] == 0
    assert {"GET", "PATCH"} <= {m.strip() for m in r.headers["allow"].split(",")}
    r = api.http.put(api.base, headers=api.headers, json={})
    assert r.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in r.headers["allow"].split(",")}


def test_concurrent_adds_of_one_codename_create_one_language(server: LiveServer, project: dict[str, Any]) -> None:
    headers = kontent_headers(project["management_api_key"])
    url = f"/v2/projects/{project['environment_id']}/languages"

    def post(index: int) -> int:
        with server.client() as http:
            return http.post(url, headers=headers, json={"name": f"N{index}", "codename": "race"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(post, range(8)))
    assert statuses == [201] + [400] * 7
