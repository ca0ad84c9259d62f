"""Draw the exercise pictures and the tempo guides from code: `make pictures` runs this module.

Every picture is a schematic side view, the person facing right: the foot (heel, ball, toes),
the shin and the knee, the floor or the step edge. The start position is drawn in light grey,
the end (or held) position in blue, the movement as an orange arrow, the hold height as a green
line, the lowest point the heel may reach as a red line (floor level) or a shaded band (below
the step edge, mid-portion only). A row of badges at the bottom says one leg or two, knee
straight or bent, and where the load sits. Sized 512 × 512 px, lettered to be read on a phone.

Every word drawn is looked up in the catalogue (bot/i18n.py) of the language in force, and
`make pictures` draws each picture once per language we speak. A word that does not fit where
it is drawn (Russian runs longer than English) is broken onto two lines, then drawn smaller.

The tempo guides are looping GIFs (Pillow, through matplotlib's Agg canvas: no external
tools): a marker rises and lowers in time with the count, one repetition per loop.

No pyplot: every picture is its own Figure on its own Agg canvas.
"""

from __future__ import annotations

import argparse
import io
import math
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib import patches
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from bot import i18n, texts
from bot.i18n import N_, _
from bot.pictures import (
    EXERCISE_DIR,
    PICTURE_PX,
    TEMPO_PX,
    Tempo,
    language_dir,
    picture_name,
    tempo_name,
    tempos,
)
from rehab.enums import ExerciseKind, Knee, Stance, Surface
from rehab.protocol import EXERCISES, Exercise
from service_layer.languages import DEFAULT, SUPPORTED

DPI = 100
UNITS = 10.0  # the drawing is 10 × 10 units
PT_PER_UNIT = PICTURE_PX / UNITS * 72 / DPI

WORK = "#1f5fa8"  # the end (or held) position, the working leg
WORK_FAR = "#6f9fd8"  # the other leg, behind
FREE = "#b9cde6"  # a leg lifted off the floor
GHOST = "#c4c8ce"  # the start position
MOVE = "#e8710a"  # the movement arrow
HOLD = "#2a9d3f"  # the hold height
LIMIT = "#d62728"  # the lowest point the heel may reach
INK = "#222222"
FLOOR = "#555555"
FLOOR_FILL = "#e9e9e9"
STEP_FILL = "#a9a9a9"
LOAD = "#7a3e9d"

TITLE_PT = 17
LABEL_PT = 13
BADGE_PT = 11
BADGE_MIN_PT = 9

SHIN = 2.5
THIGH = 2.3
LEG_WIDTH = 0.5  # units

Point = tuple[float, float]


class Pose(StrEnum):
    STAND = "stand"
    SIT = "sit"
    SEATED_MACHINE = "seated_machine"
    LEG_PRESS = "leg_press"
    HOP = "hop"
    SKIP = "skip"
    RUN = "run"
    BOUND = "bound"


# The posture of each catalogue exercise; everything else (knee, stance, surface, kind) comes
# from the catalogue itself. tests/unit/test_pictures.py checks that no exercise is missing.
POSES: dict[str, Pose] = {
    "iso_calf_hold_straight": Pose.STAND,
    "iso_calf_hold_bent": Pose.STAND,
    "slow_calf_raise": Pose.STAND,
    "heel_drop_straight_step": Pose.STAND,
    "heel_drop_straight_floor": Pose.STAND,
    "heel_drop_bent_step": Pose.STAND,
    "heel_drop_bent_floor": Pose.STAND,
    "seated_calf_raise": Pose.SIT,
    "sl_calf_raise_step": Pose.STAND,
    "sl_calf_raise_floor": Pose.STAND,
    "sl_seated_calf_raise": Pose.SIT,
    "leg_press_calf_raise": Pose.LEG_PRESS,
    "seated_machine_calf_raise": Pose.SEATED_MACHINE,
    "sl_loaded_hold": Pose.STAND,
    "hop_two_legs": Pose.HOP,
    "hop_single_leg": Pose.HOP,
    "skipping": Pose.SKIP,
    "acceleration_runs": Pose.RUN,
    "walk_jog": Pose.RUN,
    "bounding": Pose.BOUND,
}

# Where the load sits, by exercise (the badge at the bottom, translated where it is drawn); the
# loaded ones also get a weight drawn where it goes.
LOAD_BADGES: dict[str, str] = {
    "iso_calf_hold_straight": N_("body weight"),
    "iso_calf_hold_bent": N_("body weight"),
    "slow_calf_raise": N_("+kg: backpack"),
    "heel_drop_straight_step": N_("+kg: backpack"),
    "heel_drop_straight_floor": N_("+kg: backpack"),
    "heel_drop_bent_step": N_("+kg: backpack"),
    "heel_drop_bent_floor": N_("+kg: backpack"),
    "seated_calf_raise": N_("weight on knees"),
    "sl_calf_raise_step": N_("weight in hand"),
    "sl_calf_raise_floor": N_("weight in hand"),
    "sl_seated_calf_raise": N_("weight on knee"),
    "leg_press_calf_raise": N_("machine weight"),
    "seated_machine_calf_raise": N_("machine pad"),
    "sl_loaded_hold": N_("weight in hand"),
    "hop_two_legs": N_("body weight"),
    "hop_single_leg": N_("body weight"),
    "skipping": N_("body weight"),
    "acceleration_runs": N_("body weight"),
    "walk_jog": N_("body weight"),
    "bounding": N_("body weight"),
}

# Heel angles (degrees of rise about the ball of the foot).
FLAT = 0.0
HALFWAY = 20.0
TOP = 38.0
BELOW_STEP = -22.0


