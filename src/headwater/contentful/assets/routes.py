"""The assets URL table (joined into `contentful/routes.py`): uploads, assets and their state changes,
processing, and the unauthenticated file route that serves processed files."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.contentful.assets import assets, files, processing, uploads
from headwater.contentful.paths import BASES

routes: list[BaseRoute] = [
    Route(files.PREFIX + "/{space_id}/{asset_id}/{token}/{file_name:path}", files.serve_file, methods=["GET"]),
]

for _base in BASES:
    _asset = _base + "/assets/{asset_id}"
    routes += [
        Route(_base + "/uploads", uploads.create_upload, methods=["POST"]),
        Route(_base + "/uploads/{upload_id}", uploads.get_upload, methods=["GET"]),
        Route(_base + "/uploads/{upload_id}", uploads.delete_upload, methods=["DELETE"]),
        Route(_base + "/assets", assets.create_asset, methods=["POST"]),
        Route(_asset, assets.get_asset, methods=["GET"]),
        Route(_asset, assets.put_asset, methods=["PUT"]),
        Route(_asset, assets.delete_asset, methods=["DELETE"]),
        Route(_asset + "/published", assets.publish_asset, methods=["PUT"]),
        Route(_asset + "/published", assets.unpublish_asset, methods=["DELETE"]),
        Route(_asset + "/archived", assets.archive_asset, methods=["PUT"]),
        Route(_asset + "/archived", assets.unarchive_asset, methods=["DELETE"]),
        Route(_asset + "/files/{locale_code}/process", processing.process_asset, methods=["PUT"]),
    ]
