"""The APScheduler side: job ids and next run times come from the database and the planner."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime import Runtime, system_clock
from scheduler import planner, service
from scheduler.aps import ApsReminderScheduler
from tests.integration.scheduler.conftest import RecordingNotifier
from tests.integration.scheduler.seed import seed_user, set_stage

pytestmark = pytest.mark.integration

UID = 777


@pytest.fixture
async def aps_scheduler(
    rt: Runtime, notifier: RecordingNotifier, clock
) -> AsyncIterator[ApsReminderScheduler]:
    # Started paused: jobs get their next run times but nothing runs during the test.
    aps = AsyncIOScheduler(timezone="UTC")
    aps.start(paused=True)
    scheduler = ApsReminderScheduler(rt, notifier, wall_clock=clock, aps=aps)
    rt.scheduler = scheduler
    yield scheduler
    aps.shutdown(wait=False)


def runs(scheduler: ApsReminderScheduler, user_id: int) -> dict[str, datetime]:
    return {job.id: job.next_run_time for job in scheduler.jobs_of(user_id)}


async def test_jobs_have_ids_from_user_and_slot_and_the_planned_times(rt, clock, aps_scheduler):
    await seed_user(
        rt, UID, zone="America/New_York", session_times=("07:30", "19:15"), checkin_time="08:00"
    )
    clock.set(planner.local_instant(date(2026, 6, 10), time(12, 0), ZoneInfo("America/New_York")))
    await rt.reschedule(UID)
    ny = ZoneInfo("America/New_York")
    jobs = runs(aps_scheduler, UID)
    assert set(jobs) == {
        f"rem:{UID}:s1",
        f"rem:{UID}:s2",
        f"rem:{UID}:mc",
        f"rem:{UID}:eod",
        f"rem:{UID}:sum",
    }
    assert jobs[f"rem:{UID}:s1"] == planner.local_instant(date(2026, 6, 11), time(7, 30), ny)
    assert jobs[f"rem:{UID}:s2"] == planner.local_instant(date(2026, 6, 10), time(19, 15), ny)
    assert jobs[f"rem:{UID}:mc"] == planner.local_instant(date(2026, 6, 11), time(8, 0), ny)
    assert jobs[f"rem:{UID}:sum"] == planner.local_instant(
        date(2026, 6, 14), time(19, 0), ny
    )  # Sunday
    # the job carries ids and the due instant only
    job = aps_scheduler.aps.get_job(f"rem:{UID}:s2")
    assert job.args == (UID, "reminder", "s2", jobs[f"rem:{UID}:s2"].isoformat())


async def test_stage_change_replaces_the_jobs(rt, clock, aps_scheduler, notifier):
    await seed_user(rt, UID, stage=2, weekly_days=(1, 4), weekly_time="17:00")
    await rt.reschedule(UID)
    assert f"rem:{UID}:s1" in runs(aps_scheduler, UID)
    await set_stage(rt, UID, 3)
    await rt.reschedule(UID)
    jobs = runs(aps_scheduler, UID)
    assert f"rem:{UID}:s1" not in jobs
    assert f"rem:{UID}:s2" not in jobs
    next_w = jobs[f"rem:{UID}:w"]
    berlin = ZoneInfo("Europe/Berlin")
    assert next_w.astimezone(berlin).weekday() in (1, 4)
    assert next_w.astimezone(berlin).time() == time(17, 0)
    assert [s.payload.cadence for s in notifier.of("notice")] == ["three_weekly"]


async def test_paused_and_inactive_users_have_no_jobs(rt, clock, aps_scheduler):
    await seed_user(rt, UID)
    await rt.reschedule(UID)
    assert runs(aps_scheduler, UID)
    async with rt.uow() as uow:
        profile = await uow.profiles.get(UID)
        profile.paused = True
        await uow.commit()
    await rt.reschedule(UID)
    assert runs(aps_scheduler, UID) == {}
    async with rt.uow() as uow:
        profile = await uow.profiles.get(UID)
        profile.paused = False
        await uow.users.set_active(UID, False, clock())
        await uow.commit()
    await rt.reschedule(UID)
    assert runs(aps_scheduler, UID) == {}


async def test_snooze_and_nudge_jobs_are_rebuilt_from_the_sent_log(
    rt, clock, aps_scheduler, notifier
):
    await seed_user(rt, UID)
    day = date(2026, 6, 10)
    due = planner.local_instant(day, time(7, 30), ZoneInfo("Europe/Berlin"))
    clock.set(due)
    await service.fire(rt, notifier, UID, "reminder", "s1", due)
    clock.advance(minutes=5)
    snooze_at = await service.snooze(rt, UID, day, "s1")
    # a fresh scheduler (as after a restart) finds both follow-ups in the database
    aps2 = AsyncIOScheduler(timezone="UTC")
    aps2.start(paused=True)
    try:
        fresh = ApsReminderScheduler(rt, notifier, wall_clock=clock, aps=aps2)
        await fresh.schedule_user(UID)
        jobs = runs(fresh, UID)
        assert jobs[f"rem:{UID}:s1:snooze"] == snooze_at
        assert jobs[f"rem:{UID}:s1:nudge"] == due + timedelta(hours=2)
    finally:
        aps2.shutdown(wait=False)


async def test_fake_clock_never_makes_jobs_run_early(rt, clock, notifier):
    """Due instants on a fake clock are mapped onto the wall clock as offsets from now."""
    aps = AsyncIOScheduler(timezone="UTC")
    aps.start(paused=True)
    try:
        scheduler = ApsReminderScheduler(rt, notifier, aps=aps)  # real wall clock
        await seed_user(rt, UID)
        await scheduler.schedule_user(UID)
        wall_now = system_clock()
        for run_at in runs(scheduler, UID).values():
            assert run_at > wall_now
    finally:
        aps.shutdown(wait=False)


class GatedFollowUps:
    """Stands in for service.pending_follow_ups: the first call waits at a gate, so a test can
    look at the jobs (or change the database) while a rebuild is half way through."""

    def __init__(self) -> None:
        self.real = service.pending_follow_ups
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        self.calls = 0

    async def __call__(self, runtime: Runtime, user_id: int) -> list[service.FollowUp]:
        self.calls += 1
        found = await self.real(runtime, user_id)
        if self.calls == 1:
            self.reached.set()
            await self.release.wait()
        return found


async def test_a_fired_reminder_re_arms_its_slot_and_its_nudge_together(
    rt, clock, aps_scheduler, notifier, monkeypatch
):
    """Nobody sees the slot re-armed for tomorrow without today's nudge (no await between)."""
    await seed_user(rt, UID)
    due = planner.local_instant(date(2026, 6, 10), time(7, 30), ZoneInfo("Europe/Berlin"))
    clock.set(due - timedelta(seconds=1))
    await rt.reschedule(UID)
    before = runs(aps_scheduler, UID)
    clock.set(due)
    gate = GatedFollowUps()
    monkeypatch.setattr(service, "pending_follow_ups", gate)

    fired = asyncio.create_task(aps_scheduler._run(UID, "reminder", "s1", due.isoformat()))
    await asyncio.wait_for(gate.reached.wait(), 5)
    assert notifier.kinds() == ["reminder"]
    assert runs(aps_scheduler, UID) == before  # nothing changed half way
    gate.release.set()
    await asyncio.wait_for(fired, 5)

    jobs = runs(aps_scheduler, UID)
    assert jobs[f"rem:{UID}:s1"] == due + timedelta(days=1)
    assert jobs[f"rem:{UID}:s1:nudge"] == due + timedelta(hours=2)


