"""Schema migrations (Alembic) driven from code: upgrade, current revision, head checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from headwater.storage.database import sqlalchemy_url, sqlite_path

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer Headwater than this one."""


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    known: bool

    @property
    def empty(self) -> bool:
        return self.current is None

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def state(url: str) -> SchemaState:
    script = ScriptDirectory.from_config(_config())
    head = script.get_current_head()
    assert head is not None
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    known = current is None or _known(script, current)
    return SchemaState(current=current, head=head, known=known)


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:
        return False


def upgrade(url: str) -> SchemaState:
    """Apply every pending migration; refuse a database newer than this code."""
    if url.startswith("sqlite:"):
        Path(sqlite_path(url)).parent.mkdir(parents=True, exist_ok=True)
    before = state(url)
    if not before.known:
        raise SchemaTooNew(
            f"database schema revision {before.current!r} is newer than this Headwater (head {before.head!r})"
        )
    if before.at_head:
        return before
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            cfg = _config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()
    return state(url)


_HEAD: str | None = None


def head_revision() -> str:
    """The newest migration this code knows (computed once per process)."""
    global _HEAD
    if _HEAD is None:
        head = ScriptDirectory.from_config(_config()).get_current_head()
        assert head is not None
        _HEAD = head
    return _HEAD


class SchemaBehind(RuntimeError):
    """A PostgreSQL database needs `headwater migrate` before this code can use it."""


def prepare(url: str) -> SchemaState:
    """Make the database usable by this code: migrate an empty (or embedded SQLite) database, refuse
    one that is newer, and ask for `headwater migrate` on a shared database that is behind."""
    if url.startswith("sqlite:"):
        Path(sqlite_path(url)).parent.mkdir(parents=True, exist_ok=True)
    current = state(url)
    if not current.known:
        raise SchemaTooNew(
            f"the database schema ({current.current}) is newer than this Headwater (head {current.head}); "
            "upgrade Headwater"
        )
    if current.at_head:
        return current
    if current.empty or url.startswith("sqlite:"):
        return upgrade(url)
    raise SchemaBehind(
        f"the database schema is at {current.current}, this Headwater needs {current.head}: run `headwater migrate`"
    )
