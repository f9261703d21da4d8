"""Processed asset files: where their bytes live, their URLs, and serving them like a CDN.

A processed file gets a random 32-hex token (like the hosted `//images.ctfassets.net/{space}/{asset}/
{token}/{fileName}`). Its bytes are stored under `contentful/{space}/files/{token}` and a small JSON
sidecar `…/{token}.json` keeps the content type, file name and asset id. A file whose `upload` URL was
not fetched (offline mode) has only the sidecar, naming the original URL to redirect to.

The URL is absolute, built from the scheme and host the processing request arrived with:
`http(s)://{host}/files/{space}/{asset}/{token}/{fileName}`. Absolute rather than protocol-relative
because contentful-export prefixes `https:` to `//…` URLs, which a plain-http server cannot answer.
`GET /files/…` needs no token (like the hosted asset CDN) and answers the bytes with the stored
content type. Files are never deleted with their asset: copies of an environment share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import msgspec
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from headwater.contentful import errors
from headwater.platform import ids
from headwater.platform.requests import new_request_id
from headwater.services import Services
from headwater.storage.blobs import BlobNotFound, BlobStore

PREFIX = "/files"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
_PATH_RE = re.compile(r"/files/([^/?#]+)/([^/?#]+)/([0-9a-f]{32})/")
CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass(slots=True)
class StoredFile:
    """A file's sidecar: what `GET /files/…` answers with, and (offline mode) where it redirects."""

    content_type: str
    file_name: str
    asset_id: str
    redirect: str | None = None

    def encode(self) -> bytes:
        out: dict[str, Any] = {"contentType": self.content_type, "fileName": self.file_name, "asset": self.asset_id}
        if self.redirect is not None:
            out["redirect"] = self.redirect
        return msgspec.json.encode(out)

    @classmethod
    def decode(cls, raw: bytes) -> StoredFile | None:
        try:
            doc = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return None
        if not isinstance(doc, dict):
            return None
        redirect = doc.get("redirect")
        return cls(
            str(doc.get("contentType") or "application/octet-stream"),
            str(doc.get("fileName") or ""),
            str(doc.get("asset") or ""),
            redirect if isinstance(redirect, str) else None,
        )


def data_key(space_id: str, token: str) -> str:
    return f"contentful/{space_id}/files/{token}"


def meta_key(space_id: str, token: str) -> str:
    return f"contentful/{space_id}/files/{token}.json"


def file_url(base_url: str, space_id: str, asset_id: str, token: str, file_name: str) -> str:
    """`base_url` is the request's `scheme://host/` (with its trailing slash)."""
    name = quote(file_name or "file", safe="")
    return f"{base_url.rstrip('/')}{PREFIX}/{quote(space_id, safe='')}/{quote(asset_id, safe='')}/{token}/{name}"


async def store(blobs: BlobStore, space_id: str, token: str, meta: StoredFile, data: bytes | None) -> None:
    """Bytes first, then the sidecar: a file is servable only once both exist."""
    if data is not None:
        await blobs.put(data_key(space_id, token), data)
    await blobs.put(meta_key(space_id, token), meta.encode())


async def load(blobs: BlobStore, space_id: str, token: str) -> tuple[StoredFile, bytes | None] | None:
    """The sidecar and (unless it is a redirect) the bytes of a stored file; None when missing."""
    if not ids.is_contentful_id(space_id) or not TOKEN_RE.fullmatch(token):
        return None
    try:
        meta = StoredFile.decode(await blobs.get(meta_key(space_id, token)))
        if meta is None:
            return None
        if meta.redirect is not None:
            return meta, None
        return meta, await blobs.get(data_key(space_id, token))
    except BlobNotFound:
        return None


async def load_by_url(blobs: BlobStore, url: str) -> tuple[StoredFile, bytes | None] | None:
    """A file this server stored, named by its URL (any host and scheme, even a doubled one like
    `https:http://…`: the random token identifies it)."""
    match = _PATH_RE.search(url)
    if match is None:
        return None
    return await load(blobs, unquote(match.group(1)), match.group(3))


async def serve_file(request: Request) -> Response:
    """`GET /files/{space}/{asset}/{token}/{fileName}`: unauthenticated, like the hosted asset CDN."""
    services: Services = request.app.state.services
    space_id = request.path_params["space_id"]
    found = await load(services.blobs, space_id, request.path_params["token"])
    if found is None or found[0].asset_id != request.path_params["asset_id"]:
        return errors.not_found("File", request.path_params["token"]).response(new_request_id())
    meta, data = found
    if meta.redirect is not None:
        return RedirectResponse(meta.redirect, 302)
    return Response(data or b"", 200, {"Cache-Control": CACHE_CONTROL}, meta.content_type)
