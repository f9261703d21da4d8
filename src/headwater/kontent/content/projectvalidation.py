"""Environment validation: `POST /validate` (the deprecated synchronous report) and the validation tasks of
`POST /validate-async`, `GET /validate-async/tasks/{task_id}` and `GET …/tasks/{task_id}/issues`.

Both check the latest version of every language variant against its content type, with the checks that
block publishing plus references to content items that do not exist (`validation.py`), and every content
type for references to taxonomy groups, snippets and content types that do not exist.

A validation task runs to completion inside the request that starts it, so the 202 answer already says
`status: "finished"` with `validation_result` `no_issues` or `issues_found` (the hosted API answers
`queued`/`none` first; clients poll until `finished` either way). A task is two `objects` rows: the task
(`validation_task`) and its issues (`validation_issues`, the same id), kept for seven days as the hosted
API keeps them; starting a task forgets the environment's expired ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import errors, pagination
from headwater.kontent.content import validation
from headwater.kontent.content.validation import Issue, Lookup
from headwater.kontent.errors import KontentError
from headwater.kontent.pipeline import Call, endpoint, respond, respond_raw
from headwater.kontent.project.seed import LANGUAGE
from headwater.platform import clock, ids
from headwater.storage import objects, tenancy, variants
from headwater.storage.database import Connection

Doc = dict[str, Any]

TASK_PARAM = "task_id"
TASK_KIND = "validation_task"
ISSUES_KIND = "validation_issues"
TASK_NOT_FOUND_CODE = 120
TASK_LIFETIME = timedelta(days=7)
VARIANT_BATCH = 200


def task_not_found(task_id: str) -> KontentError:
    return errors.not_found(TASK_NOT_FOUND_CODE, f"The requested validation task '{task_id}' was not found.")


# -- the report -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    """Issues in the wire shape of the synchronous report (without `issue_type`)."""

    type_issues: list[Doc]
    variant_issues: list[Doc]

    def tagged(self) -> list[Doc]:
        """The issues as the task's issue list shows them: type issues first, each tagged with its kind."""
        return [{**issue, "issue_type": "type_issue"} for issue in self.type_issues] + [
            {"issue_type": "variant_issue", **issue} for issue in self.variant_issues
        ]


async def report(conn: Connection, env_pk: str) -> Report:
    """Check every content type and the latest version of every variant, variants in batches."""
    lookup = Lookup(conn, env_pk)
    await lookup.load_all()
    type_out: list[Doc] = []
    for type_id, type_doc in lookup.types.items():
        if type_doc is None:
            continue
        found = await validation.type_issues(lookup, type_doc)
        if found:
            type_out.append(
                {
                    "type": _named(type_id, type_doc),
                    "issues": [{"element": element, "messages": messages} for element, messages in found],
                }
            )
    languages = {stored.id: msgspec.json.decode(stored.data) for stored in await objects.all_of(conn, env_pk, LANGUAGE)}
    variant_out: list[Doc] = []
    after = 0
    while rows := await variants.page_all(conn, env_pk, after, VARIANT_BATCH):
        after = rows[-1].seq
        batch = [(row, await validation.prepare(lookup, row.type_id, msgspec.json.decode(row.data))) for row in rows]
        wanted = {row.item_id for row in rows}
        for _, prepared in batch:
            wanted |= prepared.item_ids if prepared is not None else set()
        await lookup.load_items(wanted)
        for row, prepared in batch:
            if prepared is None:
                continue
            issues = await validation.check(lookup, prepared, missing_items=True)
            if issues:
                item = lookup.items.get(row.item_id)
                variant_out.append(
                    {
                        "item": {
                            "id": row.item_id,
                            "name": item.name if item else "",
                            "codename": item.codename if item else "",
                        },
                        "language": _named(row.language_id, languages.get(row.language_id)),
                        "issues": _by_element(issues),
                    }
                )
    return Report(type_out, variant_out)


def _named(object_id: str, doc: Doc | None) -> Doc:
    doc = doc or {}
    return {"id": object_id, "name": doc.get("name", ""), "codename": doc.get("codename", "")}


