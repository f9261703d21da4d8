"""The entries URL table (joined into `contentful/routes.py`): every route under an environment and
in the environment-less short form that means `master`. The list (`GET …/entries`) is the search
family's."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.contentful.entries import entries, references
from headwater.contentful.paths import BASES

routes: list[BaseRoute] = []
for _base in BASES:
    _one = _base + "/entries/{entry_id}"
    routes += [
        Route(_base + "/entries", entries.create_entry, methods=["POST"]),
        Route(_one, entries.get_entry, methods=["GET"]),
        Route(_one, entries.put_entry, methods=["PUT"]),
        Route(_one, entries.patch_entry, methods=["PATCH"]),
        Route(_one, entries.delete_entry, methods=["DELETE"]),
        Route(_one + "/published", entries.publish_entry, methods=["PUT"]),
        Route(_one + "/published", entries.unpublish_entry, methods=["DELETE"]),
        Route(_one + "/archived", entries.archive_entry, methods=["PUT"]),
        Route(_one + "/archived", entries.unarchive_entry, methods=["DELETE"]),
        Route(_one + "/snapshots", entries.list_snapshots, methods=["GET"]),
        Route(_one + "/snapshots/{snapshot_id}", entries.get_snapshot, methods=["GET"]),
        Route(_one + "/references", references.get_references, methods=["GET"]),
    ]
