"""The rule for `vivera` commands: every message a person reads (a line written, a refusal, the
help) is an English msgid with its Dutch translation in the catalogue, like the pages. The
tooling commands in devtools (demo, benchmarks) are for developers and not held to it."""

from __future__ import annotations

import ast
from pathlib import Path

import vivera

ROOT = Path(vivera.__file__).parent


def literal_messages(path: Path) -> list[str]:
    """String literals (or f-strings) handed straight to stdout/stderr.write, CommandError,
    ArgumentTypeError, a `help=` argument or the command's `help`, without gettext."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        candidates: list[ast.expr] = []
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in {"write", "CommandError", "ArgumentTypeError"} and node.args:
                candidates.append(node.args[0])
            candidates += [kw.value for kw in node.keywords if kw.arg == "help"]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "help" for t in node.targets
        ):
            candidates.append(node.value)
        for value in candidates:
            if isinstance(value, ast.JoinedStr) or (
                isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value
            ):
                found.append(f"{path.relative_to(ROOT)}:{value.lineno}")
    return found


def test_product_commands_speak_through_the_catalogue():
    commands = [
        path
        for path in sorted(ROOT.glob("*/management/commands/*.py"))
        if path.name != "__init__.py" and "devtools" not in path.parts
    ]
    assert commands
    literal = [line for path in commands for line in literal_messages(path)]
    assert literal == [], "wrap these in gettext (English msgid, Dutch in the catalogue)"


def test_a_command_speaks_dutch(db, capsys):
    from django.core.management import call_command

    call_command("verify_access_log")
    assert "Toegangslog intact: 0 regels gecontroleerd." in capsys.readouterr().out
