"""Reading legacy export files as they come: CSV with `;` or `,`, UTF-8 with or without a BOM
or Windows-1252, and XLSX; and the values in them: dates written the Dutch way (31-12-2017),
ISO dates, Excel's date cells and Excel's day numbers in number-formatted cells.

Nothing here knows what the columns mean; `validation.py` does.

A file is read a row at a time and refused as a whole, before it can fill the memory, when it
is larger than the configured limits (`Limits`, docs/import.md "Grenzen"): an XLSX is a ZIP,
and a small one can unpack into a sheet of a million rows (a decompression bomb). So the ZIP's
table of contents is checked before openpyxl opens anything (the unpacked size of all parts,
and how many times each part grows when unpacked), the sheet is streamed in read-only mode
without trusting the size it declares (its `dimension`), and rows are counted as they come,
stopping at the limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from vivera.core import formatting

Value = str | int | float | dt.date | dt.datetime | None

# Excel day numbers for 1-1-1900 … 31-12-2199: a plain number outside this is not a date.
EXCEL_FIRST, EXCEL_LAST = 1, 109_573


# The widest header read. The documented files have at most 10 columns; unknown columns are
# ignored, but every row keeps a value per column, so a header of 16,384 columns (XLSX's
# maximum) would multiply the memory of every row.
MAX_COLUMNS = 200
# The longest physical line of a CSV, in characters: a line of a million separators is a million
# values. A real export's line is at most a few thousand characters.
MAX_LINE_CHARS = 1_000_000
# A part of a ZIP smaller than this is not checked for its compression ratio: the small XML parts
# of any workbook (styles, an almost empty sheet) pack very well and are harmless. (Apache POI,
# whose `ZipSecureFile` has the same check, leaves the first 100 KB of a part alone too.)
RATIO_GRACE_BYTES = 1024 * 1024
MB = 1024 * 1024


class ReadError(Exception):
    """The file as a whole cannot be read, or is refused; the message says why (translated),
    `code` says it for tests and tools."""

    def __init__(self, message: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Limits:
    """What one file may hold (docs/import.md, "Grenzen"; settings from the environment)."""

    rows: int  # lines below the header, empty lines included
    megabytes: int  # a CSV's size; the unpacked size of all parts of an XLSX
    ratio: int  # how many times one part of an XLSX may grow when unpacked
    columns: int = MAX_COLUMNS

    @classmethod
    def configured(cls) -> Limits:
        return cls(
            rows=settings.VIVERA_IMPORT_MAX_ROWS,
            megabytes=settings.VIVERA_IMPORT_MAX_UNCOMPRESSED_MB,
            ratio=settings.VIVERA_IMPORT_MAX_COMPRESSION_RATIO,
        )


def _n(value: int) -> str:
    return formatting.number(value)


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


def read_file(path: Path, limits: Limits | None = None) -> Table:
    """Read a file; one larger than the size limit is refused before it is read."""
    limits = limits or Limits.configured()
    _check_size(path.stat().st_size, limits)
    return read_bytes(path.name, path.read_bytes(), limits)


def read_bytes(name: str, data: bytes, limits: Limits | None = None) -> Table:
    limits = limits or Limits.configured()
    if not name.lower().endswith((".xlsx", ".csv", ".txt")):
        raise ReadError(_("Only CSV and XLSX files can be imported."))
    _check_size(len(data), limits)
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(name, data, limits)
    return _read_csv(name, data, limits)


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.megabytes * MB:
        raise ReadError(
            _(
                "The file is larger than %(limit)s MB (the limit "
                "VIVERA_IMPORT_MAX_UNCOMPRESSED_MB). Split it into smaller files."
            )
            % {"limit": _n(limits.megabytes)},
            "too_large",
        )


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


def _read_csv(name: str, data: bytes, limits: Limits) -> Table:
    text = decode(data)
    end = text.find("\n")
    first = text[:end] if end >= 0 else text
    lines: Iterable[str] = io.StringIO(text, newline="")
    if len(text) > MAX_LINE_CHARS:  # a shorter file cannot hold a longer line
        lines = _short_lines(lines)
    reader = csv.reader(lines, delimiter=sniff_delimiter(first))
    try:
        return _table(name, reader, limits)
    except csv.Error as exc:
        raise ReadError(_("The file is not valid CSV (%(error)s).") % {"error": exc}) from exc


def _short_lines(lines: Iterable[str]) -> Iterator[str]:
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ReadError(
                _(
                    "Line %(line)s is longer than %(limit)s characters: this is not an export "
                    "the import can read."
                )
                % {"line": _n(number), "limit": _n(MAX_LINE_CHARS)},
                "line_too_long",
            )
        yield line


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a workbook that unpacks into more than the limits allow, from the sizes in the
    ZIP's table of contents (its central directory), before anything is unpacked. Python's
    zipfile, which openpyxl reads with, stops a part at the size given there and then checks
    its CRC, so a part that claims to be smaller than it is cannot unpack beyond its claim:
    it fails as a corrupt file instead."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(_("The file is not a valid XLSX workbook.")) from exc
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.megabytes * MB:
        raise ReadError(
            _(
                "Unpacked, this workbook is %(size)s MB; the limit is %(limit)s MB "
                "(VIVERA_IMPORT_MAX_UNCOMPRESSED_MB). Split it into smaller files."
            )
            % {"size": _n(-(-unpacked // MB)), "limit": _n(limits.megabytes)},
            "too_large",
        )
    for part in parts:
        if part.file_size > RATIO_GRACE_BYTES and part.file_size > limits.ratio * max(
            part.compress_size, 1
        ):
            raise ReadError(
                _(
                    "A part of this workbook (%(part)s) unpacks to %(ratio)s times its packed "
                    "size; the limit is %(limit)s times (VIVERA_IMPORT_MAX_COMPRESSION_RATIO). A "
                    "real export grows 5 to 20 times: this file is probably not one."
                )
                % {
                    "part": part.filename,
                    "ratio": _n(part.file_size // max(part.compress_size, 1)),
                    "limit": _n(limits.ratio),
                },
                "compression_ratio",
            )


def _read_xlsx(name: str, data: bytes, limits: Limits) -> Table:
    _check_zip(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            _check_row_tags(data, getattr(sheet, "_worksheet_path", ""), limits)
            # The sheet's declared size (its `dimension`) may be wrong or a lie; read-only mode
            # would trust it. The rows are counted as they come instead (`_table`).
            sheet.reset_dimensions()
            # The header first, at most one column beyond the limit, then the rows no wider
            # than the header: a cell far to the right (column XFD) does not widen every row.
            with closing(
                sheet.iter_rows(max_row=1, max_col=limits.columns + 1, values_only=True)
            ) as rows:
                header = next(rows, ())
            width = _header_width(header, limits)
            with closing(
                sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True)
            ) as rows:
                return _table(name, _after(header, rows), limits)
        finally:
            workbook.close()
    except (ReadError, MemoryError):
        raise
    except Exception as exc:
        # A damaged or hostile package makes openpyxl raise whatever its parts cause: KeyError
        # (a part is missing), BadZipFile (a CRC error half-way), zlib.error, XML syntax errors
        # (also the XML parser's refusal of an entity expansion bomb), ValueError, TypeError.
        # For the administrator each of them means the same: this is not a workbook we can read.
        raise ReadError(_("The file is not a valid XLSX workbook.")) from exc


def _check_row_tags(data: bytes, part: str, limits: Limits) -> None:
    """Refuse a sheet with more row elements than the row limit allows before parsing it:
    counting the tags in the unpacked XML takes about half a second per 100 MB, parsing the
    rows with openpyxl about 30 s per 250,000. A tag split between two chunks, or written with
    a namespace prefix (`<x:row>`), is not counted: this check can only count too few, never
    refuse a file that is within the limit; counting the rows as they come (`_table`) stays
    the rule."""
    if not part:
        return
    rows = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(part) as sheet:
        while chunk := sheet.read(MB):
            rows += chunk.count(b"<row>") + chunk.count(b"<row ") + chunk.count(b"<row/>")
            if rows - 1 > limits.rows:  # the header is a row too
                raise ReadError(_too_many_rows(limits), "too_many_rows")


def _too_many_rows(limits: Limits) -> str:
    return _(
        "The file has more than %(limit)s lines below the header (the limit "
        "VIVERA_IMPORT_MAX_ROWS; empty lines count too). Split it into files of at most "
        "%(limit)s lines: a kind may come in several files."
    ) % {"limit": _n(limits.rows)}


def _after(first: Sequence[Value], rest: Iterable[Sequence[Value]]) -> Iterator[Sequence[Value]]:
    yield first
    yield from rest


def _header_width(header: Sequence[Value], limits: Limits) -> int:
    headers = [text(v) for v in header]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > limits.columns:
        raise ReadError(
            _(
                "The header has more than %(limit)s columns. Leave out the columns that are not "
                "imported."
            )
            % {"limit": _n(limits.columns)},
            "too_many_columns",
        )
    return len(headers)


def _table(name: str, records: Iterable[Sequence[Value]], limits: Limits) -> Table:
    """The table of the records as they come: the first is the header; every row is cut to the
    header's width (what lies beyond it has no column); counting stops at the row limit."""
    records = iter(records)
    first = next(records, None)
    if first is None or not any(text(v) for v in first):
        raise ReadError(_("The file is empty or has no header line."))
    width = _header_width(first, limits)
    table = Table(name=name, headers=[text(v) for v in first[:width]])
    for number, values in enumerate(records, start=2):
        if number - 1 > limits.rows:
            raise ReadError(_too_many_rows(limits), "too_many_rows")
        row = values[:width] if type(values) is list else list(values[:width])
        if any(text(v) for v in row):  # empty lines are skipped but keep their number
            table.rows.append(Row(number, row))
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
