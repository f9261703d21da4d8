"""Content types and editor interfaces through contentful-management (npm and PyPI) against a real
`headwater serve`."""

from __future__ import annotations

import pytest
from contentful_management import Client
from contentful_management.errors import BadRequestError, NotFoundError

from tests.e2e.harness import ContentfulSpace, HeadwaterProcess, NodeRunner
from tests.e2e.test_contentful_js_sdk import contentful_env

pytestmark = pytest.mark.e2e


def test_content_types_and_editor_interfaces(
    run_node: NodeRunner, hw_server: HeadwaterProcess, contentful_space: ContentfulSpace
) -> None:
    run_node("contentful_content_types.mjs", contentful_env(hw_server, contentful_space))


def test_python_sdk_content_type_lifecycle(hw_server: HeadwaterProcess, contentful_space: ContentfulSpace) -> None:
    client = Client(contentful_space["cma_token"], api_url=hw_server.host, uploads_api_url=hw_server.host, https=False)
    space_id = contentful_space["space_id"]
    content_types = client.content_types(space_id, "master")
    ct = content_types.create(
        "cat",
        {
            "name": "Cat",
            "displayField": "name",
            "fields": [
                {"id": "name", "name": "Name", "type": "Symbol", "validations": [{"size": {"max": 40}}]},
                {"id": "lives", "name": "Lives", "type": "Integer", "defaultValue": {"en-US": 9}},
                {"id": "likes", "name": "Likes", "type": "Array", "items": {"type": "Symbol"}},
                {"id": "friend", "name": "Friend", "type": "Link", "linkType": "Entry"},
            ],
        },
    )
    assert (ct.id, ct.sys["version"]) == ("cat", 1)
    ct.name = "Foo Cat"
    ct.save()
    assert ct.sys["version"] == 2
    assert content_types.find("cat").name == "Foo Cat"
    with pytest.raises(NotFoundError):
        ct.editor_interfaces().default()
    ct.publish()
    assert (ct.sys["published_version"], ct.sys["version"]) == (2, 3)
    assert [c.id for c in client.content_types(space_id, "master").all()] == ["cat"]
    editor_interface = ct.editor_interfaces().default()
    assert editor_interface.sys["version"] == 1
    editor_interface.controls[0]["widgetId"] = "urlEditor"
    editor_interface.save()
    assert ct.editor_interfaces().default().controls[0]["widgetId"] == "urlEditor"
    snapshots = ct.snapshots().all()
    assert len(snapshots.items) == 1
    assert snapshots.items[0].snapshot.name == "Foo Cat"
    assert ct.snapshots().find(snapshots.items[0].id).snapshot.fields[1].default_value == {"en-US": 9}
    ct.fields[0].type = "Text"
    with pytest.raises(BadRequestError):
        ct.save()
    ct = content_types.find("cat")
    ct.unpublish()
    ct.delete()
    with pytest.raises(NotFoundError):
        content_types.find("cat")
