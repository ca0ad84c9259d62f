"""The what-if simulator: shipped personas, the steady responder, the CLI contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.texts import reason_text, requirement_words
from rehab import DecisionKind, ProgrammeStatus
from rehab import reasons as rr
from rehab.simulator import DayRecord, Persona, load_persona, main, simulate

pytestmark = pytest.mark.unit

PERSONAS = Path(__file__).resolve().parents[3] / "examples" / "personas"
SHIPPED = sorted(PERSONAS.glob("*.json"))


def test_all_six_personas_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {
        "steady_mid_portion",
        "insertional",
        "flare_week3",
        "two_week_gap",
        "high_irritability",
        "red_flag_day9",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_persona_runs_84_days_as_json_lines(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(path)], reason_text) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 84
    first = json.loads(lines[0])
    assert {"day", "date", "stage", "sessions", "answers", "decision"} <= set(first)
    assert first["day"] == 1
    assert first["date"] == "2026-01-05"
    for line in lines:
        day = json.loads(line)
        for session in day["sessions"]:
            for ex in session:
                assert {"id", "name", "kind", "stance", "surface", "sets", "reps", "hold_s",
                        "tempo_s", "rest_s", "load_kg"} <= set(ex)  # fmt: skip


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_persona_table(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(path), "--table", "--days", "10", "--start", "2026-12-01"], reason_text) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 11
    assert "2026-12-01" in out[1]


def records(name: str, days: int = 84) -> list[DayRecord]:
    return simulate(load_persona(PERSONAS / f"{name}.json"), days=days)


def test_steady_responder_reaches_stage3_by_week6_and_stage4_only_after_the_gate() -> None:
    recs = records("steady_mid_portion")
    first3 = next(r.day for r in recs if r.stage == 3)
    assert first3 <= 42
    first4 = next(r.day for r in recs if r.stage == 4)
    gate_days = [r for r in recs if r.gate and r.gate.test in ("loaded_hold", "endurance_hops")]
    assert gate_days
    assert gate_days[0].day <= first4
    assert all(r.stage < 4 for r in recs if r.day < gate_days[0].day)
    passed = [r for r in gate_days if r.gate and r.gate.passed]
    assert passed
    assert passed[0].day <= first4
    stage_up = recs[first4 - 1].decision
    assert stage_up is not None
    assert stage_up.kind is DecisionKind.STAGE_UP


def test_steady_responder_does_not_reach_stage4_when_its_tests_fail() -> None:
    persona = load_persona(PERSONAS / "steady_mid_portion.json")
    failing = persona.model_copy(
        update={"tests": persona.tests.model_copy(update={"hop_pain": 5, "loaded_hold_pain": 5})}
        if persona.tests
        else {}
    )
    recs = simulate(failing)
    assert any(r.stage == 3 for r in recs)
    assert all(r.stage < 4 for r in recs)


def test_red_flag_on_day_9_stops_everything() -> None:
    recs = records("red_flag_day9")
    day9 = recs[8]
    assert day9.decision is not None
    assert day9.decision.kind is DecisionKind.STOP
    assert any("confirm" in e for e in day9.events)
    assert all(r.sessions == [] for r in recs[8:])
    assert all(r.status is ProgrammeStatus.STOPPED for r in recs[8:])
    assert recs[7].sessions


def test_insertional_persona_stays_on_the_floor() -> None:
    for r in records("insertional"):
        for session in r.sessions:
            assert all(ex.surface == "floor" for ex in session)


def test_two_week_gap_rechecks_on_return() -> None:
    recs = records("two_week_gap")
    back = recs[33]  # day 34
    assert back.gate is not None
    assert back.gate.test == "recheck"
    assert all(r.sessions == [] for r in recs[19:33])
    assert any("missed" in e for r in recs[19:33] for e in r.events)


def test_flare_persona_regresses_then_stage_down_on_second_flare() -> None:
    recs = records("flare_week3", days=30)
    kinds = {r.day: r.decision.kind for r in recs if r.decision is not None}
    assert kinds[16] is DecisionKind.REGRESS
    assert kinds[17] is DecisionKind.STAGE_DOWN


def test_day_ranges_and_later_keys_override() -> None:
    persona = Persona.model_validate(
        {
            "profile": json.loads((PERSONAS / "steady_mid_portion.json").read_text())["profile"],
            "answers": {
                "default": {"pain_during": 1, "morning": 1},
                "days": {"3-5": {"morning": 3, "pain_during": 2}, "4": {"morning": 4}},
            },
        }
    )
    assert persona.answers_for(2).morning == 1
    assert persona.answers_for(3).morning == 3
    assert persona.answers_for(4).morning == 4
    assert persona.answers_for(4).pain_during == 2
    assert persona.answers_for(6).pain_during == 1


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('{"profile": {"presentation": "mid-portion"}}', "profile.side"),
        (
            '{"profile": {"presentation": "heel", "side": "left", "bodyweight_kg": 70,'
            ' "rest_pain": 1, "morning_pain": 1, "stiffness_minutes": 1,'
            ' "single_leg_heel_raises": 1}}',
            "profile.presentation",
        ),
        ("MINIMAL_PLUS", "answers.days.10.morning"),
        ("MINIMAL_BADKEY", "answers.days"),
        ("MINIMAL_FLAG", "answers.days.9.red_flag"),
        ("{not json", "not valid JSON"),
        ("MINIMAL_EXTRA", "extra: Extra inputs are not permitted"),
    ],
)
def test_bad_persona_gives_one_line_error_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, field: str
) -> None:
    minimal = json.loads((PERSONAS / "steady_mid_portion.json").read_text())
    if content == "MINIMAL_PLUS":
        minimal["answers"]["days"] = {"10": {"morning": 11}}
        content = json.dumps(minimal)
    elif content == "MINIMAL_BADKEY":
        minimal["answers"]["days"] = {"ten": {"morning": 1}}
        content = json.dumps(minimal)
    elif content == "MINIMAL_EXTRA":
        minimal["extra"] = 1
        content = json.dumps(minimal)
    elif content == "MINIMAL_FLAG":
        minimal["answers"]["days"] = {"9": {"red_flag": "laptop"}}
        content = json.dumps(minimal)
    path = tmp_path / "p.json"
    path.write_text(content)
    assert main([str(path)], reason_text) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err
    assert field in err


def test_missing_file_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.json")], reason_text) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main([str(SHIPPED[0]), "--days", "0"], reason_text) == 2
    assert main([str(SHIPPED[0]), "--start", "yesterday"], reason_text) == 2


def test_default_start_is_a_fixed_monday() -> None:
    recs = simulate(load_persona(SHIPPED[0]), days=1)
    assert recs[0].date == date(2026, 1, 5)
    assert recs[0].date.weekday() == 0


JARGON = ("green", "amber", "rung", "lowly", "highly", "irritability")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_what_users_read_has_no_internal_jargon(path: Path) -> None:
    """Decision reasons, the assessment and the gate details reach users word for word: they
    must not use the engine's own terms (pain zones by colour, ladder rungs) or Python values."""
    from rehab import assess, gate_status, start_programme

    persona = load_persona(path)
    texts = [assess(persona.profile).summary]
    for day in simulate(persona):
        if day.decision is not None:
            texts.append(reason_text(day.decision.reason))
    state = start_programme(persona.profile, date(2026, 1, 5))
    texts += [
        " ".join(requirement_words(r)) for r in gate_status(state, date(2026, 1, 5)).requirements
    ]
    texts += [e for day in simulate(persona) for e in day.events if not e.startswith("review")]
    for text in texts:
        assert not [w for w in JARGON if w in text.lower()], text
        assert "None" not in text, text


