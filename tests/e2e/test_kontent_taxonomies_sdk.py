"""Taxonomy groups through @kontent-ai/management-sdk (npm, pinned in tests/e2e/node) against `headwater serve`."""

from __future__ import annotations

import pytest

from tests.e2e.harness import KONTENT_PAGE_SIZE, HeadwaterProcess, KontentProject, NodeRunner
from tests.e2e.test_kontent_sdk import kontent_env

pytestmark = pytest.mark.e2e


def test_taxonomies(run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject) -> None:
    run_node(
        "kontent_taxonomies.mjs", kontent_env(hw_server, kontent_project, KONTENT_PAGE_SIZE=str(KONTENT_PAGE_SIZE))
    )
