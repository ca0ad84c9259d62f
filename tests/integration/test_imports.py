"""An idle bot does not carry matplotlib: it is imported only in the chart worker process."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def test_the_running_bot_does_not_import_matplotlib() -> None:
    probe = "import sys, bot.app, bot.cli; print([m for m in sys.modules if 'matplotlib' in m])"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


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
