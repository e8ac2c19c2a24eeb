"""Who is anonymised when, what goes and what stays, the legal hold, the dry run, the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vivera.accounts.models import User
from vivera.audit.models import AccessLogEntry, Action
from vivera.conftest import login
from vivera.matching.models import Connection as MatchingConnection
from vivera.matching.models import Listing as MatchingListing
from vivera.matching.models import Member as MatchingMember
from vivera.matching.models import Message as MatchingMessage
from vivera.organisation.models import Municipality, Team
from vivera.partners.models import OutreachAttempt, Submission
from vivera.privacy.models import AccessRequest
from vivera.provisions.models import Allocation, Delivery, Provider
from vivera.registration.models import (
    Client,
    ClientAccessRequest,
    ContactMoment,
    Dossier,
    Household,
    OutreachActivity,
    Question,
    Referral,
    SharingConsent,
    ZrmScore,
)
from vivera.retention.models import LegalHold, RetentionRun
from vivera.retention.rules import ANONYMISED
from vivera.retention.selectors import retention_plan
from vivera.retention.services import _apply, legal_hold_lift, legal_hold_place, retention_run

from .conftest import TODAY, Records, ago, all_rows, terms

pytestmark = pytest.mark.django_db


def run(execute: bool = True, **kwargs: Any) -> Any:
    [report] = retention_run(
        terms=terms(**kwargs),
        execute=execute,
        municipalities=list(Municipality.objects.filter(name="Wijkstad")),
    )
    return report


def anonymised(client: Client) -> bool:
    client.refresh_from_db()
    return client.last_name == ANONYMISED


class TestWhatGoes:
    def test_it_anonymises_a_client_whose_dossier_closed_longer_than_the_term_ago(
        self, build: Callable[..., Client], municipality: Municipality
    ) -> None:
        client = build(years=16)
        dossier = client.dossiers.get()
        secrets = [
            client.first_name,
            client.last_name,
            client.bsn,
            client.phone,
            client.email,
            client.house_number,
            "1961-03-12",
            *Question.objects.filter(dossier=dossier).values_list("description", flat=True),
            *ContactMoment.objects.filter(dossier=dossier).values_list("note", flat=True),
            *Referral.objects.filter(dossier=dossier).values_list("description", flat=True),
            *SharingConsent.objects.filter(dossier=dossier).values_list("note", flat=True),
        ]
        request = AccessRequest.objects.create(
            municipality=municipality,
            client=client,
            received_on=dossier.closed_on,
            reference="AVG-1",
            note=f"Identiteit gecontroleerd aan de balie {client.pk}",
            handled_by=dossier.created_by,
        )
        secrets.append(request.note)
        west = Team.objects.create(municipality=municipality, name="West")
        team_request = ClientAccessRequest.objects.create(
            municipality=municipality,
            client=client,
            dossier=dossier,
            from_team=dossier.team,
            to_team=west,
            kind="shared",
            reason=f"Zelfde gezin als {client.pk}x",
            status="declined",
            requested_by=dossier.created_by,
            decided_by=dossier.created_by,
            decided_at=timezone.now(),
            answer_note=f"Niet nodig, {client.pk}y",
        )
        secrets += [team_request.reason, team_request.answer_note]
        submission = Submission.objects.get(dossier=dossier)
        secrets += [
            submission.first_name,
            submission.last_name,
            submission.bsn,
            submission.phone,
            submission.email,
            submission.reason,
            submission.reference,
            *OutreachAttempt.objects.filter(submission=submission).values_list("note", flat=True),
        ]
        delivery = Delivery.objects.create(
            municipality=municipality,
            source="spreadsheet",
            digest="d" * 64,
            period_start=dt.date(2009, 1, 1),
            period_end=dt.date(2009, 12, 31),
        )
        allocation = Allocation.objects.create(
            municipality=municipality,
            client=client,
            person=987654321987,
            number="SDD-778812",
            record=5,
            category="02",
            product_code="02B77",
            start_date=dt.date(2009, 2, 1),
            end_date=dt.date(2009, 9, 30),
            volume=6,
            unit="04",
            frequency="2",
            provider=Provider.objects.create(agb_code="42429999", name="Begeleiding Zuid"),
            delivery=delivery,
        )
        secrets += ["987654321987", "SDD-778812", "02B77"]
        listing = MatchingListing.objects.create(
            municipality=municipality,
            kind="request",
            posted_by=dossier.created_by,
            client=client,
            title=f"Boodschappen op de fiets {client.pk}b",
            text=f"Elke zaterdag naar de markt {client.pk}c",
            help_kind="shopping",
            neighbourhood=client.neighbourhood,
            frequency="recurring",
            status="published",
        )
        helper = MatchingMember.objects.create(
            municipality=municipality, name="Helper", email="helper@example.nl"
        )
        connection = MatchingConnection.objects.create(
            listing=listing, member=helper, status="match", status_since=dt.date(2009, 3, 1)
        )
        MatchingMessage.objects.create(
            connection=connection, from_poster=False, text=f"Ik help graag {client.pk}d"
        )
        secrets += [listing.title, listing.text, f"Ik help graag {client.pk}d"]
        before = all_rows()
        assert all(secret in before for secret in secrets)

        report = run()

        after = all_rows()
        assert [s for s in secrets if s in after] == []
        client.refresh_from_db()
        assert (
            client.first_name,
            client.name_prefix,
            client.last_name,
            client.bsn,
            client.postcode,
            client.house_number,
            client.phone,
            client.email,
        ) == ("", "", ANONYMISED, "", "", "", "", "")
        assert client.birth_date == dt.date(1961, 1, 1)  # the year stays
        assert client.neighbourhood is not None
        assert client.version == 2
        assert report.counts["clients"] == 1 and report.record_ids["clients"] == [client.pk]
        assert report.record_ids["dossiers"] == [dossier.pk]
        allocation.refresh_from_db()
        assert allocation.number == f"anon-{allocation.pk}" and allocation.provider is None
        # What the monitor counts stays.
        assert (allocation.category, allocation.start_date, allocation.end_date) == (
            "02",
            dt.date(2009, 2, 1),
            dt.date(2009, 9, 30),
        )
        assert report.counts["allocations"] == 1
        assert report.counts["matching_listings"] == 1
        connection.refresh_from_db()
        assert connection.status == "match"  # counted in question 7, kept

    def test_the_team_still_opens_the_anonymised_client_and_dossier(
        self, build: Callable[..., Client], pro: User
    ) -> None:
        client = build(years=16)
        dossier = client.dossiers.get()
        run()

        browser = login(pro)
        pages = [
            browser.get(reverse("registration:client_detail", args=[client.pk])),
            browser.get(reverse("registration:dossier_detail", args=[dossier.pk])),
        ]

        for page in pages:
            assert page.status_code == 200
            assert ANONYMISED in page.content.decode()

    def test_it_keeps_every_row_the_monitor_counts(self, build: Callable[..., Client]) -> None:
        client = build(years=16)
        dossier = client.dossiers.get()

        def counted() -> list[Any]:
            return [
                list(Dossier.objects.filter(pk=dossier.pk).values()),
                list(dossier.status_changes.values()),
                list(
                    Question.objects.filter(dossier=dossier).values(
                        "domain", "opened_on", "closed_on", "outcome"
                    )
                ),
                list(
                    ContactMoment.objects.filter(dossier=dossier).values(
                        "date", "kind", "core_task", "minutes", "professionals"
                    )
                ),
                list(
                    Referral.objects.filter(dossier=dossier).values(
                        "referred_on", "provision_kind", "partner", "handover"
                    )
                ),
                list(
                    ZrmScore.objects.filter(assessment__dossier=dossier).values(
                        "assessment__moment", "assessment__assessed_on", "domain", "score"
                    )
                ),
                list(
                    Submission.objects.filter(dossier=dossier).values(
                        "kind",
                        "signal_type",
                        "received_on",
                        "status",
                        "status_since",
                        "amount",
                        "months_in_arrears",
                        "team",
                        "neighbourhood",
                        "partner",
                    )
                ),
                list(Client.objects.filter(pk=client.pk).values("neighbourhood", "municipality")),
            ]

        before = counted()
        run()
        assert counted() == before

    def test_it_writes_one_access_log_line_per_client_by_the_system(
        self, build: Callable[..., Client], municipality: Municipality
    ) -> None:
        first, second = build(years=16), build(years=20)

        report = run()

        lines = AccessLogEntry.objects.filter(object_type="client", action=Action.DELETE)
        assert sorted(lines.values_list("client_id", flat=True)) == sorted([first.pk, second.pk])
        for line in lines:
            assert line.user is None and line.municipality_id == municipality.pk
            assert line.detail["retention_run"] == report.run.pk
            assert line.detail["dossiers"] == list(
                Dossier.objects.filter(client_id=line.client_id).values_list("pk", flat=True)
            )
        assert AccessLogEntry.objects.filter(object_type="submission").count() == 2
        assert AccessLogEntry.objects.filter(object_type="retention_run").count() == 1

    def test_it_records_the_run_with_counts_ids_and_terms_but_no_personal_data(
        self, build: Callable[..., Client], records: Records
    ) -> None:
        client = build(years=16)
        old_signal = records.submission(received=ago(3), status_since=ago(3))

        report = run()

        saved = RetentionRun.objects.get()
        assert saved == report.run
        assert saved.record_ids["clients"] == [client.pk]
        assert sorted(saved.record_ids["submissions"]) == sorted(
            [
                *Submission.objects.filter(dossier__client=client).values_list("pk", flat=True),
                old_signal.pk,
            ]
        )
        assert saved.counts == {
            "clients": 1,
            "dossiers": 1,
            "questions": 1,
            "contacts": 1,
            "referrals": 1,
            "consents": 1,
            "access_requests": 0,
            "team_access_requests": 0,
            "submissions": 2,
            "attempts": 2,
            "allocations": 0,
            "matching_listings": 0,
            "households": 0,
            "outreach_activities": 0,
            "carers": 0,
        }
        assert saved.terms["years"] == 15 and saved.terms["closed_before"] == "2011-12-02"
        assert "Voornaam" not in repr(saved.__dict__)


class TestWhoStays:
    def test_it_keeps_a_client_until_the_term_has_passed(
        self, build: Callable[..., Client]
    ) -> None:
        inside = build(years=15)  # closed exactly 15 years ago: not longer than the term
        recent = build(years=3)
        outside = build(years=15, days=1)

        run()

        assert not anonymised(inside) and not anonymised(recent)
        assert anonymised(outside)

    def test_it_keeps_a_client_with_an_open_or_a_recent_dossier(
        self, build: Callable[..., Client], records: Records
    ) -> None:
        with_open = build(years=20)
        records.dossier(with_open, closed=None)
        with_recent = build(years=20)
        records.dossier(with_recent, closed=ago(2))

        run()

        assert not anonymised(with_open) and not anonymised(with_recent)

    def test_it_keeps_a_client_with_recent_activity_after_closing(
        self, build: Callable[..., Client], records: Records
    ) -> None:
        signalled = build(years=20)
        records.submission(dossier=signalled.dossiers.get(), received=ago(1), status_since=ago(1))
        still_open = build(years=20)
        records.submission(
            dossier=still_open.dossiers.get(),
            received=ago(16),
            status="in_contact",
            status_since=ago(16),
        )
        later_status = build(years=20)
        later_status.dossiers.get().status_changes.filter(to_status="closed").update(date=ago(1))

        run()

        assert not anonymised(signalled)
        assert not anonymised(still_open)
        assert not anonymised(later_status)

    def test_it_applies_the_shorter_term_only_to_dossiers_without_a_provision(
        self, build: Callable[..., Client]
    ) -> None:
        with_provision = build(years=10, provision="customised")
        specialist = build(years=10, provision="specialist")
        general = build(years=10, provision="general")

        run(years=15, without_provision=5)

        assert not anonymised(with_provision) and not anonymised(specialist)
        assert anonymised(general)

    def test_it_anonymises_a_client_registered_without_a_dossier_after_the_shorter_term(
        self, records: Records
    ) -> None:
        old = records.client(created=ago(3))
        recent = records.client(created=ago(1))

        run(months=24)

        assert anonymised(old) and not anonymised(recent)

    def test_it_keeps_a_household_member_while_the_household_has_a_live_dossier(
        self, records: Records, build: Callable[..., Client]
    ) -> None:
        household = records.household()
        parent = build(years=2, household=household)
        child = records.client(household=household, created=ago(10))
        old_household = records.household("Familie Oud, Kerkstraat 9x")
        old_parent = build(years=17, household=old_household)
        old_child = records.client(household=old_household, created=ago(17))

        report = run()

        assert not anonymised(parent) and not anonymised(child)
        assert anonymised(old_parent) and anonymised(old_child)
        assert old_child.household is None
        assert not Household.objects.filter(pk=old_household.pk).exists()
        assert Household.objects.filter(pk=household.pk).exists()
        assert report.record_ids["households"] == [old_household.pk]
        assert "Familie Oud" not in all_rows()

    def test_it_leaves_another_municipality_alone_when_asked_for_one(
        self, build: Callable[..., Client], other_municipality: Municipality, other_pro: User
    ) -> None:
        here = build(years=16)
        elsewhere = Client.objects.create(
            municipality=other_municipality,
            first_name="Els",
            last_name="Elders",
            created_by=other_pro,
        )
        Client.objects.filter(pk=elsewhere.pk).update(
            created_at=here.created_at - dt.timedelta(days=20 * 365)
        )

        run()

        assert anonymised(here)
        assert Client.objects.get(pk=elsewhere.pk).last_name == "Elders"

    def test_a_dossier_reopened_after_the_plan_keeps_its_client(
        self, build: Callable[..., Client], municipality: Municipality
    ) -> None:
        """The run locks each chunk's dossiers and checks its clients again before it changes
        them: a colleague's re-opening in between wins."""
        reopened, other = build(years=16), build(years=16)
        plan = retention_plan(municipality=municipality, terms=terms())
        assert plan.clients == [reopened.pk, other.pk]
        Dossier.objects.filter(client=reopened).update(status="active", closed_on=None)

        report = _apply(plan, execute=True)

        assert not anonymised(reopened) and anonymised(other)
        assert report.record_ids["clients"] == [other.pk]


