"""Codename rules and generation, and reference/identifier parsing: pure units, no server."""

from __future__ import annotations

from typing import Any

import pytest

from headwater.kontent import codenames, references
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import ids

OBJECT_ID = "452f515a-1b2c-4d5e-8f90-a1b2c3d4e5f6"


@pytest.mark.parametrize("codename", ["a", "_", "_x", "a1_b", "hooray_", "x" * 60])
def test_valid_codenames(codename: str) -> None:
    assert codenames.validate(codename) is None


@pytest.mark.parametrize(
    ("codename", "fragment"),
    [
        ("", "must not be empty"),
        ("A", "only lowercase letters"),
        ("1a", "start with a letter or an underscore"),
        ("a-b", "only lowercase letters"),
        ("a b", "only lowercase letters"),
        ("čau", "only lowercase letters"),
        ("x" * 61, "60 characters"),
        (5, "must be a string"),
        (None, "must be a string"),
    ],
)
def test_invalid_codenames(codename: Any, fragment: str) -> None:
    message = codenames.validate(codename)
    assert message is not None and fragment in message


def test_max_length_is_per_resource() -> None:
    assert codenames.validate("x" * 61, max_length=210) is None
    assert codenames.validate("x" * 211, max_length=210) is not None


@pytest.mark.parametrize("codename", ["en-US", "de-AT", "default", "zh-Hans-CN", "pt_BR", "2ea6678", "x" * 25])
def test_valid_language_codenames(codename: str) -> None:
    assert codenames.validate_language(codename) is None


@pytest.mark.parametrize("codename", ["", "en US", "en.US", "en/US", "x" * 26, 7, None, "čeština"])
def test_invalid_language_codenames(codename: Any) -> None:
    assert codenames.validate_language(codename) is not None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hooray!", "hooray_"),
        ("Example of content (open me)", "example_of_content__open_me_"),
        ("123 go", "n123_go"),
        ("US branch", "us_branch"),
        ("URL", "url"),
        ("Článek", "_l_nek"),
        ("straße", "stra_e"),
        ("___", "___"),
        ("", "_"),
        ("a" * 100, "a" * 60),
        ("1" + "a" * 100, "n1" + "a" * 58),
    ],
)
def test_generated_codenames(name: str, expected: str) -> None:
    generated = codenames.generate(name, set(), OBJECT_ID)
    assert generated == expected
    assert codenames.validate(generated) is None


def test_collision_appends_the_short_object_id() -> None:
    assert codenames.generate("Hooray!", {"hooray_"}, OBJECT_ID) == "hooray__452f515"
    assert codenames.generate("Article", {"article"}, OBJECT_ID) == "article__452f515"
    assert codenames.generate("Article", {"article"}, OBJECT_ID.upper()) == "article__452f515"


def test_collision_keeps_counting_until_free() -> None:
    taken = {"article", "article__452f515", "article__452f515_2"}
    assert codenames.generate("Article", taken, OBJECT_ID) == "article__452f515_3"
    assert codenames.generate("Article", lambda c: c in taken, OBJECT_ID) == "article__452f515_3"


def test_collision_suffix_fits_within_the_limit() -> None:
    long_name = "b" * 80
    generated = codenames.generate(long_name, {"b" * 60}, OBJECT_ID)
    assert generated == "b" * 51 + "__452f515"
    assert len(generated) == 60
    assert codenames.validate(generated) is None
    assert len(codenames.generate(long_name, {"b" * 60, generated}, OBJECT_ID)) == 60


# -- references ----------------------------------------------------------------------------------


def test_reference_parsing() -> None:
    guid = "2EA66788-D3B8-5FF5-B37E-258502E4FD5D"
    assert Reference.parse({"id": guid}) == Reference(id=guid.lower())
    assert Reference.parse({"codename": "en-US"}) == Reference(codename="en-US")
    assert Reference.parse({"external_id": "standard-german"}) == Reference(external_id="standard-german")
    assert Reference.parse({"codename": "x", "id": None, "other": 1}) == Reference(codename="x")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("en-US", "exactly one of"),
        (None, "exactly one of"),
        ({}, "exactly one of"),
        ({"id": ids.ZERO_GUID, "codename": "default"}, "exactly one of"),
        ({"id": "not-a-guid"}, "'not-a-guid' in the reference is not a valid GUID"),
        ({"id": 5}, "not a valid GUID"),
        ({"codename": ""}, "nonempty string"),
        ({"codename": 3}, "nonempty string"),
        ({"external_id": "a/b"}, "must not contain"),
        ({"external_id": "a.b"}, "must not contain"),
        ({"external_id": "a;b"}, "must not contain"),
        ({"external_id": ""}, "must not be empty"),
        ({"external_id": "x" * 256}, "too long"),
    ],
)
def test_invalid_references(raw: Any, fragment: str) -> None:
    with pytest.raises(InvalidReference) as caught:
        Reference.parse(raw)
    assert fragment in caught.value.message


def test_reference_matches_documents() -> None:
    doc = {"id": OBJECT_ID, "codename": "a", "external_id": "ext"}
    assert Reference(id=OBJECT_ID).matches(doc)
    assert Reference(codename="a").matches(doc)
    assert Reference(external_id="ext").matches(doc)
    assert not Reference(codename="b").matches(doc)
    assert not Reference(external_id="ext").matches({"id": OBJECT_ID, "codename": "a"})


def test_external_id_references_point_at_the_id_the_object_will_get() -> None:
    ref = Reference(external_id="future")
    created_id = references.new_object_id("language", "future")
    assert references.target_id("language", ref) == created_id == ids.guid_for_external_id("language", "future")
    assert references.target_id("collection", ref) != created_id
    assert references.target_id("language", Reference(id=OBJECT_ID)) == OBJECT_ID
    assert references.target_id("language", Reference(codename="x")) is None
    assert references.new_object_id("language", None) != references.new_object_id("language", None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (OBJECT_ID.upper(), Reference(id=OBJECT_ID)),
        ("codename/en-US", Reference(codename="en-US")),
        ("external-id/a b", Reference(external_id="a b")),
        ("not-a-guid", None),
        ("codename/", None),
        ("external-id/a.b", None),
    ],
)
def test_url_identifiers(raw: str, expected: Reference | None) -> None:
    assert references.parse_identifier(raw) == expected
