"""A content type body checked and normalised for storage (422 `ValidationFailed` lists every problem).

The stored document is the wire body without `sys`: `{name, description, displayField, fields, metadata?}`,
each field in the hosted key order with its flags defaulted. Unknown top-level keys are ignored.
Rules against the published version (no type change, delete only after omit) live in `check_published`.
"""

from __future__ import annotations

import re
from typing import Any

from headwater.contentful import errors
from headwater.contentful.errors import ContentfulError
from headwater.contentful.model import validations
from headwater.contentful.model.problems import (
    Path,
    Problem,
    is_integer,
    is_number,
    not_in,
    regexp,
    required,
    size,
    type_error,
    unexpected,
)

Doc = dict[str, Any]

FIELD_TYPES = (
    "Symbol",
    "Text",
    "RichText",
    "Integer",
    "Number",
    "Date",
    "Boolean",
    "Location",
    "Object",
    "Link",
    "Array",
    "ResourceLink",
)
LINK_TYPES = ("Asset", "Entry")
ITEM_TYPES = ("Symbol", "Link", "ResourceLink")
DISPLAY_FIELD_TYPES = ("Symbol", "Text")
FLAGS = ("localized", "required", "disabled", "omitted")
FIELD_ID_PATTERN = r"^[a-zA-Z][a-zA-Z0-9_]*$"
FIELD_ID_RE = re.compile(FIELD_ID_PATTERN)
MAX_FIELD_ID_LENGTH = 64
MAX_FIELDS = 50
MAX_ALLOWED_RESOURCES = 3
DEFAULT_VALUE_TYPES = ("Symbol", "Text", "Integer", "Number", "Date", "Boolean", "Array")


def parse(body: dict[str, Any]) -> Doc:
    """The storable document of a create or full-replacement body (raises 422 on any problem)."""
    problems: list[Problem] = []
    name = body.get("name")
    if name is None:
        problems.append(required(["name"]))
    elif not isinstance(name, str):
        problems.append(type_error(["name"], name, "Symbol"))
    elif not name.strip():
        problems.append(size(["name"], name, min=1))
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(type_error(["description"], description, "Text"))
    raw_fields = body.get("fields", [])
    fields: list[Doc] = []
    if not isinstance(raw_fields, list):
        problems.append(type_error(["fields"], raw_fields, "Array"))
    else:
        if len(raw_fields) > MAX_FIELDS:
            problems.append(size(["fields"], len(raw_fields), max=MAX_FIELDS))
        for index, raw in enumerate(raw_fields):
            field = _field(raw, ["fields", index], problems)
            if field is not None:
                fields.append(field)
        _unique_ids(raw_fields, problems)
    display_field = body.get("displayField")
    if display_field is not None:
        _display_field(display_field, fields, problems)
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        problems.append(type_error(["metadata"], metadata, "Object"))
    if problems:
        raise errors.validation_failed(problems)
    doc: Doc = {"displayField": display_field, "name": name, "description": description, "fields": fields}
    if metadata is not None:
        doc["metadata"] = metadata
    return doc


def _field(raw: Any, path: Path, problems: list[Problem]) -> Doc | None:
    if not isinstance(raw, dict):
        problems.append(type_error(path, raw, "Object"))
        return None
    before = len(problems)
    field_id = raw.get("id")
    if field_id is None:
        problems.append(required([*path, "id"]))
    elif not isinstance(field_id, str):
        problems.append(type_error([*path, "id"], field_id, "Symbol"))
    elif len(field_id) > MAX_FIELD_ID_LENGTH:
        problems.append(size([*path, "id"], field_id, min=1, max=MAX_FIELD_ID_LENGTH))
    elif not FIELD_ID_RE.match(field_id):
        problems.append(regexp([*path, "id"], field_id, FIELD_ID_PATTERN))
    name = raw.get("name")
    if name is None:
        problems.append(required([*path, "name"]))
    elif not isinstance(name, str):
        problems.append(type_error([*path, "name"], name, "Symbol"))
    field_type = raw.get("type")
    if field_type is None:
        problems.append(required([*path, "type"]))
    elif field_type not in FIELD_TYPES:
        problems.append(not_in([*path, "type"], field_type, list(FIELD_TYPES)))
        field_type = None
    out: Doc = {"id": field_id, "name": name, "type": field_type}
    for flag in FLAGS:
        value = False if raw.get(flag) is None else raw[flag]  # null reads as the default
        if not isinstance(value, bool):
            problems.append(type_error([*path, flag], value, "Boolean"))
        out[flag] = value
    deleted = False if raw.get("deleted") is None else raw["deleted"]
    if not isinstance(deleted, bool):
        problems.append(type_error([*path, "deleted"], deleted, "Boolean"))
    new_id = raw.get("newId")
    if new_id is not None and new_id != field_id:
        if not isinstance(new_id, str):
            problems.append(type_error([*path, "newId"], new_id, "Symbol"))
        elif len(new_id) > MAX_FIELD_ID_LENGTH:
            problems.append(size([*path, "newId"], new_id, min=1, max=MAX_FIELD_ID_LENGTH))
        elif not FIELD_ID_RE.match(new_id):
            problems.append(regexp([*path, "newId"], new_id, FIELD_ID_PATTERN))
    if isinstance(field_type, str):
        _typed_parts(raw, field_type, path, out, problems)
    if len(problems) > before:
        return None
    ordered: Doc = {key: out[key] for key in ("id", "name", "type", "localized", "required", "validations")}
    if "defaultValue" in out:
        ordered["defaultValue"] = out["defaultValue"]
    ordered["disabled"] = out["disabled"]
    ordered["omitted"] = out["omitted"]
    if deleted:
        ordered["deleted"] = True
    if new_id is not None and new_id != field_id:
        ordered["newId"] = new_id  # the rename takes effect when the type is activated (`apply_renames`)
    for key in ("linkType", "items", "allowedResources"):
        if key in out:
            ordered[key] = out[key]
    return ordered


