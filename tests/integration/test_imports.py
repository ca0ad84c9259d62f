"""An idle bot does not carry matplotlib (imported only in the chart worker process), Alembic
(only when a migration has to run) or rapidfuzz (on the first typed message)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_the_running_bot_does_not_import_matplotlib() -> None:
    probe = "import sys, bot.app, bot.cli; print([m for m in sys.modules if 'matplotlib' in m])"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_the_running_bot_loads_alembic_and_rapidfuzz_only_when_needed(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    probe = (
        "import sys, bot.app, bot.cli\n"
        "from storage.migrate import ensure_head, database_revision, head_revision\n"
        "import asyncio\n"
        "heavy = ('alembic', 'mako', 'rapidfuzz')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(heavy)}))\n"
        f"ensure_head({url!r})  # a new database: Alembic runs\n"
        f"at_head = asyncio.run(database_revision({url!r})) == head_revision()\n"
        "print(at_head, 'alembic' in sys.modules)\n"
        "from bot import faq\n"
        "print(faq.match('can I run?') is not None, 'rapidfuzz' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.splitlines() == ["[]", "True True", "True True"]
    # the database at head: the next start checks one row and leaves Alembic unloaded
    again = (
        "import sys\n"
        "from storage.migrate import ensure_head\n"
        f"ensure_head({url!r})\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", again], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_the_head_revision_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config("")).get_current_head()


def test_a_chart_is_drawn_in_the_worker_process() -> None:
    probe = (
        "import asyncio, sys\n"
        "from bot import charts\n"
        "from tests.unit.bot.test_charts import example_data\n"
        "png = asyncio.run(charts.render_off_loop(example_data()))\n"
        "charts.shutdown_renderer()\n"
        "print(png[:4] == b'\\x89PNG', 'matplotlib.figure' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    # a PNG came back, and this process never drew it (example_data imports matplotlib's
    # patches for its own checks, but the Figure was made in the worker)
    assert result.stdout.split() == ["True", "False"]
