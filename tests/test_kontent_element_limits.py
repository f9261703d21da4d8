"""Integer settings and validation regexes of type and snippet elements, over real HTTP.

Every integer setting is bounded (int32, or int64 for the two byte sizes) and must be a whole number:
out-of-range values, booleans, floats and strings are refused on POST and through PATCH, and a refused
write leaves the stored document exactly as it was. Regexes compile in the JavaScript flavour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from headwater.kontent.model.elements import MAX_INT32, MAX_INT64, js_regex_problem
from tests.test_kontent_typepatch import op
from tests.test_kontent_types import INVALID_BODY, Api, api, assert_invalid, text

__all__ = ["api"]

SNIPPET_CODENAME = "snip"
GROUP = {"external_id": "group-not-created-yet"}


@dataclass(frozen=True)
class Limit:
    """One integer setting: the element it lives in, the property, and the object around the number."""

    element: dict[str, Any]
    prop: str
    shape: dict[str, Any] | None
    maximum: int = MAX_INT32
    in_snippets: bool = True

    @property
    def label(self) -> str:
        return f"{self.element['type']}.{self.prop}"

    def setting(self, value: Any) -> Any:
        return value if self.shape is None else {**self.shape, "value": value}

    def where(self) -> str:
        """The part of the validation message naming the number."""
        return self.prop if self.shape is None else f"{self.prop}.value"


LIMITS = [
    Limit(text("X"), "maximum_text_length", {"applies_to": "characters"}),
    Limit({"name": "X", "type": "rich_text"}, "maximum_text_length", {"applies_to": "words"}),
    Limit({"name": "X", "type": "rich_text"}, "maximum_image_size", None, MAX_INT64),
    Limit({"name": "X", "type": "rich_text"}, "image_width_limit", {"condition": "at_most"}),
    Limit({"name": "X", "type": "rich_text"}, "image_height_limit", {"condition": "at_least"}),
    Limit({"name": "X", "type": "asset"}, "asset_count_limit", {"condition": "exactly"}),
    Limit({"name": "X", "type": "asset"}, "maximum_file_size", None, MAX_INT64),
    Limit({"name": "X", "type": "asset"}, "image_width_limit", {"condition": "exactly"}),
    Limit({"name": "X", "type": "asset"}, "image_height_limit", {"condition": "at_most"}),
    Limit({"name": "X", "type": "modular_content"}, "item_count_limit", {"condition": "at_least"}),
    Limit({"name": "X", "type": "subpages"}, "item_count_limit", {"condition": "at_most"}, in_snippets=False),
    Limit({"name": "X", "type": "taxonomy", "taxonomy_group": GROUP}, "term_count_limit", {"condition": "at_most"}),
]
CASES = [
    pytest.param(limit, resource, id=f"{resource}-{limit.label}")
    for limit in LIMITS
    for resource in ("types", "snippets")
    if resource == "types" or limit.in_snippets
]


def bad_values(maximum: int) -> list[Any]:
    return [0, -1, maximum + 1, 2**63, 2**64, 10**30, True, False, 1.5, 1.0, "5", [5], {"value": 5}]


def owner_body(resource: str, element: dict[str, Any]) -> dict[str, Any]:
    """A one-element type or snippet; the element's codename is `x` (`snip__x` in the snippet)."""
    if resource == "types":
        return {"name": "T", "codename": "t", "elements": [{**element, "codename": "x"}]}
    return {"name": "S", "codename": SNIPPET_CODENAME, "elements": [{**element, "codename": f"{SNIPPET_CODENAME}__x"}]}


def element_path(resource: str) -> str:
    return "/elements/codename:x" if resource == "types" else f"/elements/codename:{SNIPPET_CODENAME}__x"


def identifier(resource: str) -> str:
    return "codename/t" if resource == "types" else f"codename/{SNIPPET_CODENAME}"


@pytest.mark.parametrize(("limit", "resource"), CASES)
def test_integer_limit_out_of_range_is_refused_on_post(api: Api, limit: Limit, resource: str) -> None:
    expected = f"{limit.where()} must be a positive whole number no greater than {limit.maximum}."
    for value in bad_values(limit.maximum):
        body = owner_body(resource, {**limit.element, limit.prop: limit.setting(value)})
        messages = assert_invalid(api.post(resource, body), expected)
        assert len(messages) == 1, (value, messages)
    if limit.shape is not None:
        body = owner_body(resource, {**limit.element, limit.prop: dict(limit.shape)})
        assert_invalid(api.post(resource, body), f"{limit.where()} is required.")
    assert api.get(resource).json()[resource] == []
    created = api.create(resource, owner_body(resource, {**limit.element, limit.prop: limit.setting(limit.maximum)}))
    assert created["elements"][0][limit.prop] == limit.setting(limit.maximum)
    assert api.get(resource, created["id"]).json() == created