def _typed_parts(raw: Doc, field_type: str, path: Path, out: Doc, problems: list[Problem]) -> None:
    """`linkType`, `items`, `allowedResources`, `validations` and `defaultValue` for the field's type."""
    kind = field_type
    if field_type == "Link":
        link_type = raw.get("linkType")
        if link_type not in LINK_TYPES:
            problems.append(
                required([*path, "linkType"])
                if link_type is None
                else not_in([*path, "linkType"], link_type, list(LINK_TYPES))
            )
        out["linkType"] = link_type
        kind = f"Link:{link_type}"
    elif "linkType" in raw:
        problems.append(unexpected([*path, "linkType"]))
    if field_type == "Array":
        out["items"] = _items(raw.get("items"), [*path, "items"], problems)
    elif "items" in raw:
        problems.append(unexpected([*path, "items"]))
    uses_resources = field_type == "ResourceLink" or (
        field_type == "Array" and isinstance(raw.get("items"), dict) and raw["items"].get("type") == "ResourceLink"
    )
    if uses_resources:
        out["allowedResources"] = _allowed_resources(raw.get("allowedResources"), [*path, "allowedResources"], problems)
    elif "allowedResources" in raw:
        problems.append(unexpected([*path, "allowedResources"]))
    out["validations"] = validations.check(raw.get("validations"), kind, [*path, "validations"], problems)
    if "defaultValue" in raw and raw["defaultValue"] is not None:
        item_type = out["items"].get("type") if isinstance(out.get("items"), dict) else None
        _default_value(raw["defaultValue"], field_type, item_type, [*path, "defaultValue"], problems)
        out["defaultValue"] = raw["defaultValue"]


def _items(items: Any, path: Path, problems: list[Problem]) -> Doc:
    if items is None:
        problems.append(required(path))
        return {}
    if not isinstance(items, dict):
        problems.append(type_error(path, items, "Object"))
        return {}
    item_type = items.get("type")
    if item_type not in ITEM_TYPES:
        problems.append(
            required([*path, "type"]) if item_type is None else not_in([*path, "type"], item_type, list(ITEM_TYPES))
        )
        return {}
    kind = item_type
    out: Doc = {"type": item_type}
    if item_type == "Link":
        link_type = items.get("linkType")
        if link_type not in LINK_TYPES:
            problems.append(
                required([*path, "linkType"])
                if link_type is None
                else not_in([*path, "linkType"], link_type, list(LINK_TYPES))
            )
        kind = f"Link:{link_type}"
        out["validations"] = validations.check(items.get("validations"), kind, [*path, "validations"], problems)
        out["linkType"] = link_type
    else:
        if "linkType" in items:
            problems.append(unexpected([*path, "linkType"]))
        out["validations"] = validations.check(items.get("validations"), kind, [*path, "validations"], problems)
    return out


def _allowed_resources(value: Any, path: Path, problems: list[Problem]) -> list[Any]:
    """1–3 resource descriptions: `{type: "Contentful:Entry", source: crn, contentTypes: [ids]}` or an
    external `{type: "Namespace:Type"}`."""
    if value is None:
        problems.append(required(path))
        return []
    if not isinstance(value, list):
        problems.append(type_error(path, value, "Array"))
        return []
    if not 1 <= len(value) <= MAX_ALLOWED_RESOURCES:
        problems.append(size(path, value, min=1, max=MAX_ALLOWED_RESOURCES))
    for index, resource in enumerate(value):
        item_path: Path = [*path, index]
        if not isinstance(resource, dict):
            problems.append(type_error(item_path, resource, "Object"))
            continue
        resource_type = resource.get("type")
        if not isinstance(resource_type, str):
            problems.append(
                required([*item_path, "type"])
                if resource_type is None
                else type_error([*item_path, "type"], resource_type, "Symbol")
            )
        elif resource_type == "Contentful:Entry":
            if not isinstance(resource.get("source"), str):
                problems.append(required([*item_path, "source"]))
            content_types = resource.get("contentTypes")
            if not isinstance(content_types, list) or not all(isinstance(c, str) for c in content_types):
                problems.append(type_error([*item_path, "contentTypes"], content_types, "Array"))
        elif ":" not in resource_type:
            problems.append(regexp([*item_path, "type"], resource_type, "^[A-Za-z]+:[A-Za-z]+$"))
    return value


