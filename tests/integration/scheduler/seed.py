"""Seeding the database with onboarded users, for the scheduler's integration and e2e tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import rehab
from service_layer.programme import load_state, save_state
from service_layer.runtime import Runtime
from storage.models import Profile, TrainingSession


def engine_profile(once_daily: bool = False) -> rehab.Profile:
    return rehab.Profile(
        presentation=rehab.Presentation.MID_PORTION,
        side=rehab.Side.LEFT,
        bodyweight_kg=75,
        max_added_load_kg=20,
        gym=False,
        has_step=True,
        rest_pain=2,
        morning_pain=4,
        stiffness_minutes=10,
        single_leg_heel_raises=5,
        once_daily=once_daily,
    )


async def seed_user(
    runtime: Runtime,
    user_id: int,
    *,
    zone: str = "Europe/Berlin",
    session_times: tuple[str, ...] = ("07:30", "18:00"),
    weekly_days: tuple[int, ...] = (),
    weekly_time: str | None = "18:00",
    checkin_time: str = "08:30",
    stage: int | None = None,
    once_daily: bool = False,
    paused: bool = False,
    started: date | None = None,
    weekly_summary: bool = True,
    started_at: datetime | None = None,
    chat_id: int | None = None,
) -> None:
    """A user who finished onboarding: user, profile and programme rows."""
    now = runtime.now()
    async with runtime.uow() as uow:
        await uow.users.upsert(
            user_id=user_id, chat_id=chat_id or user_id, first_name="Alex", language="en", now=now
        )
        user = await uow.users.get(user_id)
        assert user is not None
        user.timezone = zone
        uow.profiles.add(
            Profile(
                user_id=user_id,
                answers={},
                session_times=list(session_times),
                weekly_days=list(weekly_days),
                weekly_time=weekly_time,
                checkin_time=checkin_time,
                weekly_summary=weekly_summary,
                paused=paused,
                updated_at=now,
            )
        )
        state = rehab.start_programme(engine_profile(once_daily), started or date(2026, 6, 1))
        if stage is not None:
            state = state.model_copy(update={"stage": stage, "rung": 0})
        await save_state(uow, user_id, state, now)
        await uow.commit()
    async with runtime.uow() as uow:
        programme = await uow.programmes.get(user_id)
        assert programme is not None
        programme.started_at = started_at or datetime(2026, 1, 1, tzinfo=UTC)
        await uow.commit()


async def set_stage(runtime: Runtime, user_id: int, stage: int) -> None:
    async with runtime.uow() as uow:
        state = await load_state(uow, user_id)
        assert state is not None
        await save_state(uow, user_id, state.model_copy(update={"stage": stage}), runtime.now())
        await uow.commit()


async def add_session(
    runtime: Runtime, user_id: int, local_date: date, slot: str = "", status: str = "done"
) -> None:
    async with runtime.uow() as uow:
        uow.sessions.add(
            TrainingSession(
                user_id=user_id,
                local_date=local_date,
                slot=slot,
                stage=1,
                status=status,
                plan={},
                started_at=runtime.now(),
            )
        )
        await uow.commit()
