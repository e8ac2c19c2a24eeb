"""Files that people open in a spreadsheet program (CSV and XLSX exports).

**One CSV dialect** for every export a person opens (docs/architecture.md, "Exports"): what
Excel with Dutch regional settings reads on a double click — fields separated by `;` (the comma
is the decimal separator), numbers with a decimal comma and no thousands separator, dates
`YYYY-MM-DD`, times of day in local time `YYYY-MM-DD HH:MM:SS`, CRLF line ends, UTF-8 with a
byte-order mark (without it Excel reads the file as Windows-1252 and garbles "ë"). `csv_lines`
and `csv_text` write it; `DutchExcel` reads it back. Machine formats with a documented dialect of
their own (the GGM export, the research extract) keep theirs and only escape their text
(`spreadsheet_row`).

**No formulas.** A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula,
and a tab or carriage return in front can hide such a start. Whatever a user could have typed (a
team or location name an administrator edited, a user agent, a page address) goes out with a
leading apostrophe in that case, so it is read as text (OWASP, "CSV Injection"). Numbers are left
alone, so a negative figure stays a number.

**Sheet names** (`sheet_title`): at most 31 characters, none of `[ ] : * ? / \\`, not starting
or ending with an apostrophe, unique within the workbook regardless of case (Excel's rules).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class DutchExcel(csv.Dialect):
    """The CSV dialect of Excel with Dutch regional settings (`;`, CRLF, `"` quotes)."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


def spreadsheet_text(value: object) -> str:
    """`value` as text that a spreadsheet shows and never runs; None becomes empty."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_value(value: object) -> object:
    """A cell for a spreadsheet: numbers (and None) as they are, anything else as text that
    cannot run."""
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return spreadsheet_text(value)


def spreadsheet_row(row: Iterable[object]) -> list[object]:
    """A row for a machine CSV (its own dialect) that people may also open in a spreadsheet:
    numbers, dates and None as they are, text that cannot run."""
    return [value if isinstance(value, dt.date) else spreadsheet_value(value) for value in row]


def decimal_comma(value: float | Decimal) -> str:
    """A number as Dutch Excel reads it: `-0,4`, `1234,5`, `3` (no thousands separator, no
    trailing zeros, never an exponent)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not number.is_finite():
        return ""
    text = format(number.normalize() if number else Decimal(0), "f")
    return text.replace(".", ",")


def csv_cell(value: object) -> str:
    """One field in the Dutch Excel dialect: None empty, yes/no as "ja"/"nee", numbers with a
    decimal comma, dates and times as Excel reads them, every text unable to run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        return decimal_comma(value)
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return spreadsheet_text(value)


class _Echo:
    """A file that hands back what is written to it, so csv.writer can make one line at a
    time (for a streamed response)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]], *, bom: bool = True) -> Iterator[str]:
    """Every row as one line in the Dutch Excel dialect, the first behind the byte-order mark
    (`bom=False` for text that goes to a terminal rather than a file)."""
    writer = csv.writer(_Echo(), dialect=DutchExcel)
    first = True
    for row in rows:
        line = writer.writerow([csv_cell(value) for value in row])
        yield (BOM + line) if first and bom else line
        first = False


def csv_text(rows: Iterable[Iterable[object]], *, bom: bool = True) -> str:
    """The whole file as one text in the Dutch Excel dialect."""
    return "".join(csv_lines(rows, bom=bom))


SHEET_TITLE_LENGTH = 31
SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name for `name`, shortened at a word with "…" when it is too long;
    `taken` holds the names used so far (in lower case) and gets this one."""
    title = " ".join(str(name).translate(SHEET_TITLE_FORBIDDEN).split()).strip("'").strip()
    title = title or _("Sheet")
    if len(title) > SHEET_TITLE_LENGTH:
        title = _shorten(title, SHEET_TITLE_LENGTH)
    candidate, number = title, 1
    while candidate.lower() in taken or candidate.lower() == "history":
        number += 1
        suffix = f" ({number})"
        candidate = _shorten(title, SHEET_TITLE_LENGTH - len(suffix)) + suffix
    taken.add(candidate.lower())
    return candidate


def _shorten(text: str, length: int) -> str:
    """`text` in at most `length` characters, cut after a whole word where there is one."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1] != " ":  # a word cut in two: leave it out, unless it is most of it
        whole_words = cut.rsplit(" ", 1)[0]
        if len(whole_words) >= 3 * length // 4:
            cut = whole_words
    return cut.rstrip(" -–,(") + "…"
