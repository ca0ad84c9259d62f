"""10,000 updates: forged and malformed buttons, odd messages, groups, channels and broken
update objects from several people, mixed with the real steps of four others. The bot must
raise no error, apply every real step, and let nobody's payload change another's record.

The bot handles the updates in-process (the stand-in is reached without HTTP, see
standin/inprocess.py), exactly as the inbox poller would hand them over, so that the
run stays within seconds. A fixed seed makes any failure reproducible."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import string
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import texts
from bot.app import build_application
from bot.polling import parse_update
from bot.telegram_bot import CoachBot
from service_layer.runtime import Runtime
from standin.inprocess import InProcessRequest
from standin.server import FakeBotApi
from standin.telegram_html import utf16_len
from storage.migrate import upgrade_to_head
from storage.models import Base
from tests.conftest import make_settings
from tests.e2e.test_session import seed_user
from tests.fakes import FakeClock

pytestmark = pytest.mark.integration

SEED = 20261130
TOTAL = int(os.environ.get("FUZZ_TOTAL", "10000"))
VICTIMS = (9101, 9102, 9103, 9104)  # they only ever take real steps
ATTACKERS = (9201, 9202, 9203, 9204, 9205, 9206)  # they send anything at all
GROUP = -100_555_000
CHANNEL = -100_666_000
COMMANDS = (
    "/start", "/help", "/today", "/plan", "/stage", "/test", "/history", "/pause", "/resume",
    "/settings", "/cancel", "/about", "/delete", "/nonsense", "/start@achilles_coach_test_bot",
)  # fmt: skip
FLOW_PAYLOADS = ("go", "weight", "summary", "close", "none", "x")
SLOTS = ("s1", "s2", "x")
ACTS = ("start", "snooze", "skip", "x")
SHM = Path("/dev/shm")
WORDS = ("3", "3/10", "80", "72 kg", "yes", "no", "pop", "it snapped", "Berlin", "", " ", "🦵")


def message(text: str) -> dict[str, Any]:
    """A text message as Telegram sends it: a leading /command gets its entity."""
    if not text.startswith("/"):
        return {"text": text}
    command = text.split(maxsplit=1)[0]
    return {"text": text, "entities": [{"type": "bot_command", "offset": 0,
                                        "length": utf16_len(command)}]}  # fmt: skip


class Fuzzer:
    def __init__(self, api: FakeBotApi, app: Any, runtime: Runtime, rng: random.Random) -> None:
        self.api, self.app, self.runtime, self.rng = api, app, runtime, rng
        self.sent = 0
        self.weights: dict[int, float] = {}

    async def deliver(self) -> None:
        """Hand every queued update to the bot, as the inbox poller does."""
        bot = self.app.bot
        assert isinstance(bot, CoachBot)
        for raw in self.api.take_updates():
            self.sent += 1
            update = parse_update(raw, bot)
            if update is not None:
                await self.app.process_update(update)

    # ---- junk ---------------------------------------------------------------------------------

    def _text(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return self.rng.choice(WORDS)
        if r < 0.7:
            return self.rng.choice(COMMANDS) + self.rng.choice(("", " x", " 12"))
        if r < 0.8:
            return "".join(self.rng.choices(string.printable, k=self.rng.randint(1, 50)))
        if r < 0.9:
            return "".join(chr(self.rng.randint(0x20, 0x2FFF)) for _ in range(20))
        return "<b>" * 3 + "x" * self.rng.randint(4000, 5000)

    def _data(self) -> str:
        rng = self.rng
        victim = rng.choice(VICTIMS)
        real = [d for m in self.api.messages(victim) for _, d in m.buttons if d]
        choices: list[Callable[[], str]] = [
            lambda: f"f:{rng.randint(-2, 40)}:{rng.choice(FLOW_PAYLOADS)}",
            lambda: f"f:{rng.randint(0, 40)}:{rng.randint(0, 999)}:p:{rng.randint(-1, 12)}",
            lambda: f"del:{rng.randint(0, 2**34)}:{rng.choice(('AAAAAAAAAAAA', 'x'))}:yes",
            lambda: f"rem:2026120{rng.randint(0, 9)}:{rng.choice(SLOTS)}:{rng.choice(ACTS)}",
            lambda: f"mc:2026{rng.randint(10, 13)}{rng.randint(0, 35):02d}:{rng.randint(-1, 12)}",
            lambda: rng.choice(
                ("home:over", "home:cleared", "home:days", "ses:open", "f:", "del:")
            ),
            lambda: "".join(rng.choices(string.printable, k=rng.randint(1, 64))),
            lambda: rng.choice(real) if real else "f:1:go",  # a victim's own live button
        ]
        return rng.choice(choices)()

    def junk(self) -> None:
        """One update nobody should be able to hurt anyone with."""
        rng, api = self.rng, self.api
        attacker = rng.choice(ATTACKERS)
        kind = rng.random()
        if kind < 0.35:
            api.push_user_message(attacker, message(self._text()))
        elif kind < 0.65:
            api.push_callback_query(attacker, rng.randint(0, 60), self._data())
        elif kind < 0.72:
            who = rng.choice((*ATTACKERS, *VICTIMS))  # a victim talking in a group is no step
            api.push_group_message(who, GROUP, message(rng.choice(COMMANDS)))
        elif kind < 0.75:
            api.push_group_callback_query(rng.choice(VICTIMS), GROUP, 1, self._data())
        elif kind < 0.78:
            api.push_group_message(None, CHANNEL, {"text": self._text()})
        elif kind < 0.84:
            api.push_user_message(
                attacker,
                rng.choice(
                    (
                        {"location": {"latitude": rng.uniform(-90, 90), "longitude": 13.4}},
                        {"sticker": {"file_id": "s", "file_unique_id": "u", "type": "regular",
                                     "width": 1, "height": 1, "is_animated": False,
                                     "is_video": False}},
                        {"photo": [{"file_id": "p", "file_unique_id": "q", "width": 1,
                                    "height": 1}]},
                    )
                ),
            )  # fmt: skip
        else:
            api.push_raw_update(self._broken(attacker))

    def _broken(self, attacker: int) -> dict[str, Any]:
        rng = self.rng
        victim = rng.choice(VICTIMS)
        private = {"id": victim, "type": "private", "first_name": "V"}
        return rng.choice(
            [
                {"message": {"message_id": 1, "chat": "not a chat"}},
                {"message": {"message_id": 1, "date": 0, "chat": private, "text": "/start"}},
                {"callback_query": {"id": "9", "from": {"id": attacker, "is_bot": False,
                                                        "first_name": "A"},
                                    "chat_instance": "i", "data": "f:1:go",
                                    "inline_message_id": "abc"}},
                {"callback_query": {"id": "9", "chat_instance": "i"}},
                {"edited_message": {"message_id": 1, "date": 0, "chat": private,
                                    "from": {"id": victim, "is_bot": False, "first_name": "V"},
                                    "text": "80"}},
                {"message": {"message_id": 2, "date": 0, "chat": private, "text": "80",
                             "from": {"id": attacker, "is_bot": False, "first_name": "A"}}},
                {"message": {"message_id": 3, "date": 0, "chat": private, "text": "/delete",
                             "from": {"id": victim, "is_bot": True, "first_name": "Bot"}}},
                {"poll": {"id": "1"}},
                {"unknown_kind": {"x": 1}},
                {},
            ]
        )  # fmt: skip

    # ---- real steps ---------------------------------------------------------------------------

    async def real_step(self, victim: int, step: int) -> None:
        """Step 0: /settings; 1: Body weight; 2: the new weight. Each must be answered."""
        api = self.api
        before = len(api.history(victim))
        if step == 0:
            api.push_user_message(victim, message("/settings"))
            expected = "Your settings"
        elif step == 1:
            menu = next(m for m in reversed(api.messages(victim)) if "Your settings" in m.content)
            data = next(d for label, d in menu.buttons if label == "Body weight")
            assert data is not None
            api.push_callback_query(victim, menu.message_id, data)
            expected = "What do you weigh"
        else:
            weight = float(self.rng.randint(50, 120))
            api.push_user_message(victim, {"text": f"{weight:g}"})
            self.weights[victim] = weight
            expected = "Saved"
        await self.deliver()
        replies = [m.content for m in api.history(victim)[before:]]
        assert any(expected in r for r in replies), (victim, step, replies)


async def snapshot(runtime: Runtime, user_id: int) -> dict[str, Any]:
    """Everything stored about one person that another person's payload could change."""
    async with runtime.uow() as uow:
        user = await uow.users.get(user_id)
        profile = await uow.profiles.get(user_id)
        flow = await uow.flows.get(user_id)
        counts = {}
        for table in Base.metadata.sorted_tables:
            if not table.info.get("personal", True):
                continue  # e.g. media_files: no row is about a person
            column = table.c["id" if table.name == "users" else "user_id"]
            stmt = select(func.count()).select_from(table).where(column == user_id)
            counts[table.name] = int(await uow.session.scalar(stmt) or 0)
        return {
            "user": None if user is None else (user.chat_id, user.active, user.first_name),
            "profile": None if profile is None else (dict(profile.answers), profile.paused,
                                                     profile.weekly_summary),
            "flow": None if flow is None else (flow.name, flow.step, flow.version, flow.data),
            "rows": counts,
        }  # fmt: skip


