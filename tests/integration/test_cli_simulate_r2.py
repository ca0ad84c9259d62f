"""`achilles-coach simulate` on the three personas of revision 2 (issue 11), as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = ROOT / "examples" / "personas"


def simulate(name: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "simulate", str(PERSONAS / f"{name}.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_both_sides_sore_has_per_leg_exercises_and_tests() -> None:
    days = simulate("both_sides_sore")
    exercises = [e for d in days for s in d["sessions"] for e in s]
    assert {e["leg"] for e in exercises if e["stance"] == "single-leg"} == {"each"}
    gates = [d["gate"] for d in days if d["gate"]]
    assert {(g["result"]["left_reps"], g["result"]["right_reps"]) for g in gates} == {(16, 12)}
    assert any(e == "heel raises: left 16, right 12" for d in days for e in d["events"])


def test_a_break_in_stage4_comes_back_lighter_in_every_exercise() -> None:
    days = simulate("stage4_break")
    away = [d["day"] for d in days if "missed session" in d["events"]]
    before = [d for d in days if d["sessions"] and d["day"] < away[0]]
    after = [d for d in days if d["sessions"] and d["day"] > away[-1]]
    assert before[-1]["stage"] == 4
    last: dict[str, dict[str, Any]] = {}
    for d in before:
        for e in d["sessions"][0]:
            last[e["id"]] = e
    seen = set()
    for d in after[:2]:  # the first heavy session and the first hop session back
        for e in d["sessions"][0]:
            old = last[e["id"]]
            seen.add(e["id"])
            assert e["load_kg"] <= old["load_kg"]
            assert e["sets"] <= old["sets"]
            assert (e["contacts"] or 0) <= (old["contacts"] or 0)
            assert (e["load_kg"], e["sets"], e["contacts"]) != (
                old["load_kg"],
                old["sets"],
                old["contacts"],
            ), e["id"]
    assert "hop_two_legs" in seen
    assert "sl_calf_raise_step" in seen


def test_flares_that_keep_coming_end_with_refer() -> None:
    days = simulate("flares_keep_coming")
    assert days[-1]["decision"]["kind"] == "refer"
    assert any(e == "refer: flares" for d in days for e in d["events"])
