"""Apply Alembic migrations programmatically (used by the CLI and the tests).

Alembic (and Mako, Pygments behind it) is imported only when a migration has to run: a bot
starting on a database already at head checks one row against the newest revision named in
the migration files and goes on without it (start-up time, idle memory).
"""

from __future__ import annotations

import asyncio
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(None|[\"']([^\"']+)[\"'])", re.M)


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our migrations and `database_url`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring the schema up to date. Blocking: call it via `asyncio.to_thread` from async code."""
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")


def ensure_head(database_url: str) -> None:
    """`upgrade_to_head`, without loading Alembic when the database is already at head.
    Blocking, outside a running event loop (the CLI, before the bot starts)."""
    if asyncio.run(database_revision(database_url)) != head_revision():
        upgrade_to_head(database_url)


def downgrade_to_base(database_url: str) -> None:
    """Drop everything the migrations created (tests use it to reset PostgreSQL)."""
    from alembic import command

    command.downgrade(alembic_config(database_url), "base")


@cache
def head_revision() -> str | None:
    """The newest migration's revision (what a database at head has in alembic_version): the
    one no other migration names as its down_revision, read from the files' `revision` and
    `down_revision` lines (the same answer as Alembic's ScriptDirectory, without loading it)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {name: value for name, _, value in _REVISION.findall(path.read_text())}
        if "revision" not in found:
            continue
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have more than one head: {sorted(heads)}")
    return heads.pop() if heads else None


async def database_revision(database_url: str) -> str | None:
    """The revision in the database's alembic_version (None: no table, or no row, yet)."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            result = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return result.scalar_one_or_none()
    except Exception:
        return None
    finally:
        await engine.dispose()
