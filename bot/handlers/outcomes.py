"""The referral's "I have been seen" button, the week 6 / 12 review and "do you run?" in chat
(issue 11).

Callback data: `ref:seen` (checked against an open referral), `rv:<week>:<rating>` (checked
against the review due today) and `run:yes|no` (checked against the running offer)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import flows, texts
from bot.callbacks import CallbackDataError, pack, unpack
from bot.context import runtime_of
from bot.services import outcomes

SEEN_DATA = "ref:seen"


def seen_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.REFER_SEEN, callback_data=SEEN_DATA)]])


def _review_markup(week: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=pack("rv", week, key))]
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
                [InlineKeyboardButton(label, callback_data=pack("st", day, key))]
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
                    InlineKeyboardButton(label, callback_data=pack("run", key))
                    for key, label in texts.RUN_CHOICES
                ]
            ]
        )
        await context.bot.send_message(
            chat_id, texts.RUN_QUESTION, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    offer = await outcomes.review_offer(runtime_of(context), user_id)
    if offer is None:
        return
    text = texts.REVIEW_QUESTION.format(summary=escape(offer.summary))
    await context.bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, reply_markup=_review_markup(offer.week)
    )


async def on_review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    try:
        week_text, rating = unpack(query.data, "rv", 2)
        week = int(week_text)
    except (CallbackDataError, ValueError):
        await flows.expired(update, context)
        return
    result = await outcomes.answer_review(runtime_of(context), user.id, week, rating)
    if result is None:
        await flows.expired(update, context)
        return
    await query.answer()
    await flows.close_tapped(context, query)  # answered: the chat shows the answer
    if result.referral is not None:
        text = texts.REVIEW_REFER.format(reason=escape(texts.reason_text(result.referral)))
        await context.bot.send_message(
            chat.id, text, parse_mode=ParseMode.HTML, reply_markup=seen_markup()
        )
        return
    text = texts.REVIEW_DONE_12 if week >= 12 else texts.REVIEW_DONE
    await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)


async def on_seen_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    if not await outcomes.mark_seen(runtime_of(context), user.id):
        await query.answer(texts.ALREADY_NOTED)
        return
    await query.answer()
    await flows.close_tapped(context, query)  # answered: the chat shows the answer
    await context.bot.send_message(chat.id, texts.REFER_SEEN_DONE, parse_mode=ParseMode.HTML)


async def on_running_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    try:
        (choice,) = unpack(query.data, "run", 1)
    except CallbackDataError:
        await flows.expired(update, context)
        return
    if choice not in ("yes", "no"):
        await flows.expired(update, context)
        return
    if not await outcomes.answer_running(runtime_of(context), user.id, choice == "yes"):
        await query.answer(texts.ALREADY_NOTED)
        return
    await query.answer()
    await flows.close_tapped(context, query)  # answered: the chat shows the answer
    text = texts.RUN_STARTS if choice == "yes" else texts.RUN_SKIPPED
    await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)


async def on_stiffness_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    try:
        day_text, minutes_text = unpack(query.data, "st", 2)
        on = datetime.strptime(day_text, "%Y%m%d").date()  # noqa: DTZ007 (a calendar date)
        minutes = int(minutes_text)
    except (CallbackDataError, ValueError):
        await flows.expired(update, context)
        return
    if str(minutes) not in dict(texts.STIFFNESS_CHOICES):
        await flows.expired(update, context)
        return
    if not await outcomes.answer_stiffness(runtime_of(context), user.id, on, minutes):
        await query.answer(texts.ALREADY_NOTED)
        return
    await query.answer()
    await flows.close_tapped(context, query)  # answered: the chat shows the answer
    await context.bot.send_message(chat.id, texts.STIFFNESS_NOTED.format(minutes=minutes))
