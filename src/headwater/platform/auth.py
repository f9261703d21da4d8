"""Bearer keys and tokens: minted once, stored as SHA-256 hashes, resolved through an in-process cache.

A request must not pay a database round trip to authenticate: keys live on a `TenancyCache` shelf,
dropped whenever keys change anywhere (a revocation bumps the tenancy epoch). Expiry is checked on
every request against the cached expiry time.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import Enum

from headwater.platform import clock
from headwater.platform.tenantcache import Shelf, TenancyCache
from headwater.storage import tenancy
from headwater.storage.database import Database

KONTENT_KEY_PREFIX = "hwk_"
CONTENTFUL_TOKEN_PREFIX = "CFPAT-"


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
    def __init__(self, db: Database, cache: TenancyCache) -> None:
        self._db = db
        self._cache = cache
        self._keys: Shelf[str, Principal] = cache.shelf()

    async def authenticate(self, header: str | None, kinds: tuple[str, ...]) -> AuthResult:
        """Also refreshes the tenancy cache for the rest of the request (environment lookups)."""
        verdict, token = bearer_token(header)
        if verdict is not Verdict.OK:
            return AuthResult(verdict)
        digest = token_hash(token)
        await self._cache.refresh()
        principal = self._keys.get(digest)
        if principal is None:
            async with self._db.read() as conn:
                key = await tenancy.key_by_hash(conn, digest)
            if key is None:
                return AuthResult(Verdict.UNKNOWN)
            principal = Principal(key.id, key.kind, key.owner_id, key.expires_at, key.revoked_at)
            self._keys.put(digest, principal)
        if principal.kind not in kinds:
            return AuthResult(Verdict.UNKNOWN)
        if principal.revoked_at is not None:
            return AuthResult(Verdict.REVOKED, principal)
        if principal.expires_at is not None and principal.expires_at <= clock.stamp():
            return AuthResult(Verdict.EXPIRED, principal)
        return AuthResult(Verdict.OK, principal)
