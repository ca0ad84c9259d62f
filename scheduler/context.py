"""What the scheduler knows of one person when something of theirs is due: a detached snapshot
reloaded from the database every time (queue rows carry ids only)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

import rehab
from rehab import ProgrammeState
from service_layer import planner
from service_layer.planner import UserPlan
from storage.models import Profile, SentLog, TrainingSession
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserContext:
    """A detached snapshot of what the scheduler needs about one person."""

    user_id: int
    chat_id: int
    active: bool
    programme_active: bool
    started_at: datetime | None
    stage: int | None
    plan: UserPlan
    weekly_days_chosen: bool
    profile: Profile
    state: ProgrammeState  # parsed once


async def load_context(uow: UnitOfWork, user_id: int) -> UserContext | None:
    """The person's plan, or None when they have no profile or programme yet."""
    found = await uow.people.get(user_id)
    if found is None:
        return None
    user, profile, row = found
    state = ProgrammeState.model_validate(row.state)
    plan = planner.build_plan(
        zone=user.timezone,
        cadence=planner.to_cadence(rehab.cadence(state)),
        session_times=list(profile.session_times or []),
        weekly_days=list(profile.weekly_days or []),
        weekly_time=profile.weekly_time,
        checkin_time=profile.checkin_time,
        weekly_summary=bool(profile.weekly_summary),
        paused=bool(profile.paused) or state.paused,
        paused_until=profile.paused_until,
    )
    stopped = rehab.ProgrammeStatus.STOPPED
    return UserContext(
        user_id=user_id,
        chat_id=user.chat_id,
        active=bool(user.active),
        programme_active=state.status != stopped and row.status != stopped,
        started_at=row.started_at,
        stage=state.stage,
        plan=plan,
        weekly_days_chosen=bool(profile.weekly_days),
        profile=profile,
        state=state,
    )


def sessions_cover(slot: str, sessions: list[TrainingSession]) -> bool:
    """A session done, started or stopped for pain today makes this reminder unnecessary.

    A session's own `slot` is its ordinal in the day ("1", "2"), whichever reminder (or none)
    led to it; the rule itself is planner.reminder_covered.
    """
    return planner.reminder_covered(slot, [s.status for s in sessions])


def answered_since(reminder: SentLog | None, sessions: list[TrainingSession]) -> bool:
    """A session begun at or after the reminder's due instant answered it (whichever ordinal the
    day gave that session): its nudge or snooze would call a session "still waiting" that the
    person has just had, while /start already names the next one."""
    if reminder is None:
        return False
    return any(s.started_at >= reminder.due_at for s in sessions)


def prescription(state: ProgrammeState, on: date) -> rehab.SessionPlan | None:
    try:
        return rehab.prescribe(state, on)
    except Exception:
        log.exception("could not prescribe a session for %s", on)
        return None
