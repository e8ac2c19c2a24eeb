"""`vivera ggm_export`: the file, the log line, and all-or-nothing writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from vivera.audit.models import AccessLogEntry
from vivera.ggm import schema, selectors
from vivera.registration.services import client_create, dossier_create

from .conftest import pseudonym, read_zip

pytestmark = pytest.mark.django_db


def test_it_writes_the_zip_and_logs_the_export(known, municipality, tmp_path: Path, capsys):
    target = tmp_path / "ggm.zip"
    call_command(
        "ggm_export",
        "--gemeente",
        "gm9991",
        "--uitvoer",
        str(target),
        "--vanaf",
        "2024-01-01",
        "--tot",
        "2024-12-31",
    )
    tables = read_zip(target.read_bytes())
    assert tables["CLIENT"][1][0] == pseudonym("client", known["client"].pk)
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind
    assert "Geschreven:" in capsys.readouterr().out
    entry = AccessLogEntry.objects.get(object_type="ggm_export")
    assert (entry.action, entry.user, entry.municipality_id) == ("export", None, municipality.pk)
    assert entry.detail["via"].startswith("command")
    assert entry.detail["rows"]["SOCIAALTEAMDOSSIER"] == 1


def test_it_finds_the_municipality_by_name(known, tmp_path: Path):
    call_command("ggm_export", "--gemeente", "Wijkstad", "--uitvoer", str(tmp_path / "a.zip"))
    assert (tmp_path / "a.zip").exists()


def test_a_failure_half_way_leaves_no_file_and_no_log_line(known, tmp_path: Path):
    target = tmp_path / "ggm.zip"

    def broken(*args, **kwargs):
        yield ("half a row",)
        raise RuntimeError("database went away")

    with mock.patch.dict(selectors.ROWS, {schema.BEHANDELING: broken}), pytest.raises(RuntimeError):
        call_command("ggm_export", "--gemeente", "GM9991", "--uitvoer", str(target))
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(object_type="ggm_export").exists()


def test_a_failure_leaves_an_earlier_export_as_it_was(known, tmp_path: Path):
    target = tmp_path / "ggm.zip"
    target.write_bytes(b"yesterday's export")

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    with mock.patch.dict(selectors.ROWS, {schema.SCORE: broken}), pytest.raises(KeyboardInterrupt):
        call_command("ggm_export", "--gemeente", "GM9991", "--uitvoer", str(target))
    assert target.read_bytes() == b"yesterday's export"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gemeente", "Nergenshuizen"], "Onbekende gemeente"),
        (
            ["--gemeente", "GM9991", "--vanaf", "2024-05-01", "--tot", "2024-04-01"],
            "voor het begin",
        ),
        (["--gemeente", "GM9991", "--vanaf", "1-5-2024"], "Geen geldige datum"),
    ],
)
def test_bad_arguments_stop_it_with_a_message(municipality, tmp_path: Path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("ggm_export", *args, "--uitvoer", str(tmp_path / "x.zip"))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_refused(municipality, tmp_path: Path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command(
            "ggm_export", "--gemeente", "GM9991", "--uitvoer", str(tmp_path / "nope" / "x.zip")
        )


# serialized_rollback: the flush after a transactional test would drop the seeded code lists.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_reads_one_snapshot_in_its_own_transaction(
    pro, team_oost, codes, municipality, tmp_path: Path
):
    """Outside a test's transaction the export opens its own (REPEATABLE READ on PostgreSQL)."""
    client = client_create(user=pro, first_name="Eigen", last_name="Transactie")
    dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["self"],
        registered_on=dt.date(2024, 2, 1),
    )
    target = tmp_path / "ggm.zip"
    call_command("ggm_export", "--gemeente", "GM9991", "--uitvoer", str(target))
    assert read_zip(target.read_bytes())["CLIENT"][1][0] == pseudonym("client", client.pk)
