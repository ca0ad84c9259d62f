"""The planner: cadence slots, local wall times kept across DST, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab import Cadence
from service_layer.planner import (
    SLOT_CHECKIN,
    SLOT_DAY_END,
    SLOT_FIRST,
    SLOT_SECOND,
    SLOT_SUMMARY,
    SLOT_WEEKLY,
    Kind,
    build_plan,
    dues_between,
    is_paused,
    latest_due,
    local_instant,
    next_due,
    occurrences,
    to_cadence,
)

pytestmark = pytest.mark.unit

# (zone, spring-forward date, wall time inside the skipped hour, autumn date, repeated time)
DST = [
    ("Europe/Berlin", date(2026, 3, 29), time(2, 30), date(2026, 10, 25), time(2, 30)),
    ("America/New_York", date(2026, 3, 8), time(2, 30), date(2026, 11, 1), time(1, 30)),
    ("Australia/Sydney", date(2026, 10, 4), time(2, 30), date(2026, 4, 5), time(2, 30)),
]
ZONES = [z for z, *_ in DST]


def daily(zone: str, first: str = "07:30", second: str = "18:00", **kw: object):
    return build_plan(zone=zone, cadence=Cadence.TWICE_DAILY, session_times=[first, second], **kw)  # type: ignore[arg-type]


def wall(due_utc: datetime, zone: str) -> tuple[date, time]:
    local = due_utc.astimezone(ZoneInfo(zone))
    return local.date(), local.time()


def test_twice_daily_has_two_reminders_a_checkin_a_day_end_and_the_summary():
    plan = daily("Europe/Berlin")
    names = [s.name for s in plan.slots]
    assert names == [SLOT_FIRST, SLOT_SECOND, SLOT_CHECKIN, SLOT_DAY_END, SLOT_SUMMARY]
    assert plan.slot(SLOT_FIRST).at == time(7, 30)
    assert plan.slot(SLOT_SECOND).at == time(18, 0)
    assert plan.session_days == frozenset(range(7))


def test_once_daily_has_one_reminder():
    plan = build_plan(zone="UTC", cadence=Cadence.ONCE_DAILY, session_times=["06:45"])
    assert [s.name for s in plan.session_slots] == [SLOT_FIRST]
    assert plan.slot(SLOT_FIRST).at == time(6, 45)  # type: ignore[union-attr]


def test_three_weekly_uses_the_chosen_days_and_time():
    plan = build_plan(
        zone="Europe/Berlin",
        cadence=Cadence.THREE_WEEKLY,
        weekly_days=[1, 3, 5],
        weekly_time="17:15",
    )
    (slot,) = plan.session_slots
    assert slot.name == SLOT_WEEKLY
    assert slot.weekdays == frozenset({1, 3, 5})
    # a week of occurrences: Tue, Thu, Sat at 17:15 local
    got = list(occurrences(plan, slot, date(2026, 6, 1), date(2026, 6, 7)))
    assert [(d.local_date.isoformat(), wall(d.due_utc, "Europe/Berlin")[1]) for d in got] == [
        ("2026-06-02", time(17, 15)),
        ("2026-06-04", time(17, 15)),
        ("2026-06-06", time(17, 15)),
    ]
    # the check-in job runs every morning (it asks only after a session day), the day end on
    # the session days
    assert plan.slot(SLOT_CHECKIN).weekdays == frozenset(range(7))  # type: ignore[union-attr]
    assert plan.slot(SLOT_DAY_END).weekdays == frozenset({1, 3, 5})  # type: ignore[union-attr]


def test_three_weekly_defaults_to_monday_wednesday_friday():
    plan = build_plan(zone="UTC", cadence=Cadence.THREE_WEEKLY)
    assert plan.session_slots[0].weekdays == frozenset({0, 2, 4})


def test_weekly_maintenance_keeps_one_day():
    plan = build_plan(zone="UTC", cadence=Cadence.WEEKLY, weekly_days=[3, 5], weekly_time="09:00")
    assert plan.session_slots[0].weekdays == frozenset({3})


def test_summary_only_when_wanted_and_on_sunday_evening():
    assert (
        build_plan(zone="UTC", cadence=Cadence.WEEKLY, weekly_summary=False).slot(SLOT_SUMMARY)
        is None
    )
    plan = daily("America/New_York")
    due = next_due(plan, plan.slot(SLOT_SUMMARY), datetime(2026, 6, 3, tzinfo=UTC))
    assert due is not None
    assert wall(due.due_utc, "America/New_York") == (date(2026, 6, 7), time(19, 0))


def test_cadence_from_the_engine_value():
    assert to_cadence("three_weekly") is Cadence.THREE_WEEKLY
    assert to_cadence(Cadence.WEEKLY) is Cadence.WEEKLY
    with pytest.raises(ValueError, match="hourly"):
        to_cadence("hourly")


def test_bad_times_fall_back_to_defaults():
    plan = build_plan(zone="UTC", cadence=Cadence.TWICE_DAILY, session_times=["soon"])
    assert plan.slot(SLOT_FIRST).at == time(8, 0)  # type: ignore[union-attr]
    assert plan.slot(SLOT_SECOND).at == time(18, 0)  # type: ignore[union-attr]


@pytest.mark.parametrize(("zone", "spring", "gap", "autumn", "repeated"), DST)
def test_morning_time_stays_local_across_both_changes(zone, spring, gap, autumn, repeated):
    plan = daily(zone, first="07:30")
    slot = plan.slot(SLOT_FIRST)
    assert slot is not None
    for change in (spring, autumn):
        dues = list(occurrences(plan, slot, change - timedelta(days=2), change + timedelta(days=2)))
        assert len(dues) == 5
        assert all(wall(d.due_utc, zone) == (d.local_date, time(7, 30)) for d in dues)
        offsets = {d.due_utc.astimezone(ZoneInfo(zone)).utcoffset() for d in dues}
        assert len(offsets) == 2  # the UTC instant moved by an hour, the wall time did not


@pytest.mark.parametrize(("zone", "spring", "gap", "autumn", "repeated"), DST)
def test_slot_in_the_skipped_hour_fires_once_shifted_forward(zone, spring, gap, autumn, repeated):
    plan = daily(zone, first=gap.strftime("%H:%M"))
    slot = plan.slot(SLOT_FIRST)
    assert slot is not None
    start = local_instant(spring, time(0, 0), ZoneInfo(zone))
    dues = dues_between(plan, slot, start, start + timedelta(hours=24))
    assert len(dues) == 1
    assert dues[0].local_date == spring
    shifted = (datetime.combine(spring, gap) + timedelta(hours=1)).time()
    assert wall(dues[0].due_utc, zone) == (spring, shifted)


@pytest.mark.parametrize(("zone", "spring", "gap", "autumn", "repeated"), DST)
def test_slot_in_the_repeated_hour_fires_once(zone, spring, gap, autumn, repeated):
    plan = daily(zone, first=repeated.strftime("%H:%M"))
    slot = plan.slot(SLOT_FIRST)
    assert slot is not None
    start = local_instant(autumn, time(0, 0), ZoneInfo(zone))
    dues = dues_between(plan, slot, start, start + timedelta(hours=25))
    assert len(dues) == 1
    local = dues[0].due_utc.astimezone(ZoneInfo(zone))
    assert (local.date(), local.time(), local.fold) == (autumn, repeated, 0)
    # walking next_due through the night never yields the repeated hour twice
    seen = []
    cursor = start
    while True:
        due = next_due(plan, slot, cursor)
        assert due is not None
        if due.due_utc > start + timedelta(hours=25):
            break
        seen.append(due.due_utc)
        cursor = due.due_utc
    assert seen == [dues[0].due_utc]


@pytest.mark.parametrize("zone", ZONES)
@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_one_reminder_per_local_date_all_year(zone, day):
    plan = daily(zone, first="02:30", second="23:59")
    for slot in plan.session_slots:
        start = local_instant(day, time(0, 0), plan.zone) - timedelta(seconds=1)
        dues = dues_between(
            plan,
            slot,
            start,
            local_instant(day + timedelta(days=1), time(0, 0), plan.zone) - timedelta(seconds=1),
        )
        assert [d.local_date for d in dues] == [day]


def test_next_and_latest_due():
    plan = daily("Europe/Berlin", first="07:30")
    slot = plan.slot(SLOT_FIRST)
    assert slot is not None
    now = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # 08:00 in Berlin
    nxt = next_due(plan, slot, now)
    last = latest_due(plan, slot, now)
    assert nxt is not None
    assert last is not None
    assert nxt.local_date == date(2026, 6, 11)
    assert last.local_date == date(2026, 6, 10)
    assert last.due_utc == datetime(2026, 6, 10, 5, 30, tzinfo=UTC)
    # exactly at the due instant: that one is the latest, the next is tomorrow
    assert latest_due(plan, slot, last.due_utc) == last
    assert next_due(plan, slot, last.due_utc) == nxt


def test_paused_users_get_nothing_until_the_resume_date():
    plan = daily("UTC", paused=True)
    assert next_due(plan, plan.slot(SLOT_FIRST), datetime(2026, 6, 1, tzinfo=UTC)) is None
    plan = daily("UTC", paused=True, paused_until=date(2026, 6, 5))
    assert is_paused(plan, date(2026, 6, 4))
    assert not is_paused(plan, date(2026, 6, 5))
    due = next_due(plan, plan.slot(SLOT_FIRST), datetime(2026, 6, 1, tzinfo=UTC))
    assert due is not None
    assert due.local_date == date(2026, 6, 5)


def test_kinds_are_short_enough_for_the_sent_log():
    assert all(len(k.value) <= 16 for k in Kind)


def test_unknown_zone_falls_back_to_utc():
    assert build_plan(zone="Mars/Olympus", cadence=Cadence.ONCE_DAILY).zone == ZoneInfo("UTC")
    assert build_plan(zone=None, cadence=Cadence.ONCE_DAILY).zone == ZoneInfo("UTC")
