"""`PUT …/assets/{id}/files/{locale}/process` (204): turn a file's source into a served file.

Processing runs inside the request, so the next GET already shows the processed file; the hosted API
finishes later, which clients poll for, so either satisfies them. Each processed locale costs one
version, and the `url` appears together with that version. `X-Contentful-Version` is required but may
be stale: contentful-import and the JS SDK's `processForAllLocales` process every locale in parallel
with the same version, and all must succeed; a version newer than the asset's is a 409. Writes
serialize under the environment lock, and the file is re-read there, so parallel locales each add
their own version; a locale whose source changed meanwhile (or was processed already) is left alone.

Sources:
- `uploadFrom` (a Link to an Upload of the space): its bytes are copied to a file blob. A missing or
  expired upload is a 422 `ValidationFailed` (`notResolvable`).
- `upload` URL naming a file this server serves (`…/files/{space}/{asset}/{token}/…`, any host): its
  bytes are copied locally, so exports from Headwater import offline.
- any other `upload` URL: downloaded when `fetch_asset_urls` is on (http/https, bounded by
  `max_upload_bytes`, 30 s). Otherwise, or when the download fails, the file gets a Headwater URL that
  redirects (302) to the original address, with `details.size` 0 and no `image`: the record stays
  usable offline and whoever follows the URL reaches the original.

A locale without a file, or a file with neither source nor `url`, is a 422 `ValidationFailed`
(`required`); a file that has a `url` and no source is processed already (204, no version spent).

The processed file is `{url, details: {size, image?: {width, height}}, fileName, contentType}`;
`upload`/`uploadFrom` are removed (a copy of the asset elsewhere must not name this space's upload).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import urllib.request
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, lifecycle
from headwater.contentful.assets import files, images, uploads
from headwater.contentful.assets.assets import (
    FILE_FIELD,
    KIND,
    encode,
    environment_id,
    is_upload_link,
    load_locked,
    not_found,
)
from headwater.contentful.entries.context import load_locales
from headwater.contentful.errors import ContentfulError
from headwater.contentful.pipeline import Call, endpoint, no_content
from headwater.contentful.search import index
from headwater.platform import clock
from headwater.storage import cfentities

log = logging.getLogger("headwater.contentful")

FETCH_TIMEOUT_SECONDS = 30.0
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass(slots=True)
class Processed:
    url: str
    details: dict[str, Any]


def source_of(file: Any) -> tuple[str, str] | None:
    """("uploadFrom", upload id) or ("upload", url) when the file still waits for processing."""
    if not isinstance(file, dict):
        return None
    if is_upload_link(file.get("uploadFrom")):
        return "uploadFrom", str(file["uploadFrom"]["sys"]["id"])
    if isinstance(file.get("upload"), str) and file["upload"]:
        return "upload", str(file["upload"])
    return None


def details_for(data: bytes, content_type: str) -> dict[str, Any]:
    details: dict[str, Any] = {"size": len(data)}
    if content_type.lower().startswith("image/"):
        found = images.dimensions(data)
        if found is not None:
            details["image"] = {"width": found[0], "height": found[1]}
    return details


def unresolvable_upload(locale: str, upload_id: str) -> ContentfulError:
    return errors.validation_failed(
        [
            {
                "name": "notResolvable",
                "link": {"type": "Link", "linkType": "Upload", "id": upload_id},
                "path": ["fields", FILE_FIELD, locale, "uploadFrom"],
                "details": "The upload could not be found or has expired.",
            }
        ]
    )


def _download(url: str, limit: int) -> bytes:
    if url.startswith("//"):
        url = "https:" + url
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "headwater-asset-processing"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
        data: bytes = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data


async def _materialize(
    call: Call, space_id: str, asset_id: str, locale: str, file: dict[str, Any], source: tuple[str, str]
) -> Processed:
    """Store the file's bytes (or its redirect) under a new token; its URL and details."""
    blobs = call.services.blobs
    settings = call.services.settings
    file_name = str(file.get("fileName") or "file")
    content_type = file.get("contentType") if isinstance(file.get("contentType"), str) else None
    data: bytes | None = None
    redirect: str | None = None
    kind, value = source
    if kind == "uploadFrom":
        upload = await uploads.find(call, space_id, value)
        data = await uploads.read_bytes(blobs, upload) if upload is not None else None
        if data is None:
            raise unresolvable_upload(locale, value)
    else:
        local = await files.load_by_url(blobs, value)
        if local is not None:
            meta, data = local
            redirect = meta.redirect
            content_type = content_type or meta.content_type
        elif settings.fetch_asset_urls:
            try:
                data = await asyncio.to_thread(_download, value, settings.max_upload_bytes)
            except Exception as exc:  # network errors, HTTP errors, bad URLs: keep the record usable
                log.warning("asset %s: could not fetch %s (%s); serving a redirect", asset_id, value, exc)
        if data is None and redirect is None:
            redirect = value
    content_type = content_type or DEFAULT_CONTENT_TYPE
    token = secrets.token_hex(16)
    if redirect is not None:
        if redirect.startswith("//"):
            redirect = "https:" + redirect
        await files.store(blobs, space_id, token, files.StoredFile(content_type, file_name, asset_id, redirect), None)
        details: dict[str, Any] = {"size": 0}
    else:
        payload = data or b""
        await files.store(blobs, space_id, token, files.StoredFile(content_type, file_name, asset_id), payload)
        details = details_for(payload, content_type)
    url = files.file_url(str(call.request.base_url), space_id, asset_id, token, file_name)
    return Processed(url, details)