class TestSubmissionsAndOutreach:
    def test_it_anonymises_a_closed_signal_that_never_became_a_dossier_after_the_term(
        self, records: Records
    ) -> None:
        old_closed = records.submission(received=ago(3), status_since=ago(3))
        old_open = records.submission(received=ago(3), status="not_reached", status_since=ago(3))
        recent_closed = records.submission(received=ago(1), status_since=ago(1))
        handed_over = records.submission(
            received=ago(4), status="handed_over", status_since=ago(2, days=10)
        )

        run(months=24)

        def gone(submission: Submission) -> bool:
            submission.refresh_from_db()
            return submission.last_name == ANONYMISED and submission.bsn == ""

        assert gone(old_closed) and gone(handed_over)
        assert not gone(old_open) and not gone(recent_closed)
        old_closed.refresh_from_db()
        assert old_closed.reference == f"geanonimiseerd-{old_closed.pk}"
        assert old_closed.attempts.get().note == ""
        assert (old_closed.amount, old_closed.months_in_arrears, old_closed.signal_type) == (
            812.50,
            2,
            "rent",
        )

    def test_it_clears_the_description_of_old_outreach_activities(self, records: Records) -> None:
        old, recent = records.outreach(ago(16)), records.outreach(ago(14))

        report = run()

        old.refresh_from_db()
        recent.refresh_from_db()
        assert old.description == "" and old.hours == 2.5
        assert recent.description.startswith("Buurtnetwerk")
        assert report.record_ids["outreach_activities"] == [old.pk]
        assert OutreachActivity.objects.count() == 2


