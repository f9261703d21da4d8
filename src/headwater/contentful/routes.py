"""The Contentful URL table: every route this dialect serves, in one place."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.contentful import users

routes: list[BaseRoute] = [
    Route("/users/me", users.get_me, methods=["GET"]),
    Route("/organizations", users.list_organizations, methods=["GET"]),
]
