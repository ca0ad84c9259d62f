"""Exercise pictures and tempo guides: drawn from the catalogue, committed, the right size.

Regenerate the committed files with `make pictures`.
"""

from __future__ import annotations

import io
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot import pictures
from bot.pictures import draw
from rehab.protocol import EXERCISES

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "exercises"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every catalogue exercise drawn afresh into a temporary folder."""
    folder = tmp_path_factory.mktemp("pictures")
    paths: dict[str, Path] = {}
    for exercise in EXERCISES.values():
        path = folder / pictures.picture_name(exercise.id)
        path.write_bytes(draw.render_exercise(exercise))
        paths[exercise.id] = path
    return paths


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def _share_different(a: Path, b: Path) -> float:
    """The share of pixels that differ between two pictures."""
    return float(np.mean(np.any(_pixels(a) != _pixels(b), axis=2)))


def test_every_catalogue_exercise_is_drawn_at_the_agreed_size(rendered: dict[str, Path]) -> None:
    assert set(rendered) == set(EXERCISES)
    for exercise_id, path in rendered.items():
        assert path.is_file(), exercise_id
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (pictures.PICTURE_PX, pictures.PICTURE_PX), exercise_id


@pytest.mark.parametrize(
    ("floor", "step"),
    [
        ("heel_drop_straight_floor", "heel_drop_straight_step"),
        ("heel_drop_bent_floor", "heel_drop_bent_step"),
        ("sl_calf_raise_floor", "sl_calf_raise_step"),
    ],
)
def test_floor_and_step_variants_look_different(
    rendered: dict[str, Path], floor: str, step: str
) -> None:
    assert _share_different(rendered[floor], rendered[step]) > 0.03


@pytest.mark.parametrize(
    ("straight", "bent"),
    [
        ("iso_calf_hold_straight", "iso_calf_hold_bent"),
        ("heel_drop_straight_floor", "heel_drop_bent_floor"),
        ("heel_drop_straight_step", "heel_drop_bent_step"),
    ],
)
def test_straight_and_bent_knee_look_different(
    rendered: dict[str, Path], straight: str, bent: str
) -> None:
    assert _share_different(rendered[straight], rendered[bent]) > 0.03


def test_no_two_exercises_share_a_picture(rendered: dict[str, Path]) -> None:
    digests = {path.read_bytes() for path in rendered.values()}
    assert len(digests) == len(rendered)


def test_the_badges_say_legs_knee_and_load() -> None:
    assert draw.badges(EXERCISES["sl_calf_raise_step"]) == (
        "1 LEG",
        "KNEE STRAIGHT",
        "WEIGHT IN HAND",
    )
    assert draw.badges(EXERCISES["seated_calf_raise"]) == (
        "BOTH LEGS",
        "KNEE BENT",
        "WEIGHT ON KNEES",
    )
    assert draw.badges(EXERCISES["heel_drop_bent_floor"])[0] == "DOWN ON 1 LEG"


def test_the_committed_pictures_cover_the_catalogue_and_match_the_docs() -> None:
    """The bot sends the package's files; the README shows the same files from docs/."""
    for exercise_id in EXERCISES:
        path = pictures.picture_path(exercise_id)
        assert path is not None, f"no picture for {exercise_id}: run `make pictures`"
        with Image.open(path) as image:
            assert image.size == (pictures.PICTURE_PX, pictures.PICTURE_PX)
        assert (DOCS / path.name).read_bytes() == path.read_bytes(), path.name
    assert pictures.picture_path("no_such_exercise") is None


def test_a_tempo_guide_per_tempo_loops_one_repetition_in_time() -> None:
    assert set(pictures.tempos()) == {(3, 3, 0), (3, 3, 2), (4, 4, 0), (4, 4, 2)}
    for tempo in pictures.tempos():
        path = pictures.tempo_path(tempo)
        assert path is not None, f"no tempo guide for {tempo}: run `make pictures`"
        assert (DOCS / path.name).read_bytes() == path.read_bytes(), path.name
        with Image.open(path) as gif:
            assert gif.format == "GIF"
            assert gif.size == (pictures.TEMPO_PX, pictures.TEMPO_PX)
            assert gif.info["loop"] == 0  # loops for ever
            total_ms = 0
            for frame in range(getattr(gif, "n_frames", 1)):
                gif.seek(frame)
                total_ms += gif.info["duration"]
        up, down, pause = tempo
        assert total_ms == (up + down + pause) * 1000
    assert pictures.tempo_path((2, 2, 0)) is None  # the bot never prescribes faster than 3 s


def test_the_marker_rises_holds_and_lowers_with_the_count() -> None:
    frames = draw.tempo_frames((3, 3, 2))
    fps = draw.FPS
    assert len(frames) == 8 * fps
    phases = [phase for phase, _, _ in frames]
    assert phases == ["UP"] * 3 * fps + ["HOLD"] * 2 * fps + ["DOWN"] * 3 * fps
    counts = [count for _, count, _ in frames]
    assert counts[::fps] == [1, 2, 3, 1, 2, 1, 2, 3]  # one number per second, per phase
    heights = [height for _, _, height in frames]
    up = heights[: 3 * fps]
    assert up == sorted(up)
    assert up[-1] == 1.0
    assert set(heights[3 * fps : 5 * fps]) == {1.0}
    down = heights[5 * fps :]
    assert down == sorted(down, reverse=True)
    assert down[-1] == 0.0


def test_a_frame_of_the_guide_is_not_blank() -> None:
    gif_bytes = draw.render_tempo((3, 3, 0))
    with Image.open(io.BytesIO(gif_bytes)) as gif:
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"))
        gif.seek(getattr(gif, "n_frames", 1) - 1)
        last = np.asarray(gif.convert("RGB"))
    assert not np.array_equal(first, last)  # the marker moved


def test_the_pictures_ship_as_package_data() -> None:
    """An installed package, not only a clone, has them: pyproject's package data covers them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["bot"]
    package = Path(pictures.__file__).resolve().parent
    shipped = [p for p in package.rglob("*") if p.suffix in (".png", ".gif")]
    assert len(shipped) == len(EXERCISES) + len(pictures.tempos())
    for path in shipped:
        relative = path.relative_to(package.parent).as_posix()  # pictures/exercises/x.png
        assert any(fnmatch(relative, g) for g in globs), relative
