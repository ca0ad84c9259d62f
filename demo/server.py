"""`achilles-coach demo`: the real bot, a local Bot API and a chat page, all on 127.0.0.1.

One process, one event loop: the stand-in of the Bot API (standin.FakeBotApi) on a free port, the
bot (bot.app.BotRunner, as `run` starts it) polling it with a fixed fake token on a DemoClock and
its own SQLite file, and the page on http://127.0.0.1:8080. What the page types or taps is pushed
into the stand-in as the user's message or callback query, exactly as Telegram would queue it for
the bot's getUpdates; what the page shows is what the bot sent through the Bot API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.app import BotRunner
from demo.clock import ClockBar, DemoClock, JumpAware
from service_layer.config import Settings
from service_layer.planner import DEFAULT_CHECKIN_TIME
from standin.driver import UserDriver
from standin.models import SentMessage
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # the demo binds and contacts nothing else
DEFAULT_PORT = 8080
DEFAULT_DATA_DIR = Path("data/demo")
DEFAULT_TIMER_SCALE = 0.1
# The bot's token in the demo: well-formed, so the bot starts as it would with a real one, and
# obviously fake (Telegram's tokens are random), so it can never be anybody's real bot.
DEMO_TOKEN = "100000001:DEMO-local-only-never-a-real-bot-token"
DEMO_BOT_USERNAME = "achilles_coach_demo_bot"
STATIC = files("demo") / "static"
SETTLE_TIMEOUT_S = 30.0
NEXT_REMINDER_HORIZON = timedelta(days=8)


@dataclass(frozen=True)
class DemoUser:
    """A person on the page's selector, living in their own time zone."""

    user_id: int
    name: str
    home: str
    zone: str
    latitude: float
    longitude: float

    def json(self) -> dict[str, Any]:
        return {"id": self.user_id, "name": self.name, "home": self.home, "zone": self.zone}


DEMO_USERS = (
    DemoUser(1001, "Ana", "Berlin", "Europe/Berlin", 52.52, 13.405),
    DemoUser(1002, "Ben", "New York", "America/New_York", 40.713, -74.006),
    DemoUser(1003, "Kei", "Tokyo", "Asia/Tokyo", 35.681, 139.767),
)


def demo_settings(database_url: str, api_base_url: str, timer_scale: float) -> Settings:
    """The bot's settings in the demo: nothing is read from the environment or `.env`, so a real
    token or a real Bot API address there is never used."""
    return Settings.model_validate(
        {
            "telegram_bot_token": DEMO_TOKEN,
            "telegram_api_base_url": api_base_url,
            "database_url": database_url,
            "timer_scale": timer_scale,
            # The bot's health listener on a free port of 127.0.0.1: 8080 is the chat page's.
            "http_host": "127.0.0.1",
            "http_port": 0,
        }
    )


