"""The Telegram side of the scheduler: reminders, nudges, check-ins, summaries and notices.

Messages go through the Application's bot, whose rate limiter (bot/pacing.py) keeps within
Telegram's flood limit and retries a 429 after its retry_after. A 403 (the person blocked the
bot) or a 400 "chat not found" becomes scheduler.ports.RecipientBlocked, any other 400
MessageRefused; everything else (network errors, 5xx) is left to the due-queue to retry.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from html import escape
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot import i18n, texts, views
from bot.callbacks import CHOOSE_DAYS_DATA, pack
from bot.charts import render_off_loop
from bot.html_fit import send_long
from bot.keyboards import pain_keyboard
from scheduler.ports import (
    CadenceNotice,
    MessageRefused,
    RecipientBlocked,
    ReminderMessage,
    Variant,
)
from service_layer.languages import DEFAULT
from service_layer.records import WeeklySummary

REMINDER_PREFIX = "rem"
MAX_CAPTION = 1024

log = logging.getLogger(__name__)


class Action:
    START = "start"
    SNOOZE = "snooze"
    SKIP = "skip"


def day_code(local_date: date) -> str:
    return local_date.strftime("%Y%m%d")


def reminder_data(local_date: date, slot: str, action: str) -> str:
    """`rem:<yyyymmdd>:<slot>:<start|snooze|skip>`."""
    return pack(REMINDER_PREFIX, day_code(local_date), slot, action)


def reminder_keyboard(local_date: date, slot: str, *, snooze: bool) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(
            texts.REMINDER_START, callback_data=reminder_data(local_date, slot, Action.START)
        )
    ]
    if snooze:
        row.append(
            InlineKeyboardButton(
                texts.REMINDER_SNOOZE, callback_data=reminder_data(local_date, slot, Action.SNOOZE)
            )
        )
    skip = InlineKeyboardButton(
        texts.REMINDER_SKIP, callback_data=reminder_data(local_date, slot, Action.SKIP)
    )
    return InlineKeyboardMarkup([row, [skip]])


def exercise_dose(ex: Any) -> str:
    """`Calf-raise hold 4 × 20 s hold`, `Heel drop 3 × 15 reps, +5 kg`."""
    exercise_id = getattr(ex, "exercise_id", None)
    fallback = getattr(ex, "name", None) or i18n._("Exercise")
    name = texts.exercise_name(exercise_id, fallback) if exercise_id else fallback
    return f"{name} {texts.dose_text(ex)}"


def dose_line(session: Any, stage: int | None) -> str:
    """Today's dose in one line (HTML-escaped)."""
    parts: list[str] = []
    if stage is not None:
        parts.append(texts.STAGE_LABEL.format(stage=stage))
    exercises = list(getattr(session, "exercises", None) or [])
    parts += [exercise_dose(ex) for ex in exercises]
    return escape(" · ".join(parts))


def reminder_text(message: ReminderMessage) -> str:
    if message.variant is Variant.NUDGE:
        return texts.REMINDER_NUDGE
    head = {
        Variant.REMINDER: texts.REMINDER_ON_TIME,
        Variant.LATE: texts.REMINDER_LATE,
        Variant.SNOOZE: texts.REMINDER_SNOOZED_AGAIN,
    }[message.variant]
    dose = dose_line(message.session, message.stage)
    return head if not dose else f"{head}\n{texts.REMINDER_TODAY.format(dose=dose)}"


def _final(exc: Exception) -> Exception:
    """Telegram's final answers as the scheduler's exceptions."""
    if isinstance(exc, Forbidden) or "chat not found" in str(exc).lower():
        return RecipientBlocked(str(exc))
    return MessageRefused(str(exc))


class TelegramNotifier:
    """Implements scheduler.ports.Notifier with a python-telegram-bot Bot."""

    def __init__(
        self, bot: Bot, language_of: Callable[[int], Awaitable[str]] | None = None
    ) -> None:
        self.bot = bot
        self._language_of = language_of

    async def _language(self, chat_id: int) -> str:
        """The language of the person in `chat_id` (a private chat: its id is theirs)."""
        if self._language_of is None:
            return DEFAULT
        try:
            return await self._language_of(chat_id)
        except Exception:  # the database is away: send it in English rather than not at all
            log.warning("could not look up the language of chat %s", chat_id, exc_info=True)
            return DEFAULT

    async def _send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        try:
            await send_long(self.bot, chat_id, text, markup)
        except (Forbidden, BadRequest) as exc:
            raise _final(exc) from exc

    async def send_reminder(self, message: ReminderMessage) -> None:
        with i18n.using(await self._language(message.chat_id)):
            await self._send_reminder(message)

    async def _send_reminder(self, message: ReminderMessage) -> None:
        markup = reminder_keyboard(
            message.local_date,
            message.slot,
            snooze=message.variant in (Variant.REMINDER, Variant.LATE),
        )
        await self._send(message.chat_id, reminder_text(message), markup)

    async def send_checkin(self, chat_id: int, local_date: date) -> None:
        with i18n.using(await self._language(chat_id)):
            await self._send_checkin(chat_id, local_date)

    async def _send_checkin(self, chat_id: int, local_date: date) -> None:
        code = day_code(local_date)
        await self._send(
            chat_id, texts.CHECKIN_QUESTION, pain_keyboard(lambda v: pack("mc", code, v))
        )

    async def send_summary(self, chat_id: int, summary: WeeklySummary) -> None:
        with i18n.using(await self._language(chat_id)):
            await self._send_summary(chat_id, summary)

    async def _send_summary(self, chat_id: int, summary: WeeklySummary) -> None:
        text = views.weekly_summary_text(summary)
        chart_png = await render_off_loop(summary.chart) if summary.chart is not None else None
        try:
            if chart_png:
                caption = text if len(text) <= MAX_CAPTION else None
                await self.bot.send_photo(chat_id, chart_png, caption=caption)
                if caption is None:
                    await send_long(self.bot, chat_id, text)
            else:
                await send_long(self.bot, chat_id, text)
        except (Forbidden, BadRequest) as exc:
            raise _final(exc) from exc

    async def send_cadence_notice(self, notice: CadenceNotice) -> None:
        with i18n.using(await self._language(notice.chat_id)):
            await self._send_cadence_notice(notice)

    async def _send_cadence_notice(self, notice: CadenceNotice) -> None:
        lines: list[str] = []
        if notice.changed:
            rhythm = texts.cadence_rhythm(
                notice.cadence, notice.session_times, notice.weekly_days, notice.weekly_time
            )
            lines.append(texts.CADENCE_CHANGED.format(rhythm=rhythm))
        markup = None
        if notice.days_defaulted and notice.weekly_days:
            lines.append(texts.DAYS_DEFAULTED.format(days=texts.weekday_list(notice.weekly_days)))
            choose = InlineKeyboardButton(texts.DAYS_CHOOSE, callback_data=CHOOSE_DAYS_DATA)
            markup = InlineKeyboardMarkup([[choose]])
        if lines:
            await self._send(notice.chat_id, "\n\n".join(lines), markup)
