"""Answers collected by an outside survey bureau, from its CSV or XLSX file (docs/survey.md,
"Import door een onderzoeksbureau"): read with the import's readers (the same limits on size,
rows and XLSX bombs, the same encodings and date formats), every row checked through the same
`AnswerForm` as the resident's own pages, and written all or nothing.

A row whose code was already answered through the bureau is skipped and counted ("already
processed"), so importing the same file twice adds nothing. Any other problem refuses the whole
file, with every problem named by line and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from vivera.accounts.models import User
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.imports import readers
from vivera.organisation.models import Location

from . import services
from .answers import AnswerForm, answers_from, field_name, locations_for
from .models import (
    Agreement,
    Invitation,
    Question,
    QuestionKind,
    ResponseChannel,
    Survey,
    digest,
    normalise_code,
)

CODE = "code"
DATE = "ingevuld_op"


def columns(survey: Survey) -> list[tuple[str, Question | None, Location | None]]:
    """The file's columns: `code`, `ingevuld_op`, then one per question of the current version
    (a rating per walk-in point: one per point, `<code>@<location id>`)."""
    result: list[tuple[str, Question | None, Location | None]] = [
        (CODE, None, None),
        (DATE, None, None),
    ]
    locations = locations_for(survey)
    for question in services.current_version(survey).questions.order_by("position"):
        if question.kind == QuestionKind.LOCATION:
            result += [(f"{question.code}@{loc.pk}", question, loc) for loc in locations]
        else:
            result.append((question.code, question, None))
    return result


@dataclass
class Problem:
    line: int
    column: str
    message: str


@dataclass
class Checked:
    line: int
    code: str
    form: AnswerForm
    answered_on: dt.date


@dataclass
class BureauResult:
    rows: int = 0
    imported: int = 0
    already: int = 0
    problems: list[Problem] = field(default_factory=list)
    valid: list[Checked] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


SCALE_WORDS = {readers.canonical_header(str(a.label)): a.value for a in Agreement} | {
    readers.canonical_header(word): value
    for word, value in (
        ("helemaal mee eens", 5),
        ("zeer mee eens", 5),
        ("mee eens", 4),
        ("neutraal", 3),
        ("niet mee eens", 2),
        ("mee oneens", 2),
        ("helemaal niet mee eens", 1),
        ("zeer mee oneens", 1),
        ("weet niet", 0),
        ("nvt", 0),
    )
}


def _value(question: Question, raw: str) -> Any:
    """A cell as the answer form's value; an impossible value is passed on for the form to
    refuse in its own words."""
    if question.kind in (QuestionKind.STATEMENT, QuestionKind.LOCATION):
        return str(SCALE_WORDS.get(readers.canonical_header(raw), raw))
    if question.kind == QuestionKind.SINGLE:
        return str(int(raw) - 1) if raw.isdigit() else raw
    if question.kind == QuestionKind.MULTIPLE:
        parts = [p.strip() for p in raw.replace(",", ";").split(";") if p.strip()]
        return [str(int(p) - 1) if p.isdigit() else p for p in parts]
    return raw


def _invitations(survey: Survey, table: readers.Table, column: int) -> dict[str, Invitation]:
    """The survey's invitations of every code in the file, by code hash, in a few queries."""
    hashes = sorted(
        {
            digest(normalise_code(readers.text(row.values[column])))
            for row in table.rows
            if column < len(row.values)
        }
    )
    found: dict[str, Invitation] = {}
    for start in range(0, len(hashes), 500):
        found.update(
            (i.code_hash, i)
            for i in Invitation.objects.filter(
                survey=survey, code_hash__in=hashes[start : start + 500]
            ).select_related("response")
        )
    return found


