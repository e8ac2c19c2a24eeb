"""Reading legacy export files as they come: CSV with `;` or `,`, UTF-8 with or without a BOM
or Windows-1252, and XLSX; and the values in them: dates written the Dutch way (31-12-2017),
ISO dates, Excel's date cells and Excel's day numbers in number-formatted cells.

Nothing here knows what the columns mean; `validation.py` does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

Value = str | int | float | dt.date | dt.datetime | None

# Excel day numbers for 1-1-1900 … 31-12-2199: a plain number outside this is not a date.
EXCEL_FIRST, EXCEL_LAST = 1, 109_573


class ReadError(Exception):
    """The file as a whole cannot be read; the message says why (translated)."""


@dataclass
class Row:
    line: int  # the line as a spreadsheet shows it: the header is line 1
    values: list[Value]


@dataclass
class Table:
    name: str  # the file name, as given
    headers: list[str]  # as written in the file
    rows: list[Row] = field(default_factory=list)

    def column(self, canonical: str) -> int | None:
        """The index of a column by its canonical name (see `canonical_header`)."""
        for index, header in enumerate(self.headers):
            if canonical_header(header) == canonical:
                return index
        return None


@lru_cache(maxsize=8192)  # called for every cell read and every code compared
def canonical_header(header: str) -> str:
    """Headers match whatever their case, accents, spaces, dashes and underscores:
    "Duur minuten", "duur-minuten" and "DUUR_MINUTEN" are all `duurminuten`; "Cliëntnummer" is
    `clientnummer`."""
    text = unicodedata.normalize("NFKD", header.strip().lstrip("\ufeff"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-.]+", "", text.casefold())


def read_file(path: Path) -> Table:
    return read_bytes(path.name, path.read_bytes())


def read_bytes(name: str, data: bytes) -> Table:
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(name, data)
    if name.lower().endswith((".csv", ".txt")):
        return _read_csv(name, data)
    raise ReadError(_("Only CSV and XLSX files can be imported."))


def decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped) or, when the bytes are not UTF-8, Windows-1252, the
    encoding Excel on Windows writes a "CSV" in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(_("The file is neither UTF-8 nor Windows-1252 text.")) from exc


def sniff_delimiter(header_line: str) -> str:
    """`;` (Dutch Excel), `,` or a tab: whichever the header line holds most of, outside quotes."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(name: str, data: bytes) -> Table:
    text = decode(data)
    end = text.find("\n")
    first = text[:end] if end >= 0 else text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ReadError(_("The file is not valid CSV (%(error)s).") % {"error": exc}) from exc
    return _table(name, records)


def _read_xlsx(name: str, data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError(_("The file is not a valid XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Some programs store wrong sheet dimensions; read-only mode would trust them.
        sheet.reset_dimensions()
        records = [list(values) for values in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(name, records)


def _table(name: str, records: list[list[Value]]) -> Table:
    if not records or not any(text(v) for v in records[0]):
        raise ReadError(_("The file is empty or has no header line."))
    headers = [text(v) for v in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(name=name, headers=headers)
    for number, values in enumerate(records[1:], start=2):
        if any(text(v) for v in values):  # empty lines are skipped but keep their number
            table.rows.append(Row(number, list(values)))
    return table


def text(value: Value) -> str:
    """A cell as text, trimmed; a whole number from an XLSX cell without its trailing .0."""
    if type(value) is str:  # every CSV cell: the fast path
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an XLSX number cell: 12345.0 is the number 12345
    return str(value).strip()


_DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SERIAL = re.compile(r"^\d{1,6}(?:[.,]0+)?$")


def parse_date(value: Value) -> dt.date | None:
    """A date from a cell, or None when the cell holds no date we understand.

    Accepted: a date or date-time cell (XLSX); an Excel day number in a number-formatted cell,
    or written as text (a CSV saved from such a cell); `31-12-2017`, `1-2-2017`, `31/12/2017`,
    `31.12.2017`; `2017-12-31`, optionally with a time. Two-digit years are refused: 01-02-03
    could be any of three dates.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    return _parse_text_date(text(value))


@lru_cache(maxsize=65_536)  # a file holds a few thousand distinct dates in 100,000 rows
def _parse_text_date(raw: str) -> dt.date | None:
    if not raw:
        return None
    try:
        if match := _DUTCH.match(raw):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _ISO.match(raw):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    if _SERIAL.match(raw):
        return _from_serial(float(raw.replace(",", ".")))
    return None


def _from_serial(number: float) -> dt.date | None:
    if not EXCEL_FIRST <= number <= EXCEL_LAST:
        return None
    converted = from_excel(number)
    return converted.date() if isinstance(converted, dt.datetime) else converted
