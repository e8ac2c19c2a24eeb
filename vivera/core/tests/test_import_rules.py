"""Who may import whom: the house's rules, read from every module's imports (docs/architecture.md,
"The house").

    devtools            tooling: the demo, the benchmarks, the load test, the test harness
       │ may import everything below; nothing below imports it
    web                 the site as a whole: menu, start pages, the admin site's entry
       │ may import the apps; only the project's urls.py imports it
    the apps            accounts, organisation, registration, audit, monitor, partners, ggm,
       │                imports, research, survey, provisions, plans, matching, carers, backup,
       │                retention, privacy, api
       │ may import core and each other
    core                what every app shares: files, parsing, form tokens, the one error
                        mapping, formatting, spreadsheets, widgets, middleware, the pause point

Tests (a `tests/` package, `browser_tests/`, `conftest.py`) may import whatever they test with,
devtools' harness included, except that core's own tests stay inside core. Imports inside
functions count as well; the import graph of `vivera` is read with `ast`, so nothing is imported
to check it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # vivera/
BASE = "core"
TOOLING = "devtools"
SITE = "web"
APPS = {
    "accounts",
    "organisation",
    "registration",
    "audit",
    "monitor",
    "partners",
    "ggm",
    "imports",
    "research",
    "survey",
    "provisions",
    "plans",
    "matching",
    "carers",
    "backup",
    "retention",
    "privacy",
    "api",
}
# Modules of the project itself (vivera/<name>.py): settings, urls, wsgi, asgi, manage.
PROJECT = "project"
# The load test's browser runs in locust's own process, without Django: its form reader may use
# the standard library only.
STANDARD_LIBRARY_ONLY = ("devtools/testing/htmlforms.py",)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, as a path below vivera/
    part: str  # its top-level part of vivera: an app, core, web, devtools or "project"
    is_test: bool
    target: str  # the imported module, dotted, absolute
    line: int

    @property
    def target_part(self) -> str | None:
        """The top-level part of vivera the import names, or None outside vivera."""
        names = self.target.split(".")
        if names[0] != "vivera":
            return None
        if len(names) == 1 or (PACKAGE / names[1]).is_dir() is False:
            return PROJECT
        return names[1]

    def __str__(self) -> str:
        return f"vivera/{self.module}:{self.line} imports {self.target}"


def _dotted(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports_of(path: Path, source: str | None = None) -> list[Import]:
    """Every import in one module below vivera/, relative ones made absolute."""
    relative = path.relative_to(PACKAGE)
    part = relative.parts[0] if len(relative.parts) > 1 else PROJECT
    is_test = (
        "tests" in relative.parts
        or relative.parts[0] == "browser_tests"
        or relative.name == "conftest.py"
    )
    package = _dotted(path) if path.name == "__init__.py" else _dotted(path)[:-1]
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            # `from vivera import demo` names the module vivera.demo.
            targets = (
                [f"{stem}.{alias.name}" for alias in node.names] if stem == "vivera" else [stem]
            )
        else:
            continue
        found += [Import(relative.as_posix(), part, is_test, t, node.lineno) for t in targets]
    return found


def every_import() -> list[Import]:
    return [i for path in sorted(PACKAGE.rglob("*.py")) for i in imports_of(path)]


def core_imports_only_core(imports: list[Import]) -> list[Import]:
    """Core, tests included, imports no other part of Vivera."""
    return [i for i in imports if i.part == BASE and i.target_part not in (None, BASE)]


def product_imports_no_tooling(imports: list[Import]) -> list[Import]:
    """Nothing but devtools itself and the tests imports devtools."""
    return [i for i in imports if i.target_part == TOOLING and i.part != TOOLING and not i.is_test]


def only_the_project_imports_the_site(imports: list[Import]) -> list[Import]:
    """The apps and core do not import web; the project's urls.py does (and tests may)."""
    return [
        i
        for i in imports
        if i.target_part == SITE and i.part not in (SITE, PROJECT, TOOLING) and not i.is_test
    ]


def every_part_is_known(imports: list[Import]) -> list[str]:
    parts = {i.part for i in imports} | {i.target_part for i in imports if i.target_part}
    known = APPS | {BASE, TOOLING, SITE, PROJECT, "browser_tests", "locale", "templates"}
    return sorted(parts - known)


def test_core_imports_no_other_part_of_vivera():
    broken = core_imports_only_core(every_import())
    assert not broken, (
        "core is the base every app shares and names no app; move what needs "
        "an app out of core:\n" + "\n".join(map(str, broken))
    )


def test_no_product_code_imports_devtools():
    broken = product_imports_no_tooling(every_import())
    assert not broken, "devtools is tooling; the product runs without it:\n" + "\n".join(
        map(str, broken)
    )


def test_only_the_project_imports_web():
    broken = only_the_project_imports_the_site(every_import())
    assert not broken, (
        "web sits on top of the apps; an app that needs something from it "
        "should own it:\n" + "\n".join(map(str, broken))
    )


def test_the_load_tests_form_reader_needs_nothing_but_the_standard_library():
    import sys

    for name in STANDARD_LIBRARY_ONLY:
        for i in imports_of(PACKAGE / name):
            top = i.target.split(".")[0]
            assert top in sys.stdlib_module_names or top == "__future__", str(i)


def test_every_part_of_vivera_has_a_place_in_the_rules():
    # A new app must be added to APPS (or be named as core, web or devtools) to be checked.
    assert every_part_is_known(every_import()) == []


def test_the_rules_catch_what_they_forbid():
    core = PACKAGE / "core" / "example.py"
    app = PACKAGE / "monitor" / "example.py"
    app_test = PACKAGE / "monitor" / "tests" / "test_example.py"
    assert [
        str(i)
        for i in core_imports_only_core(
            imports_of(core, "def f():\n    from vivera.accounts.models import Role\n")
        )
    ] == ["vivera/core/example.py:2 imports vivera.accounts.models"]
    assert core_imports_only_core(imports_of(core, "from . import files\n")) == []
    assert len(core_imports_only_core(imports_of(core, "from .. import registration\n"))) == 1
    assert len(product_imports_no_tooling(imports_of(app, "from vivera import devtools\n"))) == 1
    assert (
        len(product_imports_no_tooling(imports_of(app, "import vivera.devtools.demo.services\n")))
        == 1
    )
    assert (
        product_imports_no_tooling(
            imports_of(app_test, "from vivera.devtools.testing.kill import ok\n")
        )
        == []
    )
    assert (
        len(
            only_the_project_imports_the_site(
                imports_of(app, "from vivera.web.views import home\n")
            )
        )
        == 1
    )
