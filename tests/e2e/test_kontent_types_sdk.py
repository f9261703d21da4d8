"""Content types and snippets through @kontent-ai/management-sdk against a real `headwater serve` process."""

from __future__ import annotations

import pytest

from tests.e2e.harness import HeadwaterProcess, KontentProject, NodeRunner
from tests.e2e.test_kontent_sdk import kontent_env

pytestmark = pytest.mark.e2e


def test_content_types_and_snippets(
    run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject
) -> None:
    run_node("kontent_types.mjs", kontent_env(hw_server, kontent_project))
