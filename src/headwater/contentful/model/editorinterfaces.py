"""Editor interfaces: one per content type (`sys.id` "default"), created at version 1 by the type's
first activation with a default control per field; every later activation adds controls for new
fields, drops those of removed fields and costs one version. Stored as kind `EditorInterface` with the
content type's id.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, sys
from headwater.contentful.model import access
from headwater.contentful.model.problems import Path, Problem, required, type_error
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, respond
from headwater.contentful.search import index
from headwater.platform import clock
from headwater.storage import cfentities
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Connection
from headwater.storage.tenancy import Environment

Doc = dict[str, Any]
KIND = cfentities.EDITOR_INTERFACE
OPTIONAL_LISTS = ("sidebar", "editorLayout", "groupControls")
WIDGETS = {
    "Symbol": "singleLine",
    "Text": "markdown",
    "RichText": "richTextEditor",
    "Integer": "numberEditor",
    "Number": "numberEditor",
    "Date": "datePicker",
    "Boolean": "boolean",
    "Location": "locationEditor",
    "Object": "objectEditor",
    "Link:Entry": "entryLinkEditor",
    "Link:Asset": "assetLinkEditor",
    "ResourceLink": "resourceLinkEditor",
    "Array:Symbol": "tagEditor",
    "Array:Link:Entry": "entryLinksEditor",
    "Array:Link:Asset": "assetLinksEditor",
    "Array:ResourceLink": "resourceLinksEditor",
}


def default_control(field: Doc) -> Doc:
    kind = field["type"]
    if kind == "Link":
        kind = f"Link:{field.get('linkType')}"
    elif kind == "Array":
        items = field.get("items") or {}
        kind = f"Array:{items.get('type')}" + (f":{items['linkType']}" if items.get("type") == "Link" else "")
    return {"fieldId": field["id"], "widgetId": WIDGETS.get(kind, "singleLine"), "widgetNamespace": "builtin"}


def render(env: Environment, entity: StoredEntity) -> Doc:
    doc = msgspec.json.decode(entity.data)
    return {
        "sys": {
            "id": "default",
            "type": "EditorInterface",
            "space": sys.link("Space", env.container_id),
            "version": entity.version,
            **sys.audit(entity.created_by, entity.created_at, entity.updated_by, entity.updated_at),
            "contentType": sys.link("ContentType", entity.id),
            "environment": sys.link("Environment", env.id),
        },
        **doc,
    }


async def on_activation(
    conn: Connection,
    env: Environment,
    content_type_id: str,
    fields: list[Doc],
    user_id: str,
    renames: dict[str, str] | None = None,
) -> None:
    """Create the editor interface of a first activation, or bring its controls in line with the
    activated fields (one version); the control of a renamed field follows it to its new id."""
    now = clock.stamp()
    current = await cfentities.get(conn, env.pk, KIND, content_type_id)
    if current is None:
        doc: Doc = {"controls": [default_control(f) for f in fields]}
        entity = StoredEntity(
            0, KIND, content_type_id, content_type_id, 1, None, None, 0, None, None, None, now, now, user_id,
            user_id, None, None, msgspec.json.encode(doc).decode(), None,
        )  # fmt: skip
        await index.save(conn, env.pk, entity, created=True)
        return
    doc = msgspec.json.decode(current.data)
    by_field = {c.get("fieldId"): c for c in doc.get("controls") or [] if isinstance(c, dict)}
    for old_id, new_id in (renames or {}).items():
        if old_id in by_field:
            by_field[new_id] = {**by_field.pop(old_id), "fieldId": new_id}
    doc["controls"] = [by_field.get(f["id"]) or default_control(f) for f in fields]
    current.data = msgspec.json.encode(doc).decode()
    current.version += 1
    current.updated_at = now
    current.updated_by = user_id
    await index.save(conn, env.pk, current, created=False)


async def delete_of(conn: Connection, env: Environment, content_type_id: str) -> None:
    await cfentities.delete(conn, env.pk, KIND, content_type_id)


def parse(body: Doc) -> Doc:
    """`controls` (each with a string `fieldId`), and optional `sidebar`, `editorLayout`, `groupControls`
    lists; other keys (`sys`) are ignored."""
    problems: list[Problem] = []
    controls = body.get("controls", [])
    if not isinstance(controls, list):
        problems.append(type_error(["controls"], controls, "Array"))
    else:
        for position, control in enumerate(controls):
            _check_control(control, ["controls", position], problems)
    doc: Doc = {"controls": controls}
    for key in OPTIONAL_LISTS:
        if key in body and body[key] is not None:
            if not isinstance(body[key], list):
                problems.append(type_error([key], body[key], "Array"))
            doc[key] = body[key]
    if problems:
        raise errors.validation_failed(problems)
    return doc


def _check_control(control: Any, path: Path, problems: list[Problem]) -> None:
    if not isinstance(control, dict):
        problems.append(type_error(path, control, "Object"))
        return
    if "fieldId" not in control:
        problems.append(required([*path, "fieldId"]))
    for key in ("fieldId", "widgetId", "widgetNamespace"):
        if key in control and not isinstance(control[key], str):
            problems.append(type_error([*path, key], control[key], "Symbol"))
    if "settings" in control and not isinstance(control["settings"], dict):
        problems.append(type_error([*path, "settings"], control["settings"], "Object"))


# -- handlers --------------------------------------------------------------------------------------


def _not_found(env: Environment, content_type_id: str) -> errors.ContentfulError:
    return errors.not_found("EditorInterface", content_type_id, space=env.container_id, environment=env.id)


@endpoint
async def get_editor_interface(call: Call) -> Response:
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    async with call.services.db.read() as conn:
        entity = await cfentities.get(conn, env.pk, KIND, content_type_id)
    if entity is None:
        raise _not_found(env, content_type_id)
    return respond(render(env, entity))


@endpoint
async def update_editor_interface(call: Call) -> Response:
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    doc = parse(await call.json_object())
    expected = call.version(required=True)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await cfentities.get(conn, env.pk, KIND, content_type_id)
        if entity is None:
            raise _not_found(env, content_type_id)
        if entity.version != expected:
            raise errors.version_mismatch()
        entity.data = msgspec.json.encode(doc).decode()
        entity.version += 1
        entity.updated_at = clock.stamp()
        entity.updated_by = call.user_id
        await index.save(conn, env.pk, entity, created=False)
    return respond(render(env, entity))


@endpoint
async def list_editor_interfaces(call: Call) -> Response:
    env = await access.environment(call)
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        total, page = await cfentities.page(conn, env.pk, KIND, skip, limit)
    return respond(sys.array([render(env, e) for e in page], total, skip, limit))
