"""Pure planning: which reminders a user gets, and when, in UTC. No I/O, no clock.

Everything is planned on the user's local calendar (an IANA zone) and only then turned into UTC
instants, so 07:30 stays 07:30 local across a daylight-saving change:

* a wall time inside the skipped spring-forward hour (02:30 on the night clocks jump from 02:00
  to 03:00) fires once, shifted forward by the gap (03:30);
* a wall time inside the repeated autumn hour fires once, at its first occurrence (fold=0).

One local date gives at most one instant per slot, which is also the key of the sent-log.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rehab import TIMINGS, Cadence
from storage.models import SessionStatus

ALL_DAYS: frozenset[int] = frozenset(range(7))
DEFAULT_SESSION_TIMES: tuple[str, str] = ("08:00", "18:00")
DEFAULT_WEEKLY_DAYS: tuple[int, ...] = TIMINGS.training_weekdays  # the protocol's training days
DEFAULT_WEEKLY_TIME = "18:00"
DEFAULT_CHECKIN_TIME = "07:30"
SUMMARY_DAY = 6  # Sunday
SUMMARY_TIME = time(19, 0)
DAY_END_TIME = time(23, 59)
# How far the planner looks ahead for the next occurrence (a paused_until far away is "none").
HORIZON_DAYS = 400


class Kind(StrEnum):
    """Sent-log kinds (one row per user, kind, local date and slot)."""

    REMINDER = "reminder"
    SNOOZE = "snooze"
    NUDGE = "nudge"
    CHECKIN = "checkin"
    SUMMARY = "summary"
    MISSED = "missed"
    DAY_END = "dayend"
    NOTICE = "notice"


# Slot names, also the last part of job ids (`rem:<user_id>:<slot>`).
SLOT_FIRST = "s1"
SLOT_SECOND = "s2"
SLOT_WEEKLY = "w"
SLOT_CHECKIN = "mc"
SLOT_SUMMARY = "sum"
SLOT_DAY_END = "eod"
SESSION_SLOTS = (SLOT_FIRST, SLOT_SECOND, SLOT_WEEKLY)


@dataclass(frozen=True)
class Slot:
    """A recurring thing to send: at `at` local time on `weekdays` (0 = Monday)."""

    name: str
    kind: Kind
    at: time
    weekdays: frozenset[int] = ALL_DAYS


@dataclass(frozen=True)
class Due:
    """One occurrence of a slot."""

    slot: Slot
    local_date: date
    due_utc: datetime


@dataclass(frozen=True)
class UserPlan:
    zone: ZoneInfo
    cadence: Cadence
    slots: tuple[Slot, ...]
    paused: bool = False
    paused_until: date | None = None

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    @property
    def session_slots(self) -> tuple[Slot, ...]:
        return tuple(s for s in self.slots if s.kind is Kind.REMINDER)

    @property
    def session_days(self) -> frozenset[int]:
        days: set[int] = set()
        for s in self.session_slots:
            days |= s.weekdays
        return frozenset(days)


def parse_hhmm(text: str | None, default: str) -> time:
    """`"07:30"` → time(7, 30); anything unparsable falls back to `default`."""
    for candidate in (text, default):
        if not candidate:
            continue
        try:
            hours, minutes = candidate.strip().split(":", 1)
            return time(int(hours), int(minutes))
        except ValueError:
            continue
    raise ValueError(f"bad default time {default!r}")


def to_cadence(value: object) -> Cadence:
    """Accept the engine's cadence enum (or its value) and return ours."""
    raw = getattr(value, "value", value)
    return Cadence(str(raw).lower())


def effective_weekly_days(days: Sequence[int] | None) -> tuple[int, ...]:
    valid = sorted({int(d) for d in days or () if 0 <= int(d) <= 6})
    return tuple(valid) if valid else DEFAULT_WEEKLY_DAYS


def session_weekdays(cadence: Cadence, days: Sequence[int] | None) -> tuple[int, ...]:
    """The weekdays of a three-weekly or weekly schedule: the user's days, and for weekly
    (maintenance) the first of them only."""
    chosen = effective_weekly_days(days)
    return chosen[:1] if cadence is Cadence.WEEKLY else chosen