def _by_element(issues: list[Issue]) -> list[Doc]:
    grouped: dict[str, Doc] = {}
    for issue in issues:
        element = issue.element
        entry = grouped.setdefault(
            element.id,
            {"element": {"id": element.id, "name": element.name, "codename": element.codename}, "messages": []},
        )
        entry["messages"].append(issue.message)
    return list(grouped.values())


# -- tasks ----------------------------------------------------------------------------------------


async def start_task(conn: Connection, env_pk: str, found: Report, now: str) -> Doc:
    """Store a finished task and its issues; forget the environment's expired tasks."""
    cutoff = clock.stamp(clock.parse(now) - TASK_LIFETIME)
    for stored in await objects.all_of(conn, env_pk, TASK_KIND):
        if stored.created_at < cutoff:
            await objects.delete(conn, env_pk, TASK_KIND, stored.id)
            await objects.delete(conn, env_pk, ISSUES_KIND, stored.id)
    issues = found.tagged()
    task = {
        "id": ids.new_guid(),
        "status": "finished",
        "validation_result": "issues_found" if issues else "no_issues",
    }
    await objects.insert(conn, env_pk, TASK_KIND, task["id"], _encode(task), created_at=now)
    await objects.insert(conn, env_pk, ISSUES_KIND, task["id"], _encode(issues), created_at=now)
    return task


async def find_task(conn: Connection, env_pk: str, raw_id: str, now: str) -> str:
    """The stored task document (JSON text) of a task that exists and has not expired, or the 404."""
    if not ids.is_guid(raw_id):
        raise task_not_found(raw_id)
    stored = await objects.get(conn, env_pk, TASK_KIND, ids.normalize_guid(raw_id))
    if stored is None or stored.created_at < clock.stamp(clock.parse(now) - TASK_LIFETIME):
        raise task_not_found(raw_id)
    return stored.data


def _encode(doc: Any) -> str:
    return msgspec.json.encode(doc).decode()


def _token_kind(task_id: str) -> str:
    """Continuation tokens name their task, so one task's token is refused for another's issues."""
    return f"{ISSUES_KIND}:{ids.normalize_guid(task_id) if ids.is_guid(task_id) else task_id}"


# -- handlers -------------------------------------------------------------------------------------


@endpoint
async def validate_environment(call: Call) -> Response:
    await call.optional_json()  # no body is taken; a sent one must still be well-formed
    async with call.services.db.read() as conn:
        project = await tenancy.get_project(conn, call.env.container_id)
        found = await report(conn, call.env.pk)
    return respond(
        {
            "project": {
                "id": call.env.id,
                "name": project.name if project is not None else "",
                "environment": call.env.name,
                "is_production": call.env.is_production,
            },
            "variant_issues": found.variant_issues,
            "type_issues": found.type_issues,
        }
    )


@endpoint
async def start_validation(call: Call) -> Response:
    await call.optional_json()  # no body is taken; a sent one must still be well-formed
    async with call.services.db.read() as conn:
        found = await report(conn, call.env.pk)
    async with call.services.db.write() as conn:
        task = await start_task(conn, call.env.pk, found, clock.stamp())
    return respond(task, 202)


@endpoint
async def get_validation_task(call: Call) -> Response:
    async with call.services.db.read() as conn:
        data = await find_task(conn, call.env.pk, call.param(TASK_PARAM), clock.stamp())
    return respond_raw(data)


@endpoint
async def list_validation_issues(call: Call) -> Response:
    task_id = call.param(TASK_PARAM)
    token = pagination.token_from(call.request)
    start = 0 if token is None else pagination.decode_token(token, _token_kind(task_id))
    async with call.services.db.read() as conn:
        await find_task(conn, call.env.pk, task_id, clock.stamp())
        stored = await objects.get(conn, call.env.pk, ISSUES_KIND, ids.normalize_guid(task_id))
    issues: list[Doc] = msgspec.json.decode(stored.data) if stored is not None else []
    size = call.services.settings.kontent_page_size
    end = start + size
    page = pagination.Page([], pagination.encode_token(_token_kind(task_id), end) if end < len(issues) else None)
    return respond({"issues": issues[start:end], "pagination": page.pagination(call.request)})
