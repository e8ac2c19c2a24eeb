"""Every line of the access log reads as Dutch words, on the page and in the export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from vivera.accounts import services as account_services
from vivera.accounts.models import User
from vivera.audit.labels import OBJECT_TYPE_LABELS
from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.conftest import login
from vivera.core.spreadsheets import DutchExcel
from vivera.research.models import OBJECT_TYPE as RESEARCH_GRANT

LOG_URL = reverse("audit:access_log")
EXPORT_URL = reverse("audit:access_log_export")
SOURCE = Path(__file__).resolve().parents[2]


def table_body(response) -> str:
    content = response.content.decode()
    return content[content.index("<tbody") : content.index("</tbody>")]


def exported_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body), dialect=DutchExcel))


def written_object_types() -> set[str]:
    """Every object type the application writes: the literals in the source, and the names
    the few callers that pass a constant use."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(re.findall(r'object_type(?:: str)?\s*=\s*"([a-z_]+)"', path.read_text()))
    constants = {
        account_services.ACCOUNT,
        account_services.MEMBERSHIP,
        account_services.REQUEST,
        account_services.LINK,
        RESEARCH_GRANT,
    }
    return found | constants


def test_every_object_type_the_application_writes_has_a_label() -> None:
    written = written_object_types()

    assert {"dossier", "page", "api", "ggm_export", "backup", "account"} <= written
    assert sorted(written - set(OBJECT_TYPE_LABELS)) == []


@pytest.mark.django_db
class TestThePage:
    def test_a_refused_page_reads_as_its_address_not_its_code(
        self, admin_user: User, pro: User
    ) -> None:
        login(pro).get(reverse("audit:access_log"), {"client": "7"})

        response = login(admin_user).get(LOG_URL, {"result": "refused"})

        cells = table_body(response)
        assert ">pagina /beheer/toegangslog/<" in cells
        assert "audit:access_log" not in cells
        assert "client=7" not in cells

    def test_a_list_reads_as_its_address(self, admin_user: User, pro: User) -> None:
        request = RequestFactory().get("/mijn-werk/?pagina=2")
        log_access(
            user=pro,
            action=Action.READ,
            object_type="list",
            object_id="my_work",
            request=request,
            detail={"clients": [1, 2]},
        )

        cells = table_body(login(admin_user).get(LOG_URL, {"object_type": "list"}))

        assert ">lijst of overzicht /mijn-werk/<" in cells
        assert "my_work" not in cells

    def test_the_filter_offers_the_object_types_by_their_labels(
        self, admin_user: User, pro: User
    ) -> None:
        log_access(user=pro, action=Action.READ, object_type="client", object_id=12)

        response = login(admin_user).get(LOG_URL, {"object_type": "client"})

        content = response.content.decode()
        assert '<option value="client" selected>persoonsgegevens</option>' in content
        assert '<option value="research_grant">onderzoeksmachtiging</option>' in content
        assert "team_membership, access_grant" not in content  # no codes to type
        assert [entry.object_id for entry in response.context["page_obj"].object_list] == ["12"]

    def test_a_line_without_a_page_keeps_its_object_id(self, admin_user: User, pro: User) -> None:
        log_access(user=pro, action=Action.READ, object_type="client", object_id=12)

        cells = table_body(login(admin_user).get(LOG_URL))

        assert ">persoonsgegevens 12<" in cells

    def test_an_account_change_reads_in_dutch_words(self, admin_user: User, pro: User) -> None:
        log_access(
            user=admin_user,
            action=Action.UPDATE,
            object_type="account",
            object_id="pro",
            detail={
                "role": ["professional", "coordinator"],
                "active": [True, False],
                "fields": ["first_name", "email"],
                "specialism": "amw",
            },
        )

        cells = table_body(login(admin_user).get(LOG_URL, {"object_type": "account"}))

        assert "rol: Wijkteamlid → Coördinator" in cells
        assert "actief: ja → nee" in cells
        assert "voornaam, e-mailadres" in cells
        assert "specialisme: Algemeen maatschappelijk werk (AMW)" in cells
        for code in ("professional", "coordinator", "True", "first_name", "amw"):
            assert code not in cells


@pytest.mark.django_db
def test_the_export_names_the_object_type_in_words(admin_user: User, pro: User) -> None:
    login(pro).get(reverse("audit:access_log"))
    log_access(user=pro, action=Action.READ, object_type="client", object_id=12)

    rows = exported_rows(login(admin_user).get(EXPORT_URL))

    assert [(row["Soort object"], row["Object-id"]) for row in rows] == [
        ("persoonsgegevens", "12"),
        ("pagina", "audit:access_log"),
    ]
    assert rows[1]["Pagina"] == "/beheer/toegangslog/"


@pytest.mark.django_db
def test_a_line_with_an_unknown_object_type_or_action_is_refused(pro):
    """Every line must be readable: a code outside ObjectType or Action is a programming error,
    found by the tests, never a line the administrator cannot read."""
    from vivera.audit.models import AccessLogEntry, ObjectType

    with pytest.raises(ValueError, match="ObjectType"):
        log_access(user=pro, action=Action.READ, object_type="dosier", object_id=1)
    with pytest.raises(ValueError, match="action"):
        log_access(user=pro, action="print", object_type=ObjectType.DOSSIER, object_id=1)
    assert not AccessLogEntry.objects.exists()
    log_access(user=pro, action=Action.READ, object_type=ObjectType.DOSSIER, object_id=1)
    assert AccessLogEntry.objects.get().get_object_type_display() == "dossier"
