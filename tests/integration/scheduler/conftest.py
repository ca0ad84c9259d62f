"""Fixtures for the scheduler tests: a runtime on a fake clock, a recording notifier, seeding."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from scheduler.ports import CadenceNotice, RecipientBlocked, ReminderMessage
from service_layer.records import WeeklySummary
from service_layer.runtime import Runtime
from tests.conftest import make_settings
from tests.fakes import FakeClock


@dataclass
class Sent:
    kind: str
    chat_id: int
    payload: object


@dataclass
class RecordingNotifier:
    """A fake Notifier: records what would have been sent; chats in `blocked` answer 403."""

    sent: list[Sent] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)

    def _check(self, chat_id: int) -> None:
        if chat_id in self.blocked:
            raise RecipientBlocked("Forbidden: bot was blocked by the user")

    async def send_reminder(self, message: ReminderMessage) -> None:
        self._check(message.chat_id)
        self.sent.append(Sent(message.variant.value, message.chat_id, message))

    async def send_checkin(self, chat_id: int, local_date: date) -> None:
        self._check(chat_id)
        self.sent.append(Sent("checkin", chat_id, local_date))

    async def send_summary(self, chat_id: int, summary: WeeklySummary) -> None:
        self._check(chat_id)
        self.sent.append(Sent("summary", chat_id, summary))

    async def send_cadence_notice(self, notice: CadenceNotice) -> None:
        self._check(notice.chat_id)
        self.sent.append(Sent("notice", notice.chat_id, notice))

    def kinds(self) -> list[str]:
        return [s.kind for s in self.sent]

    def of(self, kind: str) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 6, 10, 4, 0, tzinfo=UTC))


@pytest.fixture
async def rt(migrated_url: str, clock: FakeClock) -> AsyncIterator[Runtime]:
    runtime = Runtime.create(make_settings(migrated_url), clock)
    yield runtime
    await runtime.close()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()