class Demo:
    """Everything `achilles-coach demo` runs; `await start()`, then `await stop()`."""

    def __init__(
        self,
        data_dir: Path = DEFAULT_DATA_DIR,
        *,
        port: int = DEFAULT_PORT,
        timer_scale: float = DEFAULT_TIMER_SCALE,
        start: datetime | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.timer_scale = timer_scale
        self.clock = DemoClock(start)
        self.api = FakeBotApi(DEMO_TOKEN, host=HOST, bot_username=DEMO_BOT_USERNAME)
        self.users = {u.user_id: u for u in DEMO_USERS}
        self.drivers: dict[int, UserDriver] = {}
        self.sent: dict[int, list[dict[str, Any]]] = {u.user_id: [] for u in DEMO_USERS}
        self.runner: BotRunner | None = None
        self.bar = ClockBar(self.clock, self._scheduler, self._settle)
        self._web: web.AppRunner | None = None

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{(self.data_dir / 'demo.db').resolve()}"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """A fresh demo database, the stand-in, the bot polling it, then the page."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.data_dir.glob("demo.db*"):
            leftover.unlink()
        await self.api.start()
        for user in DEMO_USERS:
            self.drivers[user.user_id] = self.api.user(user.user_id, user.name)
        await asyncio.to_thread(upgrade_to_head, self.database_url)
        settings = demo_settings(self.database_url, self.api.base_url, self.timer_scale)
        self.runner = BotRunner(settings, clock=self.clock)
        await self.runner.start()
        self._web = web.AppRunner(self._app(), access_log=None, shutdown_timeout=1.0)
        await self._web.setup()
        site = web.TCPSite(self._web, HOST, self.port)
        await site.start()
        server = getattr(site, "_server", None)
        if self.port == 0 and server is not None and server.sockets:
            self.port = int(server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self.runner is not None:
            await self.runner.stop()
            self.runner = None
        await self.api.stop()

    async def run_until_signalled(self, announce: Callable[[str], None] = print) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        announce(f"Achilles Coach demo: open {self.url} in your browser (Ctrl+C stops it).")
        announce("Everything runs on this computer; nothing is sent to Telegram.")
        try:
            await stop.wait()
        finally:
            await self.stop()

    # ---- the clock -----------------------------------------------------------------------------

    def _scheduler(self) -> JumpAware | None:
        return None if self.runner is None else self.runner.scheduler

    async def _settle(self) -> None:
        """Wait until the bot has gone quiet (what the queue fired has been sent by then)."""
        try:
            await self.api.wait_idle(quiet=0.1, timeout=SETTLE_TIMEOUT_S)
        except TimeoutError:
            log.warning("the bot was still busy %ss after a clock jump", SETTLE_TIMEOUT_S)

    async def _zone_of(self, user_id: int) -> ZoneInfo:
        """The zone the person gave the bot, else the one of their home town."""
        assert self.runner is not None
        async with self.runner.runtime.uow() as uow:
            user = await uow.users.get(user_id)
        return ZoneInfo((user.timezone if user else None) or self.users[user_id].zone)

    async def _next_morning(self, user_id: int) -> datetime:
        """The next time the person's morning check-in is due (07:30 unless they chose)."""
        assert self.runner is not None
        zone = await self._zone_of(user_id)
        async with self.runner.runtime.uow() as uow:
            profile = await uow.profiles.get(user_id)
        hhmm = (profile.checkin_time if profile else None) or DEFAULT_CHECKIN_TIME
        at = clock_time.fromisoformat(hhmm)
        local_now = self.clock().astimezone(zone)
        morning = datetime.combine(local_now.date(), at, tzinfo=zone)
        if morning <= local_now:
            morning = datetime.combine(local_now.date() + timedelta(days=1), at, tzinfo=zone)
        return morning.astimezone(UTC)

    async def advance(self, user_id: int, action: str) -> int:
        """One button of the clock bar; the number of steps the clock made."""
        now = self.clock()
        if action == "hour":
            return await self.bar.advance_to(now + timedelta(hours=1))
        if action == "week":
            return await self.bar.advance_to(now + timedelta(weeks=1))
        if action == "morning":
            return await self.bar.advance_to(await self._next_morning(user_id))
        if action == "reminder":
            before = len(self.api.history(user_id))
            return await self.bar.advance_to(
                now + NEXT_REMINDER_HORIZON,
                until=lambda: len(self.api.history(user_id)) > before,
            )
        raise ValueError(f"unknown clock action {action!r}")

    # ---- what the page sees ------------------------------------------------------------------

    async def state(self, user_id: int) -> dict[str, Any]:
        zone = await self._zone_of(user_id)
        now = self.clock()
        local = now.astimezone(zone)
        return {
            "now": now.isoformat(),
            "local": local.strftime("%a %-d %b %Y, %H:%M"),
            "zone": str(zone),
            "users": [u.json() for u in DEMO_USERS],
            "messages": self._messages(user_id),
            "keyboard": self._reply_keyboard(user_id),
            "commands": [{"command": c, "description": d} for c, d in self.api.commands],
            "toasts": [
                {"id": a.callback_query_id, "text": a.text, "alert": a.show_alert}
                for a in self.api.callback_answers
                if a.user_id == user_id and a.text
            ][-5:],
        }

    def _messages(self, user_id: int) -> list[dict[str, Any]]:
        shown = [_bot_json(m) for m in self.api.messages(user_id) if not m.deleted]
        return sorted([*shown, *self.sent[user_id]], key=lambda m: int(m["id"]))

    def _reply_keyboard(self, user_id: int) -> dict[str, Any] | None:
        """The reply keyboard under the input field: the last one the bot sent to this chat,
        until a message removed it (or, one-time, until it was used)."""
        keyboard: dict[str, Any] | None = None
        for request in self.api.requests:
            if request.method.lower() not in ("sendmessage", "sendphoto", "senddocument"):
                continue
            if request.chat_id != user_id or request.error_code is not None:
                continue
            markup = request.params.get("reply_markup")
            if isinstance(markup, str):
                with contextlib.suppress(ValueError):
                    markup = json.loads(markup)
            if not isinstance(markup, dict):
                continue
            if "keyboard" in markup:
                keyboard = {
                    "rows": [[_key_json(b) for b in row] for row in markup["keyboard"]],
                    "one_time": bool(markup.get("one_time_keyboard")),
                    "since": request.time,
                }
            elif markup.get("remove_keyboard"):
                keyboard = None
        if keyboard is not None and keyboard["one_time"]:
            used = any(m["time"] > keyboard["since"] for m in self.sent[user_id])
            if used:
                return None
        return keyboard

    # ---- what the page does -------------------------------------------------------------------

    async def send(self, user_id: int, text: str) -> None:
        message_id = await self.drivers[user_id].send(text)
        self._record(user_id, message_id, text=text)

    async def share_location(self, user_id: int) -> None:
        user = self.users[user_id]
        message_id = await self.drivers[user_id].share_location(user.latitude, user.longitude)
        self._record(user_id, message_id, text=f"📍 Location: {user.home}")

    async def tap(self, user_id: int, message_id: int, data: str) -> None:
        await self.drivers[user_id].tap(data=data, message=message_id)

    def _record(self, user_id: int, message_id: int, text: str) -> None:
        self.sent[user_id].append(
            {"id": message_id, "from": "user", "text": text, "time": time.time()}
        )

    # ---- HTTP ----------------------------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_get("/", self._index)
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/api/state", self._get_state)
        app.router.add_post("/api/send", self._post_send)
        app.router.add_post("/api/tap", self._post_tap)
        app.router.add_post("/api/location", self._post_location)
        app.router.add_post("/api/clock", self._post_clock)
        app.router.add_get("/api/file/{file_id}", self._get_file)
        return app

    async def _index(self, request: web.Request) -> web.Response:
        return web.Response(text=(STATIC / "index.html").read_text(), content_type="text/html")

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        types = {"demo.css": "text/css", "demo.js": "application/javascript"}
        if name not in types:
            raise web.HTTPNotFound()
        return web.Response(text=(STATIC / name).read_text(), content_type=types[name])

    def _user_id(self, raw: Any) -> int:
        try:
            user_id = int(raw)
        except (TypeError, ValueError):
            raise web.HTTPBadRequest(text="no such demo user") from None
        if user_id not in self.users:
            raise web.HTTPBadRequest(text="no such demo user")
        return user_id

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="send JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="send a JSON object")
        return body

    async def _get_state(self, request: web.Request) -> web.Response:
        return web.json_response(await self.state(self._user_id(request.query.get("user"))))

    async def _post_send(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        text = str(body.get("text") or "").strip()
        if not text:
            raise web.HTTPBadRequest(text="empty message")
        await self.send(self._user_id(body.get("user")), text[:4096])
        return web.json_response({"ok": True})

    async def _post_location(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        await self.share_location(self._user_id(body.get("user")))
        return web.json_response({"ok": True})

    async def _post_tap(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user_id = self._user_id(body.get("user"))
        try:
            await self.tap(user_id, int(body.get("message_id") or 0), str(body.get("data") or ""))
        except (LookupError, ValueError):
            raise web.HTTPBadRequest(text="that button is not on that message") from None
        return web.json_response({"ok": True})

    async def _post_clock(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        user_id = self._user_id(body.get("user"))
        try:
            steps = await self.advance(user_id, str(body.get("action")))
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        return web.json_response({"ok": True, "steps": steps, "now": self.clock().isoformat()})

    async def _get_file(self, request: web.Request) -> web.Response:
        stored = self.api.files.get(request.match_info["file_id"])
        if stored is None or stored.data is None:
            raise web.HTTPNotFound()
        headers = {}
        if not stored.file_id.startswith("photo"):
            name = (stored.filename or "file").replace('"', "")
            headers["Content-Disposition"] = f'inline; filename="{name}"'
        return web.Response(
            body=stored.data,
            content_type=_content_type(stored.mime_type, stored.filename),
            headers=headers,
        )


def _content_type(mime: str | None, filename: str | None) -> str:
    if mime and mime != "application/octet-stream":
        return mime
    suffix = (filename or "").rsplit(".", 1)[-1].lower()
    known = {"png": "image/png", "csv": "text/csv", "json": "application/json"}
    return known.get(suffix, "application/octet-stream")


def _key_json(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        return {"text": button, "location": False}
    return {"text": str(button.get("text", "")), "location": bool(button.get("request_location"))}


def _bot_json(message: SentMessage) -> dict[str, Any]:
    raw = message.raw
    photo = raw.get("photo")
    document = raw.get("document")
    return {
        "id": message.message_id,
        "from": "bot",
        "text": message.content,
        "entities": message.entities,
        "photo": f"/api/file/{photo[-1]['file_id']}" if photo else None,
        "document": (
            {
                "name": document.get("file_name") or "file",
                "url": f"/api/file/{document['file_id']}",
            }
            if document
            else None
        ),
        "buttons": [
            [{"text": text, "data": data} for text, data in row]
            for row in message.reply_markup or []
        ],
        "urls": _url_buttons(raw),
        "edited": message.edited,
    }


def _url_buttons(raw: dict[str, Any]) -> dict[str, str]:
    """Inline buttons that open a link (no callback data): text → URL."""
    rows = (raw.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["text"]: b["url"] for row in rows for b in row if "url" in b}
