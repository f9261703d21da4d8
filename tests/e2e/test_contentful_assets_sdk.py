"""Uploads and assets through contentful-management (npm and PyPI) against a real `headwater serve`."""

from __future__ import annotations

import io
import urllib.request

import pytest
from contentful_management import Client

from tests.e2e.harness import ContentfulSpace, HeadwaterProcess, NodeRunner
from tests.e2e.test_contentful_js_sdk import contentful_env

pytestmark = pytest.mark.e2e

# A 2×1 GIF, from its header fields.
GIF = (
    b"GIF89a\x02\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def test_uploads_and_assets(
    run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace
) -> None:
    run_node("contentful_assets.mjs", contentful_env(hw_server, contentful_space), timeout=120)


def test_python_sdk_upload_process_publish(hw_server: HeadwaterProcess) -> None:
    space = hw_server.space("E2E Python assets")
    client = Client(space["cma_token"], api_url=hw_server.host, uploads_api_url=hw_server.host, https=False)
    space_id = space["space_id"]
    upload = client.uploads(space_id).create(io.BytesIO(GIF))
    assert upload.sys["type"] == "Upload"
    assets = client.assets(space_id, "master")
    asset = assets.create(
        None,
        {
            "fields": {
                "title": {"en-US": "Two pixels"},
                "file": {
                    "en-US": {
                        "fileName": "two.gif",
                        "contentType": "image/gif",
                        "uploadFrom": upload.to_link().to_json(),
                    }
                },
            }
        },
    )
    assert asset.sys["version"] == 1
    asset.process()
    asset = assets.find(asset.id)
    assert asset.sys["version"] == 2
    file = asset.fields()["file"]
    assert file["details"] == {"size": len(GIF), "image": {"width": 2, "height": 1}}
    with urllib.request.urlopen(file["url"]) as response:
        assert response.read() == GIF
    asset.publish()
    assert asset.is_published
    assert assets.find(asset.id).sys["published_version"] == 2
    upload.delete()
