"""Bearer keys and tokens: minted once, stored as SHA-256 hashes, resolved through an in-process cache.

A request must not pay a database round trip to authenticate. The cache is dropped whenever keys
change anywhere: revocations bump `auth_epoch` in the same transaction, and each process notices
through `Database.data_changed()` (SQLite `PRAGMA data_version`, PostgreSQL LISTEN/NOTIFY) before it
trusts a cached entry. Expiry is checked on every request against the cached expiry time.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from enum import Enum

from headwater.platform import clock
from headwater.storage import tenancy
from headwater.storage.database import Database

KONTENT_KEY_PREFIX = "hwk_"
CONTENTFUL_TOKEN_PREFIX = "CFPAT-"
_MAX_CACHE = 10_000


def mint(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Verdict(Enum):
    OK = "ok"
    MISSING = "missing"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    kind: str
    owner_id: str
    expires_at: str | None
    revoked_at: str | None


@dataclass(frozen=True, slots=True)
class AuthResult:
    verdict: Verdict
    principal: Principal | None = None


def bearer_token(header: str | None) -> tuple[Verdict, str]:
    """Split an Authorization header; the scheme is case-insensitive (the Kontent SDK sends `bearer`)."""
    if header is None or not header.strip():
        return Verdict.MISSING, ""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return Verdict.MALFORMED, ""
    return Verdict.OK, token


class Authenticator:
    def __init__(self, db: Database, ttl_seconds: float = 60.0) -> None:
        self._db = db
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[Principal, float]] = {}
        self._epoch: int | None = None

    def forget(self) -> None:
        """Drop every cached key (called in-process right after a revocation)."""
        self._cache.clear()

    async def _refresh_if_changed(self) -> None:
        if await self._db.data_changed():
            async with self._db.read() as conn:
                epoch = await tenancy.auth_epoch(conn)
            if epoch != self._epoch:
                self._epoch = epoch
                self._cache.clear()

    async def authenticate(self, header: str | None, kinds: tuple[str, ...]) -> AuthResult:
        verdict, token = bearer_token(header)
        if verdict is not Verdict.OK:
            return AuthResult(verdict)
        digest = token_hash(token)
        await self._refresh_if_changed()
        now_mono = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and now_mono - cached[1] < self._ttl:
            principal = cached[0]
        else:
            async with self._db.read() as conn:
                key = await tenancy.key_by_hash(conn, digest)
            if key is None:
                return AuthResult(Verdict.UNKNOWN)
            principal = Principal(key.id, key.kind, key.owner_id, key.expires_at, key.revoked_at)
            if len(self._cache) >= _MAX_CACHE:
                self._cache.clear()
            self._cache[digest] = (principal, now_mono)
        if principal.kind not in kinds:
            return AuthResult(Verdict.UNKNOWN)
        if principal.revoked_at is not None:
            return AuthResult(Verdict.REVOKED, principal)
        if principal.expires_at is not None and principal.expires_at <= clock.stamp():
            return AuthResult(Verdict.EXPIRED, principal)
        return AuthResult(Verdict.OK, principal)
