"""Vivera speaks Dutch only, whatever the browser asks for, and its own translations leave
Django's alone.

The users are Dutch municipal professionals and the code lists are Dutch data, so the web
interface, the admin, the API and every export are in Dutch (docs/architecture.md,
"Internationalisation"). Vivera's catalogue comes before Django's, so an English msgid that
Django uses too gets Vivera's Dutch in the admin as well: such words carry a context
(`pgettext`) unless both should read the same.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from vivera.accounts.models import User
from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.conftest import login

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
OUR_CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES" / "django.mo"
DJANGO_DIR = Path(django.__file__).parent
DJANGO_CATALOGUES = {
    "django": DJANGO_DIR / "conf" / "locale",
    "admin": DJANGO_DIR / "contrib" / "admin" / "locale",
    "auth": DJANGO_DIR / "contrib" / "auth" / "locale",
}
# Words Vivera deliberately says its own way, also in the admin.
OWN_WORDS = {
    "Log in": "Vivera says Inloggen everywhere, also on the admin's button",
    "Log out": "Vivera says Uitloggen everywhere",
    "Filter": "the access log's and the admin's filter read the same",
    "Time": "Tijdstip, as in the access log",
    "Personal info": "Persoonsgegevens, Vivera's word for it",
    # Consultation hours name their weekday on its own (capitalised); Vivera writes no date
    # with a weekday name, where Django's lower case would be right.
    **{
        day: "a weekday on its own"
        for day in (
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        )
    },
}


def _catalogue(path: Path) -> dict[object, str]:
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


@pytest.mark.django_db
class TestAnEnglishBrowser:
    def test_it_gets_the_login_page_in_dutch(self) -> None:
        response = HttpClient().get(reverse("login"), **ENGLISH)

        page = response.content.decode()
        assert '<html lang="nl"' in page
        assert "Inloggen" in page
        assert response.get("Content-Language") in (None, "nl")

    def test_it_gets_the_professionals_pages_and_code_lists_in_dutch(self, pro: User) -> None:
        page = login(pro).get(reverse("registration:shortcontact_create"), **ENGLISH)

        content = page.content.decode()
        assert '<html lang="nl"' in content
        assert "Kort contact registreren" in content
        assert "Short contact" not in content

    def test_it_gets_the_admin_in_dutch(self, admin_user: User) -> None:
        content = login(admin_user).get(reverse("admin:index"), **ENGLISH).content.decode()

        assert '<html lang="nl"' in content
        assert "Site administration" not in content

    def test_there_is_no_language_to_choose(self) -> None:
        assert [code for code, _name in settings.LANGUAGES] == ["nl"]
        assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE


@pytest.mark.django_db
def test_the_admin_change_link_keeps_djangos_own_dutch(admin_user: User, pro: User) -> None:
    log_access(user=admin_user, action=Action.UPDATE, object_type="dossier", object_id=7)

    admin_index = login(admin_user).get(reverse("admin:index")).content.decode()
    access_log = login(admin_user).get(reverse("audit:access_log")).content.decode()

    assert 'class="changelink"' in admin_index
    assert ">Wijzigen</a>" in admin_index
    assert "Wijziging" not in admin_index
    assert ">Wijziging<" in access_log[access_log.index("<tbody") :]


def test_our_catalogue_changes_none_of_djangos_admin_words() -> None:
    ours = _catalogue(OUR_CATALOGUE)
    overridden = []
    for name, folder in DJANGO_CATALOGUES.items():
        for msgid, theirs in _catalogue(folder / "nl" / "LC_MESSAGES" / "django.mo").items():
            if msgid and msgid in ours and ours[msgid] != theirs and msgid not in OWN_WORDS:
                overridden.append(
                    f"{name}: {msgid!r} is {theirs!r} in Django, {ours[msgid]!r} here"
                )

    assert not overridden, (
        "Give these msgids a context (pgettext) or translate them as Django does:\n"
        + "\n".join(overridden)
    )
