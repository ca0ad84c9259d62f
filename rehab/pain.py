"""The pain-monitoring model (protocol section 4)."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import mean, median

from rehab.enums import PainZone
from rehab.models import MorningEntry, ProgrammeState
from rehab.protocol import THRESHOLDS, TIMINGS, Thresholds


def _check(p: int) -> None:
    if not 0 <= p <= 10:
        raise ValueError(f"pain must be 0-10, got {p}")


def classify_set_pain(p: int, thresholds: Thresholds = THRESHOLDS) -> PainZone:
    """During a set: 0-3 green, up to the amber ceiling (4) amber, above it red."""
    _check(p)
    if p <= thresholds.set_green_max:
        return PainZone.GREEN
    if p <= thresholds.amber_ceiling:
        return PainZone.AMBER
    return PainZone.RED


def classify_session_pain(p: int, thresholds: Thresholds = THRESHOLDS) -> PainZone:
    """Right after a session: up to the amber ceiling (4) is fine, above it red."""
    _check(p)
    return PainZone.GREEN if p <= thresholds.amber_ceiling else PainZone.RED


def session_zone(
    set_pains: list[int], pain_after: int | None, thresholds: Thresholds = THRESHOLDS
) -> PainZone | None:
    """The zone of a whole session: its worst answer. ``None`` when an answer is missing,
    unless a set was already red (a session ended early at high pain has no "pain now")."""
    zones = [classify_set_pain(p, thresholds) for p in set_pains]
    if PainZone.RED in zones:
        return PainZone.RED
    if not set_pains or pain_after is None:
        return None
    zones.append(classify_session_pain(pain_after, thresholds))
    return worst(zones)


def worst(zones: list[PainZone]) -> PainZone:
    order = [PainZone.GREEN, PainZone.AMBER, PainZone.RED]
    return max(zones, key=order.index)


def morning_baseline(
    state: ProgrammeState, before: date | None = None, thresholds: Thresholds = THRESHOLDS
) -> float:
    """Median of the last 7 morning scores; the onboarding score until there are 3."""
    entries = [m for m in state.mornings if before is None or m.on < before]
    recent = entries[-thresholds.baseline_window :]
    if len(recent) < thresholds.baseline_min_scores:
        return float(state.profile.morning_pain)
    return float(median(m.pain for m in recent))


def classify_morning_against(
    baseline: float, p: int, thresholds: Thresholds = THRESHOLDS
) -> PainZone:
    _check(p)
    low_baseline = baseline <= thresholds.morning_flare_absolute_max_baseline
    if (
        p >= thresholds.morning_flare_always
        or p >= baseline + thresholds.morning_flare_over_baseline
        or (low_baseline and p >= thresholds.morning_flare_absolute)
    ):
        return PainZone.RED
    if p <= baseline + thresholds.morning_green_over_baseline:
        return PainZone.GREEN
    return PainZone.AMBER


def classify_morning(
    state: ProgrammeState, p: int, thresholds: Thresholds = THRESHOLDS, on: date | None = None
) -> PainZone:
    """First-steps morning pain: green up to baseline + 1; a flare (red) at baseline + 2, at 5+
    when the baseline is 3 or less, and always at 7+ (R2: a steady high score is the baseline).

    ``on`` excludes that day's own entry (and later ones) from the baseline.
    """
    return classify_morning_against(morning_baseline(state, on, thresholds), p, thresholds)


def weekly_means(
    mornings: list[MorningEntry], week_start: date, thresholds: Thresholds = THRESHOLDS
) -> tuple[float | None, float | None]:
    """Mean morning score of the week starting ``week_start`` and of the week before it.

    A week with fewer than ``weekly_trend_min_scores`` scores has no mean (``None``).
    """
    days = TIMINGS.trend_week_days

    def _mean(start: date) -> float | None:
        end = start + timedelta(days=days)
        scores = [m.pain for m in mornings if start <= m.on < end]
        if len(scores) < thresholds.weekly_trend_min_scores:
            return None
        return float(mean(scores))

    return _mean(week_start), _mean(week_start - timedelta(days=days))


def trend_rising(
    mornings: list[MorningEntry], week_start: date, thresholds: Thresholds = THRESHOLDS
) -> tuple[bool, float | None, float | None]:
    """Is the week starting ``week_start`` at least 1 point worse (mean) than the week before?"""
    this_week, last_week = weekly_means(mornings, week_start, thresholds)
    if this_week is None or last_week is None:
        return False, this_week, last_week
    return this_week >= last_week + thresholds.weekly_trend_rise, this_week, last_week
