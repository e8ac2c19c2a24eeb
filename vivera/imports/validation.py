"""Checking legacy export files before anything is written.

`validate(municipality=…, tables=[…])` reads every row of every recognised file, resolves codes,
teams, users and the references between the files, and returns a `Plan`: the rows that can be
written (with Vivera ids resolved), the rows already imported before (skipped), and a `Problem`
for every bad row (file, line, column, reason). Reasons are translated and never repeat a
personal value from the file (a name, a BSN, a date of birth): the line and column say where.

Everything the checks need is read up front into dictionaries (code lists, teams, users,
locations, postcode areas, keys imported before, BSNs in use), so a file of 100,000 rows costs
a handful of queries.

The files and columns are documented in docs/import.md; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import PERSON_ROLES, User
from vivera.organisation.models import (
    Location,
    Municipality,
    PostcodeArea,
    Team,
)
from vivera.registration.bsn import is_valid_bsn, normalise_bsn
from vivera.registration.models import (
    Channel,
    Client,
    Complexity,
    ContactWith,
    CoreTask,
    Dossier,
    DossierStatus,
)

from .columns import (
    CHOICE_WORDS,
    CODE_LISTS,
    CODES,
    KEY_COLUMN,
    LIST_OF_COLUMN,
    MAX_KEY,
    FileSpec,
    spec_for,
    spec_of,
)
from .models import ImportedRecord, Kind
from .readers import Table, Value, canonical_header, parse_date, text

EARLIEST_DATE = dt.date(2000, 1, 1)  # as the registration services: older is a typing error
EARLIEST_BIRTH = dt.date(1900, 1, 1)
MAX_MINUTES = 24 * 60


# --- The result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # as the spreadsheet shows it (header = 1); 0 for the file as a whole
    column: str  # the header as written in the file, or the documented name when missing
    reason: str
    code: str  # stable, for tests and tools: "required", "invalid_date", "unknown_code", …


@dataclass(slots=True)
class ClientRow:
    key: str
    first_name: str
    name_prefix: str
    last_name: str
    birth_date: dt.date | None
    bsn: str
    postcode: str
    house_number: str
    neighbourhood_id: int | None


@dataclass(slots=True)
class DossierRow:
    key: str
    client_key: str
    team_id: int
    referrer_id: int
    case_director_id: int | None
    complexity: str
    registered: dt.date
    waiting: dt.date | None
    intake: dt.date | None
    closed: dt.date | None

    def changes(self) -> list[tuple[str, str, dt.date]]:
        """The status history the dates tell (from, to, date), along ALLOWED_STATUS_CHANGES:
        registered → (waiting →) (intake → active →) closed."""
        steps = [(DossierStatus.REGISTERED, self.registered)]
        if self.waiting:
            steps.append((DossierStatus.WAITING, self.waiting))
        if self.intake:
            steps += [(DossierStatus.INTAKE, self.intake), (DossierStatus.ACTIVE, self.intake)]
        if self.closed:
            steps.append((DossierStatus.CLOSED, self.closed))
        result, before = [], ""
        for status, date in steps:
            result.append((before, str(status), date))
            before = str(status)
        return result


@dataclass(slots=True)
class QuestionRow:
    key: str
    dossier_key: str
    domain_id: int
    opened: dt.date
    closed: dt.date | None
    outcome_id: int | None


@dataclass(slots=True)
class ContactRow:
    key: str
    dossier_key: str
    date: dt.date
    kind_id: int
    minutes: int
    with_whom: str
    core_task: str
    professional_ids: list[int]


@dataclass(slots=True)
class ShortContactRow:
    key: str
    date: dt.date
    part_of_day: str
    channel: str
    location_id: int | None
    domain_id: int
    result: str
    team_id: int | None


@dataclass
class KindCount:
    rows: int = 0  # data rows in the files
    valid: int = 0  # new and valid: written by an import
    already: int = 0  # imported before: skipped
    invalid: int = 0


@dataclass
class Plan:
    problems: list[Problem] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, KindCount] = field(default_factory=lambda: {k: KindCount() for k in Kind})
    clients: list[ClientRow] = field(default_factory=list)
    dossiers: list[DossierRow] = field(default_factory=list)
    questions: list[QuestionRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    short_contacts: list[ShortContactRow] = field(default_factory=list)
    # Ids of records imported before, by legacy key, that new rows refer to.
    existing: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def new_rows(self) -> int:
        return sum(c.valid for c in self.counts.values())


# --- Looking things up -------------------------------------------------------------------------


def _fold(value: str) -> str:
    """Codes and list words match loosely: "Huis-bezoek" is `huisbezoek`."""
    return canonical_header(value)


def _name(value: str) -> str:
    """Names of teams, locations and users match whatever their case and spacing, but not
    their punctuation: `j.jansen` and `jjansen` are two users."""
    return " ".join(value.casefold().split())


class Lookups:
    """Everything the checks compare against, read once."""

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        self.today = timezone.localdate()
        self.codes: dict[str, dict[str, int]] = {}
        self.code_of: dict[str, dict[int, str]] = {}
        for name, model in CODE_LISTS.items():
            by_key: dict[str, int] = {}
            self.code_of[name] = {}
            for pk, code, label in model._default_manager.values_list("pk", "code", "name"):
                by_key.setdefault(_fold(label), pk)
                self.code_of[name][pk] = code
            for pk, code in self.code_of[name].items():
                by_key[_fold(code)] = pk  # a code wins over a display name
            self.codes[name] = by_key
        self.choices = {
            name: {
                **{_fold(v): v for v in words.values()},
                **{_fold(k): v for k, v in words.items()},
            }
            for name, words in CHOICE_WORDS.items()
        }
        self.teams = {
            _name(name): pk
            for pk, name in Team.objects.filter(municipality=municipality).values_list("pk", "name")
        }
        self.locations = {
            _name(name): (pk, team_id)
            for pk, name, team_id in Location.objects.filter(municipality=municipality).values_list(
                "pk", "name", "team_id"
            )
        }
        # Case directors and the professionals of a contact: team professionals and
        # coordinators of the municipality, also inactive ones (history).
        self.users = {
            _name(name): pk
            for pk, name in User.objects.filter(
                municipality=municipality, role__in=PERSON_ROLES
            ).values_list("pk", "username")
        }
        self.postcodes = dict(
            PostcodeArea.objects.filter(neighbourhood__municipality=municipality).values_list(
                "postcode", "neighbourhood_id"
            )
        )
        self.bsns = set(
            Client.objects.filter(municipality=municipality)
            .exclude(bsn="")
            .values_list("bsn", flat=True)
        )
        self.imported: dict[str, dict[str, int]] = defaultdict(dict)
        for kind, key, object_id in ImportedRecord.objects.filter(
            municipality=municipality
        ).values_list("kind", "external_id", "object_id"):
            self.imported[kind][key] = object_id
        self.mapping: dict[tuple[str, str], str] = {}

    def neighbourhood(self, postcode: str) -> int | None:
        """As the registration does it: the full postcode first, then its four digits."""
        return self.postcodes.get(postcode) or self.postcodes.get(postcode[:4])


# --- Checking one row --------------------------------------------------------------------------


class RowCheck:
    """The cells of one row, read by documented column name, collecting the row's problems."""

    def __init__(
        self,
        plan: Plan,
        table: Table,
        columns: dict[str, int],
        line: int,
        values: list[Value],
        lookups: Lookups,
    ) -> None:
        self.plan, self.table, self.columns = plan, table, columns
        self.line, self.values, self.lookups = line, values, lookups
        self.width = len(values)
        self.ok = True

    def header(self, name: str) -> str:
        index = self.columns.get(canonical_header(name))
        return self.table.headers[index] if index is not None else name

    def problem(self, name: str, reason: str, code: str) -> None:
        self.ok = False
        self.plan.problems.append(
            Problem(self.table.name, self.line, self.header(name), reason, code)
        )

    def raw(self, name: str) -> Value:
        index = self.columns.get(name)  # `_columns` also keys the documented names
        if index is None or index >= self.width:
            return None
        return self.values[index]

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = text(self.raw(name))
        if required and not value:
            self.problem(name, _("This column is required."), "required")
        elif max_length is not None and len(value) > max_length:
            self.problem(
                name, _("Longer than %(max)d characters.") % {"max": max_length}, "too_long"
            )
            return ""
        return value

    def date(
        self, name: str, *, required: bool = False, earliest: dt.date = EARLIEST_DATE
    ) -> dt.date | None:
        raw = self.raw(name)
        if not text(raw):
            if required:
                self.problem(name, _("This column is required."), "required")
            return None
        day = parse_date(raw)
        if day is None:
            self.problem(
                name, _("Not a date. Use dd-mm-yyyy (31-12-2017) or yyyy-mm-dd."), "invalid_date"
            )
        elif day > self.lookups.today:
            self.problem(name, _("The date lies in the future."), "future_date")
        elif day < earliest:
            self.problem(
                name,
                _("The date is before %(year)d; please check the year.") % {"year": earliest.year},
                "too_old",
            )
        else:
            return day
        return None

    def _mapped(self, name: str, value: str) -> str:
        """The value after the mapping table (codetabel), if it maps this list's value."""
        if not self.lookups.mapping:
            return value
        listed = LIST_OF_COLUMN.get(canonical_header(name), "")
        return self.lookups.mapping.get((listed, _fold(value)), value)

    def code(self, name: str, list_name: str, *, required: bool = False) -> int | None:
        value = self.text(name, required=required)
        if not value:
            return None
        found = self.lookups.codes[list_name].get(_fold(self._mapped(name, value)))
        if found is None:
            self.problem(
                name,
                _("Unknown code “%(code)s”: use a Vivera code or add it to codetabel.")
                % {"code": value[:40]},
                "unknown_code",
            )
        return found

    def choice(self, name: str, *, required: bool = False, default: str = "") -> str:
        value = self.text(name, required=required)
        if not value:
            return default
        found = self.lookups.choices[name].get(_fold(self._mapped(name, value)))
        if found is None:
            allowed = ", ".join(CHOICE_WORDS[name])
            self.problem(
                name,
                _("Unknown value “%(code)s”; allowed: %(allowed)s.")
                % {"code": value[:40], "allowed": allowed},
                "unknown_code",
            )
            return ""
        return found

    def user(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        found = self.lookups.users.get(_name(value))
        if found is None:
            self.problem(
                name,
                _("No team professional or coordinator with this username in the municipality."),
                "unknown_user",
            )
        return found


def _columns(plan: Plan, table: Table, spec: FileSpec) -> dict[str, int] | None:
    """Canonical column name → index; None (and a problem per missing column) when a required
    column is missing: then no row of the file can be read."""
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = canonical_header(header)
        if key in columns:
            plan.problems.append(
                Problem(table.name, 1, header, _("This column appears twice."), "duplicate_column")
            )
            return None
        columns[key] = index
    missing = [c.name for c in spec.columns if c.required and c.key not in columns]
    for name in missing:
        plan.problems.append(
            Problem(
                table.name,
                1,
                name,
                _("The column is missing from the header line."),
                "missing_column",
            )
        )
    # The documented names too, so reading a cell needs no header matching.
    columns.update({c.name: columns[c.key] for c in spec.columns if c.key in columns})
    return None if missing else columns


# --- The checks per file -------------------------------------------------------------------


def _key(row: RowCheck, kind: str, seen: dict[str, int]) -> str | None:
    """The row's legacy number; None when missing, too long or repeated in the files."""
    name = KEY_COLUMN[kind]
    key = row.text(name, required=True)
    if not key:
        return None
    if len(key) > MAX_KEY:
        row.problem(name, _("Longer than %(max)d characters.") % {"max": MAX_KEY}, "too_long")
        return None
    if key in seen:
        row.problem(
            name, _("This number also appears in line %(line)d.") % {"line": seen[key]}, "duplicate"
        )
        return None
    seen[key] = row.line
    return key


def _client(row: RowCheck, key: str, bsn_lines: dict[str, int]) -> ClientRow | None:
    first = row.text("voornaam", required=True, max_length=100)
    prefix = row.text("tussenvoegsel", max_length=20)
    last = row.text("achternaam", required=True, max_length=100)
    birth = row.date("geboortedatum", earliest=EARLIEST_BIRTH)
    bsn = normalise_bsn(row.text("bsn"))
    if bsn:
        if not is_valid_bsn(bsn):
            row.problem(
                "bsn",
                _("Not a valid BSN: it needs 9 digits and must pass the 11-test."),
                "invalid_bsn",
            )
        elif bsn in bsn_lines:
            row.problem(
                "bsn",
                _("The same BSN is in line %(line)d.") % {"line": bsn_lines[bsn]},
                "duplicate_bsn",
            )
        elif bsn in row.lookups.bsns:
            row.problem(
                "bsn", _("A client with this BSN is already registered in Vivera."), "existing_bsn"
            )
        else:
            bsn_lines[bsn] = row.line
    postcode = row.text("postcode").replace(" ", "").upper()
    if postcode and not (
        len(postcode) == 6
        and postcode[:4].isascii()
        and postcode[:4].isdigit()
        and postcode[4:].isascii()
        and postcode[4:].isalpha()
    ):
        row.problem("postcode", _("Not a postcode like 1234AB."), "invalid_postcode")
    house_number = row.text("huisnummer", max_length=10)
    if not row.ok:
        return None
    return ClientRow(
        key,
        first,
        prefix,
        last,
        birth,
        bsn,
        postcode,
        house_number,
        row.lookups.neighbourhood(postcode) if postcode else None,
    )


def _dossier(row: RowCheck, key: str) -> DossierRow | None:
    client_key = row.text("clientnummer", required=True)
    team_name = row.text("team", required=True)
    team_id = row.lookups.teams.get(_name(team_name)) if team_name else None
    if team_name and team_id is None:
        row.problem("team", _("No team with this name in the municipality."), "unknown_team")
    referrer_id = row.code("verwijzer", "verwijzer", required=True)
    director_id = row.user("casusregisseur")
    complexity = row.choice("complexiteit", default=Complexity.SINGLE)
    registered = row.date("aanmelddatum", required=True)
    waiting = row.date("wachtlijstdatum")
    intake = row.date("intakedatum")
    closed = row.date("afsluitdatum")
    # Each date on or after the one before it; the later column gets the problem.
    previous: tuple[str, dt.date | None] = ("aanmelddatum", registered)
    for name, day in (
        ("wachtlijstdatum", waiting),
        ("intakedatum", intake),
        ("afsluitdatum", closed),
    ):
        if day is not None and previous[1] is not None and day < previous[1]:
            row.problem(
                name,
                _("The date is before the %(column)s.") % {"column": row.header(previous[0])},
                "date_order",
            )
        if day is not None:
            previous = (name, day)
    if intake is not None and director_id is None and not row.text("casusregisseur"):
        row.problem(
            "casusregisseur",
            _("A dossier with an intake needs a case director."),
            "no_case_director",
        )
    if not row.ok or registered is None or team_id is None or referrer_id is None:
        return None
    return DossierRow(
        key,
        client_key,
        team_id,
        referrer_id,
        director_id,
        complexity,
        registered,
        waiting,
        intake,
        closed,
    )


def _question(row: RowCheck, key: str) -> QuestionRow | None:
    dossier_key = row.text("dossiernummer", required=True)
    domain_id = row.code("levensdomein", "levensdomein", required=True)
    opened = row.date("geopend", required=True)
    closed = row.date("gesloten")
    outcome_id = row.code("uitkomst", "uitkomst")
    if opened and closed and closed < opened:
        row.problem("gesloten", _("The closing date is before the opening date."), "date_order")
    if closed and outcome_id is None and not row.text("uitkomst"):
        row.problem("uitkomst", _("A closed question needs an outcome."), "no_outcome")
    if not closed and row.text("uitkomst") and not row.text("gesloten"):
        row.problem(
            "gesloten", _("A question with an outcome needs a closing date."), "no_closing_date"
        )
    if not row.ok or domain_id is None or opened is None:
        return None
    return QuestionRow(key, dossier_key, domain_id, opened, closed, outcome_id)


def _minutes(row: RowCheck) -> int | None:
    value = row.text("duur_minuten", required=True).replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number.is_integer() or not 1 <= number <= MAX_MINUTES:
        row.problem(
            "duur_minuten",
            _("Not a whole number of minutes from 1 to %(max)d.") % {"max": MAX_MINUTES},
            "invalid_number",
        )
        return None
    return int(number)


def _contact(row: RowCheck, key: str) -> ContactRow | None:
    dossier_key = row.text("dossiernummer", required=True)
    date = row.date("datum", required=True)
    kind_id = row.code("soort", "contactsoort", required=True)
    minutes = _minutes(row)
    with_whom = row.choice("met", default=ContactWith.CLIENT)
    core_task = row.choice("kerntaak", default=CoreTask.SUPPORT)
    professionals: list[int] = []
    names = row.text("medewerkers").replace(";", ",").replace("|", ",").replace(" ", ",")
    for name in filter(None, names.split(",")):
        user_id = row.lookups.users.get(_name(name))
        if user_id is None:
            row.problem(
                "medewerkers",
                _(
                    "No team professional or coordinator with the "
                    "username “%(name)s” in the municipality."
                )
                % {"name": name[:40]},
                "unknown_user",
            )
        elif user_id not in professionals:
            professionals.append(user_id)
    if not row.ok or date is None or kind_id is None or minutes is None:
        return None
    return ContactRow(key, dossier_key, date, kind_id, minutes, with_whom, core_task, professionals)


def _short_contact(
    row: RowCheck, occurrences: Counter[str], seen: dict[str, int]
) -> ShortContactRow | None:
    date = row.date("datum", required=True)
    part = row.choice("dagdeel", required=True)
    channel = row.choice("kanaal", required=True)
    domain_id = row.code("onderwerp", "levensdomein", required=True)
    result = row.choice("resultaat", required=True)
    location_name = row.text("inlooppunt")
    location_id = team_id = None
    if location_name:
        found = row.lookups.locations.get(_name(location_name))
        if found is None:
            row.problem(
                "inlooppunt",
                _("No walk-in location with this name in the municipality."),
                "unknown_location",
            )
        else:
            location_id, team_id = found
    if channel == Channel.WALK_IN and not location_name:
        row.problem("inlooppunt", _("A walk-in contact needs its walk-in location."), "no_location")
    team_name = row.text("team")
    if team_name:
        team_id = row.lookups.teams.get(_name(team_name))
        if team_id is None:
            row.problem("team", _("No team with this name in the municipality."), "unknown_team")
    number = row.text("nummer", max_length=MAX_KEY)
    if number in seen:
        row.problem(
            "nummer",
            _("This number also appears in line %(line)d.") % {"line": seen[number]},
            "duplicate",
        )
    if not row.ok or date is None or domain_id is None:
        return None
    if channel != Channel.WALK_IN:
        location_id = None  # as the registration: only a walk-in has a location
    if number:
        seen[number] = row.line
        key = number
    else:
        key = short_contact_key(
            date=date,
            part_of_day=part,
            channel=channel,
            location_id=location_id,
            domain=row.lookups.code_of["levensdomein"][domain_id],
            result=result,
            team_id=team_id,
            occurrences=occurrences,
        )
    return ShortContactRow(key, date, part, channel, location_id, domain_id, result, team_id)


def short_contact_key(
    *,
    date: dt.date,
    part_of_day: str,
    channel: str,
    location_id: int | None,
    domain: str,
    result: str,
    team_id: int | None,
    occurrences: Counter[str],
) -> str:
    """A short contact without a number is known by what it says: a hash of its normalised
    values, plus how many identical rows came before it in this import (two identical phone
    calls on one morning are two contacts, and stay two when the file is imported again)."""
    values = "|".join(
        str(v)
        for v in (
            date.isoformat(),
            part_of_day,
            channel,
            location_id or "",
            domain,
            result,
            team_id or "",
        )
    )
    digest = hashlib.sha256(values.encode()).hexdigest()[:40]
    occurrences[digest] += 1
    return f"h:{digest}:{occurrences[digest]}"


# --- The mapping table -------------------------------------------------------------------------


def _read_mapping(plan: Plan, tables: list[Table], lookups: Lookups) -> None:
    lists = sorted({*CODE_LISTS, *CHOICE_WORDS})
    for table in tables:
        columns = _columns(plan, table, spec_of(CODES))
        if columns is None:
            continue
        for r in table.rows:
            row = RowCheck(plan, table, columns, r.line, r.values, lookups)
            listed = _fold(row.text("lijst", required=True))
            old = row.text("oude_code", required=True)
            new = row.text("vivera_code", required=True)
            if not (listed and old and new):
                continue
            if listed not in lists:
                row.problem(
                    "lijst",
                    _("Unknown list; use one of: %(lists)s.") % {"lists": ", ".join(lists)},
                    "unknown_list",
                )
                continue
            known = lookups.codes.get(listed) or lookups.choices.get(listed) or {}
            if _fold(new) not in known:
                row.problem(
                    "vivera_code",
                    _("Unknown code “%(code)s” in the list %(list)s.")
                    % {"code": new[:40], "list": listed},
                    "unknown_code",
                )
                continue
            lookups.mapping[(listed, _fold(old))] = new


# --- The whole check ---------------------------------------------------------------------------


def validate(*, municipality: Municipality, tables: Iterable[Table]) -> Plan:
    """Check every file; see the module docstring. Files are recognised by name (`spec_for`);
    a file that is not recognised is a problem of its own."""
    plan = Plan()
    lookups = Lookups(municipality)
    by_kind: dict[str, list[Table]] = defaultdict(list)
    for table in tables:
        spec = spec_for(table.name)
        plan.files.append(
            {"name": table.name, "kind": spec.kind if spec else "", "rows": len(table.rows)}
        )
        if spec is None:
            plan.problems.append(
                Problem(
                    table.name,
                    0,
                    "",
                    _("File not recognised by its name; see docs/import.md for the names."),
                    "unknown_file",
                )
            )
        else:
            by_kind[spec.kind].append(table)
    _read_mapping(plan, by_kind[CODES], lookups)

    makers: dict[str, Callable[..., Any]] = {
        Kind.CLIENT: _client,
        Kind.DOSSIER: _dossier,
        Kind.QUESTION: _question,
        Kind.CONTACT: _contact,
    }
    rows: dict[str, dict[str, tuple[Any, str, int]]] = defaultdict(dict)
    invalid: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    bsn_lines: dict[str, int] = {}
    occurrences: Counter[str] = Counter()
    for kind in Kind:
        seen: dict[str, int] = {}
        count = plan.counts[kind]
        for table in by_kind[kind]:
            count.rows += len(table.rows)
            columns = _columns(plan, table, spec_of(kind))
            if columns is None:
                count.invalid += len(table.rows)
                continue
            for r in table.rows:
                row = RowCheck(plan, table, columns, r.line, r.values, lookups)
                if kind == Kind.SHORT_CONTACT:
                    made = _short_contact(row, occurrences, seen)
                    key = made.key if made else None
                else:
                    key = _key(row, kind, seen)
                    if key is not None and key in lookups.imported[kind]:
                        count.already += 1
                        continue
                    made = None
                    if key is not None:
                        args = (bsn_lines,) if kind == Kind.CLIENT else ()
                        made = makers[kind](row, key, *args)
                if made is None:
                    count.invalid += 1
                    if key is not None:
                        invalid[kind][key] = (table.name, r.line)
                elif kind == Kind.SHORT_CONTACT and key in lookups.imported[kind]:
                    count.already += 1
                else:
                    rows[kind][made.key] = (made, table.name, r.line)
    _cross_check(plan, rows, invalid, lookups, by_kind)
    for kind in Kind:
        plan.counts[kind].valid = len(rows[kind])
    plan.clients = [r for r, _f, _l in rows[Kind.CLIENT].values()]
    plan.dossiers = [r for r, _f, _l in rows[Kind.DOSSIER].values()]
    plan.questions = [r for r, _f, _l in rows[Kind.QUESTION].values()]
    plan.contacts = [r for r, _f, _l in rows[Kind.CONTACT].values()]
    plan.short_contacts = [r for r, _f, _l in rows[Kind.SHORT_CONTACT].values()]
    plan.existing = {
        Kind.CLIENT: lookups.imported[Kind.CLIENT],
        Kind.DOSSIER: lookups.imported[Kind.DOSSIER],
    }
    # In the order of the data: unrecognised files, the mapping table, then parents first.
    kinds = {kind: i for i, kind in enumerate(["", CODES, *Kind])}
    order = {f["name"]: (kinds.get(f["kind"], 0), i) for i, f in enumerate(plan.files)}
    plan.problems.sort(key=lambda p: (order.get(p.file, (0, 0)), p.line))
    return plan


@dataclass(frozen=True)
class _Span:
    registered: dt.date
    closed: dt.date | None


def _cross_check(
    plan: Plan,
    rows: dict[str, dict[str, tuple[Any, str, int]]],
    invalid: dict[str, dict[str, tuple[str, int]]],
    lookups: Lookups,
    by_kind: dict[str, list[Table]],
) -> None:
    """References between the files: a dossier's client, a question's or contact's dossier,
    in the files or imported before. A row whose parent has errors is not valid either (it
    could not be written without it); the reason names the parent's line."""
    headers: dict[str, dict[str, str]] = {
        kind: {canonical_header(h): h for t in by_kind[kind] for h in t.headers} for kind in Kind
    }

    def problem(kind: str, file: str, line: int, column: str, reason: str, code: str) -> None:
        plan.problems.append(
            Problem(file, line, headers[kind].get(canonical_header(column), column), reason, code)
        )

    def parent_missing(
        kind: str, file: str, line: int, column: str, parent_kind: str, parent_key: str
    ) -> None:
        if parent_key in invalid[parent_kind]:
            parent_file, parent_line = invalid[parent_kind][parent_key]
            problem(
                kind,
                file,
                line,
                column,
                _("Refers to line %(line)d of %(file)s, which has errors.")
                % {"line": parent_line, "file": parent_file},
                "invalid_parent",
            )
        else:
            problem(
                kind,
                file,
                line,
                column,
                _("This number is not in %(file)s and was not imported before.")
                % {
                    "file": _("the client file")
                    if parent_kind == Kind.CLIENT
                    else _("the dossier file")
                },
                "unknown_reference",
            )

    # Dossiers → clients; at most one open dossier per client and team.
    imported_clients = lookups.imported[Kind.CLIENT]
    open_in_db = (
        set(
            Dossier.objects.filter(
                municipality=lookups.municipality,
                closed_on__isnull=True,
                client_id__in=[
                    imported_clients[r.client_key]
                    for r, _f, _l in rows[Kind.DOSSIER].values()
                    if r.client_key in imported_clients
                ],
            ).values_list("client_id", "team_id")
        )
        if imported_clients
        else set()
    )
    open_pairs: dict[tuple[str, int], int] = {}
    for key, (dossier, file, line) in list(rows[Kind.DOSSIER].items()):
        ok = True
        if (
            dossier.client_key not in rows[Kind.CLIENT]
            and dossier.client_key not in imported_clients
        ):
            parent_missing(
                Kind.DOSSIER, file, line, "clientnummer", Kind.CLIENT, dossier.client_key
            )
            ok = False
        elif dossier.closed is None:
            pair = (dossier.client_key, dossier.team_id)
            client_id = imported_clients.get(dossier.client_key)
            if pair in open_pairs or (client_id, dossier.team_id) in open_in_db:
                problem(
                    Kind.DOSSIER,
                    file,
                    line,
                    "afsluitdatum",
                    _(
                        "The client already has an open dossier with this team; a client has at "
                        "most one open dossier per team."
                    ),
                    "open_dossier_exists",
                )
                ok = False
            open_pairs[pair] = line
        if not ok:
            del rows[Kind.DOSSIER][key]
            invalid[Kind.DOSSIER][key] = (file, line)
            plan.counts[Kind.DOSSIER].invalid += 1

    # Questions and contacts → dossiers, within the dossier's dates.
    imported_dossiers = lookups.imported[Kind.DOSSIER]
    wanted = {
        r.dossier_key
        for kind in (Kind.QUESTION, Kind.CONTACT)
        for r, _f, _l in rows[kind].values()
        if r.dossier_key in imported_dossiers and r.dossier_key not in rows[Kind.DOSSIER]
    }
    spans: dict[str, _Span] = {
        key: _Span(d.registered, d.closed) for key, (d, _f, _l) in rows[Kind.DOSSIER].items()
    }
    if wanted:
        by_id = {
            pk: _Span(registered, closed)
            for pk, registered, closed in Dossier.objects.filter(
                pk__in=[imported_dossiers[k] for k in wanted]
            ).values_list("pk", "registered_on", "closed_on")
        }
        spans.update(
            {k: by_id[imported_dossiers[k]] for k in wanted if imported_dossiers[k] in by_id}
        )
    for kind, date_column in ((Kind.QUESTION, "geopend"), (Kind.CONTACT, "datum")):
        for key, (child, file, line) in list(rows[kind].items()):
            span = spans.get(child.dossier_key)
            if span is None:
                parent_missing(kind, file, line, "dossiernummer", Kind.DOSSIER, child.dossier_key)
            if span is None or not _within(kind, child, span, file, line, date_column, problem):
                del rows[kind][key]
                plan.counts[kind].invalid += 1


def _within(
    kind: str,
    child: QuestionRow | ContactRow,
    span: _Span,
    file: str,
    line: int,
    date_column: str,
    problem: Callable[..., None],
) -> bool:
    """Whether the question or contact lies within its dossier's dates (and a question of a
    closed dossier is closed); a problem otherwise."""
    first = child.opened if isinstance(child, QuestionRow) else child.date
    last = child.closed if isinstance(child, QuestionRow) else child.date
    if first < span.registered:
        problem(
            kind,
            file,
            line,
            date_column,
            _("The date is before the dossier's registration date."),
            "before_dossier",
        )
    elif span.closed is not None and last is None:
        problem(
            kind,
            file,
            line,
            "gesloten",
            _("The question is open, but its dossier is closed: give its closing date."),
            "open_in_closed_dossier",
        )
    elif span.closed is not None and last is not None and last > span.closed:
        problem(
            kind,
            file,
            line,
            "gesloten" if kind == Kind.QUESTION else date_column,
            _("The date is after the dossier's closing date."),
            "after_closing",
        )
    else:
        return True
    return False