_shm = SHM.is_dir()


@pytest.fixture
async def fuzz_bot() -> AsyncIterator[tuple[FakeBotApi, Any, Runtime]]:
    # A database in memory-backed storage when there is one: 10,000 updates, many commits.
    with tempfile.TemporaryDirectory(dir=SHM if _shm else None) as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'fuzz.db'}"
        await asyncio.to_thread(upgrade_to_head, url)
        async with FakeBotApi() as api:
            runtime = Runtime.create(make_settings(url, api.base_url), FakeClock())
            app = build_application(runtime, request=InProcessRequest(api), rate_limited=False)
            await app.initialize()
            try:
                yield api, app, runtime
            finally:
                await app.shutdown()
                await runtime.close()


async def test_ten_thousand_hostile_updates_hurt_no_one(
    fuzz_bot: tuple[FakeBotApi, Any, Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    api, app, runtime = fuzz_bot
    caplog.set_level(logging.WARNING)
    rng = random.Random(SEED)
    for victim in VICTIMS:
        api.user(victim, first_name=f"V{victim}")
        await seed_user(runtime, victim)
    for attacker in ATTACKERS:
        api.user(attacker, first_name=f"A{attacker}")
    api.group(GROUP, "Club", kind="supergroup")
    api.group(CHANNEL, "News", kind="channel")
    fuzzer = Fuzzer(api, app, runtime, rng)
    steps = dict.fromkeys(VICTIMS, 0)
    last_seen = {v: await snapshot(runtime, v) for v in VICTIMS}
    real_steps = 0

    while fuzzer.sent < TOTAL:
        if rng.random() < 0.12:
            victim = rng.choice(VICTIMS)
            # Nothing anyone else sent since this person's last step changed their record.
            assert await snapshot(runtime, victim) == last_seen[victim], victim
            await fuzzer.real_step(victim, steps[victim] % 3)
            steps[victim] += 1
            real_steps += 1
            last_seen[victim] = await snapshot(runtime, victim)
        else:
            for _ in range(rng.randint(1, 20)):
                fuzzer.junk()
            await fuzzer.deliver()

    for victim in VICTIMS:
        assert await snapshot(runtime, victim) == last_seen[victim], victim
        if victim in fuzzer.weights:  # every real step was applied: the last weight stands
            profile = (await snapshot(runtime, victim))["profile"]
            assert profile is not None
            assert profile[0]["bodyweight_kg"] == fuzzer.weights[victim]
    assert real_steps > 100
    assert fuzzer.sent >= TOTAL
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors[:5]]
    apologies = (texts.ERROR_SAVED, texts.ERROR_NOT_SAVED)
    for who in (*VICTIMS, *ATTACKERS):
        assert not [m for m in api.history(who) if m.content in apologies], who
    # Nothing personal went to the group or the channel.
    for chat in (GROUP, CHANNEL):
        assert {m.content for m in api.messages(chat)} <= {texts.PRIVATE_ONLY}
