"""In-process copies of what every request needs before its handler runs: its key and its environment.

A request must not pay database round trips for these. Copies are dropped whenever the tenancy epoch
moves: every write that changes keys, environments or spaces bumps it in its own transaction
(`Connection.tenancy_changed`), and each process notices through `Database.data_changed()` (SQLite
`PRAGMA data_version`, PostgreSQL LISTEN/NOTIFY, plus a flag for the process's own commits) before it
trusts a copy. Only things that exist are cached, so creating a key or an environment needs no
invalidation. A time to live bounds how long any copy is trusted at all.
"""

from __future__ import annotations

import time
from typing import Any, Generic, TypeVar

from headwater.storage import tenancy
from headwater.storage.database import Database

K = TypeVar("K")
V = TypeVar("V")
_MAX_ENTRIES = 10_000


class Shelf(Generic[K, V]):
    """One kind of cached thing; emptied with all the others when the epoch moves."""

    def __init__(self, ttl_seconds: float) -> None:
        self._ttl = ttl_seconds
        self._entries: dict[K, tuple[V, float]] = {}

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[1] >= self._ttl:
            return None
        return entry[0]

    def put(self, key: K, value: V) -> None:
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (value, time.monotonic())

    def clear(self) -> None:
        self._entries.clear()


class TenancyCache:
    """The shelves of one server process and the epoch they were filled at."""

    def __init__(self, db: Database, ttl_seconds: float = 60.0) -> None:
        self._db = db
        self._ttl = ttl_seconds
        self._epoch: int | None = None
        self._shelves: list[Shelf[Any, Any]] = []

    def shelf(self) -> Shelf[K, V]:
        made: Shelf[K, V] = Shelf(self._ttl)
        self._shelves.append(made)
        return made

    async def refresh(self) -> None:
        """Once per request, before any shelf is read: drop everything if the epoch moved."""
        if await self._db.data_changed():
            async with self._db.read() as conn:
                epoch = await tenancy.tenancy_epoch(conn)
            if epoch != self._epoch:
                self._epoch = epoch
                self.clear()

    def clear(self) -> None:
        for shelf in self._shelves:
            shelf.clear()