class TestLegalHold:
    def test_a_held_client_is_skipped_and_reported_as_held(
        self, build: Callable[..., Client], admin_user: User
    ) -> None:
        held, other = build(years=16), build(years=16)
        hold = legal_hold_place(user=admin_user, client=held, reason="Bezwaar 2026-17")

        report = run()

        assert not anonymised(held) and anonymised(other)
        assert report.plan.held == [(held.pk, hold.pk)]
        assert report.run.held == [{"client": held.pk, "hold": hold.pk}]
        assert (
            Submission.objects.filter(dossier__client=held).exclude(last_name=ANONYMISED).exists()
        )

    def test_a_lifted_hold_lets_retention_continue(
        self, build: Callable[..., Client], admin_user: User
    ) -> None:
        client = build(years=16)
        hold = legal_hold_place(user=admin_user, client=client, reason="Klacht K-12")
        run()
        assert not anonymised(client)

        legal_hold_lift(user=admin_user, hold=hold)
        report = run()

        assert anonymised(client) and report.plan.held == []

    def test_a_held_household_member_keeps_the_household(
        self, records: Records, build: Callable[..., Client], admin_user: User
    ) -> None:
        household = records.household()
        parent = build(years=17, household=household)
        child = records.client(household=household, created=ago(17))
        legal_hold_place(user=admin_user, client=child, reason="Rechtszaak")

        report = run()

        assert anonymised(parent) and not anonymised(child)
        assert Household.objects.filter(pk=household.pk).exists()
        assert report.counts["households"] == 0

    def test_placing_and_lifting_is_logged_and_a_second_hold_is_refused(
        self, records: Records, admin_user: User
    ) -> None:
        client = records.client()
        hold = legal_hold_place(user=admin_user, client=client, reason="  Bezwaar  ")
        with pytest.raises(ValidationError) as refused:
            legal_hold_place(user=admin_user, client=client, reason="Nog een")
        assert refused.value.code == "exists"
        with pytest.raises(ValidationError):
            legal_hold_place(user=admin_user, client=client, reason="   ")
        legal_hold_lift(user=admin_user, hold=hold)
        with pytest.raises(ValidationError):
            legal_hold_lift(user=admin_user, hold=hold)

        hold.refresh_from_db()
        assert hold.reason == "Bezwaar" and hold.lifted_by == admin_user
        lines = list(
            AccessLogEntry.objects.filter(object_type="legal_hold")
            .order_by("pk")
            .values_list("action", "client_id", "user_id")
        )
        assert lines == [
            (Action.CREATE, client.pk, admin_user.pk),
            (Action.UPDATE, client.pk, admin_user.pk),
        ]
        assert LegalHold.objects.count() == 1

    def test_an_administrator_cannot_hold_a_client_of_another_municipality(
        self, other_municipality: Municipality, other_pro: User, admin_user: User
    ) -> None:
        elsewhere = Client.objects.create(
            municipality=other_municipality,
            first_name="Els",
            last_name="Elders",
            created_by=other_pro,
        )
        with pytest.raises(ValidationError):
            legal_hold_place(user=admin_user, client=elsewhere, reason="Bezwaar")
        assert not LegalHold.objects.exists()


