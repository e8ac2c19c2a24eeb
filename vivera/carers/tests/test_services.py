"""The register's rules: registering (public and by staff), duplicates, leaving, support, and
the appreciation's checks, decisions and budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from vivera.audit.models import AccessLogEntry
from vivera.carers import appreciation, services
from vivera.carers.iban import is_valid
from vivera.carers.models import Application, Carer, CareRelation
from vivera.carers.selectors import groups_of

from .conftest import TODAY, YEAR, carer_fields, relation_fields

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def link_in(message) -> str:
    return next(line for line in message.body.splitlines() if "/mantelzorg/link/" in line)


class TestIban:
    @pytest.mark.parametrize(
        "value",
        [
            "NL91ABNA0417164300",
            "nl91 abna 0417 1643 00",
            "NL20INGB0001234567",
            "BE68539007547034",
            "DE89370400440532013000",
            "CH9300762011623852957",
            "NO9386011117947",
        ],
    )
    def test_it_accepts_real_ibans(self, value):
        assert is_valid(value)

    @pytest.mark.parametrize(
        "value",
        [
            "NL91ABNA0417164301",
            "NL19ABNA0417164300",
            "NL91ABNA041716430",
            "BE68539007547035",
            "",
            "NL91",
            "12345678",
            "XX900000000000",  # a made-up country whose digits pass mod 97
        ],
    )
    def test_it_refuses_a_wrong_check_digit_length_or_shape(self, value):
        assert not is_valid(value)


class TestRegistration:
    def test_it_registers_a_carer_from_the_public_form_waiting_for_the_link(
        self, municipality, neighbourhood, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            carer = services.carer_register_public(
                municipality=municipality,
                carer=carer_fields(),
                relation=relation_fields(),
                address="10.0.0.1",
                base_url="https://vivera.test",
            )
        assert (carer.status, carer.registered_on, carer.neighbourhood) == (
            "pending",
            None,
            neighbourhood,
        )
        assert carer.postcode == "9991AB"
        [message] = mail.outbox
        assert message.to == ["mira@example.org"]
        token = link_in(message).rsplit("/", 2)[-2]
        assert token not in Carer.objects.get().token_hash  # only the hash is stored
        opened = services.carer_open_link(token=token)
        assert (opened.status, opened.registered_on) == ("registered", TODAY)
        assert services.carer_open_link(token=token) is None  # once

    def test_a_duplicate_public_registration_adds_nothing_and_mails_the_owner(
        self, municipality, registered, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            again = services.carer_register_public(
                municipality=municipality,
                carer=carer_fields(email="MIRA@example.org"),
                relation=relation_fields(cared_for_name="jan de zorg"),
                address="10.0.0.1",
                base_url="https://vivera.test",
            )
        assert again == registered
        assert (Carer.objects.count(), CareRelation.objects.count()) == (1, 1)
        assert "al ingeschreven" in mail.outbox[0].body

    def test_a_known_address_with_someone_new_adds_nothing_and_sends_the_page(
        self, municipality, registered, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.carer_register_public(
                municipality=municipality,
                carer=carer_fields(),
                relation=relation_fields(cared_for_name="Kees Buurman", relation="friend"),
                address="10.0.0.1",
                base_url="https://vivera.test",
            )
        assert registered.relations.count() == 1
        [message] = mail.outbox
        assert message.to == [registered.email]
        assert "al in het register" in message.body and "/mantelzorg/link/" in message.body

    def test_staff_registration_refuses_a_duplicate_with_a_clear_message(
        self, consultant, municipality, registered
    ):
        with pytest.raises(ValidationError) as error:
            services.carer_register_staff(
                user=consultant,
                municipality=municipality,
                carer=carer_fields(email=""),
                relation=relation_fields(),
            )
        assert error.value.code == "duplicate"
        assert "al ingeschreven als mantelzorger voor Jan de Zorg" in error.value.messages[0]

    def test_it_names_every_problem_at_once(self, consultant, municipality):
        with pytest.raises(ValidationError) as error:
            services.carer_register_staff(
                user=consultant,
                municipality=municipality,
                carer=carer_fields(first_name=" ", birth_date=dt.date(2030, 1, 1), postcode="99"),
                relation=relation_fields(hours_per_week=200, care_kinds=[], since=None),
            )
        assert codes(error.value) == {
            "first_name": ["required"],
            "birth_date": ["future"],
            "postcode": ["invalid"],
            "care_kinds": ["required"],
            "hours_per_week": ["invalid"],
            "since": ["required"],
        }
        assert not Carer.objects.exists()

    def test_linking_a_client_needs_its_consent(self, pro, municipality, client_oost):
        with pytest.raises(ValidationError) as error:
            services.carer_register_staff(
                user=pro,
                municipality=municipality,
                carer=carer_fields(),
                relation=relation_fields(client=client_oost, client_consent_on=None),
            )
        assert codes(error.value) == {"client_consent_on": ["consent"]}

    def test_other_roles_may_not_register(self, policy, admin_user, municipality):
        for user in (policy, admin_user):
            with pytest.raises(PermissionDenied):
                services.carer_register_staff(
                    user=user,
                    municipality=municipality,
                    carer=carer_fields(),
                    relation=relation_fields(),
                )

    def test_leaving_ends_the_care_and_the_link(self, registered):
        services.carer_leave(user=None, carer=registered, reason="Moeder verhuisd")
        registered.refresh_from_db()
        assert (registered.status, registered.left_on) == ("left", TODAY)
        assert registered.relations.get().ended_on == TODAY
        with pytest.raises(ValidationError):
            services.carer_leave(user=None, carer=registered)

    def test_the_carer_changes_only_its_contact_details(self, registered):
        services.carer_update(user=None, carer=registered, phone="0612345678", postcode="1234ab")
        registered.refresh_from_db()
        assert (registered.phone, registered.postcode, registered.neighbourhood) == (
            "0612345678",
            "1234AB",
            None,
        )
        with pytest.raises(PermissionDenied):
            services.carer_update(user=None, carer=registered, first_name="Iemand")
        line = AccessLogEntry.objects.filter(object_type="carer", action="update").last()
        assert line.user is None and line.detail["fields"] == ["neighbourhood", "phone", "postcode"]


class TestGroups:
    def test_groups_follow_age_and_the_care_running_on_the_day(self):
        carer = Carer(birth_date=dt.date(2001, 7, 1), is_working=False)
        partner = CareRelation(
            relation="partner", dementia=False, since=dt.date(2024, 1, 1), ended_on=None
        )
        mother = CareRelation(
            relation="parent",
            dementia=True,
            since=dt.date(2020, 1, 1),
            ended_on=dt.date(2024, 12, 31),
        )
        # 30 June 2025: 23 years old; the mother's care ended.
        assert groups_of(carer, [partner, mother], dt.date(2025, 6, 30)) == {"young", "partner"}
        # 1 July 2025: 24, no longer young.
        assert groups_of(carer, [partner, mother], dt.date(2025, 7, 1)) == {"partner"}
        assert groups_of(carer, [partner, mother], dt.date(2023, 6, 1)) == {"young", "dementia"}
        senior = Carer(birth_date=dt.date(1950, 6, 16), is_working=True)
        assert groups_of(senior, [], dt.date(2025, 6, 16)) == {"senior", "working"}
        assert groups_of(senior, [], dt.date(2025, 6, 15)) == {"working"}


class TestAppreciation:
    def test_it_checks_the_iban_only_where_money_is_paid(self, registered, scheme):
        relation = registered.relations.get()
        with pytest.raises(ValidationError) as error:
            appreciation.application_submit(
                user=None,
                scheme=scheme,
                carer=registered,
                relation=relation,
                iban="NL91ABNA0417164301",
                account_holder="M. de Zorg",
            )
        assert codes(error.value) == {"iban": ["iban"]}
        application = appreciation.application_submit(
            user=None,
            scheme=scheme,
            carer=registered,
            relation=relation,
            iban="nl91 abna 0417 1643 00",
            account_holder="M. de Zorg",
        )
        assert (application.iban, application.received_on, application.source) == (
            "NL91ABNA0417164300",
            TODAY,
            "public",
        )

    def test_a_second_application_in_a_year_is_refused(self, registered, scheme):
        relation = registered.relations.get()
        kwargs = dict(
            scheme=scheme,
            carer=registered,
            relation=relation,
            iban="NL91ABNA0417164300",
            account_holder="M. de Zorg",
        )
        appreciation.application_submit(user=None, **kwargs)
        with pytest.raises(ValidationError) as error:
            appreciation.application_submit(user=None, **kwargs)
        assert error.value.code == "twice"
        assert f"al een aanvraag van deze mantelzorger voor {YEAR}" in error.value.messages[0]
        assert Application.objects.count() == 1

    def test_one_per_relation_allows_one_per_person_cared_for(self, consultant, registered, scheme):
        scheme.one_per = "relation"
        scheme.save()
        second = services.relation_add(
            user=consultant, carer=registered, **relation_fields(cared_for_name="Kees")
        )
        for relation in (registered.relations.first(), second):
            appreciation.application_submit(
                user=None,
                scheme=scheme,
                carer=registered,
                relation=relation,
                iban="NL91ABNA0417164300",
                account_holder="M",
            )
        assert Application.objects.count() == 2

    def test_it_checks_window_registration_hours_months_and_residence(
        self, consultant, municipality, scheme
    ):
        carer = services.carer_register_staff(
            user=consultant,
            municipality=municipality,
            carer=carer_fields(postcode="1234AB"),
            relation=relation_fields(hours_per_week=4, since=TODAY - dt.timedelta(days=30)),
        )
        with pytest.raises(ValidationError) as error:
            appreciation.application_submit(
                user=consultant,
                scheme=scheme,
                carer=carer,
                relation=carer.relations.get(),
                iban="NL91ABNA0417164300",
                account_holder="M",
                received_on=dt.date(YEAR - 1, 12, 31),
            )
        assert codes(error.value) == {
            "__all__": ["not_registered", "window", "municipality"],
            "relation": ["hours", "months"],
        }

    def test_approval_uses_the_budget_and_refusal_needs_a_reason(
        self, consultant, municipality, neighbourhood, scheme
    ):
        applications = []
        for n in range(3):
            carer = services.carer_register_staff(
                user=consultant,
                municipality=municipality,
                carer=carer_fields(first_name=f"Carer{n}", email=f"c{n}@example.org"),
                relation=relation_fields(),
                today=dt.date(YEAR - 1, 1, 1),
            )
            applications.append(
                appreciation.application_submit(
                    user=None,
                    scheme=scheme,
                    carer=carer,
                    relation=carer.relations.get(),
                    iban="NL91ABNA0417164300",
                    account_holder="X",
                )
            )
        first, second, third = applications
        appreciation.application_decide(user=consultant, application=first, approve=True)
        appreciation.application_decide(user=consultant, application=second, approve=True)
        budget = appreciation.budget_of(scheme)
        assert (budget.used, budget.left, budget.waiting) == (
            Decimal("300.00"),
            Decimal("0.00"),
            Decimal("150.00"),
        )
        with pytest.raises(ValidationError) as error:
            appreciation.application_decide(user=consultant, application=third, approve=True)
        assert error.value.code == "budget"
        with pytest.raises(ValidationError) as error:
            appreciation.application_decide(user=consultant, application=third, approve=False)
        assert codes(error.value) == {"reason": ["required"]}
        appreciation.application_decide(
            user=consultant, application=third, approve=False, reason="Budget op"
        )
        third.refresh_from_db()
        assert (third.status, third.refusal_reason) == ("refused", "Budget op")
        with pytest.raises(ValidationError):
            appreciation.scheme_save(
                user=consultant,
                scheme=scheme,
                **{
                    "year": YEAR,
                    "form": "money",
                    "amount": Decimal("150.00"),
                    "budget": Decimal("200.00"),
                    "opens_on": scheme.opens_on,
                    "closes_on": scheme.closes_on,
                    "one_per": "carer",
                    "min_hours": 8,
                    "min_months": 3,
                },
            )

    def test_every_change_is_in_the_access_log(self, consultant, registered, scheme):
        application = appreciation.application_submit(
            user=None,
            scheme=scheme,
            carer=registered,
            relation=registered.relations.get(),
            iban="NL91ABNA0417164300",
            account_holder="M",
        )
        appreciation.application_decide(user=consultant, application=application, approve=True)
        lines = AccessLogEntry.objects.filter(object_type="carer_application").order_by("pk")
        assert [(x.action, x.user_id, x.detail.get("status")) for x in lines] == [
            ("create", None, None),
            ("update", consultant.pk, "approved"),
        ]
        assert all(x.municipality_id == registered.municipality_id for x in lines)
