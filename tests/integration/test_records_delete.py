"""After /delete's service call no table holds a row about the person (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Table, func, select

from service_layer import records
from service_layer.runtime import Runtime
from storage.models import Base
from tests.integration.test_records import SUNDAY_EVENING, TimeAt, seed_three_weeks

pytestmark = pytest.mark.integration

TARGET = 601
BYSTANDER = 602


class RecordingScheduler:
    """A scheduler fake that remembers which users had their jobs removed."""

    def __init__(self) -> None:
        self.unscheduled: list[int] = []
        self.scheduled: list[int] = []

    async def schedule_user(self, user_id: int) -> None:
        self.scheduled.append(user_id)

    async def unschedule_user(self, user_id: int) -> None:
        self.unscheduled.append(user_id)


def _owner_column(table: Table) -> str:
    """The column that says whose row it is; every table must have one."""
    if table.name == "users":
        return "id"
    assert "user_id" in table.c, f"table {table.name} has no user_id: /delete cannot find rows"
    return "user_id"


def _personal_tables() -> list[Table]:
    """Every table but those marked as holding nothing about anyone (the media file_id cache)."""
    return [t for t in Base.metadata.sorted_tables if t.info.get("personal", True)]


async def _rows_per_table(runtime: Runtime, user_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    async with runtime.uow() as uow:
        for table in _personal_tables():
            column = table.c[_owner_column(table)]
            stmt = select(func.count()).select_from(table).where(column == user_id)
            counts[table.name] = int(await uow.session.scalar(stmt) or 0)
    return counts


async def test_delete_leaves_no_row_about_the_person(runtime: Runtime) -> None:
    runtime.clock = TimeAt(SUNDAY_EVENING)
    scheduler = RecordingScheduler()
    runtime.scheduler = scheduler
    await seed_three_weeks(runtime, TARGET, "Target")
    await seed_three_weeks(runtime, BYSTANDER, "Bystander")
    async with runtime.uow() as uow:
        await uow.flows.start(TARGET, "settings", "menu", {"x": 1}, SUNDAY_EVENING)
        # An update of each, stored and not yet handled (the inbox holds their words).
        await uow.inbox.store_new(
            [
                (1, TARGET, {"update_id": 1, "message": {"text": "my heel hurts"}}),
                (2, BYSTANDER, {"update_id": 2, "message": {"text": "fine"}}),
            ],
            SUNDAY_EVENING,
        )
        for uid in (TARGET, BYSTANDER):  # a reminder in the due-queue
            await uow.queue.put(uid, "s1", "reminder", "s1", SUNDAY_EVENING, SUNDAY_EVENING)
        await uow.commit()

    before = await _rows_per_table(runtime, TARGET)
    seeded_tables = {name for name, count in before.items() if count}
    # The seed reaches every table the models define, so the check below means something (a new
    # table must be seeded here, and deleted by delete_everything, for this test to pass).
    assert seeded_tables == {t.name for t in _personal_tables()}

    assert await records.delete_everything(runtime, TARGET) is True

    after = await _rows_per_table(runtime, TARGET)
    assert after == dict.fromkeys(after, 0)
    assert scheduler.unscheduled == [TARGET]
    # The other person keeps everything.
    bystander = await _rows_per_table(runtime, BYSTANDER)
    assert {name for name, count in bystander.items() if count} == seeded_tables - {"flows"}
    # A second delete (a double tap) finds nothing and harms nothing.
    assert await records.delete_everything(runtime, TARGET) is False
    assert await records.is_known(runtime, TARGET) is False
