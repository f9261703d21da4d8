"""The scheduler job for Kontent.ai: publish and unpublish variants whose scheduled time has come.

Each tick claims a batch of due rows in one write transaction (`storage.variants.claim_due`), applies
the same state change the immediate endpoints make (`publishing.publish_now` / `unpublish_now`) and
clears the due column in that transaction, so a scheduled change happens exactly once even with
several server processes on one PostgreSQL database.
"""

from __future__ import annotations

import logging

from headwater.kontent.content import publishing, workflows
from headwater.kontent.references import Reference
from headwater.platform import clock
from headwater.storage import variants
from headwater.storage.database import Database

BATCH = 100
log = logging.getLogger("headwater.kontent.schedule")


async def run_due(db: Database) -> int:
    """Apply every due scheduled change (in batches); the number of changes made."""
    done = 0
    while True:
        changed = await _batch(db)
        done += changed
        if changed < BATCH:
            if done:
                log.info("scheduled publishing: %d variant changes applied", done)
            return done


async def _batch(db: Database) -> int:
    now = clock.stamp()
    async with db.write() as conn:
        due = await variants.claim_due(conn, now, BATCH, lock=db.dialect == "postgresql")
        for env_pk, row in due:
            workflow = await workflows.find_workflow(conn, env_pk, Reference(id=row.workflow_id), persist=False)
            if workflow is None:
                workflow = workflows.default_workflow()
            variant = publishing.Variant(row, workflow)
            if row.publish_at is not None and row.publish_at <= now:
                publishing.publish_now(variant, now)
            if row.unpublish_at is not None and row.unpublish_at <= now:
                publishing.unpublish_now(variant)
            await variant.save(conn, env_pk, now)
    return len(due)
