"""Records over a real database: three weeks of history → progress, history, export, summary.

`seed_three_weeks` is shared with the end-to-end tests (tests/e2e/test_records.py).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot import texts, views
from bot.charts import render_progress_chart
from service_layer import records
from service_layer.export_schema import CSV_COLUMNS, AchillesCoachExport, to_csv, to_json
from service_layer.programme import save_state
from service_layer.records import ProgressStatus
from service_layer.runtime import Runtime
from storage.models import (
    Decision,
    GateTest,
    MorningCheckin,
    Profile,
    RedFlagAnswer,
    SentLog,
    SetLog,
    TrainingSession,
)

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Europe/Berlin")
START = date(2026, 11, 9)  # a Monday
DAYS = 21
TODAY = START + timedelta(days=DAYS - 1)  # Sunday 29 Nov
# Sunday evening in Berlin, when the weekly summary goes out.
SUNDAY_EVENING = datetime.combine(TODAY, time(19, 0), tzinfo=ZONE).astimezone(UTC)
MISSED_DAYS = (4, 12)
ABANDONED_DAY = 17
GATE_DAY = 9


@dataclass(frozen=True)
class Seeded:
    user_id: int
    sessions: int
    sets: int
    checkins: int
    decisions: int


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


def morning_pain(i: int) -> int:
    return max(0, 4 - i // 6)


async def seed_three_weeks(runtime: Runtime, user_id: int, first_name: str = "Robin") -> Seeded:
    """Three weeks of Stage 1 then Stage 2: sessions, sets, check-ins, decisions, a gate test."""
    profile = rehab.Profile(
        presentation=rehab.Presentation.MID_PORTION,
        side=rehab.Side.LEFT,
        bodyweight_kg=70,
        rest_pain=3,
        morning_pain=4,
        stiffness_minutes=20,
        single_leg_heel_raises=8,
    )
    state = rehab.start_programme(profile, START).model_copy(
        update={"stage": 2, "rung": 0, "stage_start": START + timedelta(days=GATE_DAY + 1)}
    )
    sets = sessions = 0
    async with runtime.uow() as uow:
        user, _ = await uow.users.upsert(
            user_id=user_id,
            chat_id=user_id,
            first_name=first_name,
            language="en",
            now=_at(START, 8),
        )
        user.timezone = "Europe/Berlin"
        uow.profiles.add(
            Profile(
                user_id=user_id,
                answers=profile.model_dump(mode="json"),
                session_times=["07:30", "18:30"],
                weekly_days=[],
                weekly_time=None,
                checkin_time="08:00",
                weekly_summary=True,
                paused=False,
                updated_at=_at(START, 8),
            )
        )
        await save_state(uow, user_id, state, _at(START, 8))
        for code in ("night_pain", "calf_swelling"):
            uow.red_flags.add(
                RedFlagAnswer(
                    user_id=user_id,
                    code=code,
                    answer=False,
                    source="checklist",
                    outcome=None,
                    answered_at=_at(START, 8),
                )
            )
        for i in range(DAYS):
            day = START + timedelta(days=i)
            await uow.checkins.add_once(
                MorningCheckin(
                    user_id=user_id,
                    local_date=day,
                    pain=morning_pain(i),
                    stiffness_minutes=max(0, 20 - i),
                    answered_at=_at(day, 8),
                )
            )
            if i in MISSED_DAYS:
                await uow.sent_log.claim(
                    SentLog(
                        user_id=user_id,
                        kind="missed",
                        local_date=day,
                        slot="day",
                        status="missed",
                        due_at=_at(day, 23),
                        created_at=_at(day, 23),
                    )
                )
                continue
            stage = 1 if i <= GATE_DAY else 2
            abandoned = i == ABANDONED_DAY
            if stage == 1:
                exercise, count, reps, hold, load = "isometric_hold", 5, None, 45, 0.0
            else:
                load = 2.5 if i >= 14 else 0.0
                exercise, count, reps, hold = "eccentric_heel_drop", 3, 15, None
            pain = 3 if i < 5 else 2 if i < 14 else 1
            row = TrainingSession(
                user_id=user_id,
                local_date=day,
                slot="07:30",
                stage=stage,
                status="abandoned" if abandoned else "done",
                plan={"stage": stage, "exercises": [{"exercise_id": exercise}]},
                pain_after=None if abandoned else max(0, pain - 1),
                started_at=_at(day, 18),
                ended_at=_at(day, 19),
            )
            uow.sessions.add(row)
            await uow.sessions.flush()
            sessions += 1
            for set_no in range(1, (1 if abandoned else count) + 1):
                assert await uow.sessions.log_set(
                    SetLog(
                        session_id=row.id,
                        user_id=user_id,
                        exercise_index=0,
                        exercise_id=exercise,
                        set_no=set_no,
                        reps=reps,
                        hold_s=hold,
                        load_kg=load,
                        pain_during=pain + (1 if set_no == count else 0),
                        completed=True,
                        logged_at=_at(day, 18),
                    )
                )
                sets += 1
        decisions = [
            (3, "hold", "Pain stayed in the green; same holds while your mornings settle.", 1, 1),
            (
                GATE_DAY,
                "stage_up",
                "You passed the Stage 2 test: slow heel raises start tomorrow.",
                1,
                2,
            ),
            (14, "progress", "Three green sessions in a row: add 2.5 kg.", 2, 2),
            (18, "hold", "One session was cut short, so the dose stays the same.", 2, 2),
        ]
        for offset, kind, reason, stage_from, stage_to in decisions:
            day = START + timedelta(days=offset)
            uow.decisions.add(
                Decision(
                    user_id=user_id,
                    local_date=day,
                    kind=kind,
                    reason=reason,
                    stage_from=stage_from,
                    stage_to=stage_to,
                    made_at=_at(day, 9),
                )
            )
        gate_day = START + timedelta(days=GATE_DAY)
        uow.gate_tests.add(
            GateTest(
                user_id=user_id,
                stage=1,
                test="stage2_entry",
                result={"holds_45s": 5, "max_pain": 3, "morning_flare": False},
                passed=True,
                local_date=gate_day,
                taken_at=_at(gate_day, 19),
            )
        )
        await uow.commit()
    return Seeded(user_id, sessions, sets, DAYS, len(decisions))


class TimeAt:
    """A clock for the runtime: a fixed moment."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
