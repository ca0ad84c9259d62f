"""Everyday commands: /about, /cancel, /pause, /resume, /settings, and /start's status view."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import flows, texts, views
from bot.callbacks import CHOOSE_DAYS_DATA, flow_data
from bot.context import runtime_of
from bot.flows import FlowSpec
from bot.handlers import onboarding as onboarding_handlers
from bot.i18n import _
from service_layer import flows as flow_state
from service_layer import onboarding as ob
from service_layer import settings as settings_service
from service_layer.flows import FlowView

HOME_OVER = "home:over"
HOME_CLEARED = "home:cleared"
STEP_OVER = "over"
STEP_CLEARED = "cleared"
STEP_CHOOSE = "choose"


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    chat = update.effective_chat
    if chat is None or update.get_bot() is None:
        return
    await update.get_bot().send_message(chat.id, text, reply_markup=markup)


def _buttons(flow: FlowView, options: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=flow_data(flow.version, p))]
            for label, p in options
        ]
    )


async def show_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start from an onboarded user: stage, next session, and Start over (or cleared)."""
    user = update.effective_user
    if user is None:
        return
    status = await settings_service.status_of(runtime_of(context), user.id)
    if status is None:
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    if status.stopped:
        if not status.clearance_offered:
            # The clearance is offered from tomorrow.
            await _reply(update, views.status_text(status))
            return
        button = InlineKeyboardButton(texts.OB_FLAGGED_CLEARED, callback_data=HOME_CLEARED)
    else:
        button = InlineKeyboardButton(texts.STATUS_START_OVER, callback_data=HOME_OVER)
    await _reply(update, views.status_text(status), InlineKeyboardMarkup([[button]]))


async def on_home_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start over / I've been cleared (from the status): ask to confirm, as a flow step; Choose
    my days (from the Stage 3 notice): the days step of /settings."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    await query.answer()
    runtime = runtime_of(context)
    if not await settings_service.is_onboarded(runtime, user.id):
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    if query.data == CHOOSE_DAYS_DATA:
        # From the notice that Stage 3 needs training days: the /settings days step.
        flow = await ob.begin_settings(runtime, user.id)
        chosen = await ob.choose_setting(runtime, flow, "days")
        await onboarding_handlers.render(update, context, chosen.flow or flow)
        return
    step = STEP_CLEARED if query.data == HOME_CLEARED else STEP_OVER
    flow = await settings_service.begin_flow(runtime, user.id, settings_service.RESTART_FLOW, step)
    await render_restart(update, context, flow)


async def render_restart(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView
) -> None:
    """The confirmation question of Start over / cleared."""
    if flow.step == STEP_CLEARED:
        options = [(texts.OB_CLEARED_YES, "yes"), (texts.START_OVER_NO, "no")]
        status = await settings_service.status_of(runtime_of(context), flow.user_id)
        code = await settings_service.stop_flag_code(runtime_of(context), flow.user_id)
        flag = texts.red_flag_name(code)
        if status is None or not status.clearance_offered:
            await settings_service.close(runtime_of(context), flow.user_id)
            await _reply(
                update, views.status_text(status) if status is not None else texts.NOT_ONBOARDED
            )
            return
        text = texts.OB_CLEARED_CONFIRM.format(flag=escape(flag))
        await _reply(update, text, _buttons(flow, options))
    else:
        options = [(texts.START_OVER_YES, "yes"), (texts.START_OVER_NO, "no")]
        await _reply(update, texts.START_OVER_CONFIRM, _buttons(flow, options))


async def on_restart_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    """Yes: onboarding again (or a fresh start after clearance); No: nothing changes."""
    runtime = runtime_of(context)
    if payload != "yes":
        await settings_service.close(runtime, flow.user_id)
        await _reply(update, texts.START_OVER_KEPT)
        return
    if flow.step == STEP_CLEARED:
        assessment = await settings_service.restart_after_clearance(runtime, flow.user_id)
        if assessment is None:
            await flows.expired(update, context)
            return
        await _reply(
            update, texts.RESTARTED.format(summary=escape(texts.assessment_summary(assessment)))
        )
        return
    await onboarding_handlers.render(update, context, await ob.begin(runtime, flow.user_id))


# -- /pause and /resume ------------------------------------------------------------------------


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask how long to pause the reminders for."""
    user = update.effective_user
    if user is None:
        return
    runtime = runtime_of(context)
    if not await settings_service.is_onboarded(runtime, user.id):
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    if await settings_service.is_stopped(runtime, user.id):
        await _reply(update, texts.PROGRAMME_STOPPED)
        return
    paused, until = await settings_service.paused_until(runtime, user.id)
    if paused:
        label = views.short_date(until) if until else texts.PAUSE_FOREVER
        await _reply(update, texts.PAUSE_ALREADY.format(until=label))
        return
    flow = await settings_service.begin_flow(
        runtime, user.id, settings_service.PAUSE_FLOW, STEP_CHOOSE
    )
    await render_pause(update, context, flow)


async def render_pause(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView) -> None:
    """The pause question."""
    options = [(_(label), data) for label, data in texts.PAUSE_CHOICES]
    options.append((texts.PAUSE_KEEP, "keep"))
    await _reply(update, texts.PAUSE_ASK, _buttons(flow, options))


async def on_pause_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    """Store the pause (or not), then tell the user until when."""
    runtime = runtime_of(context)
    if payload == "keep" or not payload.isdigit():
        await settings_service.close(runtime, flow.user_id)
        await _reply(update, texts.PAUSE_KEPT)
        return
    result = await settings_service.pause(runtime, flow.user_id, int(payload))
    if not result.ok:
        await _reply(update, texts.NOT_ONBOARDED)
        return
    day = views.short_date(result.until) if result.until else None
    await _reply(update, texts.pause_until_text(day))


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn reminders back on; the gap rules apply on return."""
    user = update.effective_user
    if user is None:
        return
    runtime = runtime_of(context)
    if not await settings_service.is_onboarded(runtime, user.id):
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    if await settings_service.is_stopped(runtime, user.id):  # as /today and /start say
        await _reply(update, texts.PROGRAMME_STOPPED)
        return
    resumed = await settings_service.resume(runtime, user.id)
    await _reply(update, texts.RESUMED if resumed else texts.RESUME_NOT_PAUSED)


# -- /settings, /about, /cancel ----------------------------------------------------------------


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the settings and what can be changed."""
    user = update.effective_user
    if user is None:
        return
    runtime = runtime_of(context)
    if not await settings_service.is_onboarded(runtime, user.id):
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    await onboarding_handlers.render(update, context, await ob.begin_settings(runtime, user.id))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The disclaimer and the sources."""
    await _reply(update, texts.ABOUT)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the current flow; keep everything confirmed (a setup is kept for /start)."""
    user = update.effective_user
    if user is None:
        return
    runtime = runtime_of(context)
    if await ob.park(runtime, user.id):
        await _reply(update, texts.CANCEL_ONBOARDING)
        return
    flow = await flow_state.current(runtime, user.id)
    if flow is None or flow.name == ob.PARKED_FLOW:
        await _reply(update, texts.CANCEL_NOTHING)
        return
    await settings_service.close(runtime, user.id)
    await _reply(update, texts.CANCEL_DONE)


# The flows this module answers (registered in bot/handlers/__init__.py).
FLOWS = {
    settings_service.RESTART_FLOW: FlowSpec(on_restart_button, render_restart),
    settings_service.PAUSE_FLOW: FlowSpec(on_pause_button, render_pause),
}
