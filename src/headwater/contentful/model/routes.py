"""The model URL table (joined into `contentful/routes.py`): content types, their activation,
snapshots and editor interfaces, under an environment and in the short form that means `master`.
The content type lists, with search, are served by `contentful/search/`."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.contentful.model import contenttypes as ct
from headwater.contentful.model import editorinterfaces as ei
from headwater.contentful.paths import BASES

routes: list[BaseRoute] = []
for _base in BASES:
    _one = _base + "/content_types/{content_type_id}"
    routes += [
        Route(_base + "/content_types", ct.create_content_type, methods=["POST"]),
        Route(_one, ct.get_content_type, methods=["GET"]),
        Route(_one, ct.put_content_type, methods=["PUT"]),
        Route(_one, ct.delete_content_type, methods=["DELETE"]),
        Route(_one + "/published", ct.activate_content_type, methods=["PUT"]),
        Route(_one + "/published", ct.deactivate_content_type, methods=["DELETE"]),
        Route(_one + "/snapshots", ct.list_snapshots, methods=["GET"]),
        Route(_one + "/snapshots/{snapshot_id}", ct.get_snapshot, methods=["GET"]),
        Route(_one + "/editor_interface", ei.get_editor_interface, methods=["GET"]),
        Route(_one + "/editor_interface", ei.update_editor_interface, methods=["PUT"]),
        Route(_base + "/editor_interfaces", ei.list_editor_interfaces, methods=["GET"]),
    ]
