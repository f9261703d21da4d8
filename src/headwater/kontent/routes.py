"""The Kontent.ai URL table: every route this dialect serves, in one place.

Routes with several methods are one `method_route` each, so a wrong method's 405 lists them all.
`identifier_route` serves `{id}`, `codename/{c}` and `external-id/{e}` for one object slot.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.kontent.content import filtering, items, projectvalidation, publishing, variantlists, variants, workflows
from headwater.kontent.model import snippets, taxonomies, types
from headwater.kontent.project import collections, environments, languages
from headwater.kontent.references import identifier, identifier_route, method_route
from headwater.kontent.v1routes import routes as v1_routes

PREFIX = "/v2/projects/{environment_id}"
ITEM = f"{PREFIX}/items/{identifier(items.ITEM_PARAM)}"
VARIANT = f"{ITEM}/variants/{identifier(variants.LANGUAGE_PARAM)}"

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
    method_route(f"{PREFIX}/workflows", {"GET": workflows.list_workflows, "POST": workflows.add_workflow}),
    identifier_route(
        f"{PREFIX}/workflows",
        workflows.WORKFLOW_PARAM,
        {"PUT": workflows.update_workflow, "DELETE": workflows.delete_workflow},
    ),
    method_route(f"{PREFIX}/workflow", {"GET": workflows.list_workflow_steps}),
    # -- content items and language variants
    method_route(f"{PREFIX}/items", {"GET": items.list_items, "POST": items.add_item}),
    method_route(ITEM, {"GET": items.get_item, "PUT": items.upsert_item, "DELETE": items.delete_item}),
    method_route(f"{ITEM}/variants", {"GET": variants.list_item_variants}),
    method_route(
        VARIANT,
        {"GET": variants.get_variant, "PUT": variants.upsert_variant, "DELETE": variants.delete_variant},
    ),
    method_route(f"{VARIANT}/published", {"GET": variants.get_published_variant}),
    method_route(f"{VARIANT}/publish", {"PUT": publishing.publish_variant}),
    method_route(f"{VARIANT}/unpublish-and-archive", {"PUT": publishing.unpublish_and_archive_variant}),
    method_route(f"{VARIANT}/cancel-scheduled-publish", {"PUT": publishing.cancel_scheduled_publish}),
    method_route(f"{VARIANT}/cancel-scheduled-unpublish", {"PUT": publishing.cancel_scheduled_unpublish}),
    method_route(f"{VARIANT}/new-version", {"PUT": publishing.create_new_version}),
    method_route(f"{VARIANT}/change-workflow", {"PUT": publishing.change_variant_workflow}),
    method_route(f"{VARIANT}/schedule-publish-and-unpublish", {"PUT": publishing.schedule_publish_and_unpublish}),
    method_route(f"{VARIANT}/unpublish", {"PUT": publishing.unpublish_variant}),
    method_route(f"{VARIANT}/workflow/{identifier(publishing.STEP_PARAM)}", {"PUT": publishing.change_variant_step}),
    method_route(f"{PREFIX}/types/{identifier(types.TYPE_PARAM)}/variants", {"GET": variantlists.list_by_type}),
    method_route(
        f"{PREFIX}/types/{identifier(types.TYPE_PARAM)}/components", {"GET": variantlists.list_with_components}
    ),
    method_route(
        f"{PREFIX}/collections/{identifier(variantlists.COLLECTION_PARAM)}/variants",
        {"GET": variantlists.list_by_collection},
    ),
    method_route(
        f"{PREFIX}/spaces/{identifier(variantlists.SPACE_PARAM)}/variants", {"GET": variantlists.list_by_space}
    ),
    # -- Management API v1: content items and language variants (kontent/v1routes.py)
    *v1_routes,
    # -- environment validation (kontent/content/projectvalidation.py)
    method_route(f"{PREFIX}/validate", {"POST": projectvalidation.validate_environment}),
    method_route(f"{PREFIX}/validate-async", {"POST": projectvalidation.start_validation}),
    method_route(
        f"{PREFIX}/validate-async/tasks/{{{projectvalidation.TASK_PARAM}}}",
        {"GET": projectvalidation.get_validation_task},
    ),
    method_route(
        f"{PREFIX}/validate-async/tasks/{{{projectvalidation.TASK_PARAM}}}/issues",
        {"GET": projectvalidation.list_validation_issues},
    ),
    # -- items with variants: filter and bulk get (kontent/content/filtering.py)
    method_route(f"{PREFIX}/items-with-variant/filter", {"POST": filtering.filter_items_with_variants}),
    method_route(f"{PREFIX}/items-with-variant/bulk-get", {"POST": filtering.bulk_get_items_with_variants}),
]
