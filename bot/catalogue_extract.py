"""How `make messages` finds the texts of bot/texts.py (a Babel extraction method).

Every module-level text whose name starts with a capital letter is a message (bot/texts.py
reads each through its catalogue: `_Catalogue`), so it needs no marker; texts inside functions
are found as usual, in `_()` and `ngettext()` calls. The constant's name goes to the
translator as a comment: it says where the text is used; a `# Translators: …` comment on
the lines just above the constant goes with it too.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any, cast

from babel.messages.extract import extract_python

# What an extraction method yields at run time: (line, function name, message, comments).
# (Babel's annotations describe its own wrapper's output instead, hence the casts below.)
Extracted = tuple[int, str | None, str | tuple[str, ...], list[str]]


TRANSLATORS = "# Translators:"


def translator_note(lines: list[str], lineno: int) -> str | None:
    """The `# Translators: …` comment in the comment lines just above line `lineno` (1-based)."""
    index = lineno - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        line = lines[index].strip()
        if line.startswith(TRANSLATORS):
            return line.removeprefix("#").strip()
        index -= 1
    return None


def module_texts(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, name, text) for each module-level `NAME = "text"` (or `NAME: str = "text"`)."""
    for node in ast.parse(source).body:
        targets: list[ast.expr]
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id[:1].isupper():
                yield node.lineno, target.id, value.value


def extract_texts(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[Extracted]:
    """Babel's extraction interface: the module's texts, then its `_()` calls."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    lines = source.splitlines()
    for line, name, text in module_texts(source):
        if text.strip():
            note = translator_note(lines, line)
            yield line, None, text, [f"texts.{name}", *([note] if note else [])]
    fileobj.seek(0)
    yield from cast(Iterator[Extracted], extract_python(fileobj, keywords, comment_tags, options))  # type: ignore[arg-type]
