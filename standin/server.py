"""A local stand-in for the Telegram Bot API, served over real HTTP on 127.0.0.1 (aiohttp).

It speaks the part of the Bot API the bot uses, rejects what Telegram rejects, fails on demand
and records everything. Tests act as users through `api.user(...)` (see driver.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from standin import webhook
from standin.driver import UserDriver
from standin.limits import FloodLimiter
from standin.models import (
    ApiError,
    Button,
    CallbackAnswer,
    RecordedRequest,
    SentMessage,
    Stats,
    Upload,
    bad_request,
)
from standin.telegram_html import HtmlError, parse_html, utf16_len

DEFAULT_TOKEN = "123456789:TEST-token-ABCDEFGHIJKLMNOPQRSTUVWX"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_POLL_TIMEOUT = 50.0
MAX_UPLOAD = 50 * 1024 * 1024
FLOOD_LIMITED = {
    "sendmessage",
    "sendphoto",
    "senddocument",
    "sendanimation",
    "editmessagetext",
    "editmessagereplymarkup",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
# A tap must be answered within about 15 minutes; a message can be edited for 48 hours.
CALLBACK_QUERY_LIFETIME_S = 15 * 60
EDITABLE_FOR_S = 48 * 3600
MAX_CALLBACK_ANSWER = 200
BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
NOT_DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"RIFF")
ANIMATION_MAGIC = b"GIF8"  # or an MP4, which has "ftyp" at byte 4
INJECTABLE = {"429", "403", "401", "500", "502", "not_modified"}

Params = dict[str, Any]
T = TypeVar("T")


@dataclass
class _Chat:
    """A private chat with one user (`user` is that person), or a group, supergroup or channel
    (`user` then holds only the chat's id and `kind`/`title` say what it is)."""

    user: dict[str, Any]
    started: bool
    kind: str = "private"
    title: str | None = None
    blocked: bool = False
    gone: bool = False
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    messages: dict[int, SentMessage] = field(default_factory=dict)
    history: list[SentMessage] = field(default_factory=list)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def json(self) -> dict[str, Any]:
        if self.kind != "private":
            return {"id": self.user["id"], "type": self.kind, "title": self.title or "A group"}
        keys = ("id", "first_name", "last_name", "username")
        return {"type": "private"} | {k: self.user[k] for k in keys if k in self.user}


@dataclass
class _StoredFile:
    file_id: str
    data: bytes | None
    filename: str | None
    mime_type: str | None

    @property
    def unique_id(self) -> str:
        return "u" + self.file_id

    @property
    def size(self) -> int:
        return len(self.data or b"")


@dataclass
class _Injected:
    method: str
    error: ApiError
    chat_id: int | None
    remaining: int


class _Hold:
    """A call kept waiting by `FakeBotApi.hold_next` until released."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self._released = asyncio.Event()
        self._deliver = False

    def release(self, deliver: bool = False) -> None:
        self._deliver = deliver
        self._released.set()

    async def wait(self) -> bool:
        await self._released.wait()
        return self._deliver


class FakeBotApi:
    """The stand-in. `async with FakeBotApi() as api:` serves on a random port on 127.0.0.1."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        flood_limit: bool = False,
        flood_rate: int = 30,
        bot_username: str = "achilles_coach_test_bot",
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.flood_limit = flood_limit
        self.limiter = FloodLimiter(global_rate=flood_rate)
        self._random_failures: dict[str, tuple[float, ApiError, random.Random]] = {}
        self._holds: dict[tuple[str, int], _Hold] = {}
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Achilles Coach",
            "username": bot_username,
        }
        self.requests: list[RecordedRequest] = []
        self.stats = Stats()
        self.callback_answers: list[CallbackAnswer] = []
        self.command_sets: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, _StoredFile] = {}
        self._chats: dict[int, _Chat] = {}
        self._drivers: dict[int, UserDriver] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._delivered_up_to = 0
        self._allowed_updates: set[str] | None = None
        self._poll_generation = 0
        self._open_queries: dict[str, tuple[int, float]] = {}
        self._clock_offset = 0.0
        self._ids = itertools.count(1)
        self._injected: list[_Injected] = []
        # method (lower case) -> seconds every call of it takes (a slow Telegram).
        self.delays: dict[str, float] = {}
        # chat id -> seconds every call addressed to that chat takes.
        self.chat_delays: dict[int, float] = {}
        self._changed = asyncio.Event()
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None
        self._closing = False
        # Set by setWebhook: then updates are POSTed to the bot (standin/webhook.py).
        self.webhook: webhook.WebhookDelivery | None = None
        self._methods: dict[str, Callable[[Params], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendanimation": self._send_animation,
            "deletemessage": self._delete_message,
            "sendchataction": self._send_chat_action,
            "close": self._true,
            "logout": self._true,
        }

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakeBotApi is already running")
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        await web.SockSite(self._runner, sock).start()
        self.port = sock.getsockname()[1]
        self._closing = False

    async def stop(self) -> None:
        """Stop serving; pending long polls return at once."""
        if self._runner is None:
            return
        self._closing = True
        self._bump()
        await webhook.stop(self.webhook)
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What to give PTB as base_url (it appends token + "/" + method)."""
        if self._runner is None:
            raise RuntimeError("FakeBotApi is not running; await start() first")
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return self.base_url.removesuffix("/bot") + "/file/bot"

    # ---- users, failures, inspection ---------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Alex",
        username: str | None = None,
        *,
        language_code: str = "en",
        started: bool = True,
    ) -> UserDriver:
        """A driver acting as this user; their private chat (id = user_id) becomes known.

        With started=False the user has never opened the bot: sends to them get 403 until
        they send something.
        """
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if username is not None:
            user["username"] = username
        chat = self._chats.get(user_id)
        if chat is None:
            self._chats[user_id] = _Chat(user=user, started=started)
        else:
            chat.user = user
        return self._drivers.setdefault(user_id, UserDriver(self, user_id))

    def group(self, chat_id: int, title: str = "Running club", kind: str = "group") -> int:
        """A group, supergroup or channel the bot is in (ids are negative, as on Telegram)."""
        if chat_id >= 0 or kind not in ("group", "supergroup", "channel"):
            raise ValueError(
                "a group or channel has a negative id and kind group/supergroup/channel"
            )
        self._chats.setdefault(chat_id, _Chat(user={"id": chat_id}, started=True, kind=kind))
        self._chats[chat_id].title = title
        return chat_id

    def push_group_message(
        self, user_id: int | None, chat_id: int, content: dict[str, Any]
    ) -> dict[str, Any]:
        """A message in a group (from `user_id`) or a post in a channel (user_id None, sent as
        `channel_post` without a sender, as Telegram does)."""
        chat = self._chat(chat_id)
        message: dict[str, Any] = {
            "message_id": next(chat.message_ids),
            "chat": chat.json,
            "date": int(self.now()),
            **content,
        }
        if user_id is not None:
            message["from"] = self._chat(user_id).user
        chat.user_messages[message["message_id"]] = message
        kind = "channel_post" if chat.kind == "channel" else "message"
        self._enqueue({kind: message})
        return message

    def push_group_callback_query(
        self, user_id: int, chat_id: int, message_id: int, data: str
    ) -> str:
        """`user_id` taps a button with this data on a message in a group; the query id."""
        chat = self._chat(chat_id)
        current = chat.messages.get(message_id)
        message = (
            current.raw
            if current is not None
            else {
                "message_id": message_id,
                "chat": chat.json,
                "date": 0,
            }
        )
        query_id = str(4_000_000_000 + next(self._ids))
        self._open_queries[query_id] = (user_id, self.now())
        self._enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._chat(user_id).user,
                    "message": message,
                    "chat_instance": f"{chat_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def block_user(self, chat_id: int) -> None:
        """Every send to this chat answers 403 "bot was blocked by the user" until unblocked."""
        self._chat(chat_id).blocked = True

    def unblock_user(self, chat_id: int) -> None:
        self._chat(chat_id).blocked = False

    def delete_account(self, chat_id: int) -> None:
        """The person deleted their Telegram account: sends to the chat get 400 chat not found."""
        self._chat(chat_id).gone = True

    def delete_by_user(self, chat_id: int, message_id: int) -> None:
        """The person deletes one of the bot's messages from the chat (edits then fail)."""
        chat = self._chat(chat_id)
        message = chat.messages[message_id]
        chat.messages[message_id] = replace(message, deleted=True)

    def advance(self, seconds: float) -> None:
        """Move the stand-in's clock on: taps not answered by then are too old to answer, and
        messages sent before (now - 48 h) can no longer be edited, as on Telegram."""
        self._clock_offset += seconds

    def now(self) -> float:
        """The stand-in's clock (Unix time, moved on by `advance`)."""
        return time.time() + self._clock_offset

    def fail_next(
        self,
        method: str,
        error: str | int = "429",
        count: int = 1,
        retry_after: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` (to `chat_id`, if given) with an error:
        "429" (retry_after), "403" (blocked by the user), "401" (the token was revoked),
        "500", "502", or "not_modified" (an identical edit went through before)."""
        kind = str(error)
        if kind not in INJECTABLE:
            raise ValueError(f"error must be one of {sorted(INJECTABLE)}, not {error!r}")
        failure = {
            "429": ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after),
            "403": ApiError(403, "Forbidden: bot was blocked by the user"),
            "401": ApiError(401, "Unauthorized"),
            # What Telegram answers when an identical edit already went through (a retry after
            # a lost response): the message already shows it.
            "not_modified": bad_request(NOT_MODIFIED),
            "500": ApiError(500, "Internal Server Error"),
            "502": ApiError(502, "Bad Gateway"),
        }[kind]
        self._injected.append(_Injected(method.lower(), failure, chat_id, count))

    def fail_randomly(self, method: str, share: float, error: str = "500", seed: int = 0) -> None:
        """From now on answer about `share` of the calls of `method` with a 500 or 502 (chosen
        by a seeded random draw, so a run is repeatable); share 0 stops it. The failed call
        delivers nothing, like a gateway that never reached Telegram."""
        if error not in ("500", "502"):
            raise ValueError("error must be '500' or '502'")
        if share <= 0:
            self._random_failures.pop(method.lower(), None)
            return
        failure = (
            ApiError(500, "Internal Server Error")
            if error == "500"
            else ApiError(502, "Bad Gateway")
        )
        self._random_failures[method.lower()] = (share, failure, random.Random(seed))

    def hold_next(self, method: str, chat_id: int) -> _Hold:
        """Keep the next call of `method` to `chat_id` waiting until `release()`d; it then
        answers 502 (delivering nothing) or, with `release(deliver=True)`, is carried out."""
        hold = _Hold()
        self._holds[(method.lower(), chat_id)] = hold
        return hold

    def messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in this chat as they are now (edits applied, deletions marked)."""
        return list(self._chat(chat_id).messages.values())

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        try:
            return self._chat(chat_id).messages[message_id]
        except KeyError:
            raise LookupError(f"the bot sent no message {message_id} to {chat_id}") from None

    def history(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot did in this chat, in order: one snapshot per send, edit, delete."""
        return list(self._chat(chat_id).history)

    def uploads(self, method: str, field: str) -> list[RecordedRequest]:
        """The calls of `method` that uploaded a file in `field` (not a file_id or URL)."""
        return [r for r in self.calls(method) if isinstance(r.params.get(field), Upload)]

    def calls(self, method: str) -> list[RecordedRequest]:
        """The recorded requests for one method (case-insensitive)."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    @property
    def commands(self) -> list[tuple[str, str]]:
        """The command menu for the default scope and language, as (command, description)."""
        stored = self.command_sets.get(_commands_key(None, None), [])
        return [(c["command"], c["description"]) for c in stored]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        return list(self._updates)

    def take_updates(self) -> list[dict[str, Any]]:
        """Hand over every queued update and forget them (for tests that feed the bot
        in-process instead of letting it poll)."""
        taken, self._updates = self._updates, []
        return taken

    @property
    def unanswered_callback_queries(self) -> list[str]:
        return list(self._open_queries)

    # ---- what the driver uses ----------------------------------------------------------------

    def push_user_message(self, user_id: int, content: dict[str, Any]) -> dict[str, Any]:
        """The user sends a message (content: text/entities/location...); returns its JSON."""
        chat = self._chat(user_id)
        chat.started, chat.blocked = True, False  # writing to a bot (re)starts it
        message = {
            "message_id": next(chat.message_ids),
            "from": chat.user,
            "chat": chat.json,
            "date": int(self.now()),
            **content,
        }
        chat.user_messages[message["message_id"]] = message
        self._enqueue({"message": message})
        return message

    def push_raw_update(self, body: dict[str, Any]) -> int:
        """Queue an update exactly as given (plus its update_id), however odd; the update_id."""
        self._enqueue(dict(body))
        return int(self._updates[-1]["update_id"])

    def push_callback_query(self, user_id: int, message_id: int, data: str) -> str:
        """The user taps an inline button with this data; returns the callback query id."""
        chat = self._chat(user_id)
        current = chat.messages.get(message_id)
        if current is not None and not current.deleted:
            message = current.raw
        else:  # Telegram sends an InaccessibleMessage (date 0)
            message = {"message_id": message_id, "chat": chat.json, "date": 0}
        query_id = str(4_000_000_000 + next(self._ids))
        self._open_queries[query_id] = (user_id, self.now())
        self._enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": chat.user,
                    "message": message,
                    "chat_instance": f"-{user_id}",
                    "data": data,
                }
            }
        )
        return query_id

    async def wait_until(
        self,
        probe: Callable[[], T | None],
        timeout: float = 10.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> T:
        """Wait until probe() returns something other than None (re-checked on every change)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            result = probe()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def wait_for_request(
        self,
        method: str,
        *,
        since: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> RecordedRequest:
        """The first call of `method` at index >= since in `requests`."""

        def probe() -> RecordedRequest | None:
            found = (r for r in self.requests[since:] if r.method.lower() == method.lower())
            return next(found, None)

        return await self.wait_until(probe, timeout, f"a {method} request")

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every update was fetched and the bot made no other request for `quiet` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            busy = self._in_flight or any(
                u["update_id"] > self._delivered_up_to for u in self._updates
            )
            idle_for = 0.0 if busy else time.monotonic() - self._last_activity
            if idle_for >= quiet:
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"the bot was still busy after {timeout}s")
            await asyncio.sleep(min(0.05, quiet))

    # ---- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        status, body = await self.serve(
            request.match_info["method"], await _read_params(request), request.match_info["token"]
        )
        return web.json_response(body, status=status)

    async def serve(self, method: str, params: Params, token: str) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call (HTTP status, JSON body): what every request goes through,
        over HTTP or in-process (standin/inprocess.py)."""
        record = RecordedRequest(method, params, time.time())
        self.requests.append(record)
        self.stats.requests[method] += 1
        polling = method.lower() == "getupdates"
        self._in_flight += not polling
        self._bump()
        try:
            result = await self._dispatch(method, params, token)
        except ApiError as error:
            record.error_code = error.code
            self.stats.errors[error.code] += 1
            return error.code, error.payload()
        finally:
            self._in_flight -= not polling
            if not polling:
                self._last_activity = time.monotonic()
            self._bump()
        return 200, {"ok": True, "result": result}

    async def _dispatch(self, method: str, params: Params, token: str) -> Any:
        if token != self.token:
            raise ApiError(401, "Unauthorized")
        handler = self._methods.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        hold = self._holds.pop((method.lower(), _maybe_int(params.get("chat_id")) or 0), None)
        if hold is not None:
            hold.reached.set()
            if not await hold.wait():
                raise ApiError(502, "Bad Gateway")
        random_failure = self._random_failures.get(method.lower())
        if random_failure is not None:
            share, failure, draw = random_failure
            if draw.random() < share:
                raise failure
        for injected in self._injected:
            if injected.method == method.lower() and injected.chat_id in (
                None,
                _maybe_int(params.get("chat_id")),
            ):
                injected.remaining -= 1
                if injected.remaining <= 0:
                    self._injected.remove(injected)
                raise injected.error
        delay = self.delays.get(method.lower(), 0.0) + self.chat_delays.get(
            _maybe_int(params.get("chat_id")) or 0, 0.0
        )
        if delay:
            await asyncio.sleep(delay)
        return await handler(params)

    # ---- state helpers ------------------------------------------------------------------------

    def _bump(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _chat(self, chat_id: int) -> _Chat:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise LookupError(f"no user {chat_id}; create one with api.user({chat_id})") from None

    def _enqueue(self, update: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **update})
        self._bump()

    def _target(self, params: Params, *, sending: bool = True) -> _Chat:
        """The chat a request addresses, as Telegram would judge it."""
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat = self._chats.get(_maybe_int(raw) or 0)
        if chat is None:
            raise bad_request("chat not found")
        if chat.gone:
            raise bad_request("chat not found")
        if sending and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if sending and not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _check_flood(self, method: str, chat_id: int) -> None:
        if not self.flood_limit or method not in FLOOD_LIMITED:
            return
        retry_after = self.limiter.acquire(chat_id)
        if retry_after is not None:
            self.stats.flood_rejections += 1
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _publish(self, chat: _Chat, message: SentMessage, raw: dict[str, Any]) -> dict[str, Any]:
        """Store a new or changed message: current state and a history snapshot."""
        message = replace(message, raw=raw)
        chat.messages[message.message_id] = message
        chat.history.append(message)
        self._bump()
        return raw

    def _new_message(
        self, method: str, chat: _Chat, body: dict[str, Any], markup: dict[str, Any] | None
    ) -> tuple[int, dict[str, Any]]:
        self._check_flood(method, chat.user["id"])
        message_id = next(chat.message_ids)
        raw = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat.json,
            "date": int(self.now()),
            **{k: v for k, v in body.items() if v},
        }
        if markup is not None:
            raw["reply_markup"] = markup
        return message_id, raw

    def _editable(self, params: Params) -> tuple[_Chat, SentMessage]:
        if "inline_message_id" in params:
            raise bad_request("inline messages are not supported by the stand-in")
        chat = self._target(params)
        message_id = _maybe_int(params.get("message_id"))
        message = chat.messages.get(message_id or 0)
        if message is None or message.deleted:
            if message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        if self.now() - message.date > EDITABLE_FOR_S:
            raise bad_request("message can't be edited")
        self._check_flood("editmessagetext", chat.user["id"])
        return chat, message

    def _store_file(self, params: Params, kind: str) -> _StoredFile:
        value = params.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if kind == "photo" and not value.data.startswith(IMAGE_MAGIC):
                raise bad_request("IMAGE_PROCESS_FAILED")
            if kind == "animation" and not (
                value.data.startswith(ANIMATION_MAGIC) or value.data[4:8] == b"ftyp"
            ):
                raise bad_request("wrong file type for an animation")
            stored = _StoredFile(f"{kind}-{next(self._ids)}", value.data, value.filename, None)
            stored.mime_type = value.content_type
            self.files[stored.file_id] = stored
            return stored
        if isinstance(value, str) and value in self.files:
            stored_kind = value.split("-", 1)[0]
            if stored_kind != kind:  # as Telegram: a photo's file_id is no animation
                raise bad_request(f"can't use file of type {stored_kind} as {kind}")
            return self.files[value]
        if isinstance(value, str) and re.match(r"https?://", value):
            return _StoredFile(value, None, None, None)
        if not value:
            raise bad_request(f"there is no {kind} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    # ---- methods ------------------------------------------------------------------------------

    async def _true(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> dict[str, Any]:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_webhook_info(self, params: Params) -> dict[str, Any]:
        return {
            "url": self.webhook.url if self.webhook is not None else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _set_webhook(self, params: Params) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        allowed = _json_param(params, "allowed_updates")
        if allowed is not None:
            self._allowed_updates = set(allowed) or None
        if str(params.get("drop_pending_updates")).lower() == "true":
            self._updates = []
        secret = params.get("secret_token")
        new = webhook.WebhookDelivery(url, None if secret is None else str(secret))
        old, self.webhook = self.webhook, new
        if old is not None:
            new.targets, new.repeat = old.targets, old.repeat
            old.stopped = True
            self._bump()
            await webhook.stop(old)
        self._poll_generation += 1  # a pending getUpdates ends (with a conflict)
        new.task = asyncio.create_task(
            webhook.deliver(new, lambda: self._next_for_webhook(new), self._confirm_webhook),
            name="standin-webhook",
        )
        self._bump()
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        old, self.webhook = self.webhook, None
        if old is not None:
            old.stopped = True
            self._bump()
        await webhook.stop(old)
        if str(params.get("drop_pending_updates")).lower() == "true":
            self._updates = []
        return True

    async def _next_for_webhook(self, hook: webhook.WebhookDelivery) -> dict[str, Any]:
        def oldest() -> dict[str, Any] | None:
            if self._closing or hook.stopped:
                return {}
            self._updates = [u for u in self._updates if self._is_allowed(u)]
            return self._updates[0] if self._updates else None

        while True:
            with contextlib.suppress(TimeoutError):
                return await self.wait_until(oldest, 3600.0, "an update to post")

    def _confirm_webhook(self, update_id: int) -> None:
        self._updates = [u for u in self._updates if u["update_id"] != update_id]
        self._delivered_up_to = max(self._delivered_up_to, update_id)
        self._last_activity = time.monotonic()
        self._bump()

    async def post_to_webhook(self, body: dict[str, Any], secret: str | None) -> int:
        """POST `body` to the webhook set by the bot with this secret header (None: without
        one), as anyone on the internet could; the HTTP status (0: no answer)."""
        if self.webhook is None:
            raise RuntimeError("the bot has not set a webhook")
        return await webhook.post_update(self.webhook.url, body, secret)

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = _maybe_int(params.get("offset"))
        limit = min(max(_maybe_int(params.get("limit")) or 100, 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), MAX_POLL_TIMEOUT)
        allowed = _json_param(params, "allowed_updates")
        if allowed is not None:
            self._allowed_updates = set(allowed) or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._bump()  # a newer getUpdates terminates an older one, as on Telegram
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

        def batch() -> list[dict[str, Any]] | None:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            self._updates = [u for u in self._updates if self._is_allowed(u)]
            return self._updates[:limit] or None

        try:
            updates = await self.wait_until(lambda: [] if self._closing else batch(), timeout)
        except TimeoutError:
            return []
        if updates:
            self._delivered_up_to = max(self._delivered_up_to, updates[-1]["update_id"])
        return updates

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed_updates is None:
            return kind not in NOT_DEFAULT_UPDATES
        return kind in self._allowed_updates

    async def _set_my_commands(self, params: Params) -> bool:
        commands = _json_param(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _commands_key(_json_param(params, "scope"), params.get("language_code"))
        self.command_sets[key] = [
            {"command": str(c["command"]), "description": str(c["description"])} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: Params) -> list[dict[str, str]]:
        key = _commands_key(_json_param(params, "scope"), params.get("language_code"))
        return self.command_sets.get(key, [])

    async def _delete_my_commands(self, params: Params) -> bool:
        key = _commands_key(_json_param(params, "scope"), params.get("language_code"))
        self.command_sets.pop(key, None)
        return True

    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._target(params)
        source = str(params.get("text") or "")
        text, entities = _render_text(source, params, "entities")
        markup, rows, keyboard = _reply_markup(params)
        message_id, raw = self._new_message(
            "sendmessage", chat, {"text": text, "entities": entities}, markup
        )
        message = SentMessage(
            chat_id=chat.user["id"],
            message_id=message_id,
            text=text,
            source=source,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=rows,
            keyboard=keyboard,
            date=self.now(),
        )
        return self._publish(chat, message, raw)

    async def _send_photo(self, params: Params) -> dict[str, Any]:
        return await self._send_file(params, "photo")

    async def _send_document(self, params: Params) -> dict[str, Any]:
        return await self._send_file(params, "document")

    async def _send_animation(self, params: Params) -> dict[str, Any]:
        return await self._send_file(params, "animation")

    async def _send_file(self, params: Params, kind: str) -> dict[str, Any]:
        chat = self._target(params)
        source = params.get("caption")
        caption, entities = _render_caption(None if source is None else str(source), params)
        file = self._store_file(params, kind)
        markup, rows, keyboard = _reply_markup(params)
        ids = {"file_id": file.file_id, "file_unique_id": file.unique_id, "file_size": file.size}
        if kind == "photo":
            width, height = _image_size(file.data or b"")
            media: Any = [ids | {"width": width, "height": height}]
        elif kind == "animation":
            width, height = _image_size(file.data or b"")
            media = ids | {"width": width, "height": height, "duration": 1}
            media |= {"file_name": file.filename} if file.filename else {}
        else:
            media = ids | {"file_name": file.filename, "mime_type": file.mime_type}
            media = {k: v for k, v in media.items() if v is not None}
        body = {kind: media, "caption": caption, "caption_entities": entities}
        message_id, raw = self._new_message("send" + kind, chat, body, markup)
        message = SentMessage(
            chat_id=chat.user["id"],
            message_id=message_id,
            caption=caption,
            source=None if source is None else str(source),
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=rows,
            keyboard=keyboard,
            photo=file.data if kind == "photo" else None,
            document=file.data if kind == "document" else None,
            animation=file.data if kind == "animation" else None,
            filename=file.filename if kind == "document" else None,
            mime_type=file.mime_type,
            date=self.now(),
        )
        return self._publish(chat, message, raw)

    async def _edit_message_text(self, params: Params) -> dict[str, Any]:
        chat, old = self._editable(params)
        if old.text is None:
            raise bad_request("there is no text in the message to edit")
        source = str(params.get("text") or "")
        text, entities = _render_text(source, params, "entities")
        markup, rows, _ = _reply_markup(params, inline_only=True)
        if (text, entities, markup) == (old.text, old.entities, old.raw.get("reply_markup")):
            raise bad_request(NOT_MODIFIED)
        raw = {k: v for k, v in old.raw.items() if k not in ("entities", "reply_markup")}
        raw |= {"text": text, "edit_date": int(self.now())}
        raw |= {"entities": entities} if entities else {}
        raw |= {"reply_markup": markup} if markup else {}
        message = replace(
            old,
            text=text,
            source=source,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=rows,
            edited=True,
        )
        return self._publish(chat, message, raw)

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        chat, old = self._editable(params)
        markup, rows, _ = _reply_markup(params, inline_only=True)
        if markup == old.raw.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        raw = {k: v for k, v in old.raw.items() if k != "reply_markup"}
        raw |= {"edit_date": int(self.now())}
        raw |= {"reply_markup": markup} if markup else {}
        return self._publish(chat, replace(old, reply_markup=rows, edited=True), raw)

    async def _delete_message(self, params: Params) -> bool:
        chat = self._target(params, sending=False)
        message_id = _maybe_int(params.get("message_id")) or 0
        message = chat.messages.get(message_id)
        if message is not None and not message.deleted:
            self._publish(chat, replace(message, deleted=True), message.raw)
        elif chat.user_messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _send_chat_action(self, params: Params) -> bool:
        self._target(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        opened = self._open_queries.pop(query_id, None)
        if opened is None or self.now() - opened[1] > CALLBACK_QUERY_LIFETIME_S:
            raise bad_request(QUERY_INVALID)
        user_id = opened[0]
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            self._open_queries[query_id] = opened  # not answered: it can be tried again
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                user_id=user_id,
                text=None if text is None else str(text),
                show_alert=str(params.get("show_alert")).lower() == "true",
                url=params.get("url"),
            )
        )
        return True


# ---- request parsing and validation ---------------------------------------------------------


async def _read_params(request: web.Request) -> Params:
    """Query string, then a JSON, urlencoded or multipart body (PTB sends the latter two)."""
    params: Params = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            params[name] = Upload(value.filename, value.content_type, value.file.read())
        elif isinstance(value, str):
            params[name] = value
        else:
            params[name] = bytes(value).decode()
    return params


def _maybe_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _json_param(params: Params, name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code or "")


def _parse(source: str, params: Params, entities_param: str) -> tuple[str, list[dict[str, Any]]]:
    if str(params.get("parse_mode") or "").upper() == "HTML":
        try:
            return parse_html(source)
        except HtmlError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    return source, list(_json_param(params, entities_param) or [])


def _render_text(
    source: str, params: Params, entities_param: str
) -> tuple[str, list[dict[str, Any]]]:
    text, entities = _parse(source, params, entities_param)
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def _render_caption(source: str | None, params: Params) -> tuple[str | None, list[dict[str, Any]]]:
    if source is None:
        return None, []
    caption, entities = _parse(source, params, "caption_entities")
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return caption or None, entities


def _reply_markup(
    params: Params, *, inline_only: bool = False
) -> tuple[dict[str, Any] | None, list[list[Button]] | None, list[list[str]] | None]:
    """(inline markup JSON to echo back, inline rows as (text, data), reply keyboard texts)."""
    markup = _json_param(params, "reply_markup")
    if markup is None:
        return None, None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = [[_inline_button(button) for button in row] for row in markup["inline_keyboard"]]
        return {"inline_keyboard": markup["inline_keyboard"]}, rows, None
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        keyboard = [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in markup["keyboard"]
        ]
        return None, None, keyboard
    return None, None, None  # remove_keyboard / force_reply


def _inline_button(button: dict[str, Any]) -> Button:
    if not str(button.get("text", "")).strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
        raise bad_request("BUTTON_DATA_INVALID")
    if not BUTTON_ACTIONS & button.keys():
        raise bad_request("text buttons are unallowed in the inline keyboard")
    return str(button["text"]), None if data is None else str(data)


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG or GIF header; 800x600 for anything else."""
    if data.startswith(IMAGE_MAGIC[0]) and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(ANIMATION_MAGIC) and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    return 800, 600
