"""Environment information and renaming (`GET`/`PATCH /v2/projects/{environment_id}`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.responses import Response

from headwater.kontent import errors
from headwater.kontent.pipeline import Call, endpoint, respond
from headwater.platform import clock
from headwater.storage import tenancy

MAX_NAME_LENGTH = 200


@endpoint
async def get_environment(call: Call) -> Response:
    async with call.services.db.read() as conn:
        project = await tenancy.get_project(conn, call.env.container_id)
    return respond(
        {
            "id": call.env.id,
            "name": project.name if project else "",
            "environment": call.env.name,
            "is_production": call.env.is_production,
        }
    )


def parse_rename(body: Any) -> str:
    """The new name from a `rename_environment` operation list (the last one wins)."""
    if not isinstance(body, list):
        raise errors.invalid("The request body must be an array of operations.")
    if not body:
        raise errors.invalid("No patch operations were provided, provide at least one operation.")
    name: str | None = None
    for index, operation in enumerate(body):
        if not isinstance(operation, dict):
            raise errors.invalid_operation(index, "The operation must be a JSON object.")
        if operation.get("op") != "rename_environment":
            raise errors.invalid_operation(
                index, "The value of the 'op' property is missing or in invalid format. Use 'rename_environment'."
            )
        value = operation.get("value")
        if not isinstance(value, str) or not value.strip():
            raise errors.invalid_operation(index, "Provide a nonempty environment name in the 'value' property.")
        if len(value) > MAX_NAME_LENGTH:
            raise errors.invalid_operation(index, f"The environment name must fit within {MAX_NAME_LENGTH} characters.")
        name = value
    assert name is not None
    return name


@endpoint
async def rename_environment(call: Call) -> Response:
    name = parse_rename(await call.json())
    env = replace(call.env, name=name, updated_at=clock.stamp(), version=call.env.version + 1)
    async with call.services.db.write() as conn:
        await tenancy.update_environment(conn, env)
    return respond({"id": env.id, "name": env.name, "is_production": env.is_production})
