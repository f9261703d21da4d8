"""contentful-management (npm, pinned in tests/e2e/node) against a real `headwater serve` process."""

from __future__ import annotations

import pytest

from tests.e2e.harness import ContentfulSpace, HeadwaterProcess, NodeRunner

pytestmark = pytest.mark.e2e


def contentful_env(server: HeadwaterProcess, space: ContentfulSpace) -> dict[str, str]:
    return {
        "CONTENTFUL_HOST": server.host,
        "CONTENTFUL_TOKEN": space["cma_token"],
        "CONTENTFUL_ORGANIZATION_ID": space["organization_id"],
        "CONTENTFUL_SPACE_ID": space["space_id"],
    }


def test_current_user_and_organizations(
    run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace
) -> None:
    run_node("contentful_user.mjs", contentful_env(hw_server, contentful_space))


def test_spaces(run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> None:
    run_node("contentful_spaces.mjs", contentful_env(hw_server, contentful_space))


def test_environments(run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> None:
    run_node("contentful_environments.mjs", contentful_env(hw_server, contentful_space))


def test_locales(run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> None:
    run_node("contentful_locales.mjs", contentful_env(hw_server, contentful_space))


def test_errors_are_named_after_sys_id(
    run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace
) -> None:
    run_node("contentful_errors.mjs", contentful_env(hw_server, contentful_space))


def test_rate_limits_and_retries(run_node: NodeRunner, hw_limited_server: HeadwaterProcess) -> None:
    space = hw_limited_server.space("E2E JS rate limits")
    run_node("contentful_rate_limits.mjs", contentful_env(hw_limited_server, space), timeout=120)
