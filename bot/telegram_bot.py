"""The bot's own Bot and Application classes: Telegram's everyday errors handled in one place,
and every update handled inside its inbox scope (storage/handling.py)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import BadRequest
from telegram.ext import Application, ExtBot

from bot import inbox
from bot.context import RUNTIME_KEY
from bot.runtime import Runtime
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
        except BadRequest as error:
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
        update_id = update.update_id if isinstance(update, Update) else None
        stored = update_id is not None and update_id in self.inbox_ids
        with handling.handling(update_id if stored else None) as scope:
            await super().process_update(update)
        if update_id is None or not stored:
            return
        self.inbox_ids.discard(update_id)
        if scope.commits and not scope.replay_safe:
            return  # marked done with its effects
        runtime = self.bot_data.get(RUNTIME_KEY)
        if isinstance(runtime, Runtime):
            await inbox.finish(runtime, update_id)