@pytest.mark.parametrize(("limit", "resource"), CASES)
def test_integer_limit_out_of_range_is_refused_through_patch(api: Api, limit: Limit, resource: str) -> None:
    created = api.create(resource, owner_body(resource, {**limit.element, limit.prop: limit.setting(1)}))
    expected = f"{limit.where()} must be a positive whole number no greater than {limit.maximum}."
    path = f"{element_path(resource)}/{limit.prop}"
    for value in bad_values(limit.maximum):
        assert_invalid(api.patch(resource, identifier(resource), [op("replace", path, limit.setting(value))]), expected)
        # The same setting arriving inside a new element.
        added = {**limit.element, "codename": "y" if resource == "types" else f"{SNIPPET_CODENAME}__y"}
        added[limit.prop] = limit.setting(value)
        assert_invalid(api.patch(resource, identifier(resource), [op("addInto", "/elements", added)]), expected)
        assert api.get(resource, created["id"]).json() == created
    changed = api.ok_patch(resource, identifier(resource), op("replace", path, limit.setting(limit.maximum)))
    assert changed["elements"][0][limit.prop] == limit.setting(limit.maximum)


@pytest.mark.parametrize("literal", [b"1e400", b"-1e400", b"1" + b"0" * 400, b"NaN", b"Infinity"])
def test_numbers_json_cannot_hold_are_refused(api: Api, literal: bytes) -> None:
    """Overflowing literals never reach validation: the body is refused as JSON, on POST and PATCH."""
    post = b'{"name":"T","codename":"t","elements":[{"name":"X","codename":"x","type":"asset","maximum_file_size":'
    r = api.http.post(
        f"{api.root}/types",
        headers={**api.headers, "Content-Type": "application/json"},
        content=post + literal + b"}]}",
    )
    assert r.status_code == 400 and r.json()["error_code"] == 5 and r.json()["message"] == INVALID_BODY, r.text
    assert api.get("types").json()["types"] == []
    created = api.create("types", owner_body("types", {"name": "X", "type": "asset"}))
    patch = b'[{"op":"replace","path":"/elements/codename:x/maximum_file_size","value":' + literal + b"}]"
    r = api.http.patch(
        f"{api.root}/types/codename/t", headers={**api.headers, "Content-Type": "application/json"}, content=patch
    )
    assert r.status_code == 400 and r.json()["error_code"] == 5, r.text
    assert api.get("types", created["id"]).json() == created


# -- regexes ----------------------------------------------------------------------------------------

BAD_REGEXES = [
    pytest.param("(", None, id="unbalanced-paren"),
    pytest.param("[a-", None, id="unbalanced-bracket"),
    pytest.param("a{2,1}", None, id="reversed-quantifier"),
    pytest.param("(?<", None, id="unfinished-group-name"),
    pytest.param(r"\-", "u", id="identity-escape-under-u"),
    pytest.param(r"\k<x>", "u", id="unknown-group-reference-under-u"),
    pytest.param("(?i)a", None, id="python-inline-flags"),
    pytest.param("(?P<year>a)", None, id="python-named-group"),
]
GOOD_REGEXES = [
    pytest.param(r"^(?<year>\d{4})$", None, id="named-group"),
    pytest.param(r"\p{L}+", "u", id="unicode-property"),
    pytest.param("[^]", None, id="any-character-class"),
    pytest.param(r"(?<=a)b", None, id="lookbehind"),
    pytest.param(r"^(?<y>\d{4})-\k<y>$", "iu", id="named-backreference"),
    pytest.param(r"\-", None, id="identity-escape"),
    pytest.param("a{", None, id="web-compat-brace"),
    pytest.param(r"^[a-z0-9-]+$", "gimsuy", id="every-flag"),
]


