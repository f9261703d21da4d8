"""Binary storage behind one interface: a local directory now, S3-compatible storage later.

Keys are relative, slash-separated names chosen by the caller (e.g. `kontent/{env}/{file_id}`).
Writes go to a temporary file first and are renamed into place, so readers never see half a file.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol


class BlobNotFound(KeyError):
    """No blob is stored under the key."""


class BlobStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None: ...

    async def check_writable(self) -> None:
        """Raise if the store cannot accept writes (readiness probe)."""
        ...


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        parts = [p for p in key.split("/") if p]
        if not parts or any(p in {".", ".."} or os.sep in p for p in parts):
            raise ValueError(f"invalid blob key {key!r}")
        return self.root.joinpath(*parts)

    async def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    async def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    async def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    async def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    async def check_writable(self) -> None:
        probe = f".readyz/{secrets.token_hex(8)}"
        await self.put(probe, b"ok")
        await self.delete(probe)
