"""The Contentful URL table: every route this dialect serves, in one place."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.contentful.assets.routes import routes as asset_routes
from headwater.contentful.entries.routes import routes as entry_routes
from headwater.contentful.model.routes import routes as model_routes
from headwater.contentful.paths import ENVIRONMENT, SPACE
from headwater.contentful.search.routes import routes as search_routes
from headwater.contentful.space import environments, locales, spaces, users
from headwater.contentful.tags.routes import routes as tag_routes

routes: list[BaseRoute] = [
    Route("/users/me", users.get_me, methods=["GET"]),
    Route("/organizations", users.list_organizations, methods=["GET"]),
    # spaces
    Route("/spaces", spaces.list_spaces, methods=["GET"]),
    Route("/spaces", spaces.create_space, methods=["POST"]),
    Route(SPACE, spaces.get_space, methods=["GET"]),
    Route(SPACE, spaces.update_space, methods=["PUT"]),
    Route(SPACE, spaces.delete_space, methods=["DELETE"]),
    # environments
    Route(SPACE + "/environments", environments.list_environments, methods=["GET"]),
    Route(SPACE + "/environments", environments.create_environment, methods=["POST"]),
    Route(ENVIRONMENT, environments.get_environment, methods=["GET"]),
    Route(ENVIRONMENT, environments.put_environment, methods=["PUT"]),
    Route(ENVIRONMENT, environments.delete_environment, methods=["DELETE"]),
]

# Locales, under an environment and in the environment-less short form that means `master`.
for _base in (ENVIRONMENT, SPACE):
    routes += [
        Route(_base + "/locales", locales.list_locales, methods=["GET"]),
        Route(_base + "/locales", locales.create_locale, methods=["POST"]),
        Route(_base + "/locales/{locale_id}", locales.get_locale, methods=["GET"]),
        Route(_base + "/locales/{locale_id}", locales.update_locale, methods=["PUT"]),
        Route(_base + "/locales/{locale_id}", locales.delete_locale, methods=["DELETE"]),
    ]

# Each family's own table (every one serves the environment-less short form too).
routes += [*search_routes, *model_routes, *entry_routes, *asset_routes, *tag_routes]
