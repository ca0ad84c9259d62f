"""What the scheduler needs from the outside world to reach a person (bot/notifier.py is the
Telegram implementation; tests use a recording fake)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from rehab import SessionPlan
from service_layer.records import WeeklySummary


class RecipientBlocked(Exception):
    """The person blocked the bot (Telegram answered 403) or their chat is gone (400 chat not
    found): stop writing to them."""


class MessageRefused(Exception):
    """Telegram refused this message for good (another 400): sending it again cannot help."""


class Variant(StrEnum):
    """Which flavour of session reminder goes out."""

    REMINDER = "reminder"  # on time
    LATE = "late"  # caught up after a restart, within the grace window
    SNOOZE = "snooze"  # the one re-reminder after "Snooze 30 min"
    NUDGE = "nudge"  # the one gentle nudge when nothing was logged


@dataclass(frozen=True)
class ReminderMessage:
    user_id: int
    chat_id: int
    local_date: date
    slot: str
    variant: Variant
    stage: int | None
    # The session prescribed for `local_date` (None if the engine could not prescribe one).
    session: SessionPlan | None = None


@dataclass(frozen=True)
class CadenceNotice:
    chat_id: int
    cadence: str
    weekly_days: tuple[int, ...]
    weekly_time: str
    session_times: tuple[str, ...]
    changed: bool  # True: the stage changed the cadence; False: only the default days are told
    days_defaulted: bool


class Notifier(Protocol):
    """Sends the scheduler's messages. Raises RecipientBlocked when the person blocked the bot
    (or their chat is gone), MessageRefused on Telegram's other final answers; anything else is
    a passing failure the due-queue retries."""

    async def send_reminder(self, message: ReminderMessage) -> None: ...

    async def send_checkin(self, chat_id: int, local_date: date) -> None: ...

    async def send_summary(self, chat_id: int, summary: WeeklySummary) -> None: ...

    async def send_cadence_notice(self, notice: CadenceNotice) -> None: ...
