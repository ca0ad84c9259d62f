"""Exercise pictures and tempo guides: files drawn once by `make pictures`, read here.

The bot never draws on the hot path: `bot/pictures/draw.py` renders every picture from code
(matplotlib, no downloaded art) into this package (`exercises/*.png`, `tempo/*.gif`, shipped as
package data) and copies them to `docs/exercises/` for the README. At run time the bot only
looks a file up and sends it; Telegram's file_id is cached after the first upload
(bot/media.py).
"""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path

from rehab.protocol import EXERCISES, LOADS

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


def picture_path(exercise_id: str) -> Path | None:
    """The picture of a catalogue exercise, or None for an id the catalogue does not know."""
    if exercise_id not in EXERCISES:
        return None
    path = EXERCISE_DIR / picture_name(exercise_id)
    return path if path.is_file() else None


def tempo_path(tempo: Tempo) -> Path | None:
    """The tempo guide for (up, down, pause), or None when there is none for that tempo."""
    if tempo not in tempos():
        return None
    path = TEMPO_DIR / tempo_name(tempo)
    return path if path.is_file() else None


def media_key(kind: str, name: str, path: Path) -> str:
    """The cache key of a file: its kind, name and a digest of its bytes, so that a redrawn
    picture is uploaded afresh instead of being served from an old file_id."""
    digest = sha256(path.read_bytes()).hexdigest()[:16]
    return f"{kind}:{name}:{digest}"
