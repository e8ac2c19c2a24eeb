"""The import as the functional administrator relies on it: what is written, what is refused
and where the report says the problem is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vivera.audit.models import AccessLogEntry
from vivera.imports import services
from vivera.imports.models import ImportedRecord, ImportRun, Mode
from vivera.imports.services import import_run, read_paths
from vivera.monitor import facts
from vivera.monitor.models import DossierInflow, FactState, FirstCare
from vivera.organisation.models import Team
from vivera.registration.models import (
    Client,
    ContactMoment,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    Question,
    ShortContact,
)
from vivera.registration.tests.life_cycle import assert_follows_the_life_cycle, histories

from .conftest import (
    CLIENT_HEADER,
    DOSSIER_HEADER,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Client,
    Dossier,
    DossierStatusChange,
    Question,
    ContactMoment,
    ShortContact,
    ImportedRecord,
)


def run(folder: Path, user, mode: str = Mode.ALL):
    tables, unreadable = read_paths([folder])
    return import_run(
        user=user,
        municipality=user.municipality,
        tables=tables,
        mode=mode,
        read_problems=unreadable,
    )


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def where(result) -> set[tuple[str, int, str, str]]:
    return {(p.file, p.line, p.column, p.code) for p in result.problems}


def test_a_valid_export_is_imported_whole(
    legacy, admin_user, neighbourhood, team_oost, pro, colleague, location, codes
):
    result = run(legacy(), admin_user)

    assert result.problems == [] and result.written
    dede = Client.objects.get(bsn="123456782")
    assert (dede.first_name, dede.last_name, dede.birth_date) == (
        "Dédé",
        "Verbeek",
        dt.date(1961, 3, 14),
    )
    assert (dede.postcode, dede.neighbourhood, dede.created_by) == (
        "9991AB",
        neighbourhood,
        admin_user,
    )
    ans = Client.objects.get(first_name="Ans")
    assert (ans.name_prefix, ans.bsn, ans.house_number) == ("van der", "", "3a")

    closed = Dossier.objects.get(client=dede)
    assert (closed.team, closed.referrer, closed.case_director) == (team_oost, codes["gp"], pro)
    assert (closed.status, closed.closed_on) == (DossierStatus.CLOSED, dt.date(2017, 6, 30))
    open_ = Dossier.objects.get(client=ans)
    assert (open_.referrer, open_.case_director) == (codes["self"], colleague)
    assert (open_.status, open_.status_since, open_.closed_on) == (
        DossierStatus.ACTIVE,
        dt.date(2017, 3, 20),
        None,
    )
    steps = {d: [(c.to_status, c.date) for c in h] for d, h in histories([closed, open_]).items()}
    assert steps[closed.pk] == [
        ("registered", dt.date(2017, 1, 2)),
        ("intake", dt.date(2017, 1, 15)),
        ("active", dt.date(2017, 1, 15)),
        ("closed", dt.date(2017, 6, 30)),
    ]

    question = Question.objects.get(dossier=closed)
    assert (question.domain, question.closed_on, question.outcome) == (
        codes["money"],
        dt.date(2017, 6, 1),
        codes["solved"],
    )
    assert Question.objects.get(dossier=open_).closed_on is None
    visit = ContactMoment.objects.get(dossier=closed)
    assert (visit.kind, visit.minutes, visit.core_task) == (codes["home_visit"], 60, "support")
    assert set(visit.professionals.all()) == {pro, colleague}
    call = ContactMoment.objects.get(dossier=open_)
    assert (call.with_whom, call.core_task, list(call.professionals.all())) == (
        "client",
        "support",
        [],
    )

    assert ShortContact.objects.count() == 3  # two identical phone calls are two contacts
    walk_in = ShortContact.objects.get(channel="walk_in")
    assert (walk_in.location, walk_in.team, walk_in.part_of_day) == (location, team_oost, "morning")

    log = AccessLogEntry.objects.get(object_type="import")
    assert (log.action, log.user, log.object_id) == ("create", admin_user, str(result.run.pk))
    assert sorted(log.detail["client_ids"]) == sorted([dede.pk, ans.pk])
    assert result.run.outcome == "imported" and result.run.counts["client"]["valid"] == 2


def test_imported_dossiers_follow_the_life_cycle(legacy, admin_user, pro):
    folder = legacy(
        dossiers=[
            ["D1", "1", "Oost", "huisarts", "", "02-01-2017", "", ""],  # still registered
            ["D2", "2", "Oost", "huisarts", "pro", "02-01-2017", "10-01-2017", ""],
            ["D3", "2", "Oost", "zelf", "", "02-01-2016", "", "01-03-2016"],  # closed, no intake
        ],
        vragen=[],
        contacten=[],
    )
    write_csv(
        folder,
        "dossiers.csv",
        [*DOSSIER_HEADER, "wachtlijstdatum"],
        [
            ["D1", "1", "Oost", "huisarts", "", "02-01-2017", "", "", "05-01-2017"],
            ["D2", "2", "Oost", "huisarts", "pro", "02-01-2017", "10-01-2017", "", ""],
            ["D3", "2", "Oost", "zelf", "", "02-01-2016", "", "01-03-2016", ""],
        ],
    )
    result = run(folder, admin_user)

    assert result.problems == []
    dossiers = list(Dossier.objects.all())
    history = histories(dossiers)
    for dossier in dossiers:
        assert_follows_the_life_cycle(dossier, history[dossier.pk])
    statuses = {d.status for d in dossiers}
    assert statuses == {DossierStatus.WAITING, DossierStatus.ACTIVE, DossierStatus.CLOSED}


def test_imported_dossiers_count_in_the_monitor(legacy, admin_user, municipality):
    facts.rebuild(municipality)
    assert not FactState.objects.get(municipality=municipality).stale

    run(legacy(), admin_user)

    assert FactState.objects.get(municipality=municipality).stale
    facts.rebuild(municipality)
    inflow = sorted((f.month, f.n) for f in DossierInflow.objects.filter(municipality=municipality))
    assert inflow == [(dt.date(2017, 1, 1), 1), (dt.date(2017, 3, 1), 1)]
    # Waiting until the intake: 13 days for D1 (2 → 15 January), 19 for D2 (1 → 20 March).
    assert sorted(FirstCare.objects.filter(municipality=municipality).values_list("days", "n")) == [
        (13, 1),
        (19, 1),
    ]


def test_importing_the_same_files_twice_adds_nothing(legacy, admin_user):
    folder = legacy()
    run(folder, admin_user)
    before = counts()

    again = run(folder, admin_user)

    assert again.problems == []
    assert counts() == before
    assert {k: c.already for k, c in again.plan.counts.items()} == {
        "client": 2,
        "dossier": 2,
        "question": 2,
        "contact": 2,
        "short_contact": 3,
    }
    assert again.plan.new_rows == 0


def test_a_later_export_adds_only_what_is_new(legacy, admin_user):
    run(legacy(), admin_user)
    later = legacy(
        vragen=[
            ["V1", "D1", "financien", "02-01-2017", "01-06-2017", "opgelost-team"],
            [
                "V3",
                "D2",
                "werk-opleiding",
                "2017-04-01",
                "",
                "",
            ],  # refers to a dossier imported before
        ]
    )
    result = run(later, admin_user)
    assert result.problems == []
    assert result.created["question"] == 1
    assert Question.objects.filter(
        domain__code="werk-opleiding", dossier__client__first_name="Ans"
    ).exists()


def test_every_bad_row_is_reported_with_file_line_and_column(legacy, admin_user, pro):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    folder = legacy(
        clienten=[
            ["1", "Dédé", "", "Verbeek", "14-03-1961", "123456782", "9991 AB", "12"],
            ["2", "Ans", "", "", "31-02-1975", "123456789", "99AB", ""],  # line 3
            ["1", "Jan", "", "Smit", "", "", "", ""],  # line 4: number again
            ["4", "Piet", "", "Smit", "", "123 456 782", "", ""],  # line 5: line 2's BSN
        ],
        dossiers=[
            ["D1", "1", "Oost", "huisarts", "pro", "02-01-2017", "15-01-2017", "30-06-2017"],
            ["D2", "2", "Noord", "onbekend", "nobody", tomorrow, "", ""],  # line 3
            ["D3", "9", "Oost", "zelf", "", "02-01-2017", "01-01-2017", ""],  # line 4
        ],
        vragen=[
            ["V1", "D1", "financien", "02-01-2017", "", ""],  # line 2: open in closed dossier
            ["V2", "D2", "financien", "02-01-2017", "", ""],  # line 3: dossier has errors
            ["V3", "D1", "financien", "01-01-2016", "01-02-2016", "opgelost-team"],  # line 4
            ["V4", "D1", "geen", "05-01-2017", "01-02-2017", ""],  # line 5
        ],
        contacten=[
            ["C1", "D1", "01-07-2017", "huisbezoek", "0", "buren", "", "pro, iemand"],
            ["C2", "D9", "01-07-2017", "huisbezoek", "30", "", "", ""],
        ],
        korte_contacten=[
            ["01-02-2017", "nacht", "inloop", "", "financien", "beantwoord", ""],
            ["", "ochtend", "telefoon", "", "financien", "beantwoord", "Zuid"],
        ],
    )
    result = run(folder, admin_user)

    assert where(result) == {
        ("clienten.csv", 3, "achternaam", "required"),
        ("clienten.csv", 3, "geboortedatum", "invalid_date"),
        ("clienten.csv", 3, "bsn", "invalid_bsn"),
        ("clienten.csv", 3, "postcode", "invalid_postcode"),
        ("clienten.csv", 4, "clientnummer", "duplicate"),
        ("clienten.csv", 5, "bsn", "duplicate_bsn"),
        ("dossiers.csv", 3, "team", "unknown_team"),
        ("dossiers.csv", 3, "verwijzer", "unknown_code"),
        ("dossiers.csv", 3, "casusregisseur", "unknown_user"),
        ("dossiers.csv", 3, "aanmelddatum", "future_date"),
        ("dossiers.csv", 4, "intakedatum", "date_order"),
        ("dossiers.csv", 4, "casusregisseur", "no_case_director"),
        ("vragen.csv", 2, "gesloten", "open_in_closed_dossier"),
        ("vragen.csv", 3, "dossiernummer", "invalid_parent"),
        ("vragen.csv", 4, "geopend", "before_dossier"),
        ("vragen.csv", 5, "levensdomein", "unknown_code"),
        ("vragen.csv", 5, "uitkomst", "no_outcome"),
        ("contacten.csv", 2, "duur_minuten", "invalid_number"),
        ("contacten.csv", 2, "met", "unknown_code"),
        ("contacten.csv", 2, "medewerkers", "unknown_user"),
        ("contacten.csv", 3, "dossiernummer", "unknown_reference"),
        ("korte_contacten.csv", 2, "dagdeel", "unknown_code"),
        ("korte_contacten.csv", 2, "inlooppunt", "no_location"),
        ("korte_contacten.csv", 3, "datum", "required"),
        ("korte_contacten.csv", 3, "team", "unknown_team"),
    }
    # Listed in the order of the data (parents first), each file by line.
    files = list(dict.fromkeys(p.file for p in result.problems))
    assert files == [
        "clienten.csv",
        "dossiers.csv",
        "vragen.csv",
        "contacten.csv",
        "korte_contacten.csv",
    ]
    lines = [p.line for p in result.problems if p.file == "clienten.csv"]
    assert lines == sorted(lines)
    # Line 5's BSN, written with spaces, is line 2's: the later line is refused. No reason
    # repeats a personal value from the file.
    reasons = " ".join(p.reason for p in result.problems)
    for personal in ("123456789", "Piet", "Smit", "31-02-1975", "99AB"):
        assert personal not in reasons
    assert result.run.outcome == "invalid" and not result.written


def test_nothing_is_written_when_anything_is_invalid(legacy, admin_user):
    before = counts()
    folder = legacy(vragen=[["V1", "D1", "financien", "02-01-2017", "01-06-2017", "onbekend"]])
    result = run(folder, admin_user)
    assert where(result) == {("vragen.csv", 2, "uitkomst", "unknown_code")}
    assert counts() == before
    assert not AccessLogEntry.objects.filter(object_type="import").exists()
    assert ImportRun.objects.get().outcome == "invalid"  # the run itself: no personal data


def test_only_valid_imports_exactly_the_valid_rows(legacy, admin_user):
    folder = legacy(
        clienten=[
            ["1", "Dédé", "", "Verbeek", "14-03-1961", "123456782", "9991 AB", "12"],
            ["2", "Ans", "van der", "Berg", "1975-01-31", "123456789", "9991CD", "3a"],  # bad BSN
        ]
    )
    result = run(folder, admin_user, Mode.VALID_ONLY)

    # Client 2 is refused, and with it its dossier D2, and D2's question and contact.
    assert where(result) == {
        ("clienten.csv", 3, "bsn", "invalid_bsn"),
        ("dossiers.csv", 3, "clientnummer", "invalid_parent"),
        ("vragen.csv", 3, "dossiernummer", "invalid_parent"),
        ("contacten.csv", 3, "dossiernummer", "invalid_parent"),
    }
    assert result.written and result.run.outcome == "imported"
    assert list(Client.objects.values_list("first_name", flat=True)) == ["Dédé"]
    assert Dossier.objects.count() == Question.objects.count() == ContactMoment.objects.count() == 1
    assert ShortContact.objects.count() == 3
    assert {k: c.invalid for k, c in result.plan.counts.items()} == {
        "client": 1,
        "dossier": 1,
        "question": 1,
        "contact": 1,
        "short_contact": 0,
    }

    # Corrected, the rest follows; what was imported is not imported again.
    fixed = legacy()
    again = run(fixed, admin_user)
    assert again.problems == [] and again.created["client"] == 1
    assert Client.objects.count() == 2 and Dossier.objects.count() == 2


def test_a_failure_half_way_leaves_the_database_as_it_was(legacy, admin_user, monkeypatch):
    before = counts()
    insert = services.insert_rows

    def failing(model, columns, rows, **kwargs):
        if model is ShortContact:  # after the clients, dossiers, questions and contacts
            raise RuntimeError("disk full")
        return insert(model, columns, rows, **kwargs)

    monkeypatch.setattr(services, "insert_rows", failing)
    with pytest.raises(RuntimeError):
        run(legacy(), admin_user)
    assert counts() == before
    assert not ImportRun.objects.exists()
    assert not AccessLogEntry.objects.filter(object_type="import").exists()


def test_the_mapping_table_translates_legacy_codes(legacy, admin_user, codes):
    folder = legacy(
        dossiers=[
            ["D1", "1", "Oost", "HA", "pro", "02-01-2017", "15-01-2017", "30-06-2017"],
            ["D2", "2", "Oost", "eigen", "colleague", "2017-03-01", "2017-03-20", ""],
        ],
        vragen=[
            ["V1", "D1", "FIN", "02-01-2017", "01-06-2017", "9"],
            ["V2", "D2", "WON", "2017-03-01", "", ""],
        ],
        korte_contacten=[["01-02-2017", "o", "tel", "", "FIN", "ja", "Oost"]],
    )
    write_csv(
        folder,
        "codetabel.csv",
        ["lijst", "oude_code", "vivera_code"],
        [
            ["verwijzer", "HA", "huisarts"],
            ["verwijzer", "eigen", "zelf"],
            ["levensdomein", "FIN", "financien"],
            ["levensdomein", "WON", "Huisvesting"],
            ["uitkomst", "9", "opgelost-team"],
            ["dagdeel", "o", "ochtend"],
            ["kanaal", "tel", "telefoon"],
            ["resultaat", "ja", "beantwoord"],
            ["uitkomst", "x", "bestaat-niet"],  # line 10
        ],
        delimiter=",",
    )
    result = run(folder, admin_user, Mode.VALID_ONLY)

    assert where(result) == {("codetabel.csv", 10, "vivera_code", "unknown_code")}
    assert set(Dossier.objects.values_list("referrer__code", flat=True)) == {"huisarts", "zelf"}
    assert Question.objects.get(dossier__referrer=codes["gp"]).outcome == codes["solved"]
    assert set(Question.objects.values_list("domain__code", flat=True)) == {
        "financien",
        "huisvesting",
    }
    short = ShortContact.objects.get()
    assert (short.part_of_day, short.channel, short.result) == ("morning", "phone", "answered")


def test_messy_files_cp1252_bom_comma_and_xlsx(legacy, admin_user):
    folder = legacy()
    write_csv(
        folder,
        "clienten.csv",
        [h.upper() for h in CLIENT_HEADER],
        [
            ["1", "Dédé", "", "Verbeek", "14-3-1961", "12345678 2", "9991ab", "12"],
            ["2", "Ans", "van der", "Berg", "1975-01-31", "", "", ""],
        ],
        delimiter=",",
        encoding="cp1252",
    )
    (folder / "dossiers.csv").unlink()
    write_xlsx(
        folder,
        "Dossiers.xlsx",
        [
            "Dossiernummer",
            "Clientnummer",
            "Team",
            "Verwijzer",
            "Casus regisseur",
            "Aanmelddatum",
            "Intake datum",
            "Afsluitdatum",
        ],
        [
            ["D1", 1, "Oost", "huisarts", "pro", 42737, dt.datetime(2017, 1, 15), "30-06-2017"],
            ["D2", 2, "Oost", "zelf", "colleague", dt.date(2017, 3, 1), "2017-03-20", None],
        ],
        formats={5: "0"},
    )
    result = run(folder, admin_user)

    assert result.problems == []
    dede = Client.objects.get(first_name="Dédé")
    assert (dede.bsn, dede.birth_date, dede.postcode) == (
        "123456782",
        dt.date(1961, 3, 14),
        "9991AB",
    )
    dossier = Dossier.objects.get(client=dede)
    assert (dossier.registered_on, dossier.closed_on) == (dt.date(2017, 1, 2), dt.date(2017, 6, 30))


def test_a_missing_column_and_an_unknown_file_are_reported(legacy, admin_user):
    folder = legacy()
    write_csv(
        folder,
        "vragen.csv",
        ["vraagnummer", "dossiernummer", "geopend"],
        [["V1", "D1", "02-01-2017"]],
    )
    write_csv(folder, "medewerkers.csv", ["naam"], [["x"]])
    (folder / "notities.xlsx").write_bytes(b"not a workbook")
    (folder / "~$dossiers.xlsx").write_bytes(b"Excel's lock file")  # not an export: skipped
    result = run(folder, admin_user)
    assert where(result) == {
        ("vragen.csv", 1, "levensdomein", "missing_column"),
        ("medewerkers.csv", 0, "", "unknown_file"),
        ("notities.xlsx", 0, "", "unreadable"),
    }


def test_a_bsn_already_in_vivera_and_an_open_dossier_clash(
    legacy, admin_user, pro, team_oost, codes
):
    from vivera.registration.services import client_create

    client_create(user=pro, first_name="X", last_name="Y", bsn="123456782")
    folder = legacy(
        dossiers=[
            ["D1", "1", "Oost", "huisarts", "pro", "02-01-2017", "15-01-2017", "30-06-2017"],
            ["D2", "2", "Oost", "zelf", "colleague", "2017-03-01", "2017-03-20", ""],
            ["D3", "2", "Oost", "zelf", "", "2017-04-01", "", ""],  # a second open one, same team
        ]
    )
    result = run(folder, admin_user)
    assert where(result) >= {
        ("clienten.csv", 2, "bsn", "existing_bsn"),
        ("dossiers.csv", 4, "afsluitdatum", "open_dossier_exists"),
    }


def test_the_command_reports_and_exits(legacy, admin_user, capsys):
    folder = legacy()
    call_command(
        "import", str(folder), "--gemeente", "GM9991", "--gebruiker", "admin", "--controleer"
    )
    out = capsys.readouterr().out
    assert "Alleen gecontroleerd" in out and Client.objects.count() == 0

    bad = legacy(clienten=[["1", "Dédé", "", "", "", "", "", ""]])
    with pytest.raises(CommandError) as refused:
        call_command("import", str(bad), "--gemeente", "Wijkstad", "--gebruiker", "admin")
    assert refused.value.returncode == 1
    out = capsys.readouterr().out
    assert "clienten.csv, regel 2, kolom achternaam" in out
    assert Client.objects.count() == 0

    call_command("import", str(legacy()), "--gemeente", "GM9991", "--gebruiker", "admin")
    assert Client.objects.count() == 2

    with pytest.raises(CommandError) as unknown:
        call_command("import", str(folder), "--gemeente", "GM0000", "--gebruiker", "admin")
    assert unknown.value.returncode == 2
    with pytest.raises(CommandError) as not_admin:
        call_command("import", str(folder), "--gemeente", "GM9991", "--gebruiker", "pro")
    assert not_admin.value.returncode == 2


def test_usernames_differing_only_in_punctuation_are_two_users(
    legacy, admin_user, make_user, municipality, team_oost
):
    from vivera.accounts.models import Role

    dotted = make_user("j.jansen", Role.PROFESSIONAL, municipality, team_oost)
    plain = make_user("jjansen", Role.PROFESSIONAL, municipality, team_oost)
    folder = legacy(
        dossiers=[
            ["D1", "1", "Oost", "huisarts", "J.Jansen", "02-01-2017", "15-01-2017", "30-06-2017"],
            ["D2", "2", " OOST ", "zelf", "jjansen", "2017-03-01", "2017-03-20", ""],
        ]
    )
    assert run(folder, admin_user).problems == []
    assert Dossier.objects.get(client__first_name="Dédé").case_director == dotted
    assert Dossier.objects.get(client__first_name="Ans").case_director == plain


def test_teams_and_users_of_another_municipality_are_unknown(
    legacy, admin_user, other_pro, other_team, policy
):
    assert Team.objects.filter(name="Elders-Noord").exists()
    folder = legacy(
        dossiers=[
            [
                "D1",
                "1",
                "Elders-Noord",
                "huisarts",
                "other_pro",
                "02-01-2017",
                "15-01-2017",
                "30-06-2017",
            ],
            ["D2", "2", "Oost", "zelf", "policy", "2017-03-01", "2017-03-20", ""],  # not a pro
        ]
    )
    result = run(folder, admin_user)
    assert {
        ("dossiers.csv", 2, "team", "unknown_team"),
        ("dossiers.csv", 2, "casusregisseur", "unknown_user"),
        ("dossiers.csv", 3, "casusregisseur", "unknown_user"),
    } <= where(result)