class TestDryRunAndRepeat:
    def test_the_dry_run_changes_nothing_and_reports_what_the_run_then_does(
        self, build: Callable[..., Client], records: Records, admin_user: User
    ) -> None:
        build(years=16)
        build(years=3)
        held = build(years=20)
        legal_hold_place(user=admin_user, client=held, reason="Bezwaar")
        records.submission(received=ago(3), status_since=ago(3))
        records.outreach(ago(16))
        before = all_rows()

        dry = run(execute=False)

        assert all_rows() == before
        assert not RetentionRun.objects.exists()
        done = run()
        assert done.counts == dry.counts and done.record_ids == dry.record_ids
        assert done.plan.held == dry.plan.held
        assert dry.counts["clients"] == 1 and dry.counts["submissions"] == 2

    def test_a_second_run_finds_nothing_and_a_value_typed_in_again_goes_next_time(
        self, build: Callable[..., Client]
    ) -> None:
        client = build(years=16)
        run()

        again = run()
        assert again.counts == dict.fromkeys(again.counts, 0)
        assert RetentionRun.objects.count() == 2  # every run is recorded, also an empty one
        Client.objects.filter(pk=client.pk).update(phone="06-99999999")
        third = run()
        assert third.record_ids["clients"] == [client.pk]
        client.refresh_from_db()
        assert client.phone == ""

    def test_today_is_the_real_date_by_default(self) -> None:
        from django.utils import timezone

        from vivera.retention.selectors import Terms

        assert Terms.from_settings().today == timezone.localdate()
        assert terms().closed_before == dt.date(TODAY.year - 15, TODAY.month, TODAY.day)
