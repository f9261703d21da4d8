"""The tags URL table, and the small organization/space listings the SDKs and CLIs read (joined into
`contentful/routes.py`)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.contentful.paths import BASES, SPACE
from headwater.contentful.space import listings, spaces, users
from headwater.contentful.tags import tags

routes: list[BaseRoute] = []

for _base in BASES:
    routes += [
        Route(_base + "/tags", tags.list_tags, methods=["GET"]),
        Route(_base + "/tags/{tag_id}", tags.get_tag, methods=["GET"]),
        Route(_base + "/tags/{tag_id}", tags.put_tag, methods=["PUT"]),
        Route(_base + "/tags/{tag_id}", tags.delete_tag, methods=["DELETE"]),
    ]

routes += [
    Route("/organizations/{organization_id}/spaces", spaces.list_organization_spaces, methods=["GET"]),
    Route("/organizations/{organization_id}/users", users.list_organization_users, methods=["GET"]),
    Route("/organizations/{organization_id}/users/{user_id}", users.get_organization_user, methods=["GET"]),
    Route(SPACE + "/users", users.list_space_users, methods=["GET"]),
    Route(SPACE + "/users/{user_id}", users.get_space_user, methods=["GET"]),
    Route(SPACE + "/webhook_definitions", listings.list_webhook_definitions, methods=["GET"]),
    Route(SPACE + "/roles", listings.list_roles, methods=["GET"]),
]
