"""bot/texts.py read as source: no English slips past the catalogue inside its functions.

Two mistakes a translator cannot see and no output test in English catches:
- a function of bot/texts.py reading a module-level text bare (`GREETING`): inside the module
  that is the raw English, only `texts.GREETING` from outside (or `_(GREETING)`) is translated;
- an f-string with words outside its placeholders (`f"{n} sessions"`): the words never reach
  the catalogue, and their order is fixed in English.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.catalogue_extract import module_texts

SOURCE_PATH = Path(__file__).resolve().parents[3] / "bot" / "texts.py"
SOURCE = SOURCE_PATH.read_text(encoding="utf-8")
TREE = ast.parse(SOURCE)
TEXTS = {name for _, name, _ in module_texts(SOURCE)}

# The whole of bot/texts.py is checked (a line number would restrict it while it is converted).
CHECKED_UNTIL: int | None = None

# Reads of a module-level text that are not a text shown to a user (function, name: reason).
BARE_READS_ALLOWED: dict[tuple[str, str], str] = {}

# f-strings whose letters are not words (function: reason).
FSTRINGS_ALLOWED: dict[str, str] = {}

# Markup a translator need not see: HTML tags around a placeholder (`<b>{day}</b>`).
_TAG = re.compile(r"</?[a-z]+>")


def _checked(node: ast.AST) -> bool:
    return CHECKED_UNTIL is None or getattr(node, "lineno", 0) < CHECKED_UNTIL


def _functions() -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        node
        for node in ast.walk(TREE)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _checked(node)
    ]


def _parents(root: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(root) for child in ast.iter_child_nodes(node)}


def _is_translated(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """`name` is the only argument of a `_()` call, or the default of a lookup that is:
    `_(NAMES.get(code, UNKNOWN))`."""
    call = parents.get(name)
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "get"
        and call.args[1:] == [name]
    ):
        return _is_translated_call(call, parents)
    return _is_translated_call(name, parents)


def _is_translated_call(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    call = parents.get(node)
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "_"
        and call.args == [node]
    )


def bare_reads() -> list[str]:
    """`function:line NAME` for each read of a module-level text not wrapped in `_()`."""
    found = []
    for function in _functions():
        parents = _parents(function)
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id in TEXTS
                and not _is_translated(node, parents)
                and (function.name, node.id) not in BARE_READS_ALLOWED
            ):
                found.append(f"{function.name}:{node.lineno} {node.id}")
    return found


def fstring_words() -> list[str]:
    """`function:line 'text'` for each f-string part with letters outside its placeholders."""
    found = []
    for function in _functions():
        if function.name in FSTRINGS_ALLOWED:
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.JoinedStr):
                continue
            for part in node.values:
                if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                    continue
                if any(ch.isalpha() for ch in _TAG.sub("", part.value)):
                    found.append(f"{function.name}:{node.lineno} {part.value!r}")
    return found


def test_the_catalogue_module_has_texts_and_functions() -> None:
    """The checks below look at something (a moved file would make them pass vacuously)."""
    assert len(TEXTS) > 100
    assert len(_functions()) > 10


def test_functions_translate_every_module_text_they_read() -> None:
    assert bare_reads() == [], "wrap these in _(): inside bot/texts.py a bare text is English"


def test_f_strings_hold_no_words() -> None:
    assert fstring_words() == [], (
        "put the sentence in _() with named placeholders, or ngettext() for a count"
    )


@pytest.mark.parametrize(
    ("source", "bare", "words"),
    [
        ('HI = "Hi"\ndef f() -> str:\n    return HI\n', ["f:3 HI"], []),
        ('HI = "Hi"\ndef f() -> str:\n    return _(HI)\n', [], []),
        ('HI = "Hi"\ndef f(a, b):\n    return (HI if a else HI).format(b=b)\n', ["f:3 HI"] * 2, []),
        ('def f(n: int) -> str:\n    return f"{n} sessions"\n', [], ["f:2 ' sessions'"]),
        ('def f(d: str) -> str:\n    return f"<b>{d}</b> · {d}"\n', [], []),
    ],
)
def test_the_checks_catch_what_they_should(
    monkeypatch: pytest.MonkeyPatch, source: str, bare: list[str], words: list[str]
) -> None:
    """The checks themselves, on small sources: a bare read and a word in an f-string fail."""
    monkeypatch.setattr(f"{__name__}.TREE", ast.parse(source))
    monkeypatch.setattr(f"{__name__}.TEXTS", {name for _, name, _ in module_texts(source)})
    monkeypatch.setattr(f"{__name__}.CHECKED_UNTIL", None)
    assert bare_reads() == bare
    assert fstring_words() == words
