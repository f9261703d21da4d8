"""contentful-management (npm and PyPI): tags and small listings against a real `headwater serve` process."""

from __future__ import annotations

import ssl
import time

import httpx
import pytest
from contentful_management import Client
from contentful_management.errors import NotFoundError, VersionMismatchError

from tests.e2e.harness import ContentfulSpace, HeadwaterProcess, NodeRunner, start_headwater
from tests.e2e.test_contentful_js_sdk import contentful_env
from tests.support import free_port

pytestmark = pytest.mark.e2e


def test_tags_and_listings(
    run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace
) -> None:
    run_node("contentful_tags.mjs", contentful_env(hw_server, contentful_space))


def test_tags_and_listings_python_sdk(hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> None:
    """contentful-management (PyPI): the visibility travels in the body's `sys`, not in a header."""
    client = Client(contentful_space["cma_token"], api_url=hw_server.host, uploads_api_url=hw_server.host, https=False)
    space_id = contentful_space["space_id"]
    tags = client.tags(space_id, "master")
    private = tags.create("pyPrivate", {"name": "Py Private"})
    assert (private.name, private.sys["visibility"], private.sys["version"]) == ("Py Private", "private", 1)
    public = tags.create("pyPublic", {"name": "Py Public", "sys": {"visibility": "public"}})
    assert public.sys["visibility"] == "public"
    with pytest.raises(VersionMismatchError):
        tags.create("pyPublic", {"name": "Again"})

    found = tags.find("pyPrivate")
    assert found.name == "Py Private"
    found.update({"name": "Py Renamed"})  # the SDK keeps its local `name`; `sys` comes from the answer
    assert found.sys["version"] == 2
    assert tags.find("pyPrivate").name == "Py Renamed"
    assert sorted(tag.id for tag in tags.all()) == ["pyPrivate", "pyPublic"]

    found.delete()
    with pytest.raises(NotFoundError):
        tags.find("pyPrivate")
    assert [tag.id for tag in tags.all()] == ["pyPublic"]

    space = client.spaces().find(space_id)
    assert space.webhooks().all().total == 0
    assert space.roles().all().total == 0
    me = client.users().me()
    assert space.users().find(me.id).id == me.id  # the SDK lists no space users (`all()` unsupported)
    organization = next(o for o in client.organizations().all() if o.id == contentful_space["organization_id"])
    # (the SDK's `organization.users().all()` asks for `…/users/None`; `find` is what works)
    assert organization.users().find(me.id).id == me.id


def test_js_sdk_over_https_and_http_on_one_server(
    run_node: NodeRunner, backend_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`serve --https-port`: the SDK with `insecure: false` (https, the development certificate trusted
    through NODE_EXTRA_CA_CERTS) and with `insecure: true` (http) against the same server and data."""
    https_port = free_port()
    data_dir = tmp_path_factory.mktemp("e2e-https")
    server = start_headwater("http + https", data_dir, backend_url, extra_args=("--https-port", str(https_port)))
    try:
        cert = data_dir / "tls" / "dev-cert.pem"
        trusted = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"https://127.0.0.1:{https_port}/healthz", verify=trusted, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)
        secure_space = server.space("E2E over https")
        env = {
            **contentful_env(server, secure_space),
            "CONTENTFUL_HOST": f"127.0.0.1:{https_port}",
            "CONTENTFUL_INSECURE": "false",
            "NODE_EXTRA_CA_CERTS": str(cert),
        }
        run_node("contentful_tags.mjs", env)
        plain_space = server.space("E2E over http")
        run_node("contentful_tags.mjs", contentful_env(server, plain_space))
    finally:
        server.stop()