def _default_value(value: Any, field_type: str, item_type: Any, path: Path, problems: list[Problem]) -> None:
    """Per locale, a value of the field's type; only scalar types and Array<Symbol> take one."""
    if field_type not in DEFAULT_VALUE_TYPES or (field_type == "Array" and item_type != "Symbol"):
        problems.append(unexpected(path))
        return
    if not isinstance(value, dict):
        problems.append(type_error(path, value, "Object"))
        return
    for locale, per_locale in value.items():
        if not _of_type(per_locale, field_type):
            problems.append(type_error([*path, locale], per_locale, field_type))


def _of_type(value: Any, field_type: str) -> bool:
    if field_type in ("Symbol", "Text", "Date"):
        return isinstance(value, str)
    if field_type == "Integer":
        return is_integer(value)
    if field_type == "Number":
        return is_number(value)
    if field_type == "Boolean":
        return isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _unique_ids(raw_fields: list[Any], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for index, raw in enumerate(raw_fields):
        field_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(field_id, str):
            continue
        if field_id in seen:
            problems.append(_not_unique(["fields", index, "id"], field_id))
        seen.add(field_id)
    # a field renamed with `newId` may not take an id that another field has or gets
    for index, raw in enumerate(raw_fields):
        new_id = raw.get("newId") if isinstance(raw, dict) else None
        if isinstance(new_id, str) and new_id != raw.get("id"):
            if new_id in seen:
                problems.append(_not_unique(["fields", index, "newId"], new_id))
            seen.add(new_id)


def _not_unique(path: Path, value: str) -> Problem:
    return {"name": "uniqueFieldIds", "details": "Field ids must be unique", "path": path, "value": value}


def apply_renames(doc: Doc) -> dict[str, str]:
    """Give each field sent with a `newId` that id (and `displayField` with it), in place, at
    activation; returns {old id: new id} so that the type's entries and editor interface follow."""
    renames: dict[str, str] = {}
    for field in doc.get("fields", []):
        new_id = field.pop("newId", None)
        if isinstance(new_id, str):
            renames[field["id"]] = new_id
            field["id"] = new_id
    if doc.get("displayField") in renames:
        doc["displayField"] = renames[doc["displayField"]]
    return renames


def _display_field(value: Any, fields: list[Doc], problems: list[Problem]) -> None:
    """`displayField` names a Symbol or Text field of the type (one not being deleted)."""
    if not isinstance(value, str):
        problems.append(type_error(["displayField"], value, "Symbol"))
        return
    eligible = [f["id"] for f in fields if f["type"] in DISPLAY_FIELD_TYPES and not f.get("deleted")]
    if value not in eligible and value not in {f.get("newId") for f in fields if f["id"] in eligible}:
        problems.append(not_in(["displayField"], value, eligible))


# -- rules against the published version -----------------------------------------------------------


def must_omit_first() -> ContentfulError:
    return errors.bad_request("You need to omit a field before deleting it", {})


def published_fields_invalid(problems: list[Problem]) -> ContentfulError:
    return errors.bad_request("Previously published fields are invalid", {"errors": problems})


def check_published(doc: Doc, published: Doc | None) -> Doc:
    """`doc` after the rules against the active version: a published field keeps its type; it may
    leave the draft (removed from the body, or sent with `deleted: true`) only once it was published
    `omitted`. Fields sent with `deleted: true` are gone from the saved draft (the JS SDK's
    `omitAndDeleteField` expects that), so the next activation removes them for good."""
    published_fields = {f["id"]: f for f in (published or {}).get("fields", [])}
    kept: list[Doc] = []
    changed: list[Problem] = []
    draft_ids = set()
    for index, field in enumerate(doc["fields"]):
        draft_ids.add(field["id"])
        active = published_fields.get(field["id"])
        if active is not None and field.get("deleted") and not active.get("omitted"):
            raise must_omit_first()
        if active is not None and not field.get("deleted") and _shape(field) != _shape(active):
            changed.append(not_in(["fields", index, "type"], field["type"], [active["type"]]))
        if not field.get("deleted"):
            kept.append(field)
    for field_id, active in published_fields.items():
        if field_id not in draft_ids and not active.get("omitted"):
            raise must_omit_first()
    if changed:
        raise published_fields_invalid(changed)
    return {**doc, "fields": kept}


def _shape(field: Doc) -> tuple[Any, ...]:
    items = field.get("items") or {}
    return field["type"], field.get("linkType"), items.get("type"), items.get("linkType")