def check(*, survey: Survey, table: readers.Table, today: dt.date) -> BureauResult:
    result = BureauResult()
    if not survey.is_open:
        result.problems.append(Problem(1, "", _("This survey is not open: it accepts no answers.")))
        return result
    expected = {readers.canonical_header(name): (name, q, loc) for name, q, loc in columns(survey)}

    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = readers.canonical_header(header)
        if key not in expected:
            result.problems.append(
                Problem(1, header, _("Unknown column: check its name against the column list."))
            )
        elif expected[key][0] in positions:
            result.problems.append(Problem(1, header, _("This column appears twice.")))
        else:
            positions[expected[key][0]] = index
    if CODE not in positions:
        result.problems.append(Problem(1, CODE, _("The column code is missing.")))
        return result
    every = columns(survey)
    questions = list(dict.fromkeys(q for _n, q, _l in every if q is not None))
    names = {field_name(q, loc): n for n, q, loc in every if q is not None}
    locations = locations_for(survey)
    seen: dict[str, int] = {}
    invitations = _invitations(survey, table, positions[CODE])
    for row in table.rows:
        cells = {
            name: readers.text(row.values[i]) if i < len(row.values) else ""
            for name, i in positions.items()
        }
        if not any(cells.values()):
            continue
        result.rows += 1
        code = normalise_code(cells[CODE])
        if not code:
            result.problems.append(Problem(row.line, CODE, _("The code is empty.")))
            continue
        if code in seen:
            result.problems.append(
                Problem(
                    row.line, CODE, _("This code is also on line %(line)d.") % {"line": seen[code]}
                )
            )
            continue
        seen[code] = row.line
        invitation = invitations.get(digest(code))
        if invitation is None:
            result.problems.append(
                Problem(row.line, CODE, _("No invitation to this survey has this code."))
            )
            continue
        if invitation.answered:
            if (
                invitation.response is not None
                and invitation.response.channel == ResponseChannel.BUREAU
            ):
                result.already += 1
            else:
                result.problems.append(
                    Problem(row.line, CODE, _("This resident already answered online or on paper."))
                )
            continue
        if invitation.declined:
            result.problems.append(
                Problem(row.line, CODE, _("This resident said it does not want to take part."))
            )
            continue
        answered_on = today
        if DATE in positions and cells[DATE]:
            parsed = readers.parse_date(row.values[positions[DATE]])
            if parsed is None:
                result.problems.append(
                    Problem(row.line, DATE, _("Not a date: write it as 31-12-2026."))
                )
                continue
            if parsed > today:
                result.problems.append(Problem(row.line, DATE, _("This date lies in the future.")))
                continue
            answered_on = parsed
        data: dict[str, Any] = {}
        for name, (_column, question, location) in {
            n: expected[readers.canonical_header(n)] for n in positions
        }.items():
            if question is None or not cells[name]:
                continue
            data[field_name(question, location)] = _value(question, cells[name])
        form = AnswerForm(data, questions=questions, locations=locations)
        if not form.is_valid():
            for key, errors in form.errors.items():
                for error in errors:
                    result.problems.append(Problem(row.line, names.get(key, key), str(error)))
            continue
        result.valid.append(Checked(row.line, code, form, answered_on))
    return result


def bureau_import(
    *,
    survey: Survey,
    table: readers.Table,
    user: User | None,
    today: dt.date,
    only_check: bool = False,
) -> BureauResult:
    """Check the file, and unless `only_check` or a problem, write every new response in one
    transaction; one line in the access log (counts only: the file names no one)."""
    with transaction.atomic():
        result = check(survey=survey, table=table, today=today)
        if result.ok and not only_check:
            for row in result.valid:
                services.response_enter(
                    code=row.code,
                    answers=answers_from(row.form),
                    channel=ResponseChannel.BUREAU,
                    today=row.answered_on,
                    user=user,
                    survey=survey,
                )
            result.imported = len(result.valid)
            log_access(
                user=user,
                action=Action.CREATE,
                object_type=ObjectType.SURVEY,
                object_id=survey.pk,
                municipality_id=survey.municipality_id,
                detail={
                    "bureau_import": table.name,
                    "rows": result.rows,
                    "imported": result.imported,
                    "already": result.already,
                },
            )
    return result
