"""@kontent-ai/management-sdk (npm, pinned in tests/e2e/node) against a real `headwater serve` process."""

from __future__ import annotations

import pytest

from tests.e2e.harness import KONTENT_PAGE_SIZE, HeadwaterProcess, KontentProject, NodeRunner

pytestmark = pytest.mark.e2e


def kontent_env(server: HeadwaterProcess, project: KontentProject, **extra: str) -> dict[str, str]:
    return {
        "KONTENT_BASE_URL": server.kontent_base_url,
        "KONTENT_ENVIRONMENT_ID": project["environment_id"],
        "KONTENT_API_KEY": project["management_api_key"],
        **extra,
    }


def test_environment_information_and_rename(
    run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject
) -> None:
    run_node(
        "kontent_environment.mjs", kontent_env(hw_server, kontent_project, KONTENT_PROJECT_NAME=kontent_project["name"])
    )


def test_languages(run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject) -> None:
    run_node("kontent_languages.mjs", kontent_env(hw_server, kontent_project, KONTENT_PAGE_SIZE=str(KONTENT_PAGE_SIZE)))


def test_collections(run_node: NodeRunner, hw_server: HeadwaterProcess, kontent_project: KontentProject) -> None:
    run_node("kontent_collections.mjs", kontent_env(hw_server, kontent_project))


def test_errors_surface_as_sdk_errors(
    run_node: NodeRunner,
    hw_server: HeadwaterProcess,
    kontent_project: KontentProject,
    other_kontent_project: KontentProject,
) -> None:
    env = kontent_env(hw_server, kontent_project, KONTENT_OTHER_ENVIRONMENT_ID=other_kontent_project["environment_id"])
    run_node("kontent_errors.mjs", env)


def test_rate_limits_and_retries(run_node: NodeRunner, hw_limited_server: HeadwaterProcess) -> None:
    burst = hw_limited_server.project("E2E rate limits, no retries")
    retried = hw_limited_server.project("E2E rate limits, default retries")
    env = kontent_env(
        hw_limited_server,
        burst,
        KONTENT_RETRY_ENVIRONMENT_ID=retried["environment_id"],
        KONTENT_RETRY_API_KEY=retried["management_api_key"],
    )
    run_node("kontent_rate_limits.mjs", env, timeout=120)
