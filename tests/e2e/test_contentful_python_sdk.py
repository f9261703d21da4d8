"""contentful-management (PyPI, pinned in pyproject) against a real `headwater serve` process."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from contentful_management import Client
from contentful_management.errors import (
    NotFoundError,
    RateLimitExceededError,
    UnauthorizedError,
    UnprocessableEntityError,
    VersionMismatchError,
)

from tests.e2e.harness import ContentfulSpace, HeadwaterProcess

pytestmark = pytest.mark.e2e

# 25 > 2 × 10 requests/second: even a burst straddling a window boundary exceeds one window's budget.
BURST = 25


def make_client(server: HeadwaterProcess, token: str, **options: Any) -> Any:
    return Client(token, api_url=server.host, uploads_api_url=server.host, https=False, **options)


@pytest.fixture
def client(hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> Any:
    return make_client(hw_server, contentful_space["cma_token"])


def wait_until_ready(client: Any, space_id: str, environment_id: str, timeout: float = 15.0) -> Any:
    """Poll an environment until `sys.status` links to `ready`."""
    deadline = time.monotonic() + timeout
    while True:
        environment = client.environments(space_id).find(environment_id)
        status = environment.sys.get("status")
        if isinstance(status, dict) and status.get("sys", {}).get("id") == "ready":
            return environment
        if time.monotonic() > deadline:
            pytest.fail(f"environment {environment_id} not ready after {timeout}s: {status!r}")
        time.sleep(0.1)


def test_current_user_and_organizations(client: Any, contentful_space: ContentfulSpace) -> None:
    me = client.users().me()
    assert me.sys["type"] == "User"
    assert isinstance(me.id, str) and me.id
    assert "@" in me.email
    organizations = client.organizations().all()
    assert organizations.total >= 1
    assert contentful_space["organization_id"] in [organization.id for organization in organizations]


def test_space_lifecycle(client: Any, contentful_space: ContentfulSpace) -> None:
    organization_id = contentful_space["organization_id"]
    space = client.spaces().create(
        {"name": "E2E Python space", "default_locale": "en-US", "organization_id": organization_id}
    )
    assert space.sys["type"] == "Space"
    assert space.name == "E2E Python space"

    found = client.spaces().find(space.id)
    assert found.name == "E2E Python space"
    assert space.id in [item.id for item in client.spaces().all()]

    version = found.sys["version"]
    found.name = "E2E Python space (renamed)"
    found.save()
    assert found.sys["version"] > version
    assert client.spaces().find(space.id).name == "E2E Python space (renamed)"

    found.delete()
    with pytest.raises(NotFoundError):
        client.spaces().find(space.id)


def test_environment_lifecycle(client: Any, contentful_space: ContentfulSpace) -> None:
    space_id = contentful_space["space_id"]
    environments = client.environments(space_id)

    created = environments.create("py-qa", {"name": "Python QA"})
    assert created.sys["type"] == "Environment"
    assert created.id == "py-qa"
    assert created.name == "Python QA"
    wait_until_ready(client, space_id, "py-qa")

    copy = environments.create("py-qa-copy", {"name": "Python QA copy", "source_environment_id": "py-qa"})
    assert copy.id == "py-qa-copy"
    wait_until_ready(client, space_id, "py-qa-copy")

    listed = environments.all()
    assert sorted(environment.id for environment in listed) == ["master", "py-qa", "py-qa-copy"]
    assert listed.total == 3

    # `Environment.save()` cannot rename: the SDK builds the PUT body from the attributes passed to
    # `update()` only, so `save()` sends `{"name": null}`. `update({...})` is the SDK's working rename
    # (it refreshes `sys` but not the local `name`, hence the `find`).
    found = environments.find("py-qa")
    version = found.sys["version"]
    found.update({"name": "Python QA (renamed)"})
    assert found.sys["version"] > version
    assert environments.find("py-qa").name == "Python QA (renamed)"

    found.delete()
    with pytest.raises(NotFoundError):
        environments.find("py-qa")
    assert sorted(environment.id for environment in environments.all()) == ["master", "py-qa-copy"]


def test_locale_lifecycle(client: Any, contentful_space: ContentfulSpace) -> None:
    environment = client.environments(contentful_space["space_id"]).find("master")
    locales = environment.locales()

    [default] = list(locales.all())
    assert default.code == "en-US"
    assert default.default is True

    german = locales.create({"name": "German", "code": "de-DE", "fallbackCode": "en-US"})
    assert german.sys["type"] == "Locale"
    assert (german.code, german.fallback_code, german.default) == ("de-DE", "en-US", False)

    found = locales.find(german.id)
    assert found.name == "German"
    assert sorted(locale.code for locale in locales.all()) == ["de-DE", "en-US"]

    version = found.sys["version"]
    found.name = "Deutsch"
    found.save()
    assert found.sys["version"] > version
    assert locales.find(german.id).name == "Deutsch"

    found.delete()
    with pytest.raises(NotFoundError):
        locales.find(german.id)
    assert [locale.code for locale in locales.all()] == ["en-US"]


def test_errors_map_to_sdk_exceptions(
    client: Any, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace
) -> None:
    space_id = contentful_space["space_id"]

    with pytest.raises(UnauthorizedError):
        make_client(hw_server, "CFPAT-this-token-does-not-exist").users().me()

    with pytest.raises(NotFoundError):
        client.spaces().find("nosuchspace00")
    with pytest.raises(NotFoundError):
        client.environments(space_id).find("no-such-environment")

    first = client.spaces().find(space_id)
    stale = client.spaces().find(space_id)
    first.name = "Renamed once"
    first.save()
    stale.name = "Renamed from a stale copy"
    with pytest.raises(VersionMismatchError):
        stale.save()
    assert client.spaces().find(space_id).name == "Renamed once"

    locales = client.environments(space_id).find("master").locales()
    locales.create({"name": "Dutch", "code": "nl-NL", "fallbackCode": "en-US"})
    with pytest.raises(UnprocessableEntityError) as duplicate:
        locales.create({"name": "Dutch again", "code": "nl-NL", "fallbackCode": "en-US"})
    assert duplicate.value.status_code == 422


def test_rate_limit_exceeded_without_retries(hw_limited_server: HeadwaterProcess) -> None:
    space = hw_limited_server.space("E2E Python rate limits")
    client = make_client(hw_limited_server, space["cma_token"], max_rate_limit_retries=0)

    def call(_: int) -> Exception | None:
        try:
            client.users().me()
        except Exception as exc:
            return exc
        return None

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        outcomes = list(pool.map(call, range(BURST)))
    failures = [outcome for outcome in outcomes if outcome is not None]
    unexpected = [failure for failure in failures if not isinstance(failure, RateLimitExceededError)]
    assert not unexpected, unexpected
    assert failures, f"expected at least one RateLimitExceededError among {BURST} concurrent requests"
    assert len(failures) < BURST, "some requests are within the budget"
    for failure in failures:
        assert isinstance(failure, RateLimitExceededError)
        reset = failure.reset_time()
        assert isinstance(reset, int)
        assert reset >= 0
