"""The morning check-in answer: `mc:<yyyymmdd>:<pain>` from the scheduler's question."""

from __future__ import annotations

from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

import rehab
from bot import flows, texts
from bot.callbacks import CallbackDataError, pack, unpack
from bot.context import runtime_of
from bot.handlers import outcomes as outcome_handlers
from service_layer import checkins, reader
from service_layer.checkins import CheckinKind


def parse(data: str | None) -> tuple[date, int] | None:
    """(date, pain) from `mc:<yyyymmdd>:<pain>`, or None if it is not one."""
    try:
        day_text, pain_text = unpack(data, "mc", 2)
        on = datetime.strptime(day_text, "%Y%m%d").date()  # noqa: DTZ007 (a calendar date)
        pain = int(pain_text)
    except (CallbackDataError, ValueError):
        return None
    return (on, pain) if 0 <= pain <= 10 else None


async def on_checkin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the answer once, then tell the decision and the answer behind it."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    parsed = parse(query.data)
    if parsed is None:
        await flows.expired(update, context)
        return
    on, pain = parsed
    runtime = runtime_of(context)
    outcome = await checkins.answer(runtime, user.id, on, pain)
    if outcome.kind == CheckinKind.NOT_ASKED:
        await flows.expired(update, context)  # a morning never asked about
        return
    await flows.close_tapped(context, query)  # the chat shows the answer, not live buttons
    if outcome.kind == CheckinKind.ALREADY:
        await query.answer(texts.ALREADY_NOTED)
        text = (
            texts.CHECKIN_ALREADY.format(pain=outcome.pain)
            if outcome.pain != pain
            else texts.ALREADY_ANSWERED
        )
        await context.bot.send_message(chat.id, text)
        return
    await query.answer()
    await _tell(context, chat.id, user.id, pain, outcome)


async def on_typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """A typed score ("3", "about 2/10"; "maybe 3?" is asked back) while today's morning
    question is unanswered; True if taken."""
    user = update.effective_user
    chat = update.effective_chat
    reading = reader.read_pain(text)
    if user is None or chat is None or reading is None:
        return False
    runtime = runtime_of(context)
    on = await checkins.awaiting_answer(runtime, user.id)
    if on is None:
        return False
    pain = reading.value
    if not reading.sure:
        answer = f"{pain}/10"
        yes = pack("mc", on.strftime("%Y%m%d"), pain)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.GUESS_YES.format(answer=answer), callback_data=yes)]]
        )
        await context.bot.send_message(
            chat.id, texts.DID_YOU_MEAN.format(answer=answer), reply_markup=markup
        )
        return True
    outcome = await checkins.answer(runtime, user.id, on, pain)
    if outcome.kind == CheckinKind.NOT_ASKED:
        return False
    if outcome.kind == CheckinKind.ALREADY:
        await context.bot.send_message(chat.id, texts.CHECKIN_ALREADY.format(pain=outcome.pain))
        return True
    await _tell(context, chat.id, user.id, pain, outcome)
    return True


async def _tell(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    user_id: int,
    pain: int,
    outcome: checkins.CheckinOutcome,
) -> None:
    """The decision and the answer behind it (or why the answer was not taken)."""
    runtime = runtime_of(context)
    if outcome.kind == CheckinKind.NOT_ONBOARDED:
        text = texts.CHECKIN_NOT_ONBOARDED
    elif outcome.kind == CheckinKind.TOO_OLD:
        text = texts.CHECKIN_TOO_OLD
    else:
        words = texts.reason_text(outcome.reason) if outcome.reason is not None else ""
        reason = texts.with_test_hint(words, outcome.decision_kind)
        text = texts.CHECKIN_DECISION.format(pain=pain, reason=reason)
    # A referral offers "I've been seen" (progress waits for it).
    refer = outcome.decision_kind == str(rehab.DecisionKind.REFER)
    markup = outcome_handlers.seen_markup() if refer else None
    await context.bot.send_message(chat_id, text, reply_markup=markup)
    if outcome.kind == CheckinKind.DECIDED:
        if outcome.schedule_changed:
            # A new cadence, a pause or a stop: the reminders follow at once.
            await runtime.reschedule(user_id)
        await outcome_handlers.offer_review(context, chat_id, user_id)
