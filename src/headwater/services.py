"""What a running server holds: settings, storage, the key and environment caches, rate limiter, blobs.

Built once per process in the app lifespan and reached by handlers through `request.app.state`.
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.config import Settings
from headwater.platform.auth import Authenticator
from headwater.platform.environments import Environments
from headwater.platform.ratelimit import RateLimiter
from headwater.platform.tenantcache import TenancyCache
from headwater.storage.blobs import BlobStore, LocalBlobStore
from headwater.storage.database import Database, open_database


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    auth: Authenticator
    environments: Environments
    limiter: RateLimiter | None
    blobs: BlobStore

    @classmethod
    async def start(cls, settings: Settings) -> Services:
        db = await open_database(settings.effective_database_url)
        limiter = RateLimiter.create(settings.redis_url) if settings.rate_limits == "emulate" else None
        cache = TenancyCache(db, settings.auth_cache_seconds)
        return cls(
            settings=settings,
            db=db,
            auth=Authenticator(db, cache),
            environments=Environments(db, cache),
            limiter=limiter,
            blobs=LocalBlobStore(settings.blob_dir),
        )

    async def stop(self) -> None:
        if self.limiter is not None:
            await self.limiter.close()
        await self.db.close()
