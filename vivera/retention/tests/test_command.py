"""`vivera retention`: a dry run by default, `--uitvoeren` to do it, Dutch output, and settings
that fail loudly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.registration.models import Client
from vivera.retention.models import RetentionRun
from vivera.retention.rules import ANONYMISED
from vivera.retention.services import legal_hold_place
from vivera.web.tests.test_deploy import SETTINGS_VARIABLES, production_env, vivera

from .conftest import Records, all_rows

pytestmark = pytest.mark.django_db


def retention(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_and_new(build: Callable[..., Client], records: Records) -> tuple[Client, Client]:
    """Against the real date: one client closed 30 years ago, one closed last year."""
    old = build(years=30)
    new = records.client()
    records.dossier(new, closed=timezone.localdate() - dt.timedelta(days=365))
    return old, new


def test_it_only_reports_without_uitvoeren(old_and_new: tuple[Client, Client]) -> None:
    old, _new = old_and_new
    before = all_rows()

    output = retention()

    assert all_rows() == before
    assert "Proefdraai: er is niets veranderd." in output
    assert "Wijkstad (GM9991)" in output
    assert f"cliënten: {old.pk}\n" in output
    assert "15 jaar na afsluiten" in output
    assert old.last_name not in output and old.bsn not in output


def test_it_anonymises_with_uitvoeren_and_prints_the_report(
    old_and_new: tuple[Client, Client],
    admin_user: object,
    build: Callable[..., Client],
) -> None:
    old, new = old_and_new
    held = build(years=30)
    hold = legal_hold_place(user=admin_user, client=held, reason="Bezwaar B-1")

    output = retention("--uitvoeren")

    run = RetentionRun.objects.get(municipality__cbs_code="GM9991")
    assert "Uitgevoerd (in één transactie)." in output
    assert f"Vastgelegd als opschoning {run.pk}" in output
    assert f"cliënt {held.pk} (blokkade {hold.pk})" in output
    assert Client.objects.get(pk=old.pk).last_name == ANONYMISED
    assert Client.objects.get(pk=new.pk).last_name == new.last_name
    assert run.started_via.startswith("command (")
    assert run.record_ids["clients"] == [old.pk]
    assert AccessLogEntry.objects.filter(object_type="client", client_id=old.pk).exists()


def test_it_runs_for_the_municipalities_asked_for(
    old_and_new: tuple[Client, Client], other_municipality: object
) -> None:
    output = retention("--uitvoeren", "--gemeente", "gm9991")

    assert "Wijkstad" in output and "Elders" not in output
    assert RetentionRun.objects.count() == 1
    with pytest.raises(CommandError) as refused:
        retention("--gemeente", "GM0000")
    assert refused.value.returncode == 2 and "Onbekende gemeente" in str(refused.value)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("VIVERA_RETENTION_YEARS", "vijftien", "VIVERA_RETENTION_YEARS must be a whole number"),
        ("VIVERA_RETENTION_YEARS", "0", "VIVERA_RETENTION_YEARS must lie between 1 and 100"),
        ("VIVERA_RETENTION_YEARS_WITHOUT_PROVISION", "-5", "must lie between 1 and 100"),
        ("VIVERA_RETENTION_MONTHS_WITHOUT_DOSSIER", "2 jaar", "must be a whole number"),
    ],
)
def test_a_bad_term_stops_start_up(
    tmp_path: object, variable: str, value: str, message: str
) -> None:
    assert variable in SETTINGS_VARIABLES  # so the developer's shell cannot interfere
    env = production_env(tmp_path, **{variable: value})  # type: ignore[arg-type]

    result = vivera("check", env=env)

    assert result.returncode != 0
    assert message in result.stderr
