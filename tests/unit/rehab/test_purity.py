"""rehab/ imports nothing from bot/, scheduler/ or storage/, and never reads the clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REHAB = Path(__file__).resolve().parents[3] / "rehab"
FORBIDDEN_PACKAGES = {"bot", "scheduler", "storage"}
CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "monotonic"),
    ("time", "perf_counter"),
    ("time", "localtime"),
    ("time", "gmtime"),
}


def _sources() -> list[Path]:
    files = sorted(REHAB.rglob("*.py"))
    assert files, "no rehab sources found"
    return files


def _dotted(node: ast.AST) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return list(reversed(parts))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_no_forbidden_imports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_PACKAGES, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_never_reads_the_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"time", "datetime"}:
            for alias in node.names:
                assert alias.name not in {"time", "time_ns", "monotonic", "perf_counter"}, (
                    f"{path.name} imports a clock function"
                )
        if isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            if len(dotted) >= 2:
                assert (dotted[-2], dotted[-1]) not in CLOCK_CALLS, (
                    f"{path.name}:{node.lineno} calls {'.'.join(dotted)}"
                )


def test_the_scan_catches_a_clock_call() -> None:
    tree = ast.parse("import datetime\nx = datetime.date.today()\ny = datetime.datetime.now()")
    calls = [_dotted(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    found = [c for c in calls if (c[-2], c[-1]) in CLOCK_CALLS]
    assert len(found) == 2
