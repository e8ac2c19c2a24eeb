"""The partner side of the demo municipality: a covenant, a handful of current signals and
referrals from the demo partner (some overdue, some in contact) and a fixed demo API key, so
`make run` shows the triage queue and the partner API at work. Invented people only.

Each submission is received some days before the demo's today, and that is the moment it
carries (`received_at`, which the partner sees), with its status changes and attempts on their
own days (see `vivera.devtools.demo.clock`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from vivera.accounts.models import User
from vivera.devtools.demo.clock import Clock
from vivera.organisation.models import Municipality, Neighbourhood, Team
from vivera.partners.models import (
    ApiKey,
    Covenant,
    OutreachAttempt,
    Submission,
    SubmissionStatus,
    SubmissionStatusChange,
)
from vivera.partners.services import add_working_days, hash_key

# Demo only: printed by `vivera demo_logins`. Never use a fixed key outside the demo.
DEMO_API_KEY = "vvr_demo0000_alleen-voor-de-demo-niet-in-productie"
RESPOND_DAYS = 3

# (reference, kind, first name, last name, postcode, house number, days ago, received at
#  (minutes after midnight), signal type, amount, crisis, what the team did: "" none yet, "tried"
#  one attempt without reaching, "contact" reached). "{year}" in a reference is the year
#  received.
SUBMISSIONS = (
    (
        "ZW-{year}-0412",
        "signal",
        "Gerda",
        "Hoeksema",
        "9901AB",
        "14",
        9,
        9 * 60 + 12,
        "rent",
        "1325.50",
        False,
        "",
    ),
    (
        "ZW-{year}-0415",
        "signal",
        "Murat",
        "Yilmaz",
        "9907CD",
        "3",
        7,
        14 * 60 + 47,
        "rent",
        "2410.00",
        True,
        "",
    ),
    (
        "ZW-{year}-0419",
        "signal",
        "Petra",
        "de Wit",
        "9902EF",
        "27",
        4,
        8 * 60 + 3,
        "rent",
        "980.00",
        False,
        "tried",
    ),
    (
        "ZW-{year}-0421",
        "signal",
        "Johan",
        "Bakker",
        "9903GH",
        "8",
        2,
        11 * 60 + 30,
        "rent",
        "1450.00",
        False,
        "contact",
    ),
    (
        "ZW-{year}-0424",
        "signal",
        "Anouk",
        "Visser",
        "9904JK",
        "61",
        0,
        7 * 60 + 55,
        "rent",
        "1190.75",
        False,
        "",
    ),
    (
        "ZW-AANM-077",
        "referral",
        "Henk",
        "Smit",
        "9905LM",
        "5",
        1,
        16 * 60 + 20,
        "",
        None,
        False,
        "",
    ),
)


def _neighbourhood(municipality: Municipality, postcode: str) -> Neighbourhood | None:
    return Neighbourhood.objects.filter(
        municipality=municipality, postcodes__postcode__in=[postcode, postcode[:4]]
    ).first()


def demo_partner_data(
    *,
    municipality: Municipality,
    partner_user: User,
    professional: User,
    today: dt.date,
    clock: Clock,
) -> int:
    """Write the partner side; `clock` stamps each row on its own day (the caller switches
    `auto_now_add` off, see `vivera.devtools.demo.clock.planned_moments`)."""
    partner = partner_user.partner
    assert partner is not None
    Covenant.objects.create(
        municipality=municipality,
        partner=None,
        name="Convenant vroegsignalering Zwijnwaard",
        respond_within_days=RESPOND_DAYS,
        crisis_within_days=1,
    )
    ApiKey.objects.create(
        user=partner_user,
        name="Demo (huurincasso)",
        prefix=DEMO_API_KEY.split("_")[1],
        key_hash=hash_key(DEMO_API_KEY),
    )
    for (
        reference,
        kind,
        first,
        last,
        postcode,
        number,
        days_ago,
        minutes,
        signal_type,
        amount,
        crisis,
        done,
    ) in SUBMISSIONS:
        received = today - dt.timedelta(days=days_ago)
        received_at = clock.at(received, minutes)
        neighbourhood = _neighbourhood(municipality, postcode)
        teams = list(Team.objects.filter(neighbourhoods=neighbourhood)) if neighbourhood else []
        submission = Submission.objects.create(
            municipality=municipality,
            partner=partner,
            sent_by=partner_user,
            reference=reference.format(year=received.year),
            kind=kind,
            received_at=received_at,
            received_on=received,
            respond_by=add_working_days(received, 1 if crisis else RESPOND_DAYS),
            first_name=first,
            last_name=last,
            postcode=postcode,
            house_number=number,
            neighbourhood=neighbourhood,
            team=teams[0] if len(teams) == 1 else None,
            signal_type=signal_type,
            amount=Decimal(amount) if amount else None,
            months_in_arrears=2 if kind == "signal" else None,
            crisis=crisis,
            consent=kind == "referral",
            status_since=received,
            reason=(
                "Zoon maakt zich zorgen: vader komt de deur niet meer uit sinds hij weduwnaar is."
                if kind == "referral"
                else ""
            ),
        )
        SubmissionStatusChange.objects.create(
            submission=submission,
            from_status="",
            to_status=SubmissionStatus.RECEIVED,
            date=received,
            changed_by=partner_user,
            changed_at=received_at,
        )
        if done:
            day = min(received + dt.timedelta(days=1), today)
            # A morning attempt, recorded back at the office before noon.
            recorded_at = max(clock.at(day, 11 * 60 + 40), received_at)
            OutreachAttempt.objects.create(
                submission=submission,
                date=day,
                part_of_day="morning",
                method="home_visit" if done == "contact" else "letter",
                reached=done == "contact",
                recorded_by=professional,
                created_at=recorded_at,
            )
            if done == "contact":
                SubmissionStatusChange.objects.create(
                    submission=submission,
                    from_status=SubmissionStatus.RECEIVED,
                    to_status=SubmissionStatus.IN_CONTACT,
                    date=day,
                    changed_by=professional,
                    changed_at=recorded_at,
                )
                Submission.objects.filter(pk=submission.pk).update(
                    status=SubmissionStatus.IN_CONTACT, status_since=day
                )
    return len(SUBMISSIONS)


def demo_partner_reset(municipality: Municipality) -> None:
    submissions = Submission.objects.filter(municipality=municipality)
    OutreachAttempt.objects.filter(submission__in=submissions).delete()
    SubmissionStatusChange.objects.filter(submission__in=submissions).delete()
    submissions.delete()
    Covenant.objects.filter(municipality=municipality).delete()
    ApiKey.objects.filter(user__municipality=municipality).delete()
