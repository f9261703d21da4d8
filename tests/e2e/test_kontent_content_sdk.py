"""Content through @kontent-ai/management-sdk (npm, pinned in tests/e2e/node) against a real `headwater serve`
process: content items, language variants, workflows and publishing; filter and bulk-get of items with
variants; environment validation; and a 1,000-item import written and read back through the SDK.

One node process per test; each test gets a fresh project on the session's server (page size 2)."""

from __future__ import annotations

import json

import pytest

from tests.e2e.harness import KONTENT_PAGE_SIZE, HeadwaterProcess, KontentProject, NodeRunner
from tests.e2e.test_kontent_sdk import kontent_env

pytestmark = pytest.mark.e2e

IMPORT_ITEMS = 1000
IMPORT_CONCURRENCY = 10
IMPORT_TIMEOUT = 600.0


def test_items_variants_workflows_and_publishing(
    run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject
) -> None:
    run_node(
        "kontent_content.mjs",
        kontent_env(hw_server, kontent_project, KONTENT_PAGE_SIZE=str(KONTENT_PAGE_SIZE)),
        timeout=180,
    )


def test_components_listing_survives_a_partial_upsert(
    run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject
) -> None:
    run_node("kontent_components_listing.mjs", kontent_env(hw_server, kontent_project))


def test_import_of_1000_items_read_back_through_the_sdk(
    run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject
) -> None:
    """What an import tool does: upsert each item by external id, then its variant, 10 items in flight; then
    list everything back with `toAllPromise()` (page size 2, so both listings cross 500 pages). The write and
    read wall times are printed (visible with `-s`)."""
    out = run_node(
        "kontent_import.mjs",
        kontent_env(
            hw_server,
            kontent_project,
            KONTENT_IMPORT_ITEMS=str(IMPORT_ITEMS),
            KONTENT_IMPORT_CONCURRENCY=str(IMPORT_CONCURRENCY),
        ),
        timeout=IMPORT_TIMEOUT,
    )
    result = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert result["items"] == IMPORT_ITEMS
    print(f"\nimport ({hw_server.label}): {json.dumps(result)}")


def test_filter_and_bulk_get_items_with_variants(
    run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject
) -> None:
    run_node(
        "kontent_filter.mjs",
        kontent_env(hw_server, kontent_project, KONTENT_PAGE_SIZE=str(KONTENT_PAGE_SIZE)),
        timeout=180,
    )


def test_environment_validation(
    run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject
) -> None:
    run_node("kontent_validation.mjs", kontent_env(hw_server, kontent_project))
