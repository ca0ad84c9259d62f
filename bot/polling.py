"""Long polling through the inbox.

PTB's Updater confirms a batch to Telegram (the next getUpdates' offset) before the updates in
it are handled, so a crash loses them. Here each batch is first stored (bot/inbox.py), and only
then does the next getUpdates confirm it; the stored updates go to the Application's queue.
At start-up the updates a crash left unfinished are queued first.

A poller that cannot go on (Telegram rejects the token, another instance polls, or anything
unexpected) ends, and BotRunner ends the process with a non-zero status so that a supervisor
restarts it, instead of staying up without listening.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter

from bot import inbox
from bot.telegram_bot import CoachApplication, CoachBot
from service_layer.runtime import Runtime

log = logging.getLogger(__name__)

# Only what the bot handles (channel posts get the one "I only talk one-to-one" answer).
ALLOWED_UPDATES = ["message", "callback_query", "channel_post"]
MAX_BACKOFF_S = 30.0
PURGE_EVERY_S = 3600.0


class PollingStopped(Exception):
    """Polling cannot go on; the process should end (non-zero) and be restarted."""


class InboxPoller:
    def __init__(
        self, application: CoachApplication, runtime: Runtime, bot: CoachBot, *, timeout: float
    ) -> None:
        self.application = application
        self.runtime = runtime
        self.bot = bot
        self.timeout = timeout
        self.task: asyncio.Task[None] | None = None
        self._purged_at = 0.0

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    async def start(self) -> None:
        """Queue what a crash left unfinished, then poll in a task."""
        purged = await inbox.purge(self.runtime)
        self._purged_at = asyncio.get_running_loop().time()
        left = await inbox.unfinished(self.runtime)
        if left:
            log.info("handling %d update(s) left unfinished by the last run first", len(left))
        for raw in left:
            await self._enqueue(raw)
        log.debug("inbox: %d handled update(s) purged", purged)
        self.task = asyncio.create_task(self._run(), name="inbox-poller")

    async def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task

    async def _run(self) -> None:
        offset: int | None = None
        delay = 1.0
        while True:
            try:
                raws = await self.bot.get_raw_updates(offset, self.timeout, ALLOWED_UPDATES)
            except InvalidToken as exc:
                log.critical("Telegram rejected the bot token (%s); stopping", exc.message)
                raise PollingStopped("the bot token was rejected") from exc
            except Conflict as exc:
                log.critical("another instance is polling with this token; stopping")
                raise PollingStopped("another instance is polling") from exc
            except BadRequest as exc:
                log.critical("Telegram refused getUpdates (%s); stopping", exc.message)
                raise PollingStopped("getUpdates was refused") from exc
            except RetryAfter as exc:
                await asyncio.sleep(float(_seconds(exc.retry_after)))
                continue
            except NetworkError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc.message, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_S)
                continue
            delay = 1.0
            if not raws:
                continue
            try:
                new = await inbox.store(self.runtime, raws)
            except Exception:
                # Not stored, so not confirmed: Telegram sends the batch again.
                log.exception("could not store %d update(s); asking again", len(raws))
                await asyncio.sleep(delay)
                continue
            ids = [i for i in (inbox.update_id_of(raw) for raw in raws) if i is not None]
            if ids:
                offset = max(ids) + 1
            for raw in new:
                await self._enqueue(raw)
            await self._purge_now_and_then()

    async def _purge_now_and_then(self) -> None:
        """Forget long-handled updates about once an hour (their ids only are kept)."""
        loop = asyncio.get_running_loop()
        if loop.time() - self._purged_at < PURGE_EVERY_S:
            return
        self._purged_at = loop.time()
        try:
            await inbox.purge(self.runtime)
        except Exception:
            log.exception("could not purge the inbox; trying again later")

    async def _enqueue(self, raw: dict[str, Any]) -> None:
        await hand_over(self.application, self.runtime, raw)


async def hand_over(application: CoachApplication, runtime: Runtime, raw: dict[str, Any]) -> None:
    """Hand a stored update to the Application; one it cannot read is logged and skipped."""
    bot = application.bot
    assert isinstance(bot, CoachBot)
    update = parse_update(raw, bot)
    if update is None:
        update_id = inbox.update_id_of(raw)
        if update_id is not None:
            await inbox.finish(runtime, update_id)
        return
    application.inbox_ids.add(update.update_id)
    await application.update_queue.put(update)


def parse_update(raw: dict[str, Any], bot: CoachBot) -> Update | None:
    """The Update in `raw`, or None (logged once, without its content) if it cannot be read."""
    try:
        return Update.de_json(raw, bot)
    except Exception as exc:
        log.warning(
            "update %s (%s) could not be read and is skipped: %s",
            inbox.update_id_of(raw),
            inbox.kinds_of(raw),
            type(exc).__name__,
        )
        return None


def _seconds(value: Any) -> float:
    try:
        return max(float(value.total_seconds()), 1.0)
    except AttributeError:
        return max(float(value), 1.0)
