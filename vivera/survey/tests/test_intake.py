"""The administrator's paper entry and the survey bureau's file: the same rules as online,
every problem at once, all or nothing, and a re-import adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry
from vivera.conftest import login
from vivera.imports import readers
from vivera.organisation.models import Location
from vivera.survey import bureau, services
from vivera.survey.answers import field_name
from vivera.survey.models import Answer, Response

from .conftest import Sample

pytestmark = pytest.mark.django_db


def _csv(rows: list[list[str]]) -> bytes:
    return ("\r\n".join(";".join(r) for r in rows) + "\r\n").encode("utf-8-sig")


def _header(sample: Sample, location: Location) -> list[str]:
    return [name for name, _q, _l in bureau.columns(sample.survey)]


def test_the_columns_are_the_questions_codes(sample: Sample, location: Location) -> None:
    names = _header(sample, location)
    assert names[:3] == ["code", "ingevuld_op", "ceo-knew-where"]
    assert f"walk-in-pleasant@{location.pk}" in names


def test_a_bureau_file_is_imported_once(
    sample: Sample, location: Location, admin_user: User
) -> None:
    a, b = sample.invitations[:2]
    rows = [
        [
            "code",
            "ingevuld_op",
            "ceo-knew-where",
            "team-mark",
            f"walk-in-pleasant@{location.pk}",
            "open-better",
        ],
        [a.code, "01-12-2026", "mee eens", "8", "5", "Goed geholpen"],
        [b.code.lower(), "", "0", "", "weet niet", ""],
    ]
    table = readers.read_bytes("bureau.csv", _csv(rows))
    today = timezone.localdate()
    result = bureau.bureau_import(survey=sample.survey, table=table, user=admin_user, today=today)
    assert result.ok and result.imported == 2
    assert Response.objects.filter(channel="bureau").count() == 2
    first = Response.objects.get(answers__text="Goed geholpen")
    assert str(first.submitted_on) == "2026-12-01"
    assert sorted(first.answers.filter(text="").values_list("value", flat=True)) == [4, 5, 8]
    entry = AccessLogEntry.objects.get(object_type="survey", action="create", detail__imported=2)
    assert entry.detail["rows"] == 2
    again = bureau.bureau_import(survey=sample.survey, table=table, user=admin_user, today=today)
    assert again.ok and again.imported == 0 and again.already == 2
    assert Response.objects.count() == 2


def test_a_bad_file_names_every_problem_and_writes_nothing(
    sample: Sample, location: Location, admin_user: User
) -> None:
    a, b, c = sample.invitations[:3]
    services.response_enter(
        code=c.code, answers={}, channel="online", today=timezone.localdate(), user=None
    )
    rows = [
        ["Code", "ingevuld op", "ceo-knew-where", "team-mark", "typfout"],
        [a.code, "", "4", "8", ""],  # valid, but the file has problems
        [b.code, "31-12-2099", "7", "11", ""],
        ["ZZZZZ-ZZZZZ", "", "", "", ""],
        [a.code, "", "", "", ""],
        [c.code, "", "", "", ""],
    ]
    result = bureau.bureau_import(
        survey=sample.survey,
        table=readers.read_bytes("bureau.csv", _csv(rows)),
        user=admin_user,
        today=timezone.localdate(),
    )
    problems = {(p.line, p.column, p.message) for p in result.problems}
    assert (1, "typfout", "Onbekende kolom: vergelijk de naam met de kolommenlijst.") in problems
    assert (3, "ingevuld_op", "Deze datum ligt in de toekomst.") in problems
    assert (4, "code", "Geen uitnodiging voor deze enquête heeft deze code.") in problems
    assert (5, "code", "Deze code staat ook op regel 2.") in problems
    assert (6, "code", "Deze inwoner heeft al online of op papier geantwoord.") in problems
    assert not result.ok and result.imported == 0
    assert Response.objects.filter(channel="bureau").count() == 0
    # Values out of range, with the dates right.
    rows = [["code", "ceo-knew-where", "team-mark"], [b.code, "7", "11"]]
    result = bureau.bureau_import(
        survey=sample.survey,
        table=readers.read_bytes("bureau.csv", _csv(rows)),
        user=admin_user,
        today=timezone.localdate(),
    )
    assert {(p.line, p.column) for p in result.problems} == {
        (2, "ceo-knew-where"),
        (2, "team-mark"),
    }
    assert Answer.objects.filter(response__channel="bureau").count() == 0


def test_an_xlsx_file_and_the_page(sample: Sample, location: Location, admin_user: User) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "ingevuld_op", "team-mark"])
    sheet.append([sample.invitations[0].code, timezone.localdate(), 7])
    data = io.BytesIO()
    book.save(data)
    http = login(admin_user)
    url = reverse("survey_intake:bureau", args=[sample.survey.pk])
    checked = http.post(
        url,
        {"file": SimpleUploadedFile("antwoorden.xlsx", data.getvalue()), "only_check": "on"},
    )
    assert checked.status_code == 200 and "Geïmporteerd: 0" in checked.content.decode()
    assert not Response.objects.exists()
    done = http.post(url, {"file": SimpleUploadedFile("antwoorden.xlsx", data.getvalue())})
    assert "Geïmporteerd: 1" in done.content.decode()
    assert Answer.objects.get().value == 7
    refused = http.post(url, {"file": SimpleUploadedFile("antwoorden.pdf", b"%PDF")})
    assert refused.status_code == 400


def test_the_command_checks_and_imports(sample: Sample, tmp_path, capsys) -> None:
    path = tmp_path / "bureau.csv"
    path.write_bytes(_csv([["code", "team-mark"], [sample.invitations[0].code, "9"]]))
    call_command("enquete_import", str(path), "--enquete", str(sample.survey.pk), "--controleer")
    assert "Geïmporteerd: 0" in capsys.readouterr().out
    call_command("enquete_import", str(path), "--enquete", str(sample.survey.pk))
    assert "Geïmporteerd: 1" in capsys.readouterr().out
    path.write_bytes(_csv([["code", "team-mark"], ["ZZZZZ-ZZZZZ", "9"]]))
    with pytest.raises(SystemExit) as stopped:
        call_command("enquete_import", str(path), "--enquete", str(sample.survey.pk))
    assert stopped.value.code == 1
    assert "regel 2, kolom code" in capsys.readouterr().err


def test_paper_entry_keeps_what_was_typed_and_shows_every_problem(
    sample: Sample, location: Location, admin_user: User
) -> None:
    http = login(admin_user)
    url = reverse("survey_intake:paper", args=[sample.survey.pk])
    questions = list(services.current_version(sample.survey).questions.order_by("position"))
    mark = next(q for q in questions if q.code == "team-mark")
    response = http.post(
        url, {"code": "ZZZZZ-ZZZZZ", field_name(mark): "8", field_name(questions[0]): "9"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Verbeter eerst deze 2 dingen" in page or "Kies een van de antwoorden" in page
    assert 'value="ZZZZZ-ZZZZZ"' in page
    code = sample.invitations[0].code
    saved = http.post(url, {"code": code, field_name(mark): "8"}, follow=True)
    assert f"De antwoorden van code {code}" in saved.content.decode()
    assert Response.objects.get().channel == "paper"
    again = http.post(url, {"code": code, field_name(mark): "6"})
    assert "Deze code is al gebruikt" in again.content.decode()
    assert Answer.objects.get().value == 8
