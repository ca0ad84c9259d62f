"""The referral's "I have been seen" button, the week 6 / 12 review and "do you run?" in chat
(issue 11).

Callback data: `ref:seen` (checked against an open referral), `rv:<week>:<rating>` (checked
against the review due today) and `run:yes|no` (checked against the running offer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Generic, TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import flows, texts
from bot.callbacks import CallbackDataError, pack, unpack
from bot.context import runtime_of
from bot.i18n import _
from service_layer import outcomes

SEEN_DATA = "ref:seen"
T = TypeVar("T")


def seen_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.REFER_SEEN, callback_data=SEEN_DATA)]])


def _review_markup(week: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_(label), callback_data=pack("rv", week, key))]
            for key, label in texts.REVIEW_RATINGS
        ]
    )


async def offer_review(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> None:
    """After the morning answer: the weekly stiffness question, the two-weekly heel-raise count,
    "do you run?" once the running block can start, and the 6- or 12-week review."""
    extras = await outcomes.checkin_extras(runtime_of(context), user_id)
    if extras.stiffness_for is not None:
        day = extras.stiffness_for.strftime("%Y%m%d")
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(_(label), callback_data=pack("st", day, key))]
                for key, label in texts.STIFFNESS_CHOICES
            ]
        )
        await context.bot.send_message(chat_id, texts.STIFFNESS_QUESTION, reply_markup=markup)
    if extras.count_due:
        await context.bot.send_message(chat_id, texts.COUNT_DUE)
    if await outcomes.running_offer(runtime_of(context), user_id):
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(_(label), callback_data=pack("run", key))
                    for key, label in texts.RUN_CHOICES
                ]
            ]
        )
        await context.bot.send_message(chat_id, texts.RUN_QUESTION, reply_markup=markup)
    offer = await outcomes.review_offer(runtime_of(context), user_id)
    if offer is None:
        return
    text = texts.REVIEW_QUESTION.format(summary=escape(texts.review_summary(offer.standing)))
    await context.bot.send_message(chat_id, text, reply_markup=_review_markup(offer.week))


@dataclass(frozen=True)
class _Tap(Generic[T]):
    """A tap on one of these buttons: its query, who tapped, in which chat, and what its
    callback data says."""

    query: CallbackQuery
    user_id: int
    chat_id: int
    value: T


async def _tapped(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    prefix: str,
    count: int,
    parse: Callable[[list[str]], T],
) -> _Tap[T] | None:
    """The tap, its callback data (`prefix` and `count` fields) read by `parse`; None when there
    is nothing to do: no query, person or chat, or data `parse` refuses (CallbackDataError or
    ValueError), which gets the "button expired" answer."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return None
    try:
        value = parse(unpack(query.data, prefix, count))
    except (CallbackDataError, ValueError):
        await flows.expired(update, context)
        return None
    return _Tap(query, user.id, chat.id, value)


async def _noted(context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, recorded: bool) -> bool:
    """Answer the tap: "already noted" when the answer was not recorded (given before), else
    close the question's buttons so the chat shows the answer. Whether it was recorded."""
    if not recorded:
        await query.answer(texts.ALREADY_NOTED)
        return False
    await query.answer()
    await flows.close_tapped(context, query)  # answered: the chat shows the answer
    return True


def _review(fields: list[str]) -> tuple[int, str]:
    week_text, rating = fields
    return int(week_text), rating


def _running(fields: list[str]) -> bool:
    (choice,) = fields
    if choice not in ("yes", "no"):
        raise ValueError(f"not a running choice: {choice!r}")
    return choice == "yes"


def _stiffness(fields: list[str]) -> tuple[date, int]:
    day_text, minutes_text = fields
    on = datetime.strptime(day_text, "%Y%m%d").date()  # noqa: DTZ007 (a calendar date)
    minutes = int(minutes_text)
    if str(minutes) not in dict(texts.STIFFNESS_CHOICES):
        raise ValueError(f"not a stiffness choice: {minutes}")
    return on, minutes


async def on_review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tap = await _tapped(update, context, "rv", 2, _review)
    if tap is None:
        return
    week, rating = tap.value
    result = await outcomes.answer_review(runtime_of(context), tap.user_id, week, rating)
    if result is None:
        await flows.expired(update, context)
        return
    await _noted(context, tap.query, recorded=True)
    if result.referral is not None:
        text = texts.REVIEW_REFER.format(reason=escape(texts.reason_text(result.referral)))
        await context.bot.send_message(tap.chat_id, text, reply_markup=seen_markup())
        return
    text = texts.REVIEW_DONE_12 if week >= 12 else texts.REVIEW_DONE
    await context.bot.send_message(tap.chat_id, text)


async def on_seen_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tap = await _tapped(update, context, "ref", 1, lambda fields: None)
    if tap is None:
        return
    if await _noted(context, tap.query, await outcomes.mark_seen(runtime_of(context), tap.user_id)):
        await context.bot.send_message(tap.chat_id, texts.REFER_SEEN_DONE)


async def on_running_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tap = await _tapped(update, context, "run", 1, _running)
    if tap is None:
        return
    runs = tap.value
    recorded = await outcomes.answer_running(runtime_of(context), tap.user_id, runs)
    if await _noted(context, tap.query, recorded):
        text = texts.RUN_STARTS if runs else texts.RUN_SKIPPED
        await context.bot.send_message(tap.chat_id, text)


async def on_stiffness_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    tap = await _tapped(update, context, "st", 2, _stiffness)
    if tap is None:
        return
    on, minutes = tap.value
    recorded = await outcomes.answer_stiffness(runtime_of(context), tap.user_id, on, minutes)
    if await _noted(context, tap.query, recorded):
        text = texts.STIFFNESS_NOTED.format(minutes=minutes)
        await context.bot.send_message(tap.chat_id, text)
