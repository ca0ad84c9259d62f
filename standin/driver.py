"""Acting as a Telegram user against the stand-in: send text, tap buttons, read replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from standin.models import Button, CallbackAnswer, SentMessage
from standin.telegram_html import utf16_len

if TYPE_CHECKING:
    from standin.server import FakeBotApi


class UserDriver:
    """One user in their private chat with the bot (chat id = user id).

    Each user action (send, share_location, tap, tap_data) moves a cursor to the end of the
    chat's history; `wait_for` only returns bot messages or edits made after it, and never the
    same one twice until the next action.
    """

    def __init__(self, api: FakeBotApi, user_id: int) -> None:
        self.api = api
        self.user_id = user_id
        self._cursor = 0
        self._request_cursor = 0
        self._returned: set[int] = set()

    @property
    def chat_id(self) -> int:
        return self.user_id

    # ---- actions ------------------------------------------------------------------------------

    async def send(self, text: str) -> int:
        """Send a text message (a leading /command gets a bot_command entity); its message_id."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._act(content)

    async def share_location(self, latitude: float, longitude: float) -> int:
        """Send a location message; its message_id."""
        return self._act({"location": {"latitude": latitude, "longitude": longitude}})

    async def tap(
        self,
        text: str | None = None,
        data: str | None = None,
        message: SentMessage | int | None = None,
    ) -> str:
        """Tap the inline button with this text and/or callback data, in `message` (a
        SentMessage or message_id) or else in the latest bot message that has one.
        Returns the callback query id; raises LookupError if there is no such button."""
        if text is None and data is None:
            raise ValueError("tap() needs the button's text or data")
        if message is None:
            candidates = [m for m in reversed(self.messages) if not m.deleted]
        else:
            message_id = message if isinstance(message, int) else message.message_id
            candidates = [self.api.message(self.chat_id, message_id)]
        for candidate in candidates:
            for label, callback_data in candidate.buttons:
                if callback_data is None or text not in (None, label):
                    continue
                if data in (None, callback_data):
                    self._mark()
                    return self.api.push_callback_query(
                        self.user_id, candidate.message_id, callback_data
                    )
        shown = {m.message_id: m.buttons for m in candidates if m.buttons and not m.deleted}
        raise LookupError(f"no button text={text!r} data={data!r}; buttons on offer: {shown}")

    async def send_in(self, chat_id: int, text: str) -> int:
        """Send a text (a /command gets its entity) in a group made with `api.group`."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        self._mark()
        return int(self.api.push_group_message(self.user_id, chat_id, content)["message_id"])

    async def tap_data_in(self, chat_id: int, data: str, message_id: int) -> str:
        """Tap a button with this data on a message in a group; the callback query id."""
        self._mark()
        return self.api.push_group_callback_query(self.user_id, chat_id, message_id, data)

    async def tap_data(self, data: str, message_id: int) -> str:
        """Forge a callback query with arbitrary data on any message id; the query id."""
        self._mark()
        return self.api.push_callback_query(self.user_id, message_id, data)

    # ---- waiting ------------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        contains: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> SentMessage:
        """The first bot message or edit to this chat since the last user action that matches
        (`contains` is looked for in the rendered text or caption) and was not returned yet.
        An edit that only closes a question's buttons (once it is answered) is not returned:
        it says nothing new; `history` and `messages` show it."""

        def probe() -> SentMessage | None:
            history = self.api.history(self.chat_id)
            for index in range(self._cursor, len(history)):
                message = history[index]
                if index in self._returned or message.deleted:
                    continue
                if message.edited and _buttons_only(history, index):
                    continue
                if contains is not None and contains not in message.content:
                    continue
                if predicate is not None and not predicate(message):
                    continue
                self._returned.add(index)
                return message
            return None

        try:
            return await self.api.wait_until(probe, timeout, "a bot message")
        except TimeoutError:
            raise AssertionError(self._explain(contains, timeout)) from None

    async def wait_answered(
        self,
        query_id: str,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """The bot's answer to the tap that returned `query_id` (from `tap` or `tap_data`),
        once it has answered it. The bot handles updates one at a time, so every earlier tap or
        message of this user has been handled by then too."""

        def probe() -> CallbackAnswer | None:
            found = (a for a in self.api.callback_answers if a.callback_query_id == query_id)
            return next(found, None)

        try:
            return await self.api.wait_until(probe, timeout, f"the answer to {query_id}")
        except TimeoutError:
            raise AssertionError(
                f"the bot did not answer callback query {query_id} within {timeout}s"
            ) from None

    async def wait_closed(
        self,
        message_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[Button]:
        """The buttons of message `message_id` once none of them acts any more (removed, or
        only the ✓ of the answer given is left)."""

        def probe() -> list[Button] | None:
            buttons = self.api.message(self.chat_id, message_id).buttons
            return buttons if all(data in (None, "ans") for _, data in buttons) else None

        try:
            return await self.api.wait_until(probe, timeout, f"message {message_id} closed")
        except TimeoutError:
            shown = self.api.message(self.chat_id, message_id).buttons
            raise AssertionError(f"message {message_id} still has live buttons: {shown}") from None

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched every update and gone quiet for `quiet` seconds.

        A heuristic: a slow bot can still be handling an update after `quiet` seconds without a
        request. Use it only before checking that nothing more happens; to see something
        happen, wait for it (`wait_for`, `wait_answered`, or polling the database)."""
        await self.api.wait_idle(quiet, timeout)

    # ---- reading ------------------------------------------------------------------------------

    @property
    def messages(self) -> list[SentMessage]:
        """All bot messages in this chat as they are now (edits applied, deletions marked)."""
        return self.api.messages(self.chat_id)

    @property
    def history(self) -> list[SentMessage]:
        """Every bot send, edit and deletion in this chat, in order."""
        return self.api.history(self.chat_id)

    @property
    def last_message(self) -> SentMessage:
        """The newest bot message that is not deleted; LookupError if there is none."""
        for message in reversed(self.messages):
            if not message.deleted:
                return message
        raise LookupError(f"the bot has sent nothing to {self.chat_id}")

    def buttons(self, message: SentMessage | None = None) -> list[list[Button]]:
        """The inline keyboard rows, as (text, callback_data), of `message` or the last one."""
        return (message or self.last_message).reply_markup or []

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return [a for a in self.api.callback_answers if a.user_id == self.user_id]

    # ---- internals ----------------------------------------------------------------------------

    def _act(self, content: dict[str, Any]) -> int:
        self._mark()
        message: dict[str, Any] = self.api.push_user_message(self.user_id, content)
        return int(message["message_id"])

    def _mark(self) -> None:
        self._cursor = len(self.api.history(self.chat_id))
        self._request_cursor = len(self.api.requests)
        self._returned.clear()

    def _explain(self, contains: str | None, timeout: float) -> str:
        since = self.api.history(self.chat_id)[self._cursor :]
        sent = [m.content for m in since] or "nothing"
        failed = [
            f"{r.method} -> {r.error_code}"
            for r in self.api.requests[self._request_cursor :]
            if r.error_code is not None
        ]
        wanted = f" containing {contains!r}" if contains is not None else ""
        return (
            f"no bot message{wanted} to {self.chat_id} within {timeout}s of the last action; "
            f"sent since: {sent}; failed requests since: {failed or 'none'}"
        )


def _buttons_only(history: list[SentMessage], index: int) -> bool:
    """Whether history[index] is an edit that only closed the message's buttons (removed them,
    or left one that stands for the answer given)."""
    edit = history[index]
    if any(data not in (None, "ans") for _, data in edit.buttons):
        return False  # buttons added or changed: something new to act on
    before = next((m for m in reversed(history[:index]) if m.message_id == edit.message_id), None)
    return before is not None and (before.text, before.caption) == (edit.text, edit.caption)
