"""Exercise pictures and tempo guides: drawn from the catalogue, committed, the right size.

Regenerate the committed files with `make pictures`.
"""

from __future__ import annotations

import gettext
import io
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from bot import i18n, pictures, texts
from bot.pictures import draw
from rehab.protocol import EXERCISES
from service_layer.languages import DEFAULT, SUPPORTED

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
    assert len(shipped) == (len(EXERCISES) + len(pictures.tempos())) * len(SUPPORTED)
    for path in shipped:
        relative = path.relative_to(package.parent).as_posix()  # pictures/exercises/x.png
        assert any(fnmatch(relative, g) for g in globs), relative


# -- one picture per language ------------------------------------------------------------------

OTHER_LANGUAGES = [language for language in SUPPORTED if language != DEFAULT]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_person_gets_the_picture_and_the_guide_of_their_language(language: str) -> None:
    exercise, tempo = "heel_drop_bent_step", (4, 4, 2)
    english_picture = pictures.EXERCISE_DIR / "heel_drop_bent_step.png"
    english_guide = pictures.TEMPO_DIR / "tempo_4-4-p2.gif"
    assert pictures.picture_path(exercise) == english_picture
    assert pictures.tempo_path(tempo) == english_guide
    with i18n.using(language):
        assert pictures.picture_path(exercise) == pictures.EXERCISE_DIR / language / (
            "heel_drop_bent_step.png"
        )
        assert pictures.tempo_path(tempo) == pictures.TEMPO_DIR / language / "tempo_4-4-p2.gif"
        assert pictures.picture_path("no_such_exercise") is None
    assert pictures.picture_path(exercise) == english_picture  # the block is over
    assert pictures.picture_path(exercise, language) == pictures.EXERCISE_DIR / language / (
        "heel_drop_bent_step.png"
    )


def test_a_language_without_its_own_file_gets_the_english_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir()
    english = folder / "seated_calf_raise.png"
    english.write_bytes(b"png")
    (folder / "es").mkdir()
    spanish = folder / "es" / "skipping.png"
    spanish.write_bytes(b"png")
    monkeypatch.setattr(pictures, "EXERCISE_DIR", folder)
    with i18n.using("es"):
        assert pictures.picture_path("seated_calf_raise") == english
        assert pictures.picture_path("skipping") == spanish
    with i18n.using("ru"):
        assert pictures.picture_path("seated_calf_raise") == english
        assert pictures.picture_path("skipping") is None  # no English one either


def test_every_language_is_committed_for_every_picture_and_guide() -> None:
    for language in SUPPORTED:
        for exercise_id in EXERCISES:
            path = pictures.picture_path(exercise_id, language)
            assert path is not None
            assert path.parent == pictures.language_dir(pictures.EXERCISE_DIR, language), (
                f"no {language} picture for {exercise_id}: run `make pictures`"
            )
            with Image.open(path) as image:
                assert image.size == (pictures.PICTURE_PX, pictures.PICTURE_PX)
        for tempo in pictures.tempos():
            path = pictures.tempo_path(tempo, language)
            assert path is not None
            assert path.parent == pictures.language_dir(pictures.TEMPO_DIR, language), (
                f"no {language} tempo guide for {tempo}: run `make pictures`"
            )


def test_each_language_s_file_is_cached_under_its_own_name() -> None:
    """English keeps the names (and so the Telegram file_ids) it had before languages."""
    english = pictures.picture_path("skipping", DEFAULT)
    assert english is not None
    names = {pictures.media_name(english)}
    assert names == {"skipping.png"}
    for language in OTHER_LANGUAGES:
        path = pictures.picture_path("skipping", language)
        assert path is not None
        assert pictures.media_name(path) == f"{language}/skipping.png"
        names.add(pictures.media_name(path))
    assert len(names) == len(SUPPORTED)


# -- every word drawn is the catalogue's ---------------------------------------------------------

MARK = "¤"  # not changed by upper(), not in any English text


class _Marked(gettext.NullTranslations):
    """A catalogue that translates every text into itself with a mark in front."""

    def gettext(self, message: str) -> str:
        return MARK + message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return MARK + (msgid1 if n == 1 else msgid2)


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spanish, for this test, is the mark in front of the English."""
    plain = i18n.translations

    def translations(language: str) -> gettext.NullTranslations:
        return _Marked() if language == "es" else plain(language)

    monkeypatch.setattr(i18n, "translations", translations)


def _words(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text().strip()]


@pytest.mark.usefixtures("marked")
def test_every_word_drawn_into_a_picture_is_looked_up_in_the_catalogue() -> None:
    for exercise in EXERCISES.values():
        with i18n.using("es"):
            words = _words(draw.exercise_figure(exercise))
            name = texts.exercise_name(exercise.id)
        assert len(words) >= 5, exercise.id  # title, badges, labels
        # (wrapped over two lines, at a space or after a hyphen)
        title = [w for w in words if "".join(w.split()) == "".join(name.split())]
        assert len(title) == 1, exercise.id  # the name, worded as the bot words it
        for word in words:
            if word in title:
                continue
            assert word.startswith(MARK), f"{exercise.id}: {word!r} is not translated"


@pytest.mark.usefixtures("marked")
def test_every_word_drawn_into_a_tempo_guide_is_looked_up_in_the_catalogue() -> None:
    with i18n.using("es"):
        guide = draw.tempo_figure((3, 3, 2))
        still = _words(guide.fig)
        assert still == [MARK + "3 s up · 2 s hold · 3 s down", MARK + "top", MARK + "bottom"]
        for phase in (draw.PHASE_UP, draw.PHASE_HOLD, draw.PHASE_DOWN):
            guide.show(phase, 2, 0.5)
            assert guide.phase_text.get_text() == MARK + phase
            assert guide.count_text.get_text() == "2"  # a number: the same in every language
        assert draw.tempo_title((4, 4, 0)) == MARK + "4 s up · 4 s down"


def test_long_words_are_fitted_into_the_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    """A translation far longer than the English is broken and shrunk, never cut off."""
    plain = i18n.translations

    class Long(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return f"{message} ббббббббб вввввв"  # half as long again, or more

    monkeypatch.setattr(
        i18n, "translations", lambda language: Long() if language == "ru" else plain(language)
    )
    with i18n.using("ru"):
        for exercise_id in ("heel_drop_straight_floor", "walk_jog", "leg_press_calf_raise"):
            fig = draw.exercise_figure(EXERCISES[exercise_id])
            renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
            for text in fig.axes[0].texts:
                if not text.get_text().strip():
                    continue
                box = text.get_window_extent(renderer)
                assert box.x0 >= 0, (exercise_id, text)
                assert box.x1 <= pictures.PICTURE_PX, (exercise_id, text)
                assert float(text.get_fontsize()) >= draw.MIN_PT