def regex_targets(rule: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The three places a rule can go: a type's text element, a type's URL slug, a snippet's text."""
    slug = {"name": "Slug", "type": "url_slug", "depends_on": {"element": {"codename": "x"}}, "validation_regex": rule}
    return [
        ("types", owner_body("types", text("X", validation_regex=rule))),
        ("types", {"name": "T", "codename": "t", "elements": [text("X", codename="x"), {**slug, "codename": "y"}]}),
        ("snippets", owner_body("snippets", text("X", validation_regex=rule))),
    ]


@pytest.mark.parametrize(("regex", "flags"), BAD_REGEXES)
def test_regexes_that_do_not_compile_in_javascript_are_refused(api: Api, regex: str, flags: str | None) -> None:
    rule = {"regex": regex, "flags": flags, "is_active": True}
    for resource, body in regex_targets(rule):
        assert_invalid(api.post(resource, body), "validation_regex.regex is not a valid JavaScript regular expression")
        assert api.get(resource).json()[resource] == []
    for resource in ("types", "snippets"):
        created = api.create(resource, owner_body(resource, text("X", validation_regex={"regex": "^a$"})))
        ops = [op("replace", f"{element_path(resource)}/validation_regex", rule)]
        assert_invalid(api.patch(resource, identifier(resource), ops), "not a valid JavaScript regular expression")
        assert api.get(resource, created["id"]).json() == created


@pytest.mark.parametrize(("regex", "flags"), GOOD_REGEXES)
def test_regexes_valid_in_javascript_are_kept(api: Api, regex: str, flags: str | None) -> None:
    rule = {"regex": regex, "flags": flags, "validation_message": "No.", "is_active": True}
    for resource, body in regex_targets(rule):
        created = api.create(resource, body)
        assert created["elements"][-1]["validation_regex"] == rule
        assert api.delete(resource, created["id"]).status_code == 204
    for resource in ("types", "snippets"):
        api.create(resource, owner_body(resource, text("X")))
        ops = [op("replace", f"{element_path(resource)}/validation_regex", rule)]
        assert api.ok_patch(resource, identifier(resource), *ops)["elements"][0]["validation_regex"] == rule


def test_regex_flags_are_javascript_flags_once_each(api: Api) -> None:
    for flags in ("gg", "x", "v", "I"):
        body = owner_body("types", text("X", validation_regex={"regex": "a", "flags": flags}))
        assert_invalid(api.post("types", body), "flags may contain only the regular expression flags")
    assert api.get("types").json()["types"] == []


def test_js_regex_problem_explains_the_error() -> None:
    assert js_regex_problem("(", "") == "Unbalanced parenthesis"
    assert js_regex_problem(r"\p{L}", "u") is None and js_regex_problem("", "") is None


# -- issue 9: settings exported from real projects ---------------------------------------------------


@pytest.mark.parametrize("resource", ["types", "snippets"])
def test_inactive_empty_regex_is_accepted(api: Api, resource: str) -> None:
    rule = {"regex": "", "is_active": False}
    created = api.create(resource, owner_body(resource, text("X", validation_regex=rule)))
    stored = {"regex": "", "flags": None, "validation_message": None, "is_active": False}
    assert created["elements"][0]["validation_regex"] == stored
    ops = [op("replace", f"{element_path(resource)}/validation_regex", {"regex": "^a$", "is_active": True})]
    api.ok_patch(resource, identifier(resource), *ops)
    ops = [op("replace", f"{element_path(resource)}/validation_regex", rule)]
    assert api.ok_patch(resource, identifier(resource), *ops)["elements"][0]["validation_regex"] == stored
    # Active, an empty pattern is still no rule at all.
    active = [op("replace", f"{element_path(resource)}/validation_regex", {"regex": "", "is_active": True})]
    assert_invalid(api.patch(resource, identifier(resource), active), "validation_regex.regex is required")


def test_inactive_empty_regex_on_url_slug_is_accepted(api: Api) -> None:
    slug = {"name": "S", "type": "url_slug", "depends_on": {"element": {"codename": "x"}}}
    body = {
        "name": "T",
        "elements": [text("X", codename="x"), {**slug, "validation_regex": {"regex": "", "is_active": False}}],
    }
    assert api.create("types", body)["elements"][1]["validation_regex"]["regex"] == ""


@pytest.mark.parametrize("resource", ["types", "snippets"])
def test_allowed_formatting_in_any_order(api: Api, resource: str) -> None:
    element = {
        "name": "Body",
        "type": "rich_text",
        "allowed_formatting": ["bold", "unstyled", "italic"],
        "allowed_table_formatting": ["link", "unstyled"],
    }
    created = api.create(resource, owner_body(resource, element))
    rich = created["elements"][0]
    assert rich["allowed_formatting"] == ["bold", "unstyled", "italic"]
    assert rich["allowed_table_formatting"] == ["link", "unstyled"]
    path = f"{element_path(resource)}/allowed_formatting"
    patched = api.ok_patch(
        resource, identifier(resource), op("remove", f"{path}/unstyled"), op("addInto", path, "unstyled")
    )
    assert patched["elements"][0]["allowed_formatting"] == ["bold", "italic", "unstyled"]


@pytest.mark.parametrize("resource", ["types", "snippets"])
def test_empty_guidelines_element_is_accepted(api: Api, resource: str) -> None:
    created = api.create(resource, owner_body(resource, {"type": "guidelines", "guidelines": ""}))
    assert created["elements"][0]["guidelines"] == ""
    path = f"{element_path(resource)}/guidelines"
    api.ok_patch(resource, identifier(resource), op("replace", path, "Fill it in."))
    assert api.ok_patch(resource, identifier(resource), op("replace", path, ""))["elements"][0]["guidelines"] == ""
