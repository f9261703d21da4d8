"""The Kontent.ai URL table: every route this dialect serves, in one place.

Routes with several methods are one `method_route` each, so a wrong method's 405 lists them all.
`identifier_route` serves `{id}`, `codename/{c}` and `external-id/{e}` for one object slot.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.kontent.model import snippets, taxonomies, types
from headwater.kontent.project import collections, environments, languages
from headwater.kontent.references import identifier_route, method_route

PREFIX = "/v2/projects/{environment_id}"

routes: list[BaseRoute] = [
    Route(PREFIX, environments.get_environment, methods=["GET"]),
    Route(PREFIX, environments.rename_environment, methods=["PATCH"]),
    method_route(f"{PREFIX}/languages", {"GET": languages.list_languages, "POST": languages.add_language}),
    identifier_route(
        f"{PREFIX}/languages",
        languages.LANGUAGE_PARAM,
        {"GET": languages.get_language, "PATCH": languages.modify_language},
    ),
    method_route(
        f"{PREFIX}/collections", {"GET": collections.list_collections, "PATCH": collections.modify_collections}
    ),
    method_route(f"{PREFIX}/taxonomies", {"GET": taxonomies.list_taxonomies, "POST": taxonomies.add_taxonomy}),
    identifier_route(
        f"{PREFIX}/taxonomies",
        taxonomies.TAXONOMY_PARAM,
        {"GET": taxonomies.get_taxonomy, "PATCH": taxonomies.modify_taxonomy, "DELETE": taxonomies.delete_taxonomy},
    ),
    method_route(f"{PREFIX}/types", {"GET": types.list_types, "POST": types.add_type}),
    identifier_route(
        f"{PREFIX}/types",
        types.TYPE_PARAM,
        {"GET": types.get_type, "PATCH": types.modify_type, "DELETE": types.delete_type},
    ),
    method_route(f"{PREFIX}/snippets", {"GET": snippets.list_snippets, "POST": snippets.add_snippet}),
    identifier_route(
        f"{PREFIX}/snippets",
        snippets.SNIPPET_PARAM,
        {"GET": snippets.get_snippet, "PATCH": snippets.modify_snippet, "DELETE": snippets.delete_snippet},
    ),
]
