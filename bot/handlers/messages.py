"""Free text: checked for red-flag words first, always; then a question the catalogue can answer;
then offered to the current flow; else an answer if it is about a topic, or a hint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot import faq, flows, texts
from bot.context import runtime_of
from bot.handlers import checkin, learn
from service_layer import flows as flow_state
from service_layer import reader
from service_layer import settings as settings_service

# The red-flag screen (bot/handlers/safety.py's `screen`, set by register_handlers): sees every
# free text first; returns True if it reacted.
RedFlagScreen = Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Awaitable[bool]]
_red_flag_screen: RedFlagScreen | None = None


def set_red_flag_screen(screen: RedFlagScreen) -> None:
    global _red_flag_screen
    _red_flag_screen = screen


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a text message; the user always gets an answer."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = message.text
    if _red_flag_screen is not None and await _red_flag_screen(update, context, text):
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
    user = update.effective_user
    if (
        user is not None
        and reader.read_action(text, "go")
        and await settings_service.is_onboarded(runtime_of(context), user.id)
    ):
        from bot.handlers.session import open_session

        await open_session(update, context)  # "start" after a reminder: as if Start was tapped
        return
    await _pointer(update, context, text)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice…: a friendly pointer instead of silence."""
    if update.effective_message is None:
        return
    # In a flow, a message without text is answered like unreadable text: one short hint; the
    # step's buttons just above stay live, so the user is never left without a way on.
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
    flow = await flow_state.current(runtime, user.id)
    spec = flows.spec_for(flow.name) if flow is not None else None
    if flow is not None and spec is not None:
        await spec.render(update, context, flow)  # a setup left with /cancel: "send /start"
        return
    await message.reply_text(texts.NOT_ONBOARDED)


async def on_unknown_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button whose data matches no known prefix (forged or from an old version)."""
    await flows.expired(update, context)