async def test_a_rebuild_that_read_the_database_first_cannot_undo_a_later_pause(
    rt, clock, aps_scheduler, monkeypatch
):
    """Rebuilds of one user run one at a time: the last change to the database wins."""
    await seed_user(rt, UID)
    gate = GatedFollowUps()
    monkeypatch.setattr(service, "pending_follow_ups", gate)
    stale = asyncio.create_task(rt.reschedule(UID))  # reads "not paused", then waits
    await asyncio.wait_for(gate.reached.wait(), 5)
    async with rt.uow() as uow:
        profile = await uow.profiles.get(UID)
        profile.paused = True
        await uow.commit()
    fresh = asyncio.create_task(rt.reschedule(UID))  # the pause's own reschedule
    # It waits for the stale rebuild (unserialised, it would finish here and be undone after).
    await asyncio.wait({fresh}, timeout=1)
    assert not fresh.done()
    gate.release.set()
    await asyncio.wait_for(asyncio.gather(stale, fresh), 5)
    assert runs(aps_scheduler, UID) == {}


async def test_a_database_error_at_start_up_is_retried_for_that_person(
    rt, clock, aps_scheduler, notifier, monkeypatch
):
    """One person's rebuild fails at start-up (the database refused for a moment): a retry
    is planned, and when it runs they get their reminders; the others are not held up."""
    await seed_user(rt, UID, zone="Europe/Berlin")
    await seed_user(rt, UID + 1, zone="Europe/Berlin")
    clock.set(planner.local_instant(date(2026, 6, 10), time(12, 0), ZoneInfo("Europe/Berlin")))
    real_catch_up = service.catch_up
    failures = {UID: 1}

    async def catch_up_with_a_blip(runtime, notifier_, user_id):
        if failures.get(user_id):
            failures[user_id] -= 1
            raise OSError("database is locked")
        return await real_catch_up(runtime, notifier_, user_id)

    monkeypatch.setattr(service, "catch_up", catch_up_with_a_blip)
    await aps_scheduler.rebuild_all()
    assert runs(aps_scheduler, UID) == {}
    assert f"rem:{UID + 1}:s1" in runs(aps_scheduler, UID + 1)
    retry = aps_scheduler.aps.get_job(f"rebuild:{UID}")
    assert retry is not None
    assert retry.next_run_time == clock() + timedelta(seconds=5)

    await retry.func(*retry.args)
    assert f"rem:{UID}:s1" in runs(aps_scheduler, UID)
