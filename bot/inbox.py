"""The inbox of incoming updates: stored raw before Telegram is told they were received, handled
from the store, and marked done with their effects (storage/handling.py, storage/uow.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from service_layer.runtime import Runtime

log = logging.getLogger(__name__)

# Handled updates are kept this long (a repeat of one is still recognised), then purged.
KEEP_DONE = timedelta(days=1)


def update_id_of(raw: Any) -> int | None:
    if isinstance(raw, dict):
        value = raw.get("update_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def user_id_of(raw: dict[str, Any]) -> int | None:
    """The person an update comes from, if it says (so /delete can remove it too)."""
    for key, body in raw.items():
        if key == "update_id" or not isinstance(body, dict):
            continue
        sender = body.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None


def kinds_of(raw: Any) -> list[str]:
    """The update's kind(s), for the log (never its content)."""
    return sorted(k for k in raw if k != "update_id") if isinstance(raw, dict) else []


async def store(runtime: Runtime, raws: list[Any]) -> list[dict[str, Any]]:
    """Store the updates not stored yet (one transaction); the new ones, in update_id order.
    Raises on a database error: then nothing is confirmed to Telegram, which sends them again."""
    rows: list[tuple[int, int | None, dict[str, Any]]] = []
    for raw in raws:
        update_id = update_id_of(raw)
        if update_id is None:
            log.warning("an update without an update_id was skipped (%s)", kinds_of(raw))
            continue
        rows.append((update_id, user_id_of(raw), raw))
    rows.sort(key=lambda row: row[0])
    async with runtime.uow() as uow:
        new = set(await uow.inbox.store_new(rows, runtime.now()))
        await uow.commit()
    return [payload for update_id, _, payload in rows if update_id in new]


async def unfinished(runtime: Runtime) -> list[dict[str, Any]]:
    """Stored updates not handled to the end (the process died), oldest first."""
    async with runtime.uow() as uow:
        return [dict(row.payload) for row in await uow.inbox.unfinished()]


async def earlier_unfinished(
    runtime: Runtime, user_id: int, update_id: int
) -> list[dict[str, Any]]:
    """The person's stored updates before `update_id` not handled yet, oldest first."""
    async with runtime.uow() as uow:
        rows = await uow.inbox.unfinished_of(user_id, update_id)
        return [dict(row.payload) for row in rows]


async def is_unfinished(runtime: Runtime, update_id: int) -> bool:
    """True while the update is stored and not handled to the end (by any replica)."""
    async with runtime.uow() as uow:
        return not await uow.inbox.is_done(update_id)


async def finish(runtime: Runtime, update_id: int) -> None:
    """Mark an update handled (for one that committed nothing, or was skipped)."""
    try:
        async with runtime.uow() as uow:
            await uow.inbox.mark_done(update_id, runtime.now())
            await uow.commit()
    except Exception:
        # It will be handled again after a restart; its handler changed nothing that counts.
        log.exception("could not mark update %s as handled", update_id)


async def purge(runtime: Runtime) -> int:
    """Forget updates handled more than KEEP_DONE ago; how many."""
    async with runtime.uow() as uow:
        count = await uow.inbox.purge_done(runtime.now() - KEEP_DONE)
        await uow.commit()
    return count