def build_plan(
    *,
    zone: str | None,
    cadence: Cadence,
    session_times: Sequence[str] = (),
    weekly_days: Sequence[int] = (),
    weekly_time: str | None = None,
    checkin_time: str | None = None,
    weekly_summary: bool = True,
    paused: bool = False,
    paused_until: date | None = None,
) -> UserPlan:
    """The slots a user's profile and stage call for."""
    times = list(session_times) + list(DEFAULT_SESSION_TIMES[len(session_times) :])
    slots: list[Slot] = []
    if cadence is Cadence.TWICE_DAILY:
        slots.append(
            Slot(SLOT_FIRST, Kind.REMINDER, parse_hhmm(times[0], DEFAULT_SESSION_TIMES[0]))
        )
        slots.append(
            Slot(SLOT_SECOND, Kind.REMINDER, parse_hhmm(times[1], DEFAULT_SESSION_TIMES[1]))
        )
    elif cadence is Cadence.ONCE_DAILY:
        slots.append(
            Slot(SLOT_FIRST, Kind.REMINDER, parse_hhmm(times[0], DEFAULT_SESSION_TIMES[0]))
        )
    else:
        days = session_weekdays(cadence, weekly_days)
        at = parse_hhmm(weekly_time, DEFAULT_WEEKLY_TIME)
        slots.append(Slot(SLOT_WEEKLY, Kind.REMINDER, at, frozenset(days)))
    session_days = frozenset().union(*(s.weekdays for s in slots))
    # The check-in comes the morning after any day with a session, scheduled or not (whether one
    # was done is checked when it fires): so its job runs every morning.
    checkin_at = parse_hhmm(checkin_time, DEFAULT_CHECKIN_TIME)
    slots.append(Slot(SLOT_CHECKIN, Kind.CHECKIN, checkin_at, ALL_DAYS))
    slots.append(Slot(SLOT_DAY_END, Kind.DAY_END, DAY_END_TIME, session_days))
    if weekly_summary:
        slots.append(Slot(SLOT_SUMMARY, Kind.SUMMARY, SUMMARY_TIME, frozenset({SUMMARY_DAY})))
    return UserPlan(
        zone=zone_of(zone),
        cadence=cadence,
        slots=tuple(slots),
        paused=paused,
        paused_until=paused_until,
    )


def zone_of(name: str | None) -> ZoneInfo:
    """The IANA zone `name` (UTC when unset or unknown)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at wall time `at` in `zone`, as UTC. Skipped times shift forward, repeated ones
    take their first occurrence."""
    wall = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    return wall.astimezone(UTC)


def local_date_of(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def is_paused(plan: UserPlan, local_date: date) -> bool:
    """Paused users get nothing: indefinitely, or until (not including) `paused_until`."""
    if not plan.paused:
        return False
    return plan.paused_until is None or local_date < plan.paused_until


def occurrences(plan: UserPlan, slot: Slot, first_day: date, last_day: date) -> Iterator[Due]:
    """Every unpaused occurrence of `slot` on local dates `first_day` … `last_day`."""
    day = first_day
    while day <= last_day:
        if day.weekday() in slot.weekdays and not is_paused(plan, day):
            yield Due(slot, day, local_instant(day, slot.at, plan.zone))
        day += timedelta(days=1)


def next_due(plan: UserPlan, slot: Slot, after: datetime) -> Due | None:
    """The first occurrence of `slot` strictly after `after` (None if paused indefinitely)."""
    if plan.paused and plan.paused_until is None:
        return None
    start = local_date_of(after, plan.zone) - timedelta(days=1)
    for due in occurrences(plan, slot, start, start + timedelta(days=HORIZON_DAYS)):
        if due.due_utc > after:
            return due
    return None


def latest_due(plan: UserPlan, slot: Slot, at_or_before: datetime, days: int = 8) -> Due | None:
    """The last occurrence of `slot` at or before `at_or_before`, looking back `days` days."""
    end = local_date_of(at_or_before, plan.zone) + timedelta(days=1)
    found: Due | None = None
    for due in occurrences(plan, slot, end - timedelta(days=days), end):
        if due.due_utc <= at_or_before:
            found = due
    return found


def dues_between(plan: UserPlan, slot: Slot, start: datetime, end: datetime) -> list[Due]:
    """Occurrences of `slot` with start < due_utc <= end, in order."""
    first = local_date_of(start, plan.zone) - timedelta(days=1)
    last = local_date_of(end, plan.zone) + timedelta(days=1)
    return [d for d in occurrences(plan, slot, first, last) if start < d.due_utc <= end]


# Session statuses (storage's sessions.status) that matter to the reminders of their day.
OPEN_SESSION_STATUSES = SessionStatus.open()
# A session ended for pain >= 7 ends the day: "stop for today and rest" (protocol section 5).
DAY_ENDING_STATUSES = frozenset({SessionStatus.ENDED_EARLY})


def slot_ordinal(slot_name: str) -> int:
    """How many sessions must exist on a day for this reminder slot to be "done already"."""
    return 2 if slot_name == SLOT_SECOND else 1


def reminder_covered(slot_name: str, session_statuses: Sequence[str]) -> bool:
    """True when the day's sessions (their statuses) make this reminder unnecessary: one is open,
    one ended the day for pain, or there are as many as the slot's ordinal (the second reminder
    needs two)."""
    statuses = set(session_statuses)
    if statuses & (OPEN_SESSION_STATUSES | DAY_ENDING_STATUSES):
        return True
    return len(session_statuses) >= slot_ordinal(slot_name)


def cadence_changed_notice_needed(previous: str | None, current: Cadence) -> bool:
    """Tell the user when the cadence differs from the one last told (not the first time)."""
    return previous is not None and previous != current.value