def test_r2_reasons_users_read_have_no_jargon() -> None:
    """The new reasons of revision 2 (in-session, breaks, referral, reviews, running) name
    what changed and why in plain words."""
    from rehab import ExerciseKind, adjust_after_set, prescribe, start_programme
    from rehab.outcomes import record_review, refer, review_summary

    from .helpers import profile

    state = start_programme(profile(), date(2026, 1, 5))
    ex = prescribe(state, date(2026, 1, 5)).exercises[0]
    advice = [adjust_after_set(ex, [5] * ex.sets).reason, adjust_after_set(ex, [5]).reason]
    texts = [reason_text(a) for a in advice]
    referral = refer(state, "stuck", rr.Stuck(days=21), date(2026, 2, 1))[1]
    texts.append(reason_text(referral.reason))
    texts.append(review_summary(state, date(2026, 2, 16), 6))
    _, review = record_review(state, 12, None, date(2026, 3, 30))
    assert review is not None
    texts.append(reason_text(review.reason))
    assert ex.kind is ExerciseKind.HOLD
    for text in texts:
        assert not [w for w in (*JARGON, "baseline", "factor") if w in text.lower()], text
        assert "None" not in text, text


# ---- revision 2 (issue 11) -------------------------------------------------------------------


def _run(name: str) -> list[DayRecord]:
    return simulate(load_persona(PERSONAS / f"{name}.json"))