async def seeded(runtime: Runtime) -> Seeded:
    runtime.clock = TimeAt(SUNDAY_EVENING)
    return await seed_three_weeks(runtime, 501)


async def test_progress_chart_and_caption(runtime: Runtime, seeded: Seeded) -> None:
    result = await records.progress(runtime, seeded.user_id)
    assert result.status == ProgressStatus.CHART
    assert result.chart is not None
    assert result.facts is not None
    assert render_progress_chart(result.chart).startswith(b"\x89PNG\r\n\x1a\n")
    caption = views.progress_caption(result.facts)
    # Week 3, Stage 2; morning pain averaged 3.9 in week 1 and 1.6 over the last 7 days.
    assert "Week 3 of 12" in caption
    assert "Stage 2" in caption
    assert "3.9 in week 1 → 1.6 now" in caption
    # 18 sessions done, one abandoned, two days missed: 18 of 21.
    assert "Sessions finished: 18 · missed or stopped: 3" in caption
    assert len(caption) <= 1024


async def test_progress_without_enough_data_or_programme(runtime: Runtime) -> None:
    runtime.clock = TimeAt(SUNDAY_EVENING)
    assert (await records.progress(runtime, 999)).status == ProgressStatus.NOT_ONBOARDED
    await seed_three_weeks(runtime, 502)
    async with runtime.uow() as uow:
        # Keep only the first two check-ins and no sessions: two pain answers.
        for row in await uow.sessions.all_for(502):
            await uow.session.delete(row)
        for checkin in (await uow.checkins.all_for(502))[2:]:
            await uow.session.delete(checkin)
        await uow.commit()
    result = await records.progress(runtime, 502)
    assert result.status == ProgressStatus.TOO_LITTLE
    assert result.points == 2
    assert result.chart is None


