"""Loading and saving the engine's state (rehab.ProgrammeState) for a user."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rehab import ProgrammeState
from storage.models import Programme
from storage.uow import UnitOfWork

DEFAULT_TIMEZONE = "UTC"


async def load_state(uow: UnitOfWork, user_id: int) -> ProgrammeState | None:
    row = await uow.programmes.get(user_id)
    return None if row is None else ProgrammeState.model_validate(row.state)


async def save_state(uow: UnitOfWork, user_id: int, state: ProgrammeState, now: datetime) -> None:
    """Store `state` (creating the programme row the first time)."""
    payload = state.model_dump(mode="json")
    row = await uow.programmes.get(user_id)
    if row is None:
        uow.programmes.add(
            Programme(
                user_id=user_id,
                state=payload,
                status=str(state.status),
                started_at=now,
                updated_at=now,
            )
        )
    else:
        row.state = payload
        row.status = str(state.status)
        row.updated_at = now
    await uow.session.flush()


async def user_zone(uow: UnitOfWork, user_id: int) -> ZoneInfo:
    """The user's IANA zone (UTC until they chose one)."""
    user = await uow.users.get(user_id)
    return ZoneInfo(user.timezone if user and user.timezone else DEFAULT_TIMEZONE)
