"""The Dutch translation is complete, compiled and current.

The interface is written with English msgids and shown in Dutch (LANGUAGE_CODE "nl"); the
translations live in vivera/locale/nl/LC_MESSAGES/django.po, and the compiled django.mo is
committed too, because a fresh machine may lack GNU gettext. These tests catch the three ways
the Dutch interface silently falls back to English:

- an entry without a translation, or marked fuzzy (gettext ignores fuzzy entries);
- a .po edited without `compilemessages`, so the committed .mo says something else;
- a new string in the code without `make messages`, so the .po does not know it at all.

Regenerate and compile (GNU gettext needed): `make messages`, translate, `make compile-messages`;
that is, from vivera/:

    DEBUG=1 ../.venv/bin/vivera makemessages -l nl --no-obsolete -i "browser_tests/*"
    DEBUG=1 ../.venv/bin/vivera compilemessages -l nl
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

from vivera.conftest import login

PACKAGE_DIR = Path(__file__).resolve().parents[2]
LC_MESSAGES = PACKAGE_DIR / "locale" / "nl" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
NPLURALS = 2
MAKEMESSAGES = ["makemessages", "-l", "nl", "--no-obsolete", "-i", "browser_tests/*"]
REGENERATE = (
    "`make messages`, translate the new entries in the .po (no fuzzy flags), "
    "then `make compile-messages`, and commit both django.po and django.mo"
)


# --- a small .po reader (no extra dependency) ------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    text = text.strip()
    assert len(text) >= 2 and text[0] == text[-1] == '"', f"not a quoted PO string: {text}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file (obsolete `#~` entries are left out), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: str | None = None

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if target is not None and target.startswith("msgstr"):
                finish()  # a comment after a msgstr starts the next entry
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.groups()
            if (
                keyword in ("msgctxt", "msgid")
                and target is not None
                and (target.startswith("msgstr"))
            ):
                finish()
            if entry is None:
                entry = Entry(line=number)
            target = keyword if index is None else f"msgstr[{index}]"
            text = _unquote(value)
            if keyword == "msgctxt":
                entry.msgctxt = text
            elif keyword == "msgid":
                entry.msgid = text
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
            else:
                entry.msgstr[int(index or 0)] = text
            continue
        assert line.startswith('"') and entry is not None and target is not None, (
            f"{path}:{number}: cannot read {raw!r}"
        )
        text = _unquote(line)
        if target == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif target == "msgid":
            entry.msgid += text
        elif target == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        else:
            index = int(target[7:-1]) if target.startswith("msgstr[") else 0
            entry.msgstr[index] += text
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    """The translatable entries: everything but the header."""
    return [e for e in read_po(path) if e.msgid or e.msgctxt is not None]


def placeholders(text: str) -> list[str]:
    """Python-format placeholders as Django writes them: %(name)s, %(count)d, and %%."""
    return sorted(re.findall(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]", text))


# --- (a) complete and not fuzzy ----------------------------------------------------------------


def test_the_po_file_can_be_read() -> None:
    entries = read_po(PO_FILE)
    header = [e for e in entries if not e.msgid and e.msgctxt is None]
    assert len(header) == 1, "the .po needs exactly one header entry"
    assert f"nplurals={NPLURALS};" in header[0].msgstr[0].replace(" ", "")
    assert "charset=UTF-8" in header[0].msgstr[0]
    keys = [e.key for e in messages(PO_FILE)]
    assert len(keys) > 100
    assert len(keys) == len(set(keys)), "duplicate msgids in the .po"


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    untranslated, fuzzy = [], []
    for entry in read_po(PO_FILE):
        if "fuzzy" in entry.flags:
            fuzzy.append(str(entry))
        if not entry.msgid and entry.msgctxt is None:
            continue  # the header
        forms = NPLURALS if entry.msgid_plural is not None else 1
        if sorted(entry.msgstr) != list(range(forms)) or not all(
            entry.msgstr[i].strip() for i in range(forms)
        ):
            untranslated.append(str(entry))
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} entries have no Dutch translation:")
        problems += [f"  {e}" for e in untranslated]
    if fuzzy:
        problems.append(
            "Fuzzy entries are not used by gettext; check the translation and remove the flag:"
        )
        problems += [f"  {e}" for e in fuzzy]
    assert not problems, f"{PO_FILE}\n" + "\n".join(problems)


def test_every_translation_keeps_the_placeholders() -> None:
    broken = []
    for entry in messages(PO_FILE):
        sources = (
            [entry.msgid]
            if entry.msgid_plural is None
            else [entry.msgid, *[entry.msgid_plural] * (NPLURALS - 1)]
        )
        for index, source in enumerate(sources):
            translated = entry.msgstr.get(index, "")
            if translated and placeholders(source) != placeholders(translated):
                broken.append(f"{entry} msgstr[{index}] {translated!r}")
    assert not broken, "Placeholders differ between msgid and msgstr:\n" + "\n".join(broken)


# --- (b) the committed .mo is the compiled .po -------------------------------------------------


def test_the_committed_mo_matches_the_po() -> None:
    assert MO_FILE.exists(), f"{MO_FILE} is missing; run {REGENERATE}"
    with MO_FILE.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages(PO_FILE):
        if entry.msgid_plural is not None:
            got = {
                0: lookup_plural(catalog, entry, 1),
                1: lookup_plural(catalog, entry, 2),
            }
            want = {
                i: entry.msgstr.get(i, "") or (entry.msgid, entry.msgid_plural)[i]
                for i in range(NPLURALS)
            }
        else:
            got = {0: lookup(catalog, entry)}
            want = {0: entry.msgstr.get(0, "") or entry.msgid}
        if got != want:
            stale.append(f"{entry}: .mo gives {got}, .po says {want}")
    assert not stale, (
        "The committed django.mo is out of date; run `make compile-messages` and commit "
        "django.mo:\n" + "\n".join(stale)
    )


def lookup(catalog: gettext.GNUTranslations, entry: Entry) -> str:
    if entry.msgctxt is not None:
        return catalog.pgettext(entry.msgctxt, entry.msgid)
    return catalog.gettext(entry.msgid)


def lookup_plural(catalog: gettext.GNUTranslations, entry: Entry, n: int) -> str:
    assert entry.msgid_plural is not None
    if entry.msgctxt is not None:
        return catalog.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
    return catalog.ngettext(entry.msgid, entry.msgid_plural, n)


# --- (c) the .po knows every string in the code ------------------------------------------------


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msguniq") is None,
    reason="GNU gettext (xgettext) is not installed, so the strings in the code cannot be "
    "extracted here; CI and development machines with gettext run this check",
)
def test_the_po_has_every_string_in_the_code(tmp_path: Path) -> None:
    # makemessages writes into the package, so it runs on a copy: vivera.settings from the copy
    # points LOCALE_PATHS at the copy's locale/, and the committed .po stays untouched.
    copy = tmp_path / "vivera"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            "__pycache__",
            "*.pyc",
            "*.po",
            "*.mo",
            "*.pot",
            "node_modules",
            ".*",
        ),
    )
    env = {k: v for k, v in os.environ.items() if k not in ("VIVERA_PRODUCTION", "PYTHONPATH")}
    env.update(
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="vivera.settings",
        PYTHONPATH=str(tmp_path),
        VIVERA_VAR_DIR=str(tmp_path / "var"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES, "--verbosity", "0"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    extracted = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    assert extracted.exists(), f"makemessages wrote no .po:\n{result.stdout}\n{result.stderr}"

    in_code = {e.key: e for e in messages(extracted)}
    committed = {e.key for e in messages(PO_FILE)}
    missing = sorted((in_code[key] for key in in_code.keys() - committed), key=lambda e: e.msgid)
    assert not missing, (
        f"{len(missing)} strings in the code are not in {PO_FILE.relative_to(PACKAGE_DIR)}; "
        f"run {REGENERATE}:\n" + "\n".join(f"  {e.msgid!r}" for e in missing)
    )


# --- (d) the pages are Dutch -------------------------------------------------------------------


def test_my_work_and_short_contact_pages_are_dutch(pro) -> None:
    http = login(pro)
    my_work = http.get(reverse("registration:my_work"))
    short_contact = http.get(reverse("registration:shortcontact_create"))
    assert my_work.status_code == short_contact.status_code == 200
    for response in (my_work, short_contact):
        page = response.content.decode()
        assert '<html lang="nl"' in page
        assert "Mijn werk" in page
        assert "Kort contact" in page
        assert "Short contact" not in page
        assert "My work" not in page
    assert '<h1 class="utrecht-heading-1">Mijn werk</h1>' in my_work.content.decode()
    assert "Kort contact registreren" in short_contact.content.decode()
