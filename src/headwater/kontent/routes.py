"""The Kontent.ai URL table: every route this dialect serves, in one place."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.kontent import environments

PREFIX = "/v2/projects/{environment_id}"

routes: list[BaseRoute] = [
    Route(PREFIX, environments.get_environment, methods=["GET"]),
    Route(PREFIX, environments.rename_environment, methods=["PATCH"]),
]
