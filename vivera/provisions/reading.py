"""Reading a delivery of allocations: the social service's CSV or XLSX export (read with the
import's readers, so the same encodings, separators, date formats and size limits apply) and the
iWmo WMO301 allocation message (XML, read with lxml without entities, DTDs or network, and
checked against the message's structure). Both give the same `Line`s and name every problem by
file, line and column or element (docs/provisions.md). Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from vivera.imports.readers import Table, Value, canonical_header, parse_date, text
from vivera.imports.validation import EARLIEST_DATE, Problem
from vivera.registration.bsn import is_valid_bsn, normalise_bsn

from .codes import (
    BASE_NAMESPACE,
    GENERIC,
    MESSAGE_CODE,
    MESSAGE_VERSION,
    NAMESPACE,
    Category,
    ChangeReason,
    EndReason,
    Frequency,
    Unit,
)

MAX_NUMBER = 20
# The code lists as tuples: looking a value up in a TextChoices' `values` builds the list anew.
CATEGORIES = tuple(Category.values)
UNITS = tuple(Unit.values)
FREQUENCIES = tuple(Frequency.values)
END_REASONS = tuple(EndReason.values)
CHANGE_REASONS = tuple(ChangeReason.values)
PRODUCT_CODE_RULE = gettext_lazy("A product code has at most 5 letters and digits.")
POSTCODE_RULE = gettext_lazy("Not a Dutch postcode (1234AB).")
_PRODUCT_CODE = re.compile(r"^[0-9A-Z]{1,5}$")
_AGB = re.compile(r"^\d{8}$")
_POSTCODE = re.compile(r"^[1-9]\d{3}[A-Z]{2}$")
_VOLUME = re.compile(r"^\d{1,10}$")


@dataclass(slots=True)
class Line:
    """One allocation as a delivery states it."""

    file: str
    line: int
    bsn: str
    number: str
    category: str
    product_code: str
    start: dt.date
    end: dt.date | None
    allocated_on: dt.date | None
    volume: int | None
    unit: str
    frequency: str
    provider: str
    provider_name: str
    end_reason: str
    change_reason: str
    postcode: str
    order: tuple[dt.date, str, str] = (EARLIEST_DATE, "", "")  # which of two lines is newer


@dataclass
class Reading:
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


# --- The values, the same for both ways in --------------------------------------------------


class Cells:
    """The values of one allocation, each checked by the rule of its column or element;
    problems are collected, so a line shows all of its problems at once."""

    def __init__(self, reading: Reading, file: str, line: int, today: dt.date) -> None:
        self.reading, self.file, self.line, self.today = reading, file, line, today
        self.ok = True

    def problem(self, where: str, reason: str, code: str, line: int | None = None) -> None:
        self.ok = False
        self.reading.problems.append(
            Problem(self.file, self.line if line is None else line, where, reason, code)
        )

    def bsn(self, where: str, raw: str) -> str:
        value = normalise_bsn(raw)
        if not value:
            self.problem(where, _("The BSN is required."), "required")
        elif not is_valid_bsn(value):
            self.problem(
                where,
                _("This is not a valid BSN: it needs 9 digits and must pass the 11-test."),
                "invalid_bsn",
            )
        return value

    def number(self, where: str, raw: str) -> str:
        if not raw:
            self.problem(where, _("The allocation number is required."), "required")
        elif len(raw) > MAX_NUMBER:
            self.problem(
                where, _("Longer than %(max)d characters.") % {"max": MAX_NUMBER}, "too_long"
            )
        return raw

    def date(self, where: str, raw: Value, *, required: bool = False) -> dt.date | None:
        if not text(raw):
            if required:
                self.problem(where, _("This date is required."), "required")
            return None
        day = parse_date(raw)
        if day is None:
            self.problem(
                where, _("Not a date. Use dd-mm-yyyy (31-12-2017) or yyyy-mm-dd."), "invalid_date"
            )
        elif day < EARLIEST_DATE:
            self.problem(
                where,
                _("The date is before %(year)d; please check the year.")
                % {"year": EARLIEST_DATE.year},
                "too_old",
            )
        else:
            return day
        return None

    def code(self, where: str, raw: str, allowed: tuple[str, ...]) -> str:
        """A code of a code list (`CODES`); one digit short is padded: 1 is 01."""
        if not raw:
            return ""
        value = raw.zfill(len(allowed[0])) if raw.isdigit() else raw
        if value not in allowed:
            self.problem(
                where,
                _("Unknown code “%(code)s”; allowed: %(allowed)s.")
                % {"code": raw[:20], "allowed": ", ".join(allowed)},
                "unknown_code",
            )
            return ""
        return value

    def pattern(self, where: str, raw: str, pattern: re.Pattern[str], message: Promise) -> str:
        value = raw.replace(" ", "").upper()
        if value and not pattern.match(value):
            self.problem(where, str(message), "invalid")
            return ""
        return value


def _finish(cells: Cells, values: dict[str, object], where: dict[str, str]) -> Line | None:
    """The rules between values, then the line."""
    start = values["start"]
    end = values["end"]
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        cells.problem(where["end"], _("The end date lies before the start date."), "end_before")
    allocated = values["allocated_on"]
    if isinstance(allocated, dt.date) and allocated > cells.today:
        cells.problem(where["allocated_on"], _("The date lies in the future."), "future_date")
    if values["volume"] is not None and not values["unit"]:
        cells.problem(where["unit"], _("A volume needs its unit."), "required")
    if values["end_reason"] and end is None:
        cells.problem(where["end_reason"], _("A reason for ending needs an end date."), "invalid")
    if not cells.ok or not isinstance(start, dt.date):
        return None
    return Line(file=cells.file, line=cells.line, **values)  # type: ignore[arg-type]


# --- CSV and XLSX -----------------------------------------------------------------------------

COLUMNS = (
    "bsn",
    "toewijzingnummer",
    "productcategorie",
    "productcode",
    "ingangsdatum",
    "einddatum",
    "toewijzingsdatum",
    "volume",
    "eenheid",
    "frequentie",
    "aanbieder",
    "aanbieder_naam",
    "reden_beeindiging",
    "reden_wijziging",
    "postcode",
)
REQUIRED = ("bsn", "toewijzingnummer", "ingangsdatum", "aanbieder")
_KEYS = {canonical_header(c): c for c in COLUMNS}


def read_table(table: Table, *, reading: Reading, today: dt.date) -> None:
    """The lines of a CSV or XLSX export (columns: docs/provisions.md)."""
    reading.files.append(table.name)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        key = canonical_header(header)
        if key not in _KEYS:
            continue  # other columns of the social service's export are left alone
        name = _KEYS[key]
        if name in positions:
            reading.problems.append(
                Problem(table.name, 1, header, _("This column appears twice."), "duplicate_column")
            )
            return
        positions[name], headers[name] = index, header
    missing = [name for name in REQUIRED if name not in positions]
    for name in missing:
        reading.problems.append(
            Problem(
                table.name,
                1,
                name,
                _("The column is missing from the header line."),
                "missing_column",
            )
        )
    if missing:
        return
    where = {name: headers.get(name, name) for name in COLUMNS}
    where.update(
        start=where["ingangsdatum"],
        end=where["einddatum"],
        allocated_on=where["toewijzingsdatum"],
        unit=where["eenheid"],
        end_reason=where["reden_beeindiging"],
    )
    for row in table.rows:
        values = row.values
        width = len(values)

        def raw(name: str, values: list[Value] = values, width: int = width) -> Value:
            index = positions.get(name)
            return values[index] if index is not None and index < width else None

        cells = Cells(reading, table.name, row.line, today)
        volume_text = text(raw("volume"))
        volume = None
        if volume_text:
            if _VOLUME.match(volume_text):
                volume = int(volume_text)
            else:
                cells.problem(
                    where["volume"], _("The volume is a whole number, 0 or more."), "invalid"
                )
        line = _finish(
            cells,
            {
                "bsn": cells.bsn(where["bsn"], text(raw("bsn"))),
                "number": cells.number(where["toewijzingnummer"], text(raw("toewijzingnummer"))),
                "category": cells.code(
                    where["productcategorie"], text(raw("productcategorie")), CATEGORIES
                ),
                "product_code": cells.pattern(
                    where["productcode"],
                    text(raw("productcode")),
                    _PRODUCT_CODE,
                    PRODUCT_CODE_RULE,
                ),
                "start": cells.date(where["ingangsdatum"], raw("ingangsdatum"), required=True),
                "end": cells.date(where["einddatum"], raw("einddatum")),
                "allocated_on": cells.date(where["toewijzingsdatum"], raw("toewijzingsdatum")),
                "volume": volume,
                "unit": cells.code(where["eenheid"], text(raw("eenheid")), UNITS),
                "frequency": cells.code(where["frequentie"], text(raw("frequentie")), FREQUENCIES),
                "provider": _provider(cells, where["aanbieder"], text(raw("aanbieder"))),
                "provider_name": text(raw("aanbieder_naam"))[:200],
                "end_reason": cells.code(
                    where["reden_beeindiging"], text(raw("reden_beeindiging")), END_REASONS
                ),
                "change_reason": cells.code(
                    where["reden_wijziging"], text(raw("reden_wijziging")), CHANGE_REASONS
                ),
                "postcode": cells.pattern(
                    where["postcode"],
                    text(raw("postcode")),
                    _POSTCODE,
                    POSTCODE_RULE,
                ),
            },
            where,
        )
        if line is not None:
            reading.lines.append(line)


def _provider(cells: Cells, where: str, raw: str) -> str:
    value = raw.replace(" ", "")
    if len(value) == 7 and value.isdigit():
        value = "0" + value  # a spreadsheet drops the leading zero of 01234567
    if not value:
        cells.problem(where, _("The provider's AGB code is required."), "required")
    elif not _AGB.match(value):
        cells.problem(where, _("An AGB code has 8 digits."), "invalid")
    return value


# --- The iWmo WMO301 message ------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    # No entities, no DTD, no network, no huge trees: a message is data, never instructions.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


# The message's structure (the elements Vivera reads and those it passes over), as the
# standard's schema orders them: (element, required, repeats). An element not listed, one out
# of order, or a required one missing, refuses the message.
Spec = tuple[tuple[str, bool, bool], ...]
STRUCTURE: dict[str, Spec] = {
    "Bericht": (("Header", True, False), ("Client", True, False)),
    "Header": (
        ("BerichtCode", True, False),
        ("BerichtVersie", True, False),
        ("BerichtSubversie", True, False),
        ("Afzender", True, False),
        ("Ontvanger", True, False),
        ("BerichtIdentificatie", True, False),
        ("XsdVersie", True, False),
    ),
    "Client": (
        ("Bsn", True, False),
        ("Geboortedatum", True, False),
        ("Geslacht", True, False),
        ("Naam", True, False),
        ("Communicatie", False, False),
        ("JuridischeStatus", False, False),
        ("WettelijkeVertegenwoordiging", False, False),
        ("Commentaar", False, False),
        ("Relaties", False, False),
        ("Contactgegevens", True, False),
        ("ToegewezenProducten", True, False),
    ),
    "ToegewezenProducten": (("ToegewezenProduct", True, True),),
    "ToegewezenProduct": (
        ("ToewijzingNummer", True, False),
        ("ReferentieAanbieder", False, False),
        ("Product", False, False),
        ("Toewijzingsdatum", True, False),
        ("Toewijzingstijd", True, False),
        ("Ingangsdatum", True, False),
        ("Einddatum", False, False),
        ("RedenWijziging", False, False),
        ("Omvang", False, False),
        ("Budget", False, False),
        ("Commentaar", False, False),
    ),
    "Product": (("Categorie", True, False), ("Code", False, False)),
    "Omvang": (("Volume", True, False), ("Eenheid", True, False), ("Frequentie", True, False)),
}
_VERSIONED = re.compile(r"^http://www\.istandaarden\.nl/(i\w+)/(\d+)_(\d+)/(\w+)/schema$")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _path(element: etree._Element) -> str:
    names = []
    node: etree._Element | None = element
    while node is not None:
        names.append(_local(node))
        node = node.getparent()
    return "/".join(reversed(names))


def _check_structure(element: etree._Element, cells: Cells) -> None:
    """The element's children against STRUCTURE, recursively for the structured ones."""
    spec = STRUCTURE.get(_local(element))
    if spec is None:
        return
    order = [name for name, _r, _m in spec]
    seen: dict[str, int] = {}
    position = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        namespace = etree.QName(child).namespace
        if name not in order or namespace not in (NAMESPACE, BASE_NAMESPACE):
            cells.problem(
                _path(child),
                _("Unknown element %(name)s in %(parent)s.")
                % {"name": name, "parent": _local(element)},
                "unknown_element",
                child.sourceline,
            )
            continue
        index = order.index(name)
        repeats = spec[index][2]
        if index < position or (name in seen and not repeats):
            cells.problem(
                _path(child),
                _("The element %(name)s is out of place or repeated.") % {"name": name},
                "out_of_order",
                child.sourceline,
            )
        position = max(position, index)
        seen[name] = seen.get(name, 0) + 1
        _check_structure(child, cells)
    for name, required, _m in spec:
        if required and name not in seen:
            cells.problem(
                f"{_path(element)}/{name}",
                _("The element %(name)s is missing.") % {"name": name},
                "missing_element",
                element.sourceline,
            )


