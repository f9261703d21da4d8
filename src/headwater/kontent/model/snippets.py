"""Content type snippets: list, add, retrieve, modify and delete, over the shared type machinery.

A snippet is a content type without content groups, snippet, URL slug or subpages elements, whose
element codenames carry the `{snippet_codename}__` prefix: clients may send them with or without it
(the hosted API adds it), and every response shows the prefixed form. `elements.Normalizer` enforces
those rules, `typepatch` accepts either form in paths, and `types` holds the domain functions both
resources share.
"""

from __future__ import annotations

from starlette.responses import Response

from headwater.kontent.model.types import (
    SNIPPETS,
    add_response,
    delete_response,
    get_response,
    list_response,
    modify_response,
)
from headwater.kontent.pipeline import Call, endpoint

SNIPPET_PARAM = "snippet"


@endpoint
async def list_snippets(call: Call) -> Response:
    return await list_response(call, SNIPPETS)


@endpoint
async def add_snippet(call: Call) -> Response:
    return await add_response(call, SNIPPETS)


@endpoint
async def get_snippet(call: Call) -> Response:
    return await get_response(call, SNIPPETS, SNIPPET_PARAM)


@endpoint
async def modify_snippet(call: Call) -> Response:
    return await modify_response(call, SNIPPETS, SNIPPET_PARAM)


@endpoint
async def delete_snippet(call: Call) -> Response:
    return await delete_response(call, SNIPPETS, SNIPPET_PARAM)
