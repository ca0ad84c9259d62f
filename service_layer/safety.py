"""Red-flag words in free text: ask to confirm, then stop the programme (or carry on)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

import rehab
from service_layer import flow_data, flows
from service_layer.flow_data import REDFLAG_FLOW as REDFLAG_FLOW
from service_layer.flow_data import Interrupted, RedFlagData
from service_layer.flows import FlowView
from service_layer.programme import load_state, save_state
from service_layer.runtime import Runtime
from service_layer.sessions import CLOSED_STEP, decision_row, local_today, stop_open_session
from storage.models import RedFlagAnswer
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

SOURCE = "free_text"


@dataclass(frozen=True)
class Suspicion:
    code: str
    question: str  # in English (rehab's words); the bot words `code` and `matched`
    version: int
    matched: str = ""


@dataclass(frozen=True)
class Confirmed:
    """The user's answer to the confirmation question, stored."""

    flagged: bool
    advice: str = ""
    restored: FlowView | None = None


def _flag(code: str) -> rehab.RedFlag | None:
    return next((f for f in rehab.RED_FLAG_CHECKLIST if f.code == code), None)


async def suspect(runtime: Runtime, user_id: int, text: str) -> Suspicion | None:
    """If `text` suggests a red flag, open the confirmation (remembering the flow it
    interrupts) and return the question; None otherwise."""
    found = rehab.scan_free_text(text)
    if found is None:
        return None
    async with runtime.uow() as uow:
        if await uow.users.get(user_id) is None:
            return None
        current = await flows.load(uow, user_id)
        if current is not None and current.name == REDFLAG_FLOW:
            return None  # already asking; the flow's own text handler answers
        previous: Interrupted | None = None
        if current is not None and current.step != CLOSED_STEP:
            previous = Interrupted(name=current.name, step=current.step, data=current.data.stored())
        data = RedFlagData(
            code=found.code, question=found.question, previous=previous, matched=found.matched
        )
        flow = await flows.begin(uow, user_id, REDFLAG_FLOW, "confirm", data, runtime.now())
        await uow.commit()
        return Suspicion(found.code, found.question, flow.version, found.matched)


async def confirm(
    runtime: Runtime, user_id: int, flow: FlowView, flagged: bool, payload: str | None
) -> Confirmed | None:
    """Store the answer. Yes: stop the programme and any open session. No: back to the
    interrupted flow, at the same step."""
    now = runtime.now()
    code = flow.data_as(RedFlagData).code
    flag = _flag(code)
    async with runtime.uow() as uow:
        current = await flows.load(uow, user_id)
        if current is None or current.name != REDFLAG_FLOW or current.version != flow.version:
            return None
        outcome = str(flag.outcome) if flag is not None and flagged else None
        uow.red_flags.add(
            RedFlagAnswer(
                user_id=user_id,
                code=code,
                answer=flagged,
                source=SOURCE,
                outcome=outcome,
                answered_at=now,
            )
        )
        if not flagged:
            restored = await _restore(uow, user_id, flow.data_as(RedFlagData).previous, now)
            if restored is None:
                await flows.finish(uow, user_id)
            await uow.commit()
            return Confirmed(False, restored=restored)
        await flows.finish(uow, user_id)
        await stop_open_session(uow, user_id, now)
        state = await load_state(uow, user_id)
        if state is not None:
            today = await local_today(uow, user_id, now)
            state, decision = rehab.stop_programme(state, code, today)
            await save_state(uow, user_id, state, now)
            uow.decisions.add(decision_row(user_id, today, decision, now))
        await uow.commit()
        return Confirmed(True, advice=flag.advice if flag is not None else "")


async def _restore(
    uow: UnitOfWork, user_id: int, previous: Interrupted | None, now: datetime
) -> FlowView | None:
    """The interrupted flow again, at the same step (None if there was none, or its data
    cannot be read)."""
    if previous is None:
        return None
    try:
        data = flow_data.parse(previous.name, previous.data)
    except ValidationError:
        log.warning(
            "interrupted flow %r of user %s unreadable: not restored", previous.name, user_id
        )
        return None
    return await flows.begin(uow, user_id, previous.name, previous.step, data, now)
