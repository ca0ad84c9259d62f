"""The command line, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN

pytestmark = pytest.mark.integration


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_without_token_explains_botfather(tmp_path: Path) -> None:
    result = _run(["run"], tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "make demo" in result.stderr  # no token yet: the demo shows the bot anyway
    assert "Traceback" not in result.stderr + result.stdout


def test_demo_refuses_a_start_without_a_time_zone_or_a_bad_timer_scale(tmp_path: Path) -> None:
    naive = _run(["demo", "--port", "0", "--start", "2026-12-01T08:00"], tmp_path)
    assert naive.returncode == 2
    assert "2026-12-01T08:00Z" in naive.stderr  # says how to write it
    scale = _run(["demo", "--port", "0", "--timer-scale", "5"], tmp_path)
    assert scale.returncode == 2
    assert "--timer-scale" in scale.stderr
    assert "Traceback" not in naive.stderr + scale.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was created


def test_run_with_malformed_token_never_echoes_it(tmp_path: Path) -> None:
    result = _run(["run"], tmp_path, TELEGRAM_BOT_TOKEN="not-a-token-secret-value")
    assert result.returncode == 2
    assert "malformed" in result.stderr
    assert "not-a-token-secret-value" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_token_from_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=oops\n")
    result = _run(["run"], tmp_path)
    assert result.returncode == 2
    assert "malformed" in result.stderr


def test_migrate_creates_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'db.sqlite'}"
    result = _run(["migrate"], tmp_path, DATABASE_URL=url, TELEGRAM_BOT_TOKEN=TEST_TOKEN)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sub" / "db.sqlite").exists()


def test_version(tmp_path: Path) -> None:
    result = _run(["--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("achilles-coach ")


def test_simulate_a_folder_runs_every_persona_in_one_process(tmp_path: Path) -> None:
    personas = Path(__file__).resolve().parents[2] / "examples" / "personas"
    files = sorted(personas.glob("*.json"))
    result = _run(["simulate", str(personas), "--days", "5"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    names = [json.loads(f.read_text())["name"] for f in files]
    assert len(lines) == 5 * len(files)
    assert [line["persona"] for line in lines] == [n for n in names for _ in range(5)]
    assert [line["day"] for line in lines] == [1, 2, 3, 4, 5] * len(files)


def test_simulate_several_files_and_a_bad_one_says_which(tmp_path: Path) -> None:
    personas = Path(__file__).resolve().parents[2] / "examples" / "personas"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = _run(["simulate", str(personas / "insertional.json"), str(bad)], tmp_path)
    assert result.returncode == 2
    assert "bad.json" in result.stderr
    assert result.stdout == ""