def _processed_file(file: dict[str, Any], processed: Processed) -> dict[str, Any]:
    out: dict[str, Any] = {"url": processed.url, "details": processed.details}
    for key, value in file.items():
        if key not in ("upload", "uploadFrom", "url", "details"):
            out[key] = value
    return out


@endpoint
async def process_asset(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), environment_id(call))
    asset_id = call.param("asset_id")
    locale = call.param("locale_code")
    sent = call.version(required=True)
    assert sent is not None
    async with call.services.db.read() as conn:
        entity = await cfentities.get(conn, env.pk, KIND, asset_id)
        if entity is None:
            raise not_found(env, asset_id)
        stored_locale = (await load_locales(conn, env)).to_internal.get(locale, locale)
    if sent > entity.version:
        raise errors.version_mismatch()
    lifecycle.check_updatable(entity)
    file = ((msgspec.json.decode(entity.data).get("fields") or {}).get(FILE_FIELD) or {}).get(stored_locale)
    if not isinstance(file, dict):
        raise errors.validation_failed(
            [
                {
                    "name": "required",
                    "path": ["fields", FILE_FIELD, locale],
                    "details": f"No file specified for locale: {locale}",
                }
            ]
        )
    source = source_of(file)
    if source is None:
        if isinstance(file.get("url"), str):  # processed already: nothing to do, no version spent
            return no_content()
        raise errors.validation_failed(
            [
                {
                    "name": "required",
                    "path": ["fields", FILE_FIELD, locale, key],
                    "details": f'The property "{key}" is required here',
                }
                for key in ("upload", "uploadFrom")
            ]
        )
    processed = await _materialize(call, env.container_id, asset_id, locale, file, source)
    now = clock.stamp()
    async with call.services.db.write() as conn:
        entity = await load_locked(conn, env, asset_id)
        lifecycle.check_updatable(entity)
        doc = msgspec.json.decode(entity.data)
        current = ((doc.get("fields") or {}).get(FILE_FIELD) or {}).get(stored_locale)
        if not isinstance(current, dict) or source_of(current) != source:  # changed or processed meanwhile
            return no_content()
        doc["fields"][FILE_FIELD][stored_locale] = _processed_file(current, processed)
        entity.data = encode(doc)
        lifecycle.touch(entity, call.user_id, now)
        await index.save(conn, env.pk, entity, created=False)
    return no_content()
