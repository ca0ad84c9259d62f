"""The bot's own Bot and Application classes: Telegram's everyday errors handled in one place,
and every update handled inside its inbox scope (storage/handling.py)."""

from __future__ import annotations

import logging
import time
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ExtBot

from bot import inbox
from bot.context import RUNTIME_KEY
from service_layer import metrics, serial
from service_layer.runtime import Runtime
from storage import handling

log = logging.getLogger(__name__)

# answerCallbackQuery's text is at most 200 characters.
MAX_CALLBACK_ANSWER = 200
# Telegram's words for a tap answered too late (about 15 minutes) or twice.
QUERY_TOO_OLD = ("query is too old", "query id is invalid")
NOT_MODIFIED = "message is not modified"
INBOX_IDS_KEY = "inbox_ids"


def is_query_too_old(error: BadRequest) -> bool:
    return any(words in error.message.lower() for words in QUERY_TOO_OLD)


def is_not_modified(error: BadRequest) -> bool:
    return NOT_MODIFIED in error.message.lower()


def error_code(error: TelegramError) -> int:
    """The Bot API's HTTP code behind a python-telegram-bot error (0: no answer came)."""
    if isinstance(error, InvalidToken):
        return 401
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, RetryAfter):
        return 429
    if isinstance(error, BadRequest):
        return 400
    if isinstance(error, NetworkError):
        return 0
    return 500


class CoachBot(ExtBot[Any]):
    """An ExtBot that treats two of Telegram's answers as what they mean:

    * "query is too old" from answerCallbackQuery: the spinner on the button has gone already;
      the tap's work goes on (it is not an error of the step);
    * "message is not modified" from an edit: the message already shows what was wanted.
    """

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint == "answerCallbackQuery":
            text = data.get("text")
            if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER:
                data["text"] = text[: MAX_CALLBACK_ANSWER - 1] + "…"
        try:
            return await super()._do_post(
                endpoint,
                data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except TelegramError as error:
            metrics.API_ERRORS.labels(str(error_code(error))).inc()
            if not isinstance(error, BadRequest):
                raise
            if endpoint == "answerCallbackQuery" and is_query_too_old(error):
                log.info("a tap was answered too late (%s); its step goes on", error.message)
                return False
            if endpoint.startswith("editMessage") and is_not_modified(error):
                return True
            raise

    async def get_raw_updates(
        self, offset: int | None, poll_s: float, allowed_updates: list[str], limit: int = 100
    ) -> list[Any]:
        """getUpdates without parsing: the raw JSON objects, to be stored before anything else
        (an update the library cannot read must not stop the ones after it)."""
        data: JSONDict = {
            "timeout": poll_s,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        if offset is not None:
            data["offset"] = offset
        result = await self._post("getUpdates", data, read_timeout=poll_s + 10.0)
        return list(result) if isinstance(result, list) else []


def update_kinds(update: object) -> list[str]:
    """The kind(s) of an update, for the metrics (message, callback_query, ...)."""
    if not isinstance(update, Update):
        return []
    return inbox.kinds_of(update.to_dict())


class CoachApplication(Application[Any, Any, Any, Any, Any, Any]):
    """Handles each update in its inbox scope: a commit made while handling it marks it done
    (storage/uow.py); one that committed nothing (or is replay-safe) is marked at the end."""

    @property
    def inbox_ids(self) -> set[int]:
        """The ids of updates handed over from the inbox, not yet handled (bot/polling.py)."""
        ids = self.bot_data.setdefault(INBOX_IDS_KEY, set())
        assert isinstance(ids, set)
        return ids

    async def process_update(self, update: object) -> None:
        """Handle `update` in its inbox scope. A stored update from a person is handled under
        the person's lock (service_layer/serial.py: across replicas on PostgreSQL), and only if no
        replica handled it already; the person's earlier updates still unfinished go first, so
        a replica never answers a step before the one it follows."""
        update_id = update.update_id if isinstance(update, Update) else None
        stored = update_id is not None and update_id in self.inbox_ids
        runtime = self.bot_data.get(RUNTIME_KEY)
        user = update.effective_user if isinstance(update, Update) else None
        if not stored or user is None or not isinstance(runtime, Runtime):
            await self._handle(update, stored)
            return
        assert update_id is not None
        async with serial.one_at_a_time(runtime, user.id):
            for raw in await inbox.earlier_unfinished(runtime, user.id, update_id):
                earlier = Update.de_json(raw, self.bot)
                if earlier is not None and await inbox.is_unfinished(runtime, earlier.update_id):
                    self.inbox_ids.add(earlier.update_id)
                    await self._handle(earlier, True)
            if not await inbox.is_unfinished(runtime, update_id):
                self.inbox_ids.discard(update_id)  # another replica (or a replay) did it
                return
            await self._handle(update, stored)

    async def _handle(self, update: object, stored: bool) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        started = time.perf_counter()
        with handling.handling(update_id if stored else None) as scope:
            try:
                await super().process_update(update)
            finally:
                metrics.HANDLER_SECONDS.observe(time.perf_counter() - started)
                for kind in update_kinds(update):
                    metrics.UPDATES.labels(kind).inc()
        if update_id is None or not stored:
            return
        self.inbox_ids.discard(update_id)
        if scope.commits and not scope.replay_safe:
            return  # marked done with its effects
        runtime = self.bot_data.get(RUNTIME_KEY)
        if isinstance(runtime, Runtime):
            await inbox.finish(runtime, update_id)
