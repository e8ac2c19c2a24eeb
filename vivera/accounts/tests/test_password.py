"""Password policy and session expiry, as a user meets them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry, Action
from vivera.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db
URL = reverse("password_change")
NEW = "paarden eten graag appels 7"


def change(client: HttpClient, new: str, old: str = PASSWORD):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("Kort1!", "Dit wachtwoord is te kort"),
        ("123456789012345", "Dit wachtwoord bevat alleen cijfers"),
        ("password12345", "Dit wachtwoord is te algemeen"),
    ],
    ids=["short", "digits", "common"],
)
def test_a_weak_password_is_refused_with_the_reason_in_dutch(pro, new, reason) -> None:
    client = login(pro)

    response = change(client, new)

    assert response.status_code == 400
    assert reason in response.content.decode()
    pro.refresh_from_db()
    assert pro.check_password(PASSWORD) and not pro.check_password(new)


def test_the_old_password_must_be_right(pro) -> None:
    response = change(login(pro), NEW, old="niet mijn wachtwoord")
    assert response.status_code == 400
    pro.refresh_from_db()
    assert pro.check_password(PASSWORD)


def test_a_good_password_is_changed_logged_and_the_session_stays(pro) -> None:
    client = login(pro)

    response = change(client, NEW)

    assert response.status_code == 302
    pro.refresh_from_db()
    assert pro.check_password(NEW)
    assert client.get(reverse("registration:my_work")).status_code == 200
    line = AccessLogEntry.objects.get(action=Action.UPDATE, object_type="account")
    assert line.user == pro and line.detail == {"password": "changed"}
    assert NEW not in str(line.detail)


def test_other_sessions_of_the_account_end_when_the_password_changes(pro) -> None:
    elsewhere = login(pro)
    change(login(pro), NEW)
    response = elsewhere.get(reverse("registration:my_work"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_idle_session_expires_and_an_active_one_is_renewed(pro, settings) -> None:
    client = login(pro)
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date

    assert client.get(reverse("registration:my_work")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed >= before
    assert renewed <= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)

    # Idle for longer than SESSION_COOKIE_AGE: the session is over.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("registration:my_work"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_active_session_is_renewed_at_most_once_a_minute(pro, settings) -> None:
    """Not a write per page view (SessionRenewalMiddleware): within a minute of the last renewal
    the session is left as it is; after a minute the next request renews it."""
    from vivera.core.middleware import SessionRenewalMiddleware

    client = login(pro)
    key = client.session.session_key
    assert client.get(reverse("registration:my_work")).status_code == 200  # renewed now
    earlier = timezone.now() + dt.timedelta(seconds=60)
    Session.objects.filter(session_key=key).update(expire_date=earlier)

    assert client.get(reverse("registration:my_work")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == earlier  # not written

    session = client.session
    session[SessionRenewalMiddleware.KEY] -= SessionRenewalMiddleware.RENEW_AFTER
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=earlier)
    assert client.get(reverse("registration:my_work")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > earlier
    assert renewed >= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
