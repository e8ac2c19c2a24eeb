"""What a partner sees of what it sent, with and without the resident's consent: the covenant's
feedback (received, in contact, not reached) always; handed over and closed only with consent for
status feedback to that partner, otherwise "finished". Through the API and the web pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.conftest import login
from vivera.organisation.models import PartnerKind, PartnerOrganisation, Referrer
from vivera.partners.models import Submission, SubmissionStatusChange
from vivera.partners.services import submission_change_status, submission_to_dossier
from vivera.registration.services import consent_record, consent_withdraw

from .conftest import SIGNAL
from .test_triage import attempt, backdate

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/partner/vroegsignalen/"
LIST = "/api/v1/partner/meldingen/"


def detail(public_id: Any) -> str:
    return f"{LIST}{public_id}/"


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def handed_over(api, pro, oost_area, team_oost) -> Submission:
    """A signal the team reached and took on in a dossier, handed over five days ago."""
    sent = api.post(SIGNALS, SIGNAL, format="json").json()
    submission = backdate(Submission.objects.get(public_id=sent["id"]), 10)
    attempt(pro, submission, reached=True, day=submission.received_on)
    submission.refresh_from_db()
    submission_to_dossier(
        user=pro,
        submission=submission,
        team=team_oost,
        referrer=Referrer.objects.get(code="vroegsignaal"),
        version=submission.version,
    )
    five_days_ago = today() - dt.timedelta(days=5)
    SubmissionStatusChange.objects.filter(submission=submission, to_status="handed_over").update(
        date=five_days_ago
    )
    Submission.objects.filter(pk=submission.pk).update(status_since=five_days_ago)
    submission.refresh_from_db()
    return submission


def give(pro: Any, submission: Submission, partner: Any, scopes: tuple[str, ...] = ("status",)):
    return consent_record(
        user=pro,
        dossier=submission.dossier,
        partner=partner,
        scopes=scopes,
        given_on=submission.dossier.registered_on,
        given_how="written",
    )


def seen(api: Any, submission: Submission) -> dict[str, Any]:
    return api.get(detail(submission.public_id)).json()


def test_without_consent_the_partner_sees_finished_not_handed_over(api, handed_over, partner_user):
    body = seen(api, handed_over)
    assert body["status"] == "finished"
    assert body["status_since"] == (today() - dt.timedelta(days=5)).isoformat()
    # The covenant's feedback stays: received, reached (in contact), then finished.
    assert [step["status"] for step in body["history"]] == ["received", "in_contact", "finished"]
    assert "handed_over" not in str(body)
    # A filter on the team's status would tell: it works on what the partner sees.
    assert api.get(LIST, {"status": "handed_over"}).json()["count"] == 0
    assert api.get(LIST, {"status": "finished"}).json()["count"] == 1
    # The partner's own web page says the same.
    page = login(partner_user).get(reverse("portal:home"))
    assert [s.partner_status for s in page.context["submissions"]] == ["finished"]


@pytest.mark.parametrize("who", ["this_partner", "all_partners"])
def test_with_consent_for_status_the_partner_sees_what_came_of_it(
    api, pro, handed_over, partner_org, who
):
    give(pro, handed_over, partner_org if who == "this_partner" else None)
    body = seen(api, handed_over)
    assert body["status"] == "handed_over"
    assert [step["status"] for step in body["history"]] == ["received", "in_contact", "handed_over"]
    submission_change_status(
        user=pro,
        submission=handed_over,
        to_status="closed",
        date=today(),
        version=handed_over.version,
    )
    assert seen(api, handed_over)["status"] == "closed"


@pytest.mark.parametrize("kind", ["referral_only", "other_partner"])
def test_consent_for_something_or_someone_else_does_not_count(
    api, pro, handed_over, partner_org, municipality, kind
):
    if kind == "referral_only":
        give(pro, handed_over, partner_org, scopes=("referral",))
    else:
        other = PartnerOrganisation.objects.create(
            municipality=municipality, name="Energie BV", kind=PartnerKind.ENERGY
        )
        give(pro, handed_over, other)
    assert seen(api, handed_over)["status"] == "finished"


def test_withdrawn_consent_stops_the_feedback(api, pro, handed_over, partner_org):
    consent = give(pro, handed_over, partner_org)
    assert seen(api, handed_over)["status"] == "handed_over"
    consent_withdraw(user=pro, consent=consent, withdrawn_on=today())
    body = seen(api, handed_over)
    assert body["status"] == "finished"
    assert body["history"][-1]["status"] == "finished"


def test_the_since_filter_does_not_reveal_a_later_step(api, pro, handed_over, partner_org):
    """Closed today after being handed over five days ago: without consent the partner sees
    'finished' since five days ago, and asking for changes since yesterday finds nothing."""
    submission_change_status(
        user=pro,
        submission=handed_over,
        to_status="closed",
        date=today(),
        version=handed_over.version,
    )
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    assert api.get(LIST, {"sinds": yesterday}).json()["count"] == 0
    assert seen(api, handed_over)["status_since"] == (today() - dt.timedelta(days=5)).isoformat()
    give(pro, handed_over, partner_org)
    assert api.get(LIST, {"sinds": yesterday}).json()["count"] == 1


def test_the_team_sees_what_the_partner_sees(pro, handed_over, partner_org):
    http = login(pro)
    url = reverse("partners:detail", args=[handed_over.pk])
    page = http.get(url)
    assert [step["status"] for step in page.context["partner_history"]] == [
        "received",
        "in_contact",
        "finished",
    ]
    assert page.context["shared"] is False
    give(pro, handed_over, partner_org)
    page = http.get(url)
    assert page.context["partner_history"][-1]["status"] == "handed_over"
    assert page.context["shared"] is True
