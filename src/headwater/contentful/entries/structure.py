"""Save-time checks of an entry body (create, full update, JSON Patch result).

The hosted API refuses, with 422 `InvalidEntry` listing every problem, what can never become valid:
a field its content type does not have, a locale the environment does not have (or any locale but
the default on a field that is not localized), and a value whose JSON type does not match the field's
type; rich text must follow the node model. Field *validations* (required, size, …) wait for publish.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from headwater.contentful import errors
from headwater.contentful.entries import richtext
from headwater.contentful.entries.context import ContentType, Locales
from headwater.contentful.errors import ContentfulError

Doc = dict[str, Any]
Problem = dict[str, Any]
Path = list[str | int]
BODY_KEYS = {"fields", "metadata"}
METADATA_KEYS = {"tags": "Tag", "concepts": "TaxonomyConcept"}


def invalid_entry(problems: list[Problem]) -> ContentfulError:
    return ContentfulError(422, "InvalidEntry", "Validation error", {"errors": problems})


def parse_body(
    body: Doc, content_type: ContentType, locales: Locales, stored: Doc | None = None
) -> tuple[Doc, Doc | None]:
    """The checked `(fields, metadata)` of a body, both in wire form (422 `InvalidEntry` otherwise);
    metadata is None when the body has none (an update then keeps the stored one).

    A null value stores nothing, so it is accepted for any locale. On an update, `stored` is the
    draft's wire fields: values a client merely sends back unchanged although the content type no
    longer allows them (a deleted field, a locale no longer allowed on a field that stopped being
    localized) are dropped instead of refused, so read-modify-write clients (the SDKs,
    contentful-migration) keep working after such model changes."""
    stored = stored or {}
    unknown = [k for k in body if k not in BODY_KEYS and k != "sys"]
    if unknown:
        raise errors.unknown_keys(unknown)
    problems: list[Problem] = []
    fields = body.get("fields", {})
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        problems.append(_type_problem(fields, "Object", ["fields"], "fields"))
        fields = {}
    out_fields: Doc = {}
    for field_id, per_locale in fields.items():
        field = content_type.field(field_id)
        if field is None:
            if field_id in stored and stored[field_id] == per_locale:
                continue
            problems.append(
                {
                    "name": "unknown",
                    "path": ["fields", field_id],
                    "details": f'The property "{field_id}" is not allowed here.',
                }
            )
            continue
        if not isinstance(per_locale, dict):
            problems.append(_type_problem(per_locale, "Object", ["fields", field_id], field_id))
            continue
        kept: Doc = {}
        for locale, value in per_locale.items():
            path: Path = ["fields", field_id, locale]
            if locale not in locales.to_internal or (not field.get("localized") and locale != locales.default):
                if value is not None and (stored.get(field_id) or {}).get(locale) != value:
                    problems.append({"name": "unknown", "path": path, "value": value})
                continue
            if value is None:
                continue  # null clears the value
            problems += check_value(field, value, path)
            kept[locale] = value
        if kept:
            out_fields[field_id] = kept
    metadata = _metadata(body["metadata"], problems) if body.get("metadata") is not None else None
    if problems:
        raise invalid_entry(problems)
    return out_fields, metadata


def _metadata(value: Any, problems: list[Problem]) -> Doc:
    """A sent `metadata` must list its `tags` (the hosted API refused `{}` when an SDK release sent it:
    contentful-management.py#97); `concepts` may be left out."""
    out: Doc = {"tags": [], "concepts": []}
    if not isinstance(value, dict):
        problems.append(_type_problem(value, "Object", ["metadata"], "metadata"))
        return out
    if "tags" not in value:
        problems.append(
            {"name": "required", "path": ["metadata", "tags"], "details": 'The property "tags" is required here'}
        )
    for key, item_value in value.items():
        link_type = METADATA_KEYS.get(key)
        if link_type is None:
            problems.append(
                {"name": "unknown", "path": ["metadata", key], "details": f'The property "{key}" is not allowed here.'}
            )
            continue
        if not isinstance(item_value, list):
            problems.append(_type_problem(item_value, "Array", ["metadata", key], key))
            continue
        seen: set[str] = set()
        for index, link in enumerate(item_value):
            if not _is_link(link, link_type):
                problems.append(_type_problem(link, "Link", ["metadata", key, index], key))
                continue
            if link["sys"]["id"] not in seen:
                seen.add(link["sys"]["id"])
                out[key].append({"sys": {"type": "Link", "linkType": link_type, "id": link["sys"]["id"]}})
    return out


def check_value(field: Doc, value: Any, path: Path) -> list[Problem]:
    """Problems of one locale's value against the field's type."""
    field_type = field.get("type")
    if field_type == "Array":
        if not isinstance(value, list):
            return [_type_problem(value, "Array", path)]
        items = field.get("items") or {}
        problems: list[Problem] = []
        for index, element in enumerate(value):
            problems += check_value(items, element, [*path, index])
        return problems
    if field_type == "RichText":
        return richtext.check_document(value, path)
    if not _matches(field_type, field.get("linkType"), value):
        return [_type_problem(value, str(field_type), path)]
    return []


def _matches(field_type: Any, link_type: Any, value: Any) -> bool:
    if field_type in ("Symbol", "Text"):
        return isinstance(value, str)
    if field_type == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if field_type == "Number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field_type == "Boolean":
        return isinstance(value, bool)
    if field_type == "Date":
        return isinstance(value, str) and is_date(value)
    if field_type == "Location":
        return (
            isinstance(value, dict)
            and set(value) == {"lat", "lon"}
            and all(isinstance(value[k], int | float) and not isinstance(value[k], bool) for k in ("lat", "lon"))
        )
    if field_type == "Object":
        return isinstance(value, dict | list)
    if field_type == "Link":
        return _is_link(value, link_type)
    if field_type == "ResourceLink":
        sys_ = value.get("sys") if isinstance(value, dict) else None
        return (
            isinstance(sys_, dict)
            and sys_.get("type") == "ResourceLink"
            and isinstance(sys_.get("linkType"), str)
            and isinstance(sys_.get("urn"), str)
        )
    return False


def _is_link(value: Any, link_type: Any) -> bool:
    sys_ = value.get("sys") if isinstance(value, dict) else None
    return (
        isinstance(sys_, dict)
        and sys_.get("type") == "Link"
        and (sys_.get("linkType") == link_type or link_type is None)
        and isinstance(sys_.get("id"), str)
        and bool(sys_.get("id"))
    )


def is_date(text: str) -> bool:
    """ISO 8601 dates as the web app writes them: a date, or a date-time with an optional offset."""
    if len(text) < 10 or not text[:4].isdigit():
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _type_problem(value: Any, expected: str, path: Path, name: str = "value") -> Problem:
    return {
        "name": "type",
        "value": value,
        "type": expected,
        "details": f'The type of "{name}" is incorrect, expected type: {expected}',
        "path": path,
    }