# -- geometry ----------------------------------------------------------------------------------


def _rotate(p: Point, degrees: float, about: Point = (0.0, 0.0)) -> Point:
    a = math.radians(degrees)
    x, y = p[0] - about[0], p[1] - about[1]
    return (
        about[0] + x * math.cos(a) - y * math.sin(a),
        about[1] + x * math.sin(a) + y * math.cos(a),
    )


def _add(p: Point, q: Point) -> Point:
    return (p[0] + q[0], p[1] + q[1])


# The foot, relative to the ball of the foot at (0, 0), flat on the floor, toes to the right.
# The rear part turns about the ball when the heel rises; the toes stay flat.
_REAR = (
    (0.0, 0.0),
    (-1.8, 0.0),
    (-2.05, 0.08),
    (-2.12, 0.38),
    (-1.95, 0.8),
    (-1.6, 1.05),
    (-1.05, 1.05),
    (-0.45, 0.55),
    (0.0, 0.32),
)
_TOES = ((0.0, 0.32), (0.5, 0.2), (0.68, 0.07), (0.62, 0.0), (0.0, 0.0))
_ANKLE = (-1.33, 0.82)
_HEEL = (-2.0, 0.0)


@dataclass(frozen=True)
class Foot:
    ball: Point
    rise: float  # degrees; negative: the heel below the surface the ball stands on
    toes_turn: bool = False  # a foot in the air: the toes turn with it

    def _turn(self, p: Point) -> Point:
        return _add(self.ball, _rotate(p, -self.rise))

    @property
    def ankle(self) -> Point:
        return self._turn(_ANKLE)

    @property
    def heel(self) -> Point:
        return self._turn(_HEEL)

    def outline(self) -> list[Point]:
        rear = [self._turn(p) for p in _REAR]
        toes = [self._turn(p) if self.toes_turn else _add(self.ball, p) for p in _TOES]
        return rear + toes


def _knee(hip: Point, ankle: Point, forward: bool = True) -> Point:
    """Two-link inverse kinematics: the knee between hip and ankle, bending forward (or back)."""
    dx, dy = ankle[0] - hip[0], ankle[1] - hip[1]
    d = math.hypot(dx, dy)
    d = min(d, THIGH + SHIN - 1e-6)
    a = (THIGH**2 - SHIN**2 + d**2) / (2 * d)
    h = math.sqrt(max(THIGH**2 - a**2, 0.0))
    mx, my = hip[0] + a * dx / d, hip[1] + a * dy / d
    sign = 1 if forward else -1
    # the perpendicular that points to the toes' side when the leg hangs down
    return (mx - sign * h * dy / d, my + sign * h * dx / d)


def _hip_above(ankle: Point, knee: Knee, lean: float = 0.0) -> Point:
    """Where the hip is for a standing leg: straight above the ankle, or lower and further back
    with the knee bent."""
    if knee is Knee.STRAIGHT:
        return (ankle[0] + lean, ankle[1] + math.sqrt((SHIN + THIGH - 1e-3) ** 2 - lean**2))
    return (ankle[0] - 0.5, ankle[1] + 0.86 * (SHIN + THIGH))


# -- a canvas that can be turned (the leg press is the step picture on its side) ----------------


class Canvas:
    def __init__(self, ax: Axes, turn: float = 0.0, shift: Point = (0.0, 0.0)) -> None:
        self.ax = ax
        self.turn = turn
        self.shift = shift

    def at(self, p: Point) -> Point:
        return _add(_rotate(p, self.turn), self.shift)

    def line(
        self,
        points: Sequence[Point],
        colour: str,
        width: float,
        z: float,
        style: str = "-",
        cap: str = "round",
    ) -> None:
        xs, ys = zip(*(self.at(p) for p in points), strict=True)
        self.ax.plot(
            xs,
            ys,
            color=colour,
            linewidth=width * PT_PER_UNIT,
            linestyle=style,
            solid_capstyle=cap,
            dash_capstyle="butt",
            zorder=z,
        )

    def poly(
        self, points: Sequence[Point], colour: str, z: float, edge: str = "none", hatch: str = ""
    ) -> None:
        self.ax.add_patch(
            patches.Polygon(
                [self.at(p) for p in points],
                closed=True,
                facecolor=colour,
                edgecolor=edge,
                hatch=hatch or None,
                linewidth=1.5,
                zorder=z,
            )
        )

    def dot(self, p: Point, r: float, colour: str, z: float) -> None:
        self.ax.add_patch(patches.Circle(self.at(p), r, facecolor=colour, zorder=z))

    def arrow(
        self, start: Point, end: Point, colour: str = MOVE, both: bool = False, bend: float = 0.0
    ) -> None:
        style = "<|-|>" if both else "-|>"
        self.ax.add_patch(
            patches.FancyArrowPatch(
                self.at(start),
                self.at(end),
                arrowstyle=f"{style},head_length=0.45,head_width=0.3",
                mutation_scale=PT_PER_UNIT * 0.55,
                color=colour,
                linewidth=0.14 * PT_PER_UNIT,
                connectionstyle=f"arc3,rad={bend}",
                shrinkA=0,
                shrinkB=0,
                zorder=9,
            )
        )


