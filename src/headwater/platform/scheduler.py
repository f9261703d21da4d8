"""A per-process loop that runs due work (scheduled publishing) every few seconds.

Jobs are plain async callables over the database; the loop knows nothing of either API. Every server
process runs one; a job must claim its rows so that several processes never do the same work twice
(see `storage/variants.claim_due`). A failing job is logged and retried on the next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from headwater.storage.database import Database

log = logging.getLogger("headwater.scheduler")

Job = Callable[[Database], Awaitable[int]]


class Scheduler:
    def __init__(self, db: Database, jobs: Sequence[Job], interval: float) -> None:
        self.db = db
        self.jobs = list(jobs)
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.interval > 0 and self.jobs and self._task is None:
            self._task = asyncio.create_task(self._loop(), name="headwater-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_once(self) -> int:
        """Run every job once; the number of changes they made."""
        done = 0
        for job in self.jobs:
            try:
                done += await job(self.db)
            except Exception:
                log.exception("scheduled job %s failed", getattr(job, "__name__", job))
        return done

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.run_once()
