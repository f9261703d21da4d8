"""Entries through contentful-management (npm and PyPI) against a real `headwater serve`."""

from __future__ import annotations

import pytest
from contentful_management import Client
from contentful_management.errors import BadRequestError, NotFoundError, UnprocessableEntityError

from tests.e2e.harness import ContentfulSpace, HeadwaterProcess, NodeRunner
from tests.e2e.test_contentful_js_sdk import contentful_env

pytestmark = pytest.mark.e2e


def test_entries_js_sdk(run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> None:
    run_node("contentful_entries.mjs", contentful_env(hw_server, contentful_space))


def test_entries_python_sdk(hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> None:
    client = Client(contentful_space["cma_token"], api_url=hw_server.host, uploads_api_url=hw_server.host, https=False)
    space_id = contentful_space["space_id"]
    ct = client.content_types(space_id, "master").create(
        "cat",
        {
            "name": "Cat",
            "displayField": "name",
            "fields": [
                {"id": "name", "name": "Name", "type": "Symbol", "required": True},
                {"id": "lives", "name": "Lives", "type": "Integer", "validations": [{"range": {"max": 9}}]},
            ],
        },
    )
    ct.publish()
    entries = client.entries(space_id, "master")
    entry = entries.create("nyan", {"content_type_id": "cat", "fields": {"name": {"en-US": "Nyan"}}})
    assert (entry.id, entry.sys["version"], entry.name) == ("nyan", 1, "Nyan")
    entry.lives = 9
    entry.save()
    assert entry.sys["version"] == 2
    entry.publish()
    assert (entry.sys["published_version"], entry.sys["version"]) == (2, 3)
    assert entry.is_published
    assert not entry.is_updated
    entry.lives = 10
    entry.save()
    assert entry.sys["version"] == 4
    with pytest.raises(UnprocessableEntityError):
        entry.publish()
    with pytest.raises(BadRequestError):
        entry.delete()
    entry = entries.find("nyan")
    assert entry.lives == 10
    entry.unpublish()
    entry.archive()
    assert entry.is_archived
    entry.unarchive()
    assert entry.snapshots().all().items[0].snapshot.fields()["lives"] == 9
    entry.delete()
    with pytest.raises(NotFoundError):
        entries.find("nyan")
