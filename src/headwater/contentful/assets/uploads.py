"""Uploads: `POST /spaces/{s}[/environments/{e}]/uploads` with a raw `application/octet-stream` body,
`GET` and `DELETE …/uploads/{id}`.

The body is read bounded by `max_upload_bytes` (413 beyond) and stored in the blob store under
`contentful/{space}/uploads/{id}`; the row in `cf_uploads` records size and expiry. Like the recorded
hosted responses, `createdAt` has whole seconds and `expiresAt` is midnight UTC two days after the
creation day (so an upload lives more than 24 and at most 48 hours). An expired upload answers 404;
expired uploads of a space are swept (rows and bytes) whenever that space receives a new upload.
An upload is space-wide: any URL form of its space reads or deletes it (the environment segment is
not checked).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import Response

from headwater.contentful import errors, sys
from headwater.contentful.errors import ContentfulError
from headwater.contentful.pipeline import Call, endpoint, no_content, raw_endpoint, respond
from headwater.platform import clock, ids
from headwater.platform.requests import BodyTooLarge, media_type, read_body
from headwater.storage import cfuploads
from headwater.storage.blobs import BlobNotFound, BlobStore
from headwater.storage.cfuploads import StoredUpload

log = logging.getLogger("headwater.contentful")

OCTET_STREAM = "application/octet-stream"
LIFETIME_DAYS = 2


def blob_key(space_id: str, upload_id: str) -> str:
    return f"contentful/{space_id}/uploads/{upload_id}"


def render_upload(upload: StoredUpload) -> dict[str, Any]:
    return {
        "sys": {
            "id": upload.id,
            "type": "Upload",
            "createdAt": clock.contentful(upload.created_at),
            "expiresAt": clock.contentful(upload.expires_at),
            "space": sys.link("Space", upload.space_id),
            "createdBy": sys.user_link(upload.created_by),
        }
    }


def upload_not_found() -> ContentfulError:
    # The recorded hosted 404 for an upload carries the message again as a string `details`.
    message = "The resource could not be found."
    return ContentfulError(404, "NotFound", message, message)


def expiry_of(created: datetime) -> datetime:
    day = created.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=LIFETIME_DAYS)


async def find(call: Call, space_id: str, upload_id: str) -> StoredUpload | None:
    """A live upload of the space (None when missing or expired)."""
    async with call.services.db.read() as conn:
        return await cfuploads.get(conn, space_id, upload_id, clock.stamp())


async def read_bytes(blobs: BlobStore, upload: StoredUpload) -> bytes | None:
    try:
        return await blobs.get(upload.blob_key)
    except BlobNotFound:
        return None


async def _scope(call: Call) -> str:
    """Check the space; the space id. The environment segment of the environment form is not checked:
    uploads are space-wide, and the JS SDK's legacy `upload.delete()` sends the upload id there."""
    space_id = call.param("space_id")
    await call.space(space_id)
    return space_id


@raw_endpoint
async def create_upload(call: Call) -> Response:
    space_id = await _scope(call)
    kind = media_type(call.request)
    if kind != OCTET_STREAM:
        shown = "none" if kind is None else f"'{kind}'"
        raise errors.unsupported_media_type(f"An upload must be sent with Content-Type: {OCTET_STREAM} (got {shown}).")
    limit = call.services.settings.max_upload_bytes
    try:
        data = await read_body(call.request, limit)
    except BodyTooLarge:
        raise errors.payload_too_large(limit) from None
    created = clock.now().replace(microsecond=0)
    upload = StoredUpload(
        space_id=space_id,
        id=ids.contentful_id(),
        environment_id=call.request.path_params.get("environment_id"),
        blob_key="",
        size=len(data),
        created_at=clock.stamp(created),
        expires_at=clock.stamp(expiry_of(created)),
        created_by=call.user_id,
    )
    upload.blob_key = blob_key(space_id, upload.id)
    await call.services.blobs.put(upload.blob_key, data)
    async with call.services.db.write() as conn:
        await cfuploads.insert(conn, upload)
        expired = await cfuploads.take_expired(conn, space_id, clock.stamp())
    for key in expired:
        with contextlib.suppress(BlobNotFound):
            await call.services.blobs.delete(key)
    return respond(render_upload(upload), 201)


@endpoint
async def get_upload(call: Call) -> Response:
    space_id = await _scope(call)
    upload = await find(call, space_id, call.param("upload_id"))
    if upload is None:
        raise upload_not_found()
    return respond(render_upload(upload))


@endpoint
async def delete_upload(call: Call) -> Response:
    space_id = await _scope(call)
    upload_id = call.param("upload_id")
    async with call.services.db.write() as conn:
        upload = await cfuploads.get(conn, space_id, upload_id, clock.stamp())
        if upload is None:
            raise upload_not_found()
        await cfuploads.delete(conn, space_id, upload_id)
    with contextlib.suppress(BlobNotFound):
        await call.services.blobs.delete(upload.blob_key)
    return no_content()
