"""Exercise pictures and tempo guides: files drawn once by `make pictures`, read here.

The bot never draws on the hot path: `bot/pictures/draw.py` renders every picture from code
(matplotlib, no downloaded art) into this package (`exercises/*.png`, `tempo/*.gif`, shipped as
package data) and copies them to `docs/exercises/` for the README. At run time the bot only
looks a file up and sends it; Telegram's file_id is cached after the first upload
(bot/media.py).

The words drawn into a picture are in a language: English is at the paths above (and in the
docs), every other language we speak in a folder of its own (`exercises/es/*.png`,
`tempo/ru/*.gif`). The file looked up is the one of the language in force (bot/i18n.py), or the
English one when that language has none.
"""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path

from bot import i18n
from rehab.protocol import EXERCISES, LOADS
from service_layer.languages import DEFAULT, SUPPORTED

PICTURE_PX = 512  # square: readable on a phone, small to send
TEMPO_PX = 384
HERE = Path(__file__).resolve().parent
EXERCISE_DIR = HERE / "exercises"
TEMPO_DIR = HERE / "tempo"

Tempo = tuple[int, int, int]  # seconds up, seconds down, pause at the top


def tempos() -> tuple[Tempo, ...]:
    """Every tempo a dose can carry: 3 s / 3 s and 4 s / 4 s, each without and with the pause."""
    pauses = (0, LOADS.capped_pause_top_s)
    paces = (LOADS.slow_tempo_s, LOADS.capped_tempo_s)
    return tuple((up, down, pause) for up, down in paces for pause in pauses)


def picture_name(exercise_id: str) -> str:
    return f"{exercise_id}.png"


def tempo_name(tempo: Tempo) -> str:
    up, down, pause = tempo
    return f"tempo_{up}-{down}" + (f"-p{pause}" if pause else "") + ".gif"


def language_dir(folder: Path, language: str) -> Path:
    """Where the files of `language` are: English in `folder` itself, the others beside it in
    a folder named by their code."""
    return folder if language == DEFAULT else folder / language


def _in_language(folder: Path, name: str, language: str | None) -> Path | None:
    """The file `name` in the language (the one in force by default), else the English one."""
    chosen = i18n.current() if language is None else language
    for candidate in (chosen, DEFAULT):
        if candidate not in SUPPORTED:
            continue
        path = language_dir(folder, candidate) / name
        if path.is_file():
            return path
    return None


def picture_path(exercise_id: str, language: str | None = None) -> Path | None:
    """The picture of a catalogue exercise in the language in force (or `language`), English
    when that language has none; None for an id the catalogue does not know."""
    if exercise_id not in EXERCISES:
        return None
    return _in_language(EXERCISE_DIR, picture_name(exercise_id), language)


def tempo_path(tempo: Tempo, language: str | None = None) -> Path | None:
    """The tempo guide for (up, down, pause) in the language in force (or `language`), English
    when that language has none; None when there is none for that tempo."""
    if tempo not in tempos():
        return None
    return _in_language(TEMPO_DIR, tempo_name(tempo), language)


def media_name(path: Path) -> str:
    """The name a file is cached under: `x.png` for an English picture (as ever), `es/x.png`
    for another language's, so that each language's file keeps its own Telegram file_id."""
    language = path.parent.name
    if language != DEFAULT and language in SUPPORTED:
        return f"{language}/{path.name}"
    return path.name


def media_key(kind: str, name: str, path: Path) -> str:
    """The cache key of a file: its kind, name and a digest of its bytes, so that a redrawn
    picture is uploaded afresh instead of being served from an old file_id."""
    digest = sha256(path.read_bytes()).hexdigest()[:16]
    return f"{kind}:{name}:{digest}"
