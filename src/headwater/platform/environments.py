"""Which environment a request addresses, answered from the tenancy cache.

Every environment-scoped request resolves its environment before the handler runs; on the hot path
that costs a dictionary lookup instead of a query. Callers authenticate first, which refreshes the
cache (`Authenticator.authenticate`), so a rename, delete or space change committed anywhere is seen.
"""

from __future__ import annotations

from headwater.platform.tenantcache import Shelf, TenancyCache
from headwater.storage import tenancy
from headwater.storage.database import Database
from headwater.storage.tenancy import Environment, Space


class Environments:
    def __init__(self, db: Database, cache: TenancyCache) -> None:
        self._db = db
        self._kontent: Shelf[str, Environment] = cache.shelf()
        self._contentful: Shelf[tuple[str, str, str], tuple[Space, Environment]] = cache.shelf()

    async def kontent(self, environment_id: str) -> Environment | None:
        env = self._kontent.get(environment_id)
        if env is None:
            async with self._db.read() as conn:
                env = await tenancy.kontent_environment(conn, environment_id)
            if env is not None:
                self._kontent.put(environment_id, env)
        return env

    async def contentful_member(
        self, space_id: str, environment_id: str, user_id: str
    ) -> tuple[Space, Environment] | None:
        """The space and environment, if the user belongs to the space's organization."""
        key = (space_id, environment_id, user_id)
        found = self._contentful.get(key)
        if found is None:
            async with self._db.read() as conn:
                found = await tenancy.member_environment(conn, space_id, environment_id, user_id)
            if found is not None:
                self._contentful.put(key, found)
        return found
