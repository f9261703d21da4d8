"""Publishing and workflow moves of a language variant (all `PUT …/variants/{language}/<action>`, 204).

A variant row holds the latest version (`data`) and, while one is live, the published version
(`published`). Publishing copies the latest version into `published` in the Published step;
`new-version` puts a draft beside it (the `/published` read keeps returning the live one);
unpublishing drops `published`. Scheduled publish and unpublish set the due columns the scheduler
claims (`schedule.py`) and the wire `schedule` object. Moves follow the variant's workflow
(`workflows.can_transition`); publishing also requires a complete variant (`validation.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import errors, references
from headwater.kontent.content import items, validation, variants, workflows
from headwater.kontent.content.values import is_timezone
from headwater.kontent.errors import KontentError
from headwater.kontent.pipeline import Call, endpoint, no_content
from headwater.kontent.project.seed import LANGUAGE
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock
from headwater.storage import tenancy
from headwater.storage import variants as stored_variants
from headwater.storage.database import Connection
from headwater.storage.variants import StoredVariant

Doc = dict[str, Any]

NOT_PUBLISHED_CODE = 213
NOT_PUBLISHED_FOR_VERSION_CODE = 214
TO_PUBLISHED_CODE = 215
NOTHING_TO_CANCEL_CODE = 218
TIMEZONE_RULE = (
    "Time zone name must be valid according to the IANA specification. See "
    "https://kontent.ai/learn/reference/management-api-v2 for details."
)


class Variant:
    """A loaded variant being changed: its row, latest document and workflow."""

    def __init__(self, row: StoredVariant, workflow: Doc) -> None:
        self.row = row
        self.doc: Doc = msgspec.json.decode(row.data)
        self.workflow = workflow

    @property
    def kind(self) -> str | None:
        return workflows.step_kind(self.workflow, self.row.step_id)

    def move(self, workflow: Doc, step_id: str) -> None:
        self.workflow = workflow
        self.row.workflow_id = workflow["id"]
        self.row.step_id = step_id
        self.doc["workflow"] = {"workflow_identifier": {"id": workflow["id"]}, "step_identifier": {"id": step_id}}
        self.doc["workflow_step"] = {"id": step_id}

    def set_schedule(self, which: str, time: str | None, timezone: str | None) -> None:
        self.doc["schedule"][f"{which}_time"] = time
        self.doc["schedule"][f"{which}_display_timezone"] = timezone

    async def save(self, conn: Connection, env_pk: str, now: str) -> None:
        self.row.data = variants.encode(self.doc)
        self.row.updated_at = now
        await stored_variants.update(conn, env_pk, self.row)


async def load(conn: Connection, env_pk: str, item_identifier: str, language_identifier: str) -> Variant:
    """The addressed variant under the environment lock, or the reference 404s."""
    await tenancy.lock_environment(conn, env_pk)
    item = await items.find(conn, env_pk, item_identifier)
    ref = references.parse_identifier(language_identifier)
    language = await references.resolve(conn, env_pk, LANGUAGE, ref) if ref is not None else None
    if language is None:
        raise variants.language_not_found()
    row = await stored_variants.get(conn, env_pk, item.id, language.id)
    if row is None:
        raise variants.variant_not_found(item.id, language.id)
    workflow = await workflows.find_workflow(conn, env_pk, Reference(id=row.workflow_id))
    if workflow is None:
        workflow = await workflows.find_workflow(conn, env_pk, Reference(id=workflows.DEFAULT_WORKFLOW_ID))
    assert workflow is not None
    return Variant(row, workflow)


# -- schedules ------------------------------------------------------------------------------------


def parse_when(body: Any, time_key: str, zone_key: str, now: str) -> tuple[str, str, str | None] | None:
    """(wire time, UTC due stamp, display timezone) of a schedule in the body, or None when absent."""
    if body is None or body == {}:
        return None
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    raw = body.get(time_key)
    zone = body.get(zone_key)
    if raw is None:
        if zone is not None:
            raise errors.invalid(f"The '{time_key}' property is required with '{zone_key}'.", path=time_key)
        return None
    if not isinstance(raw, str):
        raise errors.invalid("The provided value is not a valid datetime string.", path=time_key)
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise errors.invalid(f"The provided value '{raw}' is not a valid datetime string.", path=time_key) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if zone is not None and (not isinstance(zone, str) or not is_timezone(zone)):
        raise errors.invalid(TIMEZONE_RULE, path=zone_key)
    due = clock.stamp(when)
    if due <= now:
        raise errors.invalid("The provided date-time value needs to be in the future.", path=time_key)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ"), due, zone


# -- actions --------------------------------------------------------------------------------------


async def _require_complete(conn: Connection, env_pk: str, variant: Variant) -> None:
    problems = await validation.publish_problems(conn, env_pk, variant.row.type_id, variant.doc)
    if problems:
        raise validation.incomplete_error(problems)


def _forbidden_move(workflow: Doc, step_id: str) -> KontentError:
    step = workflows.find_step(workflow, Reference(id=step_id))
    name = step["name"] if step is not None else step_id
    return errors.invalid(
        f"The workflow '{workflow['name']}' does not allow moving the language variant from its current step to "
        f"the step '{name}'."
    )


def publish_now(variant: Variant, now: str) -> None:
    """Make the latest version the live one (used by `/publish` and by the scheduler)."""
    variant.move(variant.workflow, workflows.PUBLISHED_STEP_ID)
    variant.set_schedule("publish", None, None)
    variant.row.publish_at = None
    variant.row.return_step_id = None
    variant.row.published = variants.encode(variant.doc)


def unpublish_now(variant: Variant) -> None:
    """Take the live version down; a variant that was in Published goes to Archived."""
    variant.row.published = None
    variant.row.unpublish_at = None
    variant.set_schedule("unpublish", None, None)
    if variant.kind == "published":
        variant.move(variant.workflow, workflows.ARCHIVED_STEP_ID)


async def publish(conn: Connection, env_pk: str, variant: Variant, body: Any, now: str) -> None:
    when = parse_when(body, "scheduled_to", "display_timezone", clock.stamp())
    if variant.kind == "published":
        if when is not None:
            return  # scheduling a published variant has no effect
        raise errors.invalid("The language variant is already published.")
    if variant.kind == "scheduled":
        source = variant.row.return_step_id or workflows.first_step_id(variant.workflow)
    else:
        source = variant.row.step_id
    if variant.kind != "scheduled" and not workflows.can_transition(
        variant.workflow, source, workflows.PUBLISHED_STEP_ID
    ):
        raise _forbidden_move(variant.workflow, workflows.PUBLISHED_STEP_ID)
    await _require_complete(conn, env_pk, variant)
    if when is None:
        publish_now(variant, now)
    else:
        time, due, zone = when
        if variant.kind != "scheduled":
            variant.row.return_step_id = variant.row.step_id
        variant.move(variant.workflow, workflows.SCHEDULED_STEP_ID)
        variant.set_schedule("publish", time, zone)
        variant.row.publish_at = due
    await variant.save(conn, env_pk, now)


async def unpublish_and_archive(conn: Connection, env_pk: str, variant: Variant, body: Any, now: str) -> None:
    when = parse_when(body, "scheduled_to", "display_timezone", clock.stamp())
    if when is None:
        if variant.row.published is None:
            raise KontentError(400, NOT_PUBLISHED_CODE, "Cannot unpublish a language variant that is not published.")
        unpublish_now(variant)
    else:
        if variant.row.published is None and variant.kind != "scheduled":
            raise KontentError(
                400,
                NOT_PUBLISHED_CODE,
                "Only published language variants or variants scheduled for publishing can be scheduled for "
                "unpublishing.",
            )
        time, due, zone = when
        variant.set_schedule("unpublish", time, zone)
        variant.row.unpublish_at = due
    await variant.save(conn, env_pk, now)


async def cancel_publish(conn: Connection, env_pk: str, variant: Variant, now: str) -> None:
    if variant.kind != "scheduled":
        raise KontentError(
            400,
            NOTHING_TO_CANCEL_CODE,
            "Cannot cancel scheduling of a language variant that is not scheduled to publish.",
        )
    variant.move(variant.workflow, variant.row.return_step_id or workflows.first_step_id(variant.workflow))
    variant.set_schedule("publish", None, None)
    variant.row.publish_at = None
    variant.row.return_step_id = None
    await variant.save(conn, env_pk, now)


async def cancel_unpublish(conn: Connection, env_pk: str, variant: Variant, now: str) -> None:
    if variant.row.unpublish_at is None:
        raise KontentError(
            400,
            NOTHING_TO_CANCEL_CODE,
            "Nothing to cancel. The specified language variant is not scheduled for unpublishing.",
        )
    variant.set_schedule("unpublish", None, None)
    variant.row.unpublish_at = None
    await variant.save(conn, env_pk, now)


async def new_version(conn: Connection, env_pk: str, variant: Variant, now: str) -> None:
    if variant.kind != "published":
        raise KontentError(
            400,
            NOT_PUBLISHED_FOR_VERSION_CODE,
            "Cannot create a new version of a language variant that is not published.",
        )
    variant.move(variant.workflow, workflows.first_step_id(variant.workflow))
    variant.doc["last_modified"] = clock.kontent(now)
    await variant.save(conn, env_pk, now)


async def change_workflow(conn: Connection, env_pk: str, variant: Variant, body: Any, now: str) -> None:
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    try:
        workflow_ref = Reference.parse(body.get("workflow_identifier"))
        step_ref = Reference.parse(body.get("step_identifier"))
    except InvalidReference as exc:
        raise errors.invalid(exc.message) from None
    workflow = await workflows.find_workflow(conn, env_pk, workflow_ref)
    if workflow is None:
        raise errors.not_found(
            workflows.NOT_FOUND_CODE, f"The requested workflow '{workflow_ref.describe()}' was not found."
        )
    step = workflows.find_step(workflow, step_ref)
    if step is None:
        raise errors.invalid(f"The step {step_ref.describe()} is not a step of the workflow '{workflow['codename']}'.")
    await move_to(conn, env_pk, variant, workflow, str(step["id"]), now)


async def move_to(conn: Connection, env_pk: str, variant: Variant, workflow: Doc, step_id: str, now: str) -> None:
    target = workflows.step_kind(workflow, step_id)
    if target == "published":
        raise KontentError(
            400,
            TO_PUBLISHED_CODE,
            "Cannot change workflow step to Published. If you want to publish a language variant via the Management "
            "API, use the '/publish' endpoint instead.",
        )
    if target == "scheduled":
        raise errors.invalid(
            "Cannot change workflow step to Scheduled. Use the '/publish' endpoint with 'scheduled_to'."
        )
    if variant.kind == "published":
        raise errors.invalid(
            "The workflow step of a published language variant cannot be changed. Unpublish it or create a new "
            "version first."
        )
    if variant.kind == "scheduled":
        raise errors.invalid("The language variant is scheduled for publishing. Cancel the scheduled publishing first.")
    same = workflow["id"] == variant.workflow["id"]
    if same and variant.row.step_id == step_id:
        return
    if same and variant.kind == "custom" and not workflows.can_transition(workflow, variant.row.step_id, step_id):
        raise _forbidden_move(workflow, step_id)
    if target == "archived":
        variant.row.published = None
    variant.move(workflow, step_id)
    await variant.save(conn, env_pk, now)


async def schedule_both(conn: Connection, env_pk: str, variant: Variant, body: Any, now: str) -> None:
    stamp = clock.stamp()
    publish_when = parse_when(body, "publish_scheduled_to", "publish_display_timezone", stamp)
    unpublish_when = parse_when(body, "unpublish_scheduled_to", "unpublish_display_timezone", stamp)
    if publish_when is not None and unpublish_when is not None and unpublish_when[1] <= publish_when[1]:
        raise errors.invalid("The unpublish date must be later than the publish date.", path="unpublish_scheduled_to")
    if publish_when is not None and variant.kind != "published":
        await publish(
            conn, env_pk, variant, {"scheduled_to": publish_when[0], "display_timezone": publish_when[2]}, now
        )
    if unpublish_when is not None:
        if variant.row.published is None and variant.kind != "scheduled":
            raise KontentError(
                400,
                NOT_PUBLISHED_CODE,
                "Scheduling an unpublish date works only when the variant is published or scheduled for publishing.",
            )
        time, due, zone = unpublish_when
        variant.set_schedule("unpublish", time, zone)
        variant.row.unpublish_at = due
        await variant.save(conn, env_pk, now)


async def unpublish_to_draft(conn: Connection, env_pk: str, variant: Variant, now: str) -> None:
    """The deprecated `/unpublish`: take the live version down and return to the first step."""
    if variant.row.published is None:
        raise KontentError(400, NOT_PUBLISHED_CODE, "Cannot unpublish a language variant that is not published.")
    variant.row.published = None
    variant.row.unpublish_at = None
    variant.set_schedule("unpublish", None, None)
    if variant.kind == "published":
        variant.move(variant.workflow, workflows.first_step_id(variant.workflow))
    await variant.save(conn, env_pk, now)


async def deprecated_step(conn: Connection, env_pk: str, variant: Variant, identifier: str, now: str) -> None:
    """The deprecated `/workflow/{step}`: a step of the default workflow by id or `codename/x`."""
    workflow = await workflows.find_workflow(conn, env_pk, Reference(id=workflows.DEFAULT_WORKFLOW_ID))
    assert workflow is not None
    ref = references.parse_identifier(identifier)
    step = workflows.find_step(workflow, ref) if ref is not None else None
    if step is None:
        raise errors.not_found(0, f"The requested workflow step '{identifier}' was not found.")
    await move_to(conn, env_pk, variant, workflow, str(step["id"]), now)


# -- handlers -------------------------------------------------------------------------------------

Action = Callable[[Connection, str, Variant, Any, str], Awaitable[None]]


async def _run(call: Call, action: Action, *, with_body: bool) -> Response:
    # A body on an action that takes none is still read, so a non-JSON or malformed one is refused
    # like everywhere else; its content is then ignored.
    sent = await call.optional_json()
    body = sent if with_body else None
    async with call.services.db.write() as conn:
        variant = await load(conn, call.env.pk, call.param(items.ITEM_PARAM), call.param(variants.LANGUAGE_PARAM))
        await action(conn, call.env.pk, variant, body, clock.stamp())
    return no_content()


@endpoint
async def publish_variant(call: Call) -> Response:
    return await _run(call, publish, with_body=True)


@endpoint
async def unpublish_and_archive_variant(call: Call) -> Response:
    return await _run(call, unpublish_and_archive, with_body=True)


@endpoint
async def cancel_scheduled_publish(call: Call) -> Response:
    return await _run(call, lambda conn, env_pk, v, _body, now: cancel_publish(conn, env_pk, v, now), with_body=False)


@endpoint
async def cancel_scheduled_unpublish(call: Call) -> Response:
    return await _run(call, lambda conn, env_pk, v, _body, now: cancel_unpublish(conn, env_pk, v, now), with_body=False)


@endpoint
async def create_new_version(call: Call) -> Response:
    return await _run(call, lambda conn, env_pk, v, _body, now: new_version(conn, env_pk, v, now), with_body=False)


@endpoint
async def change_variant_workflow(call: Call) -> Response:
    return await _run(call, change_workflow, with_body=True)


@endpoint
async def schedule_publish_and_unpublish(call: Call) -> Response:
    return await _run(call, schedule_both, with_body=True)


@endpoint
async def unpublish_variant(call: Call) -> Response:
    return await _run(
        call, lambda conn, env_pk, v, _body, now: unpublish_to_draft(conn, env_pk, v, now), with_body=False
    )


STEP_PARAM = "step"


@endpoint
async def change_variant_step(call: Call) -> Response:
    step = call.param(STEP_PARAM)
    return await _run(
        call, lambda conn, env_pk, v, _body, now: deprecated_step(conn, env_pk, v, step, now), with_body=False
    )