async def test_history_lists_fourteen_days(runtime: Runtime, seeded: Seeded) -> None:
    days = await records.history_days(runtime, seeded.user_id)
    assert days is not None
    assert len(days) == 14
    assert days[0].day == TODAY - timedelta(days=13)
    assert days[-1].day == TODAY
    by_day = {d.day: d for d in days}
    missed = by_day[START + timedelta(days=12)]
    assert (missed.outcome, missed.morning_pain) == ("missed", morning_pain(12))
    assert by_day[START + timedelta(days=ABANDONED_DAY)].outcome == "stopped"
    progressed = by_day[START + timedelta(days=14)]
    assert (progressed.outcome, progressed.pain_during_max, progressed.decision) == (
        "done",
        2,
        "progress",
    )
    text = views.history_text(days)
    lines = text.splitlines()
    assert lines[1].startswith("<b>Sun 29 Nov</b> · ✅ done · pain 2 · AM 1")
    assert "<b>Sat 21 Nov</b> · ❌ missed · AM 2" in text
    assert "⬆️ step up" in text
    assert len(text) < 4096


async def test_history_points_to_start_when_not_onboarded(runtime: Runtime) -> None:
    days = await records.history_days(runtime, 404)
    assert views.history_text(days) == texts.RECORDS_NOT_ONBOARDED


async def test_export_round_trips_and_the_csv_has_sets_mornings_and_after_pain(
    runtime: Runtime, seeded: Seeded
) -> None:
    document = await records.export(runtime, seeded.user_id, texts.reason_text)
    assert document is not None
    parsed = AchillesCoachExport.model_validate_json(to_json(document))
    assert parsed == document
    assert json.loads(to_json(document))["schema_version"] == 2
    assert len(parsed.sessions) == seeded.sessions
    assert sum(len(s.sets) for s in parsed.sessions) == seeded.sets
    assert len(parsed.morning_checkins) == seeded.checkins
    assert [d.reason for d in parsed.decisions][1].startswith("You passed the Stage 2 test")
    assert [(c.stage, c.stage_from) for c in parsed.stage_history] == [(1, None), (2, 1)]
    assert [(g.test, g.passed) for g in parsed.gate_tests] == [("stage2_entry", True)]
    assert {a.code for a in parsed.red_flag_answers} == {"night_pain", "calf_swelling"}
    assert parsed.schedule.timezone == "Europe/Berlin"
    assert parsed.schedule.session_times == ["07:30", "18:30"]
    assert parsed.profile is not None
    assert parsed.profile.answers["bodyweight_kg"] == 70

    reader = csv.DictReader(io.StringIO(to_csv(document).decode()))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    sets = [r for r in rows if r["kind"] == "set"]
    assert len(sets) == seeded.sets
    # A physio sees the morning answers and the pain after each session too, day by day.
    mornings = [r for r in rows if r["kind"] == "morning"]
    assert [int(r["morning_pain"]) for r in mornings] == [c.pain for c in parsed.morning_checkins]
    after = [r for r in rows if r["kind"] == "after_session"]
    assert [int(r["pain_after"]) for r in after] == [
        s.pain_after for s in parsed.sessions if s.pain_after is not None
    ]
    assert after
    assert [r["date_local"] for r in rows] == sorted(r["date_local"] for r in rows)
    first = sets[0]
    assert first["date_local"] == "2026-11-09"
    assert (first["stage"], first["exercise_id"], first["hold_s"], first["reps"]) == (
        "1",
        "isometric_hold",
        "45",
        "",
    )
    assert {r["load_kg"] for r in sets if r["date_local"] >= "2026-11-23"} == {"2.5"}


async def test_export_for_someone_without_a_programme(runtime: Runtime) -> None:
    assert await records.export(runtime, 404, texts.reason_text) is None


async def test_weekly_summary(runtime: Runtime, seeded: Seeded) -> None:
    summary = await records.build_weekly_summary(runtime, seeded.user_id, SUNDAY_EVENING)
    text = views.weekly_summary_text(summary)
    # Mon 23 – Sun 29 Nov: six done, one abandoned.
    assert "Sessions: 6 of 7 done" in text
    assert "%" not in text
    # Mornings 2,2,2,2,1,1,1 against 3,3,3,3,3,2,2 the week before.
    assert "Morning pain: 1.6, down 👍 (last week 2.7)" in text
    assert "same dose" in text
    assert "cut short" in text
    assert summary.chart is not None
    assert render_progress_chart(summary.chart).startswith(b"\x89PNG")
    assert len(text) < 1024
