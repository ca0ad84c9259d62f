"""Many onboarded people at once, for the fan-out tests and the benchmarks: users, profiles,
programmes and their due-queue rows, inserted in bulk (what the bot would have stored for each,
without going through onboarding a thousand times)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import insert

import rehab
from service_layer import planner
from service_layer.runtime import Runtime
from storage.models import DueJob, Profile, Programme, User
from tests.integration.scheduler.seed import engine_profile

CHUNK = 2_000


def crowd_plan(zone: str, session_times: Sequence[str]) -> planner.UserPlan:
    """The plan every person of the crowd has: twice daily at `session_times`, check-in 08:30."""
    return planner.build_plan(
        zone=zone,
        cadence=rehab.Cadence.TWICE_DAILY,
        session_times=list(session_times),
        checkin_time="08:30",
        weekly_summary=False,
    )


async def seed_crowd(
    runtime: Runtime,
    ids: Sequence[int],
    *,
    zone: str,
    after: datetime,
    session_times: Sequence[str] = ("07:30", "18:00"),
    started: date = date(2026, 11, 20),
) -> None:
    """Onboarded people with `ids` (chat id = user id), each with their queue rows at the first
    occurrence of every slot after `after` (on the runtime's clock)."""
    now = runtime.now()
    state = rehab.start_programme(engine_profile(), started).model_dump(mode="json")
    plan = crowd_plan(zone, session_times)
    rows = []
    for slot in plan.slots:
        due = planner.next_due(plan, slot, after)
        assert due is not None
        rows.append((slot, due.due_utc))
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        async with runtime.uow() as uow:
            session = uow.session
            await session.execute(
                insert(User),
                [
                    {
                        "id": uid,
                        "chat_id": uid,
                        "first_name": "U",
                        "language": "en",
                        "timezone": zone,
                        "active": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for uid in chunk
                ],
            )
            await session.execute(
                insert(Profile),
                [
                    {
                        "user_id": uid,
                        "answers": {},
                        "session_times": list(session_times),
                        "weekly_days": [],
                        "weekly_time": None,
                        "checkin_time": "08:30",
                        "weekly_summary": False,
                        "paused": False,
                        "paused_until": None,
                        "updated_at": now,
                    }
                    for uid in chunk
                ],
            )
            await session.execute(
                insert(Programme),
                [
                    {
                        "user_id": uid,
                        "state": state,
                        "status": "active",
                        "started_at": now,
                        "updated_at": now,
                    }
                    for uid in chunk
                ],
            )
            await session.execute(
                insert(DueJob),
                [
                    {
                        "user_id": uid,
                        "job": slot.name,
                        "kind": slot.kind.value,
                        "slot": slot.name,
                        "about": due,
                        "since": due,
                        "due_at": due,
                        "attempts": 0,
                        "claim": None,
                    }
                    for uid in chunk
                    for slot, due in rows
                ],
            )
            await uow.commit()
