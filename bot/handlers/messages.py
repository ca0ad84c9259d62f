"""Free text: checked for red-flag words first, always; then a question the catalogue can answer;
then offered to the current flow; else an answer if it is about a topic, or a hint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot import faq, flows, texts
from bot.context import runtime_of
from bot.handlers import checkin, learn
from bot.services import settings as settings_service

# Set by the safety feature: called with text no flow took; returns True if it reacted.
RedFlagScreen = Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Awaitable[bool]]
_red_flag_screens: list[RedFlagScreen] = []


def add_red_flag_screen(screen: RedFlagScreen) -> None:
    _red_flag_screens.append(screen)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a text message; the user always gets an answer."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = message.text
    for screen in _red_flag_screens:
        if await screen(update, context, text):
            return
    # A question about one of /learn's topics is answered wherever the user is; the step they
    # are on (and its buttons) stays as it was.
    if await learn.answer_question(update, context, text, questions_only=True):
        return
    if await flows.on_flow_text(update, context, text):
        return
    if await checkin.on_typed_answer(update, context, text):
        return
    if await learn.answer_question(update, context, text, questions_only=False):
        return
    await _pointer(update, context, text)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice…: a friendly pointer instead of silence."""
    if update.effective_message is None:
        return
    # In a flow, a message without text is answered like unreadable text: a hint and the
    # current step again (its buttons), so the user is never left without a way on.
    if await flows.on_flow_text(update, context, ""):
        return
    await _pointer(update, context)


async def _pointer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str | None = None
) -> None:
    """Nothing took the message: point a newcomer to /start; offer anyone else the topics
    of /learn for a question, or /today and /help."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    runtime = runtime_of(context)
    if await settings_service.is_onboarded(runtime, user.id):
        if text is not None and faq.is_question(text):
            await learn.offer_topics(update, context)
            return
        await message.reply_text(texts.UNEXPECTED_TEXT)
        return
    flow = await flows.current(runtime, user.id)
    spec = flows.spec_for(flow.name) if flow is not None else None
    if flow is not None and spec is not None:
        await spec.render(update, context, flow)  # a setup left with /cancel: "send /start"
        return
    await message.reply_text(texts.NOT_ONBOARDED)


async def on_unknown_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button whose data matches no known prefix (forged or from an old version)."""
    await flows.expired(update, context)