def _find(element: etree._Element, *names: str) -> etree._Element | None:
    node: etree._Element | None = element
    for name in names:
        if node is None:
            return None
        node = next(
            (c for c in node if isinstance(c.tag, str) and _local(c) == name),
            None,
        )
    return node


def _text(element: etree._Element, *names: str) -> tuple[str, str, int | None]:
    """The trimmed text of the element at `names` below `element`, its path and line."""
    node = _find(element, *names)
    if node is None:
        return "", f"{_path(element)}/{'/'.join(names)}", element.sourceline
    return (node.text or "").strip(), _path(node), node.sourceline


def read_message(
    name: str, data: bytes, *, reading: Reading, today: dt.date, municipality_code: str
) -> None:
    """The allocations of one WMO301 message (iWmo 3.2)."""
    reading.files.append(name)
    whole = Cells(reading, name, 0, today)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        whole.problem(
            "", _("This is not well-formed XML: %(error)s") % {"error": exc.msg}, "xml", line
        )
        return
    namespace = etree.QName(root).namespace or ""
    versioned = _VERSIONED.match(namespace)
    if _local(root) != "Bericht" or versioned is None or versioned.group(4) != "wmo301":
        whole.problem(
            _local(root),
            _("This is not an iWmo WMO301 allocation message."),
            "wrong_message",
            root.sourceline,
        )
        return
    if (versioned.group(1), versioned.group(2), versioned.group(3)) != ("iwmo", *MESSAGE_VERSION):
        whole.problem(
            _local(root),
            _(
                "This WMO301 message is of iWmo version %(version)s; Vivera reads version "
                "%(expected)s."
            )
            % {
                "version": f"{versioned.group(2)}.{versioned.group(3)}",
                "expected": ".".join(MESSAGE_VERSION),
            },
            "wrong_version",
            root.sourceline,
        )
        return
    _check_structure(root, whole)
    if not whole.ok:
        return
    code, code_where, line = _text(root, "Header", "BerichtCode")
    if code != MESSAGE_CODE:
        whole.problem(
            code_where,
            _("Message code %(code)s is not %(expected)s (WMO301).")
            % {"code": code[:10], "expected": MESSAGE_CODE},
            "wrong_message",
            line,
        )
    version = (
        _text(root, "Header", "BerichtVersie")[0],
        _text(root, "Header", "BerichtSubversie")[0],
    )
    if version != MESSAGE_VERSION:
        whole.problem(
            _path(root) + "/Header/BerichtVersie",
            _(
                "This WMO301 message is of iWmo version %(version)s; Vivera reads version "
                "%(expected)s."
            )
            % {"version": ".".join(version), "expected": ".".join(MESSAGE_VERSION)},
            "wrong_version",
            line,
        )
    sender, sender_where, line = _text(root, "Header", "Afzender")
    if sender != municipality_code:
        whole.problem(
            sender_where,
            _(
                "The message was sent by municipality %(sender)s, not by this municipality "
                "(%(code)s)."
            )
            % {"sender": sender[:10], "code": municipality_code},
            "other_municipality",
            line,
        )
    receiver, receiver_where, receiver_line = _text(root, "Header", "Ontvanger")
    sent, sent_where, sent_line = _text(root, "Header", "BerichtIdentificatie", "Dagtekening")
    message_id = _text(root, "Header", "BerichtIdentificatie", "Identificatie")[0]
    client = _find(root, "Client")
    assert client is not None  # the structure has it
    bsn_text, bsn_where, bsn_line = _text(client, "Bsn")
    postcode = ""
    contacts = _find(client, "Contactgegevens")
    for contact in contacts if contacts is not None else []:
        found = _text(contact, "Adres", "Postcode")[0].replace(" ", "").upper()
        if _POSTCODE.match(found):
            postcode = found
            break
    cells = Cells(reading, name, bsn_line or 0, today)
    bsn = cells.bsn(bsn_where, bsn_text)
    provider = _provider(Cells(reading, name, receiver_line or 0, today), receiver_where, receiver)
    dated = Cells(reading, name, sent_line or 0, today).date(sent_where, sent) or EARLIEST_DATE
    if not whole.ok or not cells.ok:
        return
    products = _find(client, "ToegewezenProducten")
    for product in products if products is not None else []:
        if not isinstance(product.tag, str):
            continue
        line_cells = Cells(reading, name, product.sourceline or 0, today)
        number, number_where, _l = _text(product, "ToewijzingNummer")
        values: dict[str, object] = {}
        where: dict[str, str] = {}
        for key, names in (
            ("start", ("Ingangsdatum",)),
            ("end", ("Einddatum",)),
            ("allocated_on", ("Toewijzingsdatum",)),
        ):
            raw, where[key], _l = _text(product, *names)
            values[key] = line_cells.date(where[key], _iso(raw), required=key != "end")
        category, category_where, _l = _text(product, "Product", "Categorie")
        product_code, code_where, _l = _text(product, "Product", "Code")
        volume, volume_where, _l = _text(product, "Omvang", "Volume")
        unit, where["unit"], _l = _text(product, "Omvang", "Eenheid")
        frequency, frequency_where, _l = _text(product, "Omvang", "Frequentie")
        change, change_where, _l = _text(product, "RedenWijziging")
        where["end_reason"] = change_where
        if volume and not _VOLUME.match(volume):
            line_cells.problem(
                volume_where, _("The volume is a whole number, 0 or more."), "invalid"
            )
        time = _text(product, "Toewijzingstijd")[0]
        values.update(
            bsn=bsn,
            number=line_cells.number(number_where, number),
            category=line_cells.code(category_where, category, CATEGORIES) or GENERIC,
            product_code=line_cells.pattern(
                code_where,
                product_code,
                _PRODUCT_CODE,
                PRODUCT_CODE_RULE,
            ),
            volume=int(volume) if _VOLUME.match(volume) else None,
            unit=line_cells.code(where["unit"], unit, UNITS),
            frequency=line_cells.code(frequency_where, frequency, FREQUENCIES),
            provider=provider,
            provider_name="",
            end_reason="",
            change_reason=line_cells.code(change_where, change, CHANGE_REASONS),
            postcode=postcode,
        )
        allocated = values["allocated_on"]
        line = _finish(line_cells, values, where)
        if line is not None:
            line.order = (
                dated,
                f"{allocated.isoformat() if isinstance(allocated, dt.date) else ''} {time}",
                message_id,
            )
            reading.lines.append(line)


def _iso(raw: str) -> str:
    """An XML date is ISO (2023-01-01); anything else is refused by `Cells.date`'s rule."""
    return raw if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else (raw and f"?{raw}")


def is_message(name: str, data: bytes) -> bool:
    return name.lower().endswith(".xml") or data.lstrip()[:5] == b"<?xml"