def test_three_r2_personas_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {"both_sides_sore", "stage4_break", "flares_keep_coming"}


def test_both_sides_sore_works_each_leg_and_tests_each_leg() -> None:
    recs = _run("both_sides_sore")
    single = [e for r in recs for s in r.sessions for e in s if e.stance == "single-leg"]
    assert single
    assert {e.leg for e in single} == {"each"}
    assert all(
        e.leg is None for r in recs for s in r.sessions for e in s if e.stance != "single-leg"
    )
    counts = [ev for r in recs for ev in r.events if ev.startswith("heel raises:")]
    assert "heel raises: left 16, right 12" in counts
    gates = [r.gate for r in recs if r.gate is not None]
    assert any(g.result.get("left_reps") == 16 for g in gates)
    # "90 % of the other side" does not apply: the weaker leg must reach 25 itself
    checkpoint = [g for g in gates if g.test in ("loaded_hold", "endurance_hops")]
    assert checkpoint
    assert not any(g.passed for g in checkpoint)
    failed = checkpoint[0].decision.reason
    assert isinstance(failed, rr.Stage4TestFailed)
    assert failed.shortfall == rr.EnduranceShort(
        reps=12, need=25, both_sides=True, other_side_fraction=0.9
    )
    assert "each leg needs 25" in reason_text(failed)


def test_a_two_week_break_in_stage4_comes_back_lighter_in_every_exercise() -> None:
    recs = _run("stage4_break")
    away = [r.day for r in recs if "missed session" in r.events]
    assert away
    assert recs[away[0] - 1].stage == 4
    before = [r for r in recs if r.sessions and r.day < away[0]]
    after = [r for r in recs if r.sessions and r.day > away[-1]]
    assert after

    def last_of(recs_: list[DayRecord], plyo: bool) -> dict[str, tuple[float, int, int]]:
        for r in recs_:
            ex = r.sessions[0]
            if any(e.contacts is not None for e in ex) == plyo:
                return {e.id: (e.load_kg, e.sets, e.contacts or 0) for e in ex}
        return {}

    for plyo in (False, True):
        old = last_of(list(reversed(before)), plyo)
        new = last_of(after, plyo)
        assert old
        assert new
        for ex_id, (load, sets, contacts) in new.items():
            if ex_id in old:
                o_load, o_sets, o_contacts = old[ex_id]
                assert load <= o_load
                assert sets <= o_sets
                assert contacts <= o_contacts
                assert (load, sets, contacts) != (o_load, o_sets, o_contacts), ex_id


def test_morning_flares_that_keep_coming_end_in_a_referral() -> None:
    recs = _run("flares_keep_coming")
    assert recs[-1].decision is not None
    assert recs[-1].decision.kind is DecisionKind.REFER
    first = next(r for r in recs if r.decision is not None and r.decision.kind.value == "refer")
    assert "refer: flares" in first.events
    assert [r.day for r in recs if any(e.startswith("refer:") for e in r.events)] == [first.day]
    assert first.decision is not None
    assert first.decision.reason == rr.Refer(why=rr.ManyFlares(flares=3, days=14))
    assert "physiotherapist or doctor" in reason_text(first.decision.reason)
    # the dose never rises after the referral
    later = [r for r in recs if r.day >= first.day and r.sessions]
    assert len({tuple(e.model_dump_json() for e in r.sessions[0]) for r in later}) == 1


def test_json_output_carries_leg_refer_and_the_review_events(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([str(PERSONAS / "flares_keep_coming.json")], reason_text) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[-1]["decision"]["kind"] == "refer"
    events = [e for line in lines for e in line["events"]]
    assert any(e.startswith("refer: ") for e in events)
    assert any(e.startswith("review: week 6") for e in events)
    ex = lines[0]["sessions"][0][0]
    assert {"leg", "walk_min", "jog_min"} <= set(ex)


def test_persona_heel_raises_as_a_number_or_per_leg() -> None:
    base = json.loads((PERSONAS / "both_sides_sore.json").read_text())
    per_leg = Persona.model_validate(base)
    assert per_leg.tests is not None
    assert per_leg.tests.result().left_reps == 16
    assert per_leg.tests.result().heel_raise_reps == 12
    base["tests"]["heel_raise_reps"] = 20
    number = Persona.model_validate(base)
    assert number.tests is not None
    assert number.tests.result().heel_raise_reps == 20
    base["tests"]["heel_raise_reps"] = {"left": 3}
    with pytest.raises(ValueError, match="right"):
        Persona.model_validate(base)
