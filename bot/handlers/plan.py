"""/today, /plan and /stage: where the user stands, in a few lines."""

from __future__ import annotations

from html import escape

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

import rehab
from bot import i18n, texts, views
from bot.context import runtime_of
from bot.handlers.session import describe_dose
from bot.html_fit import send_long
from service_layer import gates, overview
from service_layer import settings as settings_service
from service_layer.overview import TodayKind

OPEN_DATA = "ses:open"


def _dose_lines(plan: rehab.SessionPlan | None) -> list[str]:
    if plan is None:
        return []
    names = [texts.exercise_name(ex.exercise_id, ex.name) for ex in plan.exercises]
    return [
        f"• <b>{escape(name)}</b>: {escape(describe_dose(ex))}"
        for name, ex in zip(names, plan.exercises, strict=True)
    ]


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.effective_chat is not None:
        await send_long(update.get_bot(), update.effective_chat.id, text, markup)


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Today's session and its dose, with Start or Continue."""
    user = update.effective_user
    if user is None:
        return
    view = await overview.overview(runtime_of(context), user.id)
    if view.kind == TodayKind.NOT_ONBOARDED:
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    if view.kind == TodayKind.STOPPED:
        await _reply(update, texts.PROGRAMME_STOPPED)
        return
    lines = [texts.TODAY_TITLE.format(stage=texts.stage_label(view.stage, view.maintenance))]
    markup = None
    if view.kind == TodayKind.OPEN:
        lines.append(texts.TODAY_OPEN)
        label = texts.SESSION_CONTINUE_BUTTON
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=OPEN_DATA)]])
    elif view.kind == TodayKind.PAUSED:
        lines.append(texts.SESSION_PROGRAMME_PAUSED)
    elif view.kind == TodayKind.REST:
        # The day and time of the reminder, as the session summary and /start say it.
        when = views.when_words(
            await settings_service.next_session_at(runtime_of(context), user.id)
        )
        if when is None and view.next_day is not None:
            when = i18n.day_month(view.next_day)
        lines.append(texts.TODAY_REST.format(when=escape(when or "–")))
    elif view.kind == TodayKind.DONE:
        lines.append(texts.TODAY_DONE)
    elif view.kind == TodayKind.PAIN_STOPPED:
        lines.append(texts.TODAY_PAIN_STOPPED)
    else:
        this_day = next((d for d in view.week if d.day == view.today), None)
        if this_day is not None and 0 < this_day.done < this_day.planned:
            lines.append(
                texts.TODAY_PARTLY_DONE.format(done=this_day.done, planned=this_day.planned)
            )
        lines += _dose_lines(view.plan)
        label = texts.SESSION_START_BUTTON
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=OPEN_DATA)]])
    if view.test_due and view.kind != TodayKind.PAUSED:
        due = texts.STAGE_RECHECK_DUE if view.test_due == "recheck" else texts.STAGE_GATE_DUE
        lines += ["", due]
    await _reply(update, "\n".join(lines), markup)


async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """This week: the days, the stage and the dose of each session."""
    user = update.effective_user
    if user is None:
        return
    view = await overview.overview(runtime_of(context), user.id)
    if view.kind == TodayKind.NOT_ONBOARDED:
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    if view.kind == TodayKind.STOPPED:
        await _reply(update, texts.PROGRAMME_STOPPED)
        return
    lines = [texts.PLAN_TITLE.format(stage=texts.stage_label(view.stage, view.maintenance))]
    for day in view.week:
        if view.started is not None and day.day < view.started:
            mark, what = texts.PLAN_MARK_REST, texts.PLAN_BEFORE_START
        elif day.planned == 0:
            mark, what = texts.PLAN_MARK_REST, texts.PLAN_REST
        elif day.paused:  # as /start and /today say
            mark, what = texts.PLAN_MARK_REST, texts.PLAN_PAUSED
        else:
            done = day.done >= day.planned
            past = view.today is not None and day.day < view.today
            mark = (
                texts.PLAN_MARK_DONE
                if done
                else (texts.PLAN_MARK_PAST if past else texts.PLAN_MARK_AHEAD)
            )
            what = texts.plan_sessions(
                day.planned, day.done, past, day.times, ended_early=day.ended_early
            )
        label = format_date(day.day, "EEE dd", locale=i18n.locale(i18n.current()))  # Wed 02
        if day.day == view.today:
            label = texts.PLAN_TODAY.format(day=label)
        lines.append(texts.PLAN_DAY.format(mark=mark, day=label, what=what))
    lines += ["", texts.PLAN_DOSE_TITLE, *_dose_lines(view.plan)]
    await _reply(update, "\n".join(lines))


async def stage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What this stage is for, what the next gate needs, and how close the user is."""
    user = update.effective_user
    if user is None:
        return
    view = await gates.stage_view(runtime_of(context), user.id)
    if not view.onboarded:
        await _reply(update, await views.newcomer_text(runtime_of(context), user.id))
        return
    if view.stopped:
        await _reply(update, texts.PROGRAMME_STOPPED)
        return
    if view.maintenance:
        lines = [texts.MAINTENANCE_TITLE, texts.STAGE_MAINTENANCE]
    else:
        lines = [
            texts.STAGE_TITLE.format(stage=view.stage, name=texts.stage_name(view.stage)),
            texts.stage_purpose(view.stage),
        ]
    gate = view.gate
    if gate is not None and gate.requirements:
        lines += ["", texts.STAGE_NEXT_GATE]
        for req in gate.requirements:
            mark = texts.STAGE_REQ_MET if req.met else texts.STAGE_REQ_OPEN
            label, detail = texts.requirement_words(req)
            detail = f" ({escape(detail)})" if detail else ""
            lines.append(f"{mark} {escape(label)}{detail}")
    elif view.stage >= 4 and not view.maintenance:
        lines.append(texts.STAGE_TOP)
    if gate is not None and gate.hold_out_of_reach is not None:
        lines.append(escape(texts.gate_hold_out_of_reach(gate.hold_out_of_reach)))
    if gate is not None and gate.due and (gate.test in gates.STEPS or gate.test in gates.REVIEWS):
        recheck = gate.test == rehab.GateTest.RECHECK
        lines += ["", texts.STAGE_RECHECK_DUE if recheck else texts.STAGE_GATE_DUE]
    await _reply(update, "\n".join(lines))
