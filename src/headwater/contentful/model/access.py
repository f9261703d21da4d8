"""What every content model handler starts with: the environment of the URL and the 404s."""

from __future__ import annotations

from headwater.contentful import errors
from headwater.contentful.errors import ContentfulError
from headwater.contentful.paths import MASTER
from headwater.contentful.pipeline import Call
from headwater.storage import tenancy
from headwater.storage.database import Connection
from headwater.storage.tenancy import Environment


async def environment(call: Call) -> Environment:
    """The URL's environment (`master` for the environment-less short form)."""
    env_id: str = call.request.path_params.get("environment_id", MASTER)
    _, env = await call.environment(call.param("space_id"), env_id)
    return env


async def lock(conn: Connection, env: Environment) -> None:
    """Serialize the environment's writers (content type saves touch editor interfaces and entries)."""
    if not await tenancy.lock_environment(conn, env.pk):
        raise errors.not_found("Environment", env.id, space=env.container_id)


def content_type_not_found(env: Environment, content_type_id: str) -> ContentfulError:
    return errors.not_found("ContentType", content_type_id, space=env.container_id, environment=env.id)