def _label(
    ax: Axes,
    p: Point,
    text: str,
    colour: str = INK,
    ha: str = "left",
    va: str = "center",
    size: float = LABEL_PT,
) -> None:
    label = ax.text(
        p[0],
        p[1],
        text,
        color=colour,
        fontsize=size,
        fontweight="bold",
        ha=ha,
        va=va,
        zorder=12,
        bbox={
            "boxstyle": "round,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
    )
    fit(ax, label)


MIN_PT = 8.0  # the smallest lettering a phone still shows well
MARGIN = 0.1  # units between a word and the picture's edge


def _extent(ax: Axes, text: Text) -> tuple[float, float]:
    """Where `text` starts and ends, left to right, in drawing units (as drawn, measured)."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = text.get_window_extent(renderer).transformed(ax.transData.inverted())
    return box.x0, box.x1


def _fits(ax: Axes, text: Text, left: float, right: float) -> bool:
    x0, x1 = _extent(ax, text)
    return x0 >= left - 1e-6 and x1 <= right + 1e-6


def _two_lines(words: str) -> str:
    """A one-line text broken into two lines of about equal length."""
    best = words
    best_width = len(words)
    parts = words.split(" ")
    for i in range(1, len(parts)):
        first, second = " ".join(parts[:i]), " ".join(parts[i:])
        width = max(len(first), len(second))
        if width < best_width:
            best, best_width = f"{first}\n{second}", width
    return best


def fit(
    ax: Axes,
    text: Text,
    left: float = MARGIN,
    right: float = UNITS - MARGIN,
    wrap: bool = True,
) -> None:
    """Make `text` fit between `left` and `right`: as drawn if it does (every English word
    does), else broken onto two lines, else smaller, down to MIN_PT, else moved inwards."""
    if _fits(ax, text, left, right):
        return
    words = text.get_text()
    if wrap and "\n" not in words and " " in words:
        text.set_text(_two_lines(words))
        if _fits(ax, text, left, right):
            return
    size = float(text.get_fontsize())
    while size > MIN_PT and not _fits(ax, text, left, right):
        size = max(MIN_PT, size - 0.5)
        text.set_fontsize(size)
    x0, x1 = _extent(ax, text)
    shift = min(right - x1, 0.0) or max(left - x0, 0.0)
    if shift:
        x, y = text.get_position()
        text.set_position((x + shift, y))


# -- body parts --------------------------------------------------------------------------------


def _leg(
    c: Canvas,
    foot: Foot,
    hip: Point,
    colour: str,
    z: float,
    knee_forward: bool = True,
    thigh_fraction: float = 0.75,
) -> Point:
    """A foot, a shin and the lower part of the thigh; returns the knee."""
    ankle = foot.ankle
    knee = _knee(hip, ankle, knee_forward)
    thigh_end = (
        knee[0] + (hip[0] - knee[0]) * thigh_fraction,
        knee[1] + (hip[1] - knee[1]) * thigh_fraction,
    )
    c.poly(foot.outline(), colour, z)
    c.line([ankle, knee, thigh_end], colour, LEG_WIDTH, z)
    c.dot(knee, LEG_WIDTH * 0.62, colour, z + 0.1)
    return knee


def _lifted_leg(c: Canvas, hip: Point, colour: str, z: float) -> None:
    """The other leg, foot off the floor and tucked behind (a single-leg exercise)."""
    knee = (hip[0] + 0.35, hip[1] - THIGH)
    ankle = (knee[0] - SHIN * 0.72, knee[1] + SHIN * 0.45)
    rise = 145.0
    turned = _rotate(_ANKLE, -rise)
    foot = Foot((ankle[0] - turned[0], ankle[1] - turned[1]), rise, toes_turn=True)
    c.poly(foot.outline(), colour, z)
    c.line([(hip[0] + 0.15, hip[1] - 0.5), knee, ankle], colour, LEG_WIDTH * 0.9, z)
    c.dot(knee, LEG_WIDTH * 0.55, colour, z)


def _weight(c: Canvas, centre: Point, z: float = 8.0) -> None:
    """A dumbbell plate with a handle: where an added weight sits."""
    x, y = centre
    c.poly(
        [(x - 0.55, y - 0.45), (x + 0.55, y - 0.45), (x + 0.42, y + 0.4), (x - 0.42, y + 0.4)],
        LOAD,
        z,
    )
    c.line(
        [(x - 0.25, y + 0.4), (x - 0.2, y + 0.75), (x + 0.2, y + 0.75), (x + 0.25, y + 0.4)],
        LOAD,
        0.12,
        z,
    )
    cx, cy = c.at((x, y - 0.05))
    c.ax.text(
        cx,
        cy,
        # Translators: the unit written on the weight drawn in an exercise picture.
        _("kg"),
        color="white",
        fontsize=LABEL_PT,
        fontweight="bold",
        ha="center",
        va="center",
        zorder=z + 0.5,
    )


def _floor(c: Canvas, y: float, x0: float = 0.0, x1: float = UNITS) -> None:
    c.poly([(x0, 0.0), (x1, 0.0), (x1, y), (x0, y)], FLOOR_FILL, 1)
    c.line([(x0, y), (x1, y)], FLOOR, 0.07, 2, cap="butt")


def _step(c: Canvas, edge_x: float, top: float, floor_y: float, x1: float = UNITS) -> None:
    c.poly(
        [(edge_x, floor_y), (x1, floor_y), (x1, top), (edge_x, top)],
        STEP_FILL,
        2,
        edge=FLOOR,
        hatch="//",
    )


# -- scenes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """What one picture shows, worked out from the catalogue entry."""

    exercise: Exercise
    pose: Pose

    @property
    def single(self) -> bool:
        return self.exercise.stance is Stance.SINGLE_LEG

    @property
    def step(self) -> bool:
        return self.exercise.surface is Surface.STEP

    @property
    def loaded_in_hand(self) -> bool:
        return LOAD_BADGES[self.exercise.id] == "weight in hand"


def _standing(c: Canvas, scene: Scene, labels: bool = True) -> None:
    """Calf raises, heel drops and holds, standing on the floor or on a step edge."""
    ex = scene.exercise
    ax = c.ax
    ball_x = 5.9
    if scene.step:
        ground, surface = 1.5, 2.5
        _floor(c, ground)
        _step(c, ball_x - 0.35, surface, ground)
        low = BELOW_STEP
    else:
        ground = surface = 2.2
        _floor(c, ground)
        low = FLAT
    if ex.kind is ExerciseKind.HOLD:
        start, end = FLAT, HALFWAY
    elif ex.kind is ExerciseKind.ECCENTRIC:
        start, end = TOP, low
    else:
        start, end = low, TOP
    lean = 0.15
    ghost = Foot((ball_x, surface), start)
    solid = Foot((ball_x, surface), end)
    ghost_hip = _hip_above(ghost.ankle, ex.knee, lean)
    hip = _hip_above(solid.ankle, ex.knee, lean)
    # The start position, in grey, behind everything (both feet down at the top of a drop).
    if ex.kind is ExerciseKind.ECCENTRIC or not scene.single:
        _leg(c, Foot((ball_x - 0.3, surface), start), _add(ghost_hip, (-0.3, 0.0)), GHOST, 2.9)
    _leg(c, ghost, ghost_hip, GHOST, 3)
    # The other leg: beside the working one (two legs), or lifted behind it (one leg). In an
    # eccentric drop both feet are down at the top and only one lowers.
    if scene.single:
        _lifted_leg(c, hip, FREE, 4)
    else:
        far = Foot((ball_x - 0.3, surface), end)
        _leg(c, far, _add(hip, (-0.3, 0.0)), WORK_FAR, 4)
    _leg(c, solid, hip, WORK, 6)
    if scene.loaded_in_hand:
        _weight(c, (hip[0] + 1.0, hip[1] - 1.2))
    if not labels:
        return
    # The movement, at the heel.
    g, s = ghost.heel, solid.heel
    heel_x = min(g[0], s[0]) - 0.55
    if ex.kind is ExerciseKind.HOLD:
        c.arrow((heel_x, g[1] + 0.05), (heel_x, s[1]))
        hold_y = s[1]
        c.line([(heel_x - 0.9, hold_y), (ball_x + 2.8, hold_y)], HOLD, 0.07, 7, style="--")
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((ball_x + 0.9, hold_y + 0.35)), _("hold here"), HOLD)
    else:
        c.arrow((heel_x, g[1]), (heel_x, s[1]), both=ex.kind is not ExerciseKind.ECCENTRIC)
    # The lowest point the heel may reach.
    low_heel = Foot((ball_x, surface), low).heel
    if ex.kind is ExerciseKind.HOLD:
        pass  # a hold never goes lower than where it started
    elif scene.step:
        c.poly(
            [
                (ball_x - 4.2, low_heel[1]),
                (ball_x - 0.35, low_heel[1]),
                (ball_x - 0.35, surface),
                (ball_x - 4.2, surface),
            ],
            "#f6d5d5",
            1.5,
        )
        _label(
            ax,
            c.at((0.25, (surface + ground) / 2 - 0.05)),
            # Translators: a label in an exercise picture: short (\n breaks the line).
            _("below step:\nmid-portion only"),
            LIMIT,
            size=LABEL_PT - 1,
        )
    else:
        c.line(
            [(ball_x - 4.4, surface + 0.02), (ball_x - 1.2, surface + 0.02)],
            LIMIT,
            0.1,
            7,
            cap="butt",
        )
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, surface - 0.45)), _("heel stops at floor level"), LIMIT)
    if ex.kind is ExerciseKind.ECCENTRIC:
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((9.75, 6.85)), _("up on 2 legs"), WORK_FAR, ha="right")
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((9.75, 6.3)), _("down on 1, slowly"), WORK, ha="right")


def _seated(c: Canvas, scene: Scene, machine: bool = False) -> None:
    ex = scene.exercise
    ax = c.ax
    ground = 2.0
    _floor(c, ground)
    surface = ground + (0.45 if machine else 0.0)
    ball_x = 6.4
    if machine:
        c.poly(
            [
                (ball_x - 0.3, ground),
                (ball_x + 0.9, ground),
                (ball_x + 0.9, surface),
                (ball_x - 0.3, surface),
            ],
            STEP_FILL,
            2,
            edge=FLOOR,
        )
    start, end = (FLAT, TOP)
    ghost, solid = Foot((ball_x, surface), start), Foot((ball_x, surface), end)
    # Thigh level, shin upright, with the foot flat; the hip stays put as the heel rises.
    flat_ankle = ghost.ankle
    hip = (flat_ankle[0] - THIGH, flat_ankle[1] + SHIN)
    seat_y = hip[1] - 0.3
    seat_x0, seat_x1 = hip[0] - 1.6, hip[0] + 0.9
    c.poly(
        [(seat_x0, seat_y), (seat_x1, seat_y), (seat_x1, seat_y - 0.35), (seat_x0, seat_y - 0.35)],
        "#8d6e63",
        2,
    )
    c.line(
        [(seat_x0 + 0.3, seat_y - 0.35), (seat_x0 + 0.3, ground)], "#8d6e63", 0.18, 2, cap="butt"
    )
    c.line(
        [(seat_x1 - 0.3, seat_y - 0.35), (seat_x1 - 0.3, ground)], "#8d6e63", 0.18, 2, cap="butt"
    )
    ghost_knee = _leg(c, ghost, hip, GHOST, 3, knee_forward=True, thigh_fraction=0.85)
    if not scene.single:
        _leg(
            c,
            Foot((ball_x - 0.3, surface), end),
            _add(hip, (-0.3, 0.0)),
            WORK_FAR,
            4,
            thigh_fraction=0.85,
        )
    knee = _leg(c, solid, hip, WORK, 6, knee_forward=True, thigh_fraction=0.85)
    del ghost_knee
    if machine:
        pad = (knee[0] - 0.9, knee[1] + 0.42)
        c.poly(
            [
                (pad[0] - 0.7, pad[1] - 0.12),
                (pad[0] + 0.7, pad[1] - 0.12),
                (pad[0] + 0.7, pad[1] + 0.3),
                (pad[0] - 0.7, pad[1] + 0.3),
            ],
            LOAD,
            8,
        )
        c.line([(pad[0] + 0.7, pad[1] + 0.1), (9.6, pad[1] + 0.8)], LOAD, 0.14, 8)
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((pad[0] - 0.2, pad[1] + 1.0)), _("pad on thighs"), LOAD, ha="center")
    else:
        _weight(c, (knee[0] - 0.75, knee[1] + 0.85))
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((knee[0] - 0.75, knee[1] + 2.05)), _("weight on knee"), LOAD, ha="center")
    heel_x = min(ghost.heel[0], solid.heel[0]) - 0.5
    c.arrow((heel_x, ghost.heel[1]), (heel_x, solid.heel[1]), both=True)
    if machine:
        c.line(
            [(ball_x - 3.6, surface), (ball_x - 1.0, surface)],
            LIMIT,
            0.1,
            7,
            style="--",
            cap="butt",
        )
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, surface - 0.4)), _("insertional: stop at level"), LIMIT)
    else:
        c.line(
            [(ball_x - 3.6, surface + 0.02), (ball_x - 1.2, surface + 0.02)],
            LIMIT,
            0.1,
            7,
            cap="butt",
        )
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, surface - 0.45)), _("heel back to the floor"), LIMIT)
    del ex


def _leg_press(ax: Axes, scene: Scene) -> None:
    """The step picture turned on its side: the platform is the step, the leg pushes it."""
    c = Canvas(ax, turn=90.0, shift=(8.6, -1.2))
    surface = 2.5
    ball_x = 5.4
    # Platform (the "step") and its sled.
    c.poly(
        [
            (ball_x - 0.3, surface),
            (ball_x + 3.6, surface),
            (ball_x + 3.6, surface - 0.45),
            (ball_x - 0.3, surface - 0.45),
        ],
        STEP_FILL,
        2,
        edge=FLOOR,
        hatch="//",
    )
    start, end = BELOW_STEP, TOP
    ghost, solid = Foot((ball_x, surface), start), Foot((ball_x, surface), end)
    _leg(c, ghost, _hip_above(ghost.ankle, Knee.STRAIGHT), GHOST, 3, thigh_fraction=0.6)
    far = Foot((ball_x - 0.3, surface), end)
    hip = _hip_above(solid.ankle, Knee.STRAIGHT)
    _leg(c, far, _add(hip, (-0.3, 0.0)), WORK_FAR, 4, thigh_fraction=0.6)
    _leg(c, solid, hip, WORK, 6, thigh_fraction=0.6)
    # The machine's load pushes back on the platform.
    sx, sy = c.at((ball_x + 1.6, surface - 0.45))
    ax.add_patch(
        patches.FancyArrowPatch(
            (sx + 1.1, sy),
            (sx + 0.1, sy),
            arrowstyle="-|>,head_length=0.5,head_width=0.35",
            mutation_scale=PT_PER_UNIT * 0.9,
            color=LOAD,
            linewidth=0.14 * PT_PER_UNIT,
            zorder=9,
        )
    )
    # Translators: a label in an exercise picture: short (\n breaks the line).
    _label(ax, (sx + 0.2, sy + 0.75), _("machine\nload"), LOAD, ha="center")
    g, s = ghost.heel, solid.heel
    heel_x = min(g[0], s[0]) - 0.55
    c.arrow((heel_x, g[1]), (heel_x, s[1]), both=True)
    c.line(
        [(ball_x - 3.0, surface), (ball_x - 0.6, surface)], LIMIT, 0.1, 7, style="--", cap="butt"
    )
    _label(
        ax,
        (0.25, 2.6),
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _("insertional: stop\nwhere the foot is level"),
        LIMIT,
        size=LABEL_PT - 1,
    )
    # Translators: a label in an exercise picture: short (\n breaks the line).
    _label(ax, (0.25, 7.3), _("lying back,\nknees straight"), INK, size=LABEL_PT - 1)


def _hops(c: Canvas, scene: Scene, rope: bool = False) -> None:
    ax = c.ax
    ground = 2.2
    _floor(c, ground)
    ball_x = 5.6
    landing = Foot((ball_x, ground), 20.0)
    air = Foot((ball_x, ground + 0.8), 30.0)
    _leg(c, landing, _hip_above(landing.ankle, Knee.STRAIGHT, 0.1), GHOST, 3)
    hip = _hip_above(air.ankle, Knee.STRAIGHT, 0.1)
    if scene.single:
        _lifted_leg(c, hip, FREE, 4)
    else:
        _leg(c, Foot((ball_x - 0.3, ground + 0.8), 30.0), _add(hip, (-0.3, 0.0)), WORK_FAR, 4)
    _leg(c, air, hip, WORK, 6)
    x = air.heel[0] - 0.6
    c.arrow((x, ground + 0.25), (x, ground + 1.4), both=True)
    for dx in (-0.3, 0.0, 0.3):
        c.line(
            [(ball_x + dx - 0.1, ground - 0.15), (ball_x + dx + 0.1, ground - 0.45)], MOVE, 0.06, 2
        )
    _label(
        ax,
        c.at((ball_x + 0.9, ground + 0.45)),
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _("land on the\nball of the foot"),
        INK,
        size=LABEL_PT - 1,
    )
    # Translators: a label in an exercise picture: short (\n breaks the line).
    _label(ax, c.at((0.25, 7.4)), _("small, quick,\nspringy"), MOVE)
    if rope:
        t = np.linspace(math.radians(200), math.radians(340), 60)
        xs = ball_x - 1.0 + 3.8 * np.cos(t)
        ys = 6.0 + 4.2 * np.sin(t)
        ax.plot(xs, ys, color="#8d6e63", linewidth=0.09 * PT_PER_UNIT, zorder=7)
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, (8.0, 3.7), _("rope"), "#8d6e63")


def _stride(c: Canvas, scene: Scene, long: bool) -> None:
    """A running stride (acceleration runs) or a bound (longer, with more flight)."""
    ax = c.ax
    ground = 2.2
    _floor(c, ground)
    push = Foot((2.9 if long else 3.4, ground), 48.0)
    hip = (4.6, ground + 0.65 + SHIN + THIGH - (0.45 if long else 0.55))
    land = Foot(((7.6 if long else 6.3), ground + (0.9 if long else 0.35)), 8.0)
    _leg(c, push, hip, WORK_FAR, 4, knee_forward=True, thigh_fraction=1.0)
    _leg(c, land, hip, WORK, 6, knee_forward=True, thigh_fraction=1.0)
    c.dot(hip, LEG_WIDTH * 0.7, WORK, 6.5)
    if long:
        c.arrow((2.6, ground + 0.2), (8.6, ground + 0.2), bend=-0.45)
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, 7.4)), _("long, springy\nstrides"), MOVE)
    else:
        for i, x in enumerate((6.7, 7.6, 8.5)):
            c.arrow((x, 1.1), (x + 0.6 + 0.15 * i, 1.1))
    if scene.exercise.id == "walk_jog":
        # The return-to-running block: easy jogging between brisk walks, on the flat.
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, 7.4)), _("walk briskly,\nthen jog easily"), MOVE)
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, 1.5)), _("level ground"), INK)
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((6.7, ground + 4.2)), _("easy pace:\nyou can talk"), INK, size=LABEL_PT - 1)
        return
    if not long:
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, 7.4)), _("jog, then build\nto a brisk run"), MOVE)
        # Translators: a label in an exercise picture: short (\n breaks the line).
        _label(ax, c.at((0.25, 1.5)), _("about 20 m"), INK)
    # Translators: a label in an exercise picture: short (\n breaks the line).
    _label(ax, c.at((6.7, ground + 4.2)), _("land on the\nforefoot"), INK, size=LABEL_PT - 1)


# -- badges, title, legend ---------------------------------------------------------------------


def badges(exercise: Exercise) -> tuple[str, ...]:
    """The words under the picture, in capitals: one leg or two, the knee, the load."""
    pose = POSES[exercise.id]
    if exercise.kind is ExerciseKind.ECCENTRIC:
        # Translators: the badges under an exercise picture (drawn in capitals): very short.
        legs = _("down on 1 leg")
    elif pose in (Pose.RUN, Pose.BOUND):
        legs = _("1 leg at a time")
    else:
        legs = _("1 leg") if exercise.stance is Stance.SINGLE_LEG else _("both legs")
    knee = _("knee bent") if exercise.knee is Knee.BENT else _("knee straight")
    if pose in (Pose.HOP, Pose.SKIP, Pose.RUN, Pose.BOUND):
        knee = _("knees soft")
    return legs.upper(), knee.upper(), _(LOAD_BADGES[exercise.id]).upper()


def _badges(ax: Axes, words: Sequence[str]) -> None:
    """Coloured boxes along the bottom, sized to their words (measured, not guessed)."""
    colours = (WORK, INK, LOAD)
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [
        ax.text(
            0,
            0.53,
            word,
            color="white",
            fontsize=BADGE_PT,
            fontweight="bold",
            ha="center",
            va="center",
            zorder=21,
        )
        for word in words
    ]
    units_per_px = UNITS / PICTURE_PX
    gap = 0.2
    room = UNITS - 2 * MARGIN

    def widths() -> list[float]:
        return [label.get_window_extent(renderer).width * units_per_px + 0.4 for label in labels]

    def fits() -> bool:
        return sum(widths()) + gap * (len(words) - 1) <= room

    # Long words (Russian): smaller letters, then each badge on two lines, then smaller again.
    size = float(BADGE_PT)
    while not fits() and size > BADGE_MIN_PT:
        size = max(BADGE_MIN_PT, size - 0.5)
        for label in labels:
            label.set_fontsize(size)
    height = 0.62
    if not fits():
        for label in labels:
            label.set_text(_two_lines(label.get_text()))
        height = 0.9
        while not fits() and size > MIN_PT:
            size = max(MIN_PT, size - 0.5)
            for label in labels:
                label.set_fontsize(size)
    bottom = 0.53 - height / 2
    x = (UNITS - sum(widths()) - gap * (len(words) - 1)) / 2
    for label, width, colour in zip(labels, widths(), colours, strict=False):
        ax.add_patch(
            patches.FancyBboxPatch(
                (x, bottom),
                width,
                height,
                boxstyle="round,pad=0,rounding_size=0.2",
                facecolor=colour,
                edgecolor="none",
                zorder=20,
            )
        )
        label.set_x(x + width / 2)
        x += width + gap


def _title(ax: Axes, name: str) -> None:
    """The exercise's name, on one line or two (wider lines, then smaller, for a long name)."""
    width = 28
    while len(textwrap.wrap(name, width)) > 2:
        width += 4
    lines = textwrap.wrap(name, width)
    ax.add_patch(
        patches.Rectangle((0, 8.55), UNITS, 1.45, facecolor="white", edgecolor="none", zorder=19)
    )
    title = ax.text(
        0.3,
        9.3,
        "\n".join(lines),
        color=INK,
        fontsize=TITLE_PT,
        fontweight="bold",
        ha="left",
        va="center",
        linespacing=1.1,
        zorder=20,
    )
    fit(ax, title, wrap=False)


def _legend(ax: Axes, scene: Scene) -> None:
    if scene.pose in (Pose.RUN, Pose.BOUND):
        return
    # Translators: the legend of a picture (grey: the start, blue: the end); a word or two.
    end = _("hold") if scene.exercise.kind is ExerciseKind.HOLD else _("end")
    if scene.pose in (Pose.HOP, Pose.SKIP):
        end = _("in the air")
    start = _("landing") if scene.pose in (Pose.HOP, Pose.SKIP) else _("start")
    rows = ((start, GHOST), (end, WORK))
    words = [
        ax.text(
            7.85,
            8.1 - i * 0.55,
            word,
            color=INK,
            fontsize=LABEL_PT - 1,
            fontweight="bold",
            ha="left",
            va="center",
            zorder=20,
        )
        for i, (word, _colour) in enumerate(rows)
    ]
    # A long word: smaller, then the whole legend moved left (swatches and words together).
    for word in words:
        while float(word.get_fontsize()) > MIN_PT and not _fits(ax, word, 0.0, UNITS - MARGIN):
            word.set_fontsize(max(MIN_PT, float(word.get_fontsize()) - 0.5))
    shift = min(0.0, UNITS - MARGIN - max(_extent(ax, word)[1] for word in words))
    for word, (_word, colour) in zip(words, rows, strict=True):
        x, y = word.get_position()
        word.set_position((x + shift, y))
        ax.add_patch(
            patches.FancyBboxPatch(
                (7.25 + shift, y - 0.17),
                0.45,
                0.34,
                boxstyle="round,pad=0,rounding_size=0.1",
                facecolor=colour,
                edgecolor="none",
                zorder=20,
            )
        )


# -- rendering ---------------------------------------------------------------------------------


def _figure(px: int) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(px / DPI, px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, UNITS)
    ax.set_ylim(0, UNITS)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def exercise_figure(exercise: Exercise) -> Figure:
    """The picture of one exercise, worded in the language in force."""
    scene = Scene(exercise, POSES[exercise.id])
    fig, ax = _figure(PICTURE_PX)
    c = Canvas(ax)
    draw: dict[Pose, Callable[[], None]] = {
        Pose.STAND: lambda: _standing(c, scene),
        Pose.SIT: lambda: _seated(c, scene),
        Pose.SEATED_MACHINE: lambda: _seated(c, scene, machine=True),
        Pose.LEG_PRESS: lambda: _leg_press(ax, scene),
        Pose.HOP: lambda: _hops(c, scene),
        Pose.SKIP: lambda: _hops(c, scene, rope=True),
        Pose.RUN: lambda: _stride(c, scene, long=False),
        Pose.BOUND: lambda: _stride(c, scene, long=True),
    }
    draw[scene.pose]()
    _title(ax, texts.exercise_name(exercise.id))
    _legend(ax, scene)
    _badges(ax, badges(exercise))
    return fig


def render_exercise(exercise: Exercise) -> bytes:
    """The picture of one exercise, as PNG bytes (PICTURE_PX square)."""
    return _png(exercise_figure(exercise))


# -- tempo guides ------------------------------------------------------------------------------

FPS = 10
PHASE_UP, PHASE_HOLD, PHASE_DOWN = "UP", "HOLD", "DOWN"
PHASE_COLOURS = {PHASE_UP: WORK, PHASE_HOLD: HOLD, PHASE_DOWN: MOVE}
TEMPO_BOTTOM, TEMPO_TOP = 1.4, 7.6  # the marker's track
PHASE_PT = 24


def tempo_frames(tempo: Tempo) -> list[tuple[str, int, float]]:
    """Per frame: the phase, the count shown (1, 2, 3…) and the marker's height (0 to 1)."""
    up, down, pause = tempo
    frames: list[tuple[str, int, float]] = []
    for phase, seconds in ((PHASE_UP, up), (PHASE_HOLD, pause), (PHASE_DOWN, down)):
        for i in range(seconds * FPS):
            t = (i + 1) / (seconds * FPS)
            height = {PHASE_UP: t, PHASE_HOLD: 1.0, PHASE_DOWN: 1.0 - t}[phase]
            frames.append((phase, i // FPS + 1, height))
    return frames


# Translators: the phases of a repetition, drawn large in the tempo guide (one short word).
PHASE_WORDS = {PHASE_UP: N_("UP"), PHASE_HOLD: N_("HOLD"), PHASE_DOWN: N_("DOWN")}


def tempo_title(tempo: Tempo) -> str:
    """`3 s up · 2 s hold · 3 s down`, in the language in force."""
    up, down, pause = tempo
    if pause:
        # Translators: the title of a tempo guide (s: seconds); keep it short.
        return _("{up} s up · {pause} s hold · {down} s down").format(up=up, pause=pause, down=down)
    # Translators: the title of a tempo guide (s: seconds); keep it short.
    return _("{up} s up · {down} s down").format(up=up, down=down)


@dataclass
class TempoFigure:
    """The tempo guide's figure, and what moves on it from one frame to the next."""

    fig: Figure
    canvas: FigureCanvasAgg
    ax: Axes
    marker: patches.Circle
    phase_text: Text
    count_text: Text

    def show(self, phase: str, count: int, height: float) -> None:
        """Set the figure to one frame: the marker at `height`, the phase and the count."""
        colour = PHASE_COLOURS[phase]
        self.marker.center = (2.0, TEMPO_BOTTOM + (TEMPO_TOP - TEMPO_BOTTOM) * height)
        self.marker.set_facecolor(colour)
        self.phase_text.set_text(_(PHASE_WORDS[phase]))
        self.phase_text.set_fontsize(PHASE_PT)
        fit(self.ax, self.phase_text, left=2.9, wrap=False)
        self.phase_text.set_color(colour)
        self.count_text.set_text(str(count))
        self.count_text.set_color(colour)


def tempo_figure(tempo: Tempo) -> TempoFigure:
    """The still part of the tempo guide (title, the track, top and bottom), worded in the
    language in force; the marker, the phase and the count are set per frame."""
    fig = Figure(figsize=(TEMPO_PX / DPI, TEMPO_PX / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, UNITS)
    ax.set_ylim(0, UNITS)
    ax.axis("off")
    title = ax.text(
        5.0,
        9.3,
        tempo_title(tempo),
        color=INK,
        fontsize=15,
        fontweight="bold",
        ha="center",
        va="center",
    )
    fit(ax, title, wrap=False)
    bottom, top = TEMPO_BOTTOM, TEMPO_TOP
    ax.add_patch(
        patches.FancyBboxPatch(
            (1.55, bottom - 0.3),
            0.9,
            top - bottom + 0.6,
            boxstyle="round,pad=0,rounding_size=0.45",
            facecolor=FLOOR_FILL,
            edgecolor="none",
        )
    )
    ax.plot([1.0, 3.0], [top, top], color=HOLD, linewidth=3, linestyle="--")
    # Translators: the top and the bottom of the movement, beside the tempo guide's track.
    top_text = ax.text(3.2, top, _("top"), color=HOLD, fontsize=12, fontweight="bold", va="center")
    fit(ax, top_text, wrap=False)
    ax.plot([1.0, 3.0], [bottom, bottom], color=FLOOR, linewidth=3)
    bottom_text = ax.text(
        3.2,
        bottom,
        # Translators: the bottom of the movement, beside the tempo guide's track.
        _("bottom"),
        color=FLOOR,
        fontsize=12,
        fontweight="bold",
        va="center",
    )
    fit(ax, bottom_text, wrap=False)
    marker = patches.Circle(
        (2.0, bottom), 0.6, facecolor=WORK, edgecolor="white", linewidth=2, zorder=5
    )
    ax.add_patch(marker)
    phase_text = ax.text(
        6.9, 6.5, "", fontsize=PHASE_PT, fontweight="bold", ha="center", va="center"
    )
    count_text = ax.text(6.9, 3.9, "", fontsize=72, fontweight="bold", ha="center", va="center")
    return TempoFigure(fig, canvas, ax, marker, phase_text, count_text)


def render_tempo(tempo: Tempo) -> bytes:
    """A looping GIF, one repetition long: the marker and the count, in time."""
    guide = tempo_figure(tempo)
    images: list[Image.Image] = []
    for phase, count, height in tempo_frames(tempo):
        guide.show(phase, count, height)
        guide.canvas.draw()  # type: ignore[no-untyped-call]
        rgba = np.asarray(guide.canvas.buffer_rgba())  # type: ignore[no-untyped-call]
        images.append(
            Image.fromarray(rgba[:, :, :3]).quantize(colors=32, method=Image.Quantize.MEDIANCUT)
        )
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=1000 // FPS,
        loop=0,
        optimize=True,
    )
    return buffer.getvalue()


# -- the `make pictures` entry point -----------------------------------------------------------


def write_all(
    package_dir: Path, docs_dir: Path | None, languages: Sequence[str] = SUPPORTED
) -> list[Path]:
    """Draw every picture and tempo guide into the package, once per language (English at
    `exercises/x.png`, the others at `exercises/<lang>/x.png`); copy the English ones to the
    docs folder."""
    written: list[Path] = []
    for language in languages:
        exercises_dir = language_dir(package_dir / "exercises", language)
        tempo_dir = language_dir(package_dir / "tempo", language)
        exercises_dir.mkdir(parents=True, exist_ok=True)
        tempo_dir.mkdir(parents=True, exist_ok=True)
        drawn: list[Path] = []
        with i18n.using(language):
            for exercise in EXERCISES.values():
                path = exercises_dir / picture_name(exercise.id)
                path.write_bytes(render_exercise(exercise))
                drawn.append(path)
            for tempo in tempos():
                path = tempo_dir / tempo_name(tempo)
                path.write_bytes(render_tempo(tempo))
                drawn.append(path)
        if docs_dir is not None and language == DEFAULT:
            docs_dir.mkdir(parents=True, exist_ok=True)
            for path in drawn:
                shutil.copyfile(path, docs_dir / path.name)
        written += drawn
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the exercise pictures and tempo guides.")
    parser.add_argument(
        "--docs", type=Path, default=Path("docs/exercises"), help="copy them here too"
    )
    args = parser.parse_args(argv)
    written = write_all(EXERCISE_DIR.parent, args.docs)
    root = EXERCISE_DIR.parent
    for path in written:
        print(path.relative_to(root), path.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
