"""The partner side of the demo municipality: a covenant, a handful of current signals and
referrals from the demo partner (some overdue, some in contact) and a fixed demo API key, so
`make run` shows the triage queue and the partner API at work. Invented people only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from vivera.accounts.models import User
from vivera.organisation.models import Municipality, Neighbourhood, Team

from .models import (
    ApiKey,
    Covenant,
    OutreachAttempt,
    Submission,
    SubmissionStatus,
    SubmissionStatusChange,
)
from .services import add_working_days, hash_key

# Demo only: printed by `vivera demo_logins`. Never use a fixed key outside the demo.
DEMO_API_KEY = "vvr_demo0000_alleen-voor-de-demo-niet-in-productie"
RESPOND_DAYS = 3

# (reference, kind, first name, last name, postcode, house number, days ago, signal type,
#  amount, crisis, what the team did: "" none yet, "tried" one attempt without reaching,
#  "contact" reached)
SUBMISSIONS = (
    ("ZW-2026-0412", "signal", "Gerda", "Hoeksema", "9901AB", "14", 9, "rent", "1325.50",
     False, ""),
    ("ZW-2026-0415", "signal", "Murat", "Yilmaz", "9907CD", "3", 7, "rent", "2410.00", True,
     ""),
    ("ZW-2026-0419", "signal", "Petra", "de Wit", "9902EF", "27", 4, "rent", "980.00", False,
     "tried"),
    ("ZW-2026-0421", "signal", "Johan", "Bakker", "9903GH", "8", 2, "rent", "1450.00", False,
     "contact"),
    ("ZW-2026-0424", "signal", "Anouk", "Visser", "9904JK", "61", 0, "rent", "1190.75", False,
     ""),
    ("ZW-AANM-077", "referral", "Henk", "Smit", "9905LM", "5", 1, "", None, False, ""),
)


def _neighbourhood(municipality: Municipality, postcode: str) -> Neighbourhood | None:
    return (Neighbourhood.objects.filter(municipality=municipality,
                                         postcodes__postcode__in=[postcode, postcode[:4]])
            .first())


def demo_partner_data(*, municipality: Municipality, partner_user: User,
                      professional: User, today: dt.date) -> int:
    partner = partner_user.partner
    assert partner is not None
    Covenant.objects.create(municipality=municipality, partner=None,
                            name="Convenant vroegsignalering Zwijnwaard",
                            respond_within_days=RESPOND_DAYS, crisis_within_days=1)
    ApiKey.objects.create(user=partner_user, name="Demo (huurincasso)",
                          prefix=DEMO_API_KEY.split("_")[1], key_hash=hash_key(DEMO_API_KEY))
    for (reference, kind, first, last, postcode, number, days_ago, signal_type, amount, crisis,
         done) in SUBMISSIONS:
        received = today - dt.timedelta(days=days_ago)
        neighbourhood = _neighbourhood(municipality, postcode)
        teams = list(Team.objects.filter(neighbourhoods=neighbourhood)) if neighbourhood else []
        submission = Submission.objects.create(
            municipality=municipality, partner=partner, sent_by=partner_user,
            reference=reference, kind=kind, received_on=received,
            respond_by=add_working_days(received, 1 if crisis else RESPOND_DAYS),
            first_name=first, last_name=last, postcode=postcode, house_number=number,
            neighbourhood=neighbourhood, team=teams[0] if len(teams) == 1 else None,
            signal_type=signal_type, amount=Decimal(amount) if amount else None,
            months_in_arrears=2 if kind == "signal" else None, crisis=crisis,
            consent=kind == "referral", status_since=received,
            reason=("Zoon maakt zich zorgen: vader komt de deur niet meer uit sinds hij "
                    "weduwnaar is." if kind == "referral" else ""),
        )
        SubmissionStatusChange.objects.create(submission=submission, from_status="",
                                              to_status=SubmissionStatus.RECEIVED,
                                              date=received, changed_by=partner_user)
        if done:
            day = min(received + dt.timedelta(days=1), today)
            OutreachAttempt.objects.create(submission=submission, date=day,
                                           part_of_day="morning",
                                           method="home_visit" if done == "contact" else "letter",
                                           reached=done == "contact", recorded_by=professional)
            if done == "contact":
                SubmissionStatusChange.objects.create(
                    submission=submission, from_status=SubmissionStatus.RECEIVED,
                    to_status=SubmissionStatus.IN_CONTACT, date=day, changed_by=professional)
                Submission.objects.filter(pk=submission.pk).update(
                    status=SubmissionStatus.IN_CONTACT, status_since=day)
    return len(SUBMISSIONS)


def demo_partner_reset(municipality: Municipality) -> None:
    submissions = Submission.objects.filter(municipality=municipality)
    OutreachAttempt.objects.filter(submission__in=submissions).delete()
    SubmissionStatusChange.objects.filter(submission__in=submissions).delete()
    submissions.delete()
    Covenant.objects.filter(municipality=municipality).delete()
    ApiKey.objects.filter(user__municipality=municipality).delete()
