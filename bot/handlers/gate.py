"""/test: a due gate test, step by step (counts typed, pains by buttons)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import i18n, texts, views
from bot.callbacks import flow_data
from bot.context import runtime_of
from bot.flows import FlowSpec
from bot.handlers.session import refuse
from bot.keyboards import pain_keyboard
from service_layer import gates, reader
from service_layer.flow_data import GateData
from service_layer.flows import FlowView

MAX_COUNT = 500


def _question(flow: FlowView) -> tuple[str, InlineKeyboardMarkup | None]:
    step = flow.step
    version = flow.version
    if step == "heel_raise_reps":
        return texts.TEST_HEEL_RAISE, None
    if step in gates.PER_LEG:
        leg = texts.LEFT_LEG if step == "left_reps" else texts.RIGHT_LEG
        return texts.TEST_HEEL_RAISE_LEG.format(leg=leg), None
    if step == "other_side_reps":
        skip = InlineKeyboardButton(texts.TEST_SKIP, callback_data=flow_data(version, "skip"))
        return texts.TEST_HEEL_RAISE_OTHER, InlineKeyboardMarkup([[skip]])
    pains = pain_keyboard(lambda v: flow_data(version, f"p:{v}"))
    if step == "loaded_hold_pain":
        load = flow.data_as(GateData).load_kg or 0.0
        seconds = gates.HOLD_SECONDS
        not_done = InlineKeyboardButton(
            texts.TEST_HOLD_NOT_DONE.format(seconds=seconds),
            callback_data=flow_data(version, gates.HOLD_NOT_DONE),
        )
        markup = InlineKeyboardMarkup([*pains.inline_keyboard, [not_done]])
        return texts.TEST_LOADED_HOLD.format(seconds=seconds, load=i18n.number(load, 2)), markup
    if step == "hop_pain":
        return texts.TEST_HOPS, pains
    return texts.TEST_MORNING_PAIN, pains  # the re-check's morning_pain


async def render(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView) -> None:
    """Ask the current step of the test again."""
    chat = update.effective_chat
    if chat is None:
        return
    text, markup = _question(flow)
    await context.bot.send_message(chat.id, text, reply_markup=markup)


async def test_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start the gate test that is due, or say why none is."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    started = await gates.begin_test(runtime_of(context), user.id)
    if not started.onboarded:
        await message.reply_text(await views.newcomer_text(runtime_of(context), user.id))
        return
    if started.stopped:
        await message.reply_text(texts.PROGRAMME_STOPPED)
        return
    if started.reviewed is not None:
        await _tell(update, context, started.reviewed)
        return
    if started.flow is None:
        await message.reply_text(texts.TEST_NOT_DUE)
        return
    counting = started.flow.data_as(GateData).test == gates.COUNT
    intro = texts.COUNT_INTRO if counting else texts.TEST_INTRO
    await message.reply_text(intro)
    await render(update, context, started.flow)


async def _answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    flow: FlowView,
    value: int | None,
    payload: str | None,
) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    runtime = runtime_of(context)
    result = await gates.answer(runtime, user.id, flow, value, payload)
    if result is None:
        await refuse(update, context)
        return
    if result.flow is not None:
        await render(update, context, result.flow)
        return
    await _tell(update, context, result)


async def _tell(
    update: Update, context: ContextTypes.DEFAULT_TYPE, result: gates.TestAnswer
) -> None:
    """The test's outcome and the engine's reason; the schedule follows a stage change."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    runtime = runtime_of(context)
    template = texts.TEST_RESULT_PASSED if result.passed else texts.TEST_RESULT_FAILED
    if result.counted:
        template = texts.COUNT_RESULT
    reason = texts.reason_text(result.reason) if result.reason is not None else ""
    await context.bot.send_message(chat.id, template.format(reason=escape(reason)))
    if result.stage_changed:
        # A new stage brings a new cadence: the reminders follow at once.
        await runtime.reschedule(user.id)


async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    """Skip (the other side), "couldn't hold" (the checkpoint hold) or a pain button."""
    if payload == "skip" and flow.step in gates.OPTIONAL_STEPS:
        await _answer(update, context, flow, None, payload)
        return
    if payload == gates.HOLD_NOT_DONE and flow.step == "loaded_hold_pain":
        await _answer(update, context, flow, None, payload)
        return
    head, _, value = payload.partition(":")
    if head == "p" and value.isdigit() and int(value) <= 10 and flow.step not in gates.COUNT_STEPS:
        await _answer(update, context, flow, int(value), payload)
        return
    await refuse(update, context)


async def on_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, text: str
) -> bool:
    """A typed count ("about 20") or pain score ("2/10"); anything else gets one short hint
    (the question and its buttons are just above)."""
    chat = update.effective_chat
    if flow.step in gates.COUNT_STEPS:
        count = reader.read_number(text)
        if (
            count is not None
            and count.sure
            and count.value == int(count.value)
            and 0 <= count.value <= MAX_COUNT
        ):
            await _answer(update, context, flow, int(count.value), None)
            return True
        hint = texts.TEST_COUNT_HINT
    else:
        pain = reader.read_pain(text)
        if pain is not None and pain.sure:
            await _answer(update, context, flow, pain.value, None)
            return True
        hint = texts.SESSION_PAIN_HINT
    if chat is not None:
        await context.bot.send_message(chat.id, hint)
    return True


# The flow this module answers (registered in bot/handlers/__init__.py).
FLOWS = {gates.GATE_FLOW: FlowSpec(on_button, render, on_text)}
