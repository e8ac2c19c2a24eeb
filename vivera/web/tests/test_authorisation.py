"""Every page × every role, generated from the URL configuration.

A page without a rule in RULES fails `test_every_page_has_a_rule`, so nothing new can slip in
unchecked. For each rule, every persona is tried: a role that may not open the page gets 403, an
anonymous visitor is sent to the login page, and an allowed role that may not see this particular
person's record gets 404 (and the refusal is logged).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from vivera.accounts.models import AccessGrantRequest
from vivera.audit.models import AccessLogEntry
from vivera.carers import appreciation as carer_appreciation
from vivera.carers import services as carer_services
from vivera.conftest import login
from vivera.matching.models import Connection as MatchingConnection
from vivera.matching.models import Listing as MatchingListing
from vivera.matching.models import Member as MatchingMember
from vivera.organisation.models import Neighbourhood
from vivera.partners.models import Submission
from vivera.plans import services as plan_services
from vivera.registration.models import Question
from vivera.registration.services import (
    access_request_create,
    client_create,
    consent_record,
    dossier_create,
)
from vivera.research.services import grant_create
from vivera.survey import services as survey_services
from vivera.survey.models import Answer as SurveyAnswer
from vivera.survey.models import Invitation as SurveyInvitation
from vivera.survey.models import Response as SurveyResponse

pytestmark = pytest.mark.django_db

ALL_PERSONAS = [
    "pro",
    "pro_west",
    "coordinator",
    "policy",
    "admin",
    "partner",
    "resident",
    "researcher",
    "other_pro",
    "consultant",
]


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]  # personas whose role may open the page
    method: str = "get"
    # "client", "dossier", "question", "consent" or "submission": a record of team Oost;
    # "access_request": team West's request for access to it; "grant": the researcher's
    # research grant; "access_grant": a request for a membership of team Oost (made by the
    # operator's command, so the administrator and Oost's coordinator may decide)
    obj: str | None = None
    # personas whose role is allowed but who may not see the Oost record (→ 404)
    not_theirs: frozenset[str] = frozenset()


def rule(allowed: set[str], method: str = "get", obj: str | None = None) -> Rule:
    not_theirs = frozenset({"pro_west", "other_pro"} & allowed) if obj else frozenset()
    return Rule(frozenset(allowed), method, obj, not_theirs)


# Personas whose role is professional or coordinator.
TEAM_ROLES = {"pro", "pro_west", "coordinator", "other_pro"}
RULES: dict[str, Rule] = {
    "home": rule(set(ALL_PERSONAS)),
    "password_change": rule(set(ALL_PERSONAS)),
    "registration:my_work": rule(TEAM_ROLES),
    "registration:my_list": rule(TEAM_ROLES),
    "registration:waiting_list": rule(TEAM_ROLES),
    "registration:shortcontact_create": rule(TEAM_ROLES),
    "registration:client_search": rule(TEAM_ROLES),
    "registration:client_create": rule(TEAM_ROLES),
    "registration:client_detail": rule(TEAM_ROLES, obj="client"),
    "registration:client_edit": rule(TEAM_ROLES, obj="client"),
    "registration:client_reveal_bsn": rule(TEAM_ROLES, "post", obj="client"),
    "registration:dossier_create": rule(TEAM_ROLES, obj="client"),
    "registration:dossier_detail": rule(TEAM_ROLES, obj="dossier"),
    "registration:dossier_edit": rule(TEAM_ROLES, obj="dossier"),
    "registration:dossier_status": rule(TEAM_ROLES, "post", obj="dossier"),
    "registration:dossier_assign": rule({"coordinator"}, "post", obj="dossier"),
    "registration:question_add": rule(TEAM_ROLES, obj="dossier"),
    "registration:question_close": rule(TEAM_ROLES, obj="question"),
    "registration:contact_add": rule(TEAM_ROLES, obj="dossier"),
    "registration:referral_add": rule(TEAM_ROLES, obj="dossier"),
    "registration:zrm_add": rule(TEAM_ROLES, obj="dossier"),
    "registration:consent_add": rule(TEAM_ROLES, obj="dossier"),
    "registration:consent_withdraw": rule(TEAM_ROLES, obj="consent"),
    "registration:outreach_list": rule(TEAM_ROLES),
    "registration:access_request_create": rule(TEAM_ROLES),
    "registration:access_requests": rule(TEAM_ROLES),
    "registration:access_request_decide": rule({"coordinator"}, obj="access_request"),
    "registration:access_share_end": rule({"coordinator"}, "post", obj="access_request"),
    "organisation:formation": rule({"coordinator"}),
    "monitor:dashboard": rule({"coordinator", "policy"}),
    "monitor:report": rule({"coordinator", "policy"}),
    "monitor:export": rule({"coordinator", "policy"}),
    "monitor:benchmark": rule({"policy"}),
    "monitor:key_figures": rule({"policy"}),
    "partners:queue": rule(TEAM_ROLES),
    "partners:detail": rule(TEAM_ROLES, obj="submission"),
    "partners:attempt_add": rule(TEAM_ROLES, "post", obj="submission"),
    "partners:change_status": rule(TEAM_ROLES, "post", obj="submission"),
    "partners:to_dossier": rule(TEAM_ROLES, "post", obj="submission"),
    "partners:take": rule(TEAM_ROLES, "post", obj="submission"),
    "portal:home": rule({"partner"}),
    "portal:send_referral": rule({"partner"}),
    "portal:send_signal": rule({"partner"}),
    "audit:access_log": rule({"admin"}),
    "audit:access_log_export": rule({"admin"}),
    "ggm:export": rule({"admin"}),
    "imports:import": rule({"admin"}),
    "imports:confirm": rule({"admin"}, "post"),
    "imports:cancel": rule({"admin"}, "post"),
    "privacy:index": rule({"admin"}),
    "privacy:person": rule({"admin"}, obj="client"),
    "privacy:export": rule({"admin"}, "post", obj="client"),
    "privacy:carer": rule({"admin"}, obj="carer"),
    "privacy:carer_export": rule({"admin"}, "post", obj="carer"),
    "research:home": rule({"researcher"}),
    "research:download": rule({"researcher"}, "post", obj="grant"),
    "research:grants": rule({"admin"}),
    "research:revoke": rule({"admin"}, "post", obj="grant"),
    "survey:list": rule({"policy"}),
    "survey:create": rule({"policy"}),
    "survey:detail": rule({"policy"}, obj="survey"),
    "survey:question_add": rule({"policy"}, obj="survey"),
    "survey:question_edit": rule({"policy"}, obj="survey_question"),
    "survey:question_remove": rule({"policy"}, "post", obj="survey_question"),
    "survey:question_up": rule({"policy"}, "post", obj="survey_question"),
    "survey:question_down": rule({"policy"}, "post", obj="survey_question"),
    "survey:open": rule({"policy"}, "post", obj="survey"),
    "survey:close": rule({"policy"}, obj="survey"),
    "survey:sample": rule({"policy"}, obj="survey"),
    "survey:results": rule({"policy"}, obj="survey"),
    "survey:objection": rule(TEAM_ROLES, "post", obj="client"),
    "survey_intake:index": rule({"admin"}),
    "provisions:deliveries": rule({"admin"}),
    "survey_intake:paper": rule({"admin"}, obj="survey"),
    "survey_intake:bureau": rule({"admin"}, obj="survey"),
    "survey_intake:columns": rule({"admin"}, obj="survey"),
    "survey:letters": rule({"coordinator"}),
    "survey:letters_download": rule({"coordinator"}, "post", obj="survey"),
    "survey:screening": rule({"coordinator"}),
    "survey:screen": rule({"coordinator"}, "post", obj="survey_answer"),
    "plans:list": rule({"policy"}),
    "plans:detail": rule({"policy"}, obj="plan"),
    "plans:document": rule({"policy"}, obj="plan"),
    "plans:cluster_add": rule({"policy"}, obj="plan"),
    "plans:cluster_edit": rule({"policy"}, obj="plan_cluster"),
    "plans:activity_add": rule({"policy"}, obj="plan_cluster"),
    "plans:target_add": rule({"policy"}, obj="plan_cluster"),
    "plans:activity": rule({"policy"}, obj="plan_activity"),
    "plans:target": rule({"policy"}, obj="plan_target"),
    "plans:import": rule({"policy"}),
    "plans:proposals": rule({"policy"}),
    "plans:decide": rule({"policy"}, "post", obj="plan_note"),
    "plans_partner:list": rule({"partner"}),
    "plans_partner:propose": rule({"partner"}, obj="plan_activity"),
    "matching_moderation:moderation": rule({"admin"}),
    "matching_staff:for_client": rule(TEAM_ROLES, obj="dossier"),
    "matching_staff:team_thread": rule(TEAM_ROLES, obj="team_connection"),
    "matching_moderation:moderate": rule({"admin"}, "post", obj="listing"),
    "matching_moderation:followed_up": rule({"admin"}, "post", obj="connection"),
    "matching_moderation:reports_handled": rule({"admin"}, "post", obj="listing"),
    "carers:register": rule({"consultant"}),
    "carers:create": rule({"consultant"}),
    "carers:detail": rule({"consultant"}, obj="carer"),
    "carers:edit": rule({"consultant"}, obj="carer"),
    "carers:confirm": rule({"consultant"}, "post", obj="carer"),
    "carers:leave": rule({"consultant"}, obj="carer"),
    "carers:relation_add": rule({"consultant"}, obj="carer"),
    "carers:support_add": rule({"consultant"}, obj="carer"),
    "carers:application_add": rule({"consultant"}, obj="carer"),
    "carers:relation_end": rule({"consultant"}, "post", obj="carer_relation"),
    "carers:followed_up": rule({"consultant"}, "post", obj="carer_support"),
    "carers:for_client": rule(TEAM_ROLES, obj="dossier"),
    "carers:schemes": rule({"consultant"}),
    "carers:scheme": rule({"consultant"}, obj="carer_scheme"),
    "carers:scheme_edit": rule({"consultant"}, obj="carer_scheme"),
    "carers:payout": rule({"consultant"}, obj="carer_scheme"),
    "carers:decide": rule({"consultant"}, "post", obj="carer_application"),
    "accounts:grant_requests": rule({"admin", "coordinator"}),
    "accounts:grant_request_approve": rule({"admin", "coordinator"}, "post", obj="access_grant"),
    "accounts:grant_request_reject": rule({"admin", "coordinator"}, "post", obj="access_grant"),
}
# Pages outside this matrix, each with its own tests: login/logout and the second login step
# (vivera/accounts/tests/test_two_factor.py), Django's admin site (its own role check, see
# vivera/web/admin.py) and the API (its own matrix, generated the same way:
# vivera/api/tests/test_authorisation.py). The activation page is open without login (its
# owner has no password yet) and is tested in vivera/accounts/tests/test_staff_accounts.py.
EXCLUDED_PREFIXES = (
    "admin:",
    "login",
    "logout",
    "two_factor",
    "v1:",
    "schema",
    "django_",
    "set_language",
    "accounts:activate",
    # The resident's survey pages are open without login (a code or a personal link instead)
    # and are tested in vivera/survey/tests/test_public.py.
    "survey_public:",
    # Voor elkaar's public pages are open without login (a member signs in with an e-mail link)
    # and are tested in vivera/matching/tests/test_views.py.
    "matching:",
    # The carer's public pages (registration, own page by a personal link) are open without
    # login and are tested in vivera/carers/tests/test_public.py.
    "carers_public:",
)


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names.extend(_names(entry, ns))
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(prefix + entry.name)
    return names


def page_names() -> list[str]:
    return sorted({n for n in _names(get_resolver()) if not n.startswith(EXCLUDED_PREFIXES)})


def test_every_page_has_a_rule() -> None:
    missing = [name for name in page_names() if name not in RULES]
    assert not missing, f"Pages without an authorisation rule: {missing}"
    stale = [name for name in RULES if name not in page_names()]
    assert not stale, f"Rules for pages that no longer exist: {stale}"


@pytest.fixture
def records(
    pro,
    team_oost,
    codes,
    partner_user,
    admin_user,
    researcher,
    pro_west,
    team_west,
    policy,
    consultant,
    neighbourhood,
):
    client = client_create(user=pro, first_name="Ans", last_name="Verborgen")
    dossier = dossier_create(
        user=pro,
        client=client,
        team=team_oost,
        referrer=codes["gp"],
        registered_on=timezone.localdate() - dt.timedelta(days=3),
    )
    question = Question.objects.create(
        dossier=dossier, domain=codes["money"], opened_on=dossier.registered_on, created_by=pro
    )
    submission = Submission.objects.create(
        municipality=team_oost.municipality,
        partner=partner_user.partner,
        sent_by=partner_user,
        reference="R1",
        kind="signal",
        signal_type="rent",
        received_on=timezone.localdate(),
        respond_by=timezone.localdate(),
        status_since=timezone.localdate(),
        last_name="Verborgen",
        team=team_oost,
    )
    consent = consent_record(
        user=pro,
        dossier=dossier,
        partner=None,
        scopes=["referral"],
        given_on=dossier.registered_on,
        given_how="verbal",
    )
    grant = grant_create(
        user=admin_user,
        researcher=researcher,
        purpose="Studie",
        legal_basis="DPIA 1",
        teams=[],
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        valid_until=timezone.localdate(),
    )
    access_grant = AccessGrantRequest.objects.create(
        kind="membership",
        user=pro_west,
        municipality=team_oost.municipality,
        team=team_oost,
        specialism="amw",
        fte=1,
        start_date=dt.date(2024, 1, 1),
        requested_at=timezone.now(),
    )
    [access_request] = access_request_create(
        user=pro_west, client=client, to_team=team_west, kind="shared", reason="Samen begeleiden."
    )
    survey = survey_services.survey_open(
        survey=survey_services.survey_create(user=policy, title="CEO", question_set="ceo"),
        user=policy,
        today=timezone.localdate(),
    )
    survey_question = survey_services.current_version(survey).questions.first()
    response = SurveyResponse.objects.create(
        survey=survey,
        version=survey_question.version,
        team=team_oost,
        channel="online",
        submitted_on=timezone.localdate(),
    )
    # An invitation of team Oost, so the coordinator's letters page shows its download form.
    SurveyInvitation.objects.create(
        survey=survey,
        client=client,
        team=team_oost,
        invited_on=timezone.localdate(),
        nonce="0" * 32,
        code_hash="x",
        token_hash="y",
    )
    survey_answer = SurveyAnswer.objects.create(
        response=response,
        question=survey_services.current_version(survey).questions.get(kind="open"),
        text="Prima",
        screening="pending",
    )
    plan = plan_services.plan_create(
        user=policy, title="Plan", start_date=dt.date(2025, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    plan_cluster = plan_services.cluster_save(user=policy, plan=plan, title="Eigen kracht", goal="")
    plan_activity = plan_services.activity_add(
        user=policy,
        cluster=plan_cluster,
        description="Inloop",
        partners=[partner_user.partner],
        status="running",
        note="",
        date=dt.date(2025, 2, 1),
    )
    plan_target = plan_services.target_save(
        user=policy,
        cluster=plan_cluster,
        description="Meer inloop",
        unit="",
        baseline_year=2024,
        baseline_value=Decimal(10),
        target_value=Decimal(20),
        target_date=dt.date(2026, 12, 31),
        direction="up",
        figure="",
    )
    plan_note = plan_services.note_add(
        user=partner_user,
        activity=plan_activity,
        date=dt.date(2025, 3, 1),
        status="running",
        text="Loopt",
    )
    # Posted by team Oost for its client: the team answers replies on the staff side.
    listing = MatchingListing.objects.create(
        municipality=team_oost.municipality,
        kind="request",
        posted_by=pro,
        client=client,
        dossier=dossier,
        title="Boodschappen",
        text="Samen boodschappen doen.",
        help_kind="shopping",
        neighbourhood=Neighbourhood.objects.create(
            municipality=team_oost.municipality, name="Wijk", cbs_code="WK999199"
        ),
        frequency="once",
    )
    connection = MatchingConnection.objects.create(
        listing=listing,
        member=MatchingMember.objects.create(
            municipality=team_oost.municipality, name="Helper", email="h@example.nl"
        ),
        status_since=timezone.localdate(),
    )
    carer_scheme = carer_appreciation.scheme_save(
        user=consultant,
        year=timezone.localdate().year,
        form="voucher",
        amount=Decimal(50),
        budget=Decimal(1000),
        opens_on=dt.date(timezone.localdate().year, 1, 1),
        closes_on=dt.date(timezone.localdate().year, 12, 31),
        one_per="carer",
        min_hours=8,
        min_months=3,
    )
    carer = carer_services.carer_register_staff(
        user=consultant,
        municipality=team_oost.municipality,
        carer={
            "first_name": "Mira",
            "last_name": "Zorg",
            "birth_date": dt.date(1970, 1, 1),
            "email": "",
            "phone": "",
            "postcode": "9991AA",
            "house_number": "",
            "is_working": False,
            "contact_consent": False,
            "contact_purposes": [],
        },
        relation={
            "cared_for_name": "Jan Zorg",
            "cared_for_postcode": "",
            "relation": "parent",
            "care_kinds": ["household"],
            "hours_per_week": 10,
            "since": dt.date(2020, 1, 1),
            "dementia": False,
        },
        today=dt.date(2021, 1, 1),
    )
    carer_relation = carer.relations.get()
    carer_support = carer_services.support_add(
        user=consultant,
        carer=carer,
        date=timezone.localdate(),
        kind="conversation",
        note="",
        follow_up_on=timezone.localdate(),
    )
    carer_application = carer_appreciation.application_submit(
        user=consultant, scheme=carer_scheme, carer=carer, relation=carer_relation
    )
    return {
        "carer": carer,
        "carer_relation": carer_relation,
        "carer_support": carer_support,
        "carer_scheme": carer_scheme,
        "carer_application": carer_application,
        "listing": listing,
        "connection": connection,
        "plan": plan,
        "plan_cluster": plan_cluster,
        "plan_activity": plan_activity,
        "plan_target": plan_target,
        "plan_note": plan_note,
        "survey": survey,
        "survey_question": survey_question,
        "survey_answer": survey_answer,
        "client": client,
        "dossier": dossier,
        "question": question,
        "submission": submission,
        "consent": consent,
        "grant": grant,
        "access_request": access_request,
        "access_grant": access_grant,
    }


def _url(name: str, records: dict) -> str:
    r = RULES[name]
    if name == "carers:payout":
        return reverse(name, kwargs={"pk": records["carer_scheme"].pk, "fmt": "xlsx"})
    if name == "monitor:export":
        return reverse(name, kwargs={"fmt": "csv"})
    if name == "registration:my_list":
        return reverse(name, kwargs={"kind": "dossiers"})
    if name == "plans:document":
        return reverse(name, kwargs={"pk": records["plan"].pk, "fmt": "docx"})
    if r.obj is None:
        return reverse(name)
    if r.obj == "survey_question":
        question = records["survey_question"]
        return reverse(name, kwargs={"pk": question.version.survey_id, "question_pk": question.pk})
    if r.obj == "team_connection":
        return reverse(
            name, kwargs={"pk": records["dossier"].pk, "connection": records["connection"].pk}
        )
    if r.obj == "survey_answer":
        return reverse(name, kwargs={"answer_pk": records["survey_answer"].pk})
    key = "client_pk" if name == "registration:dossier_create" else "pk"
    return reverse(name, kwargs={key: records[r.obj].pk})


CASES = [(name, persona) for name in RULES for persona in ALL_PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_each_role_gets_only_what_it_may(name, persona, all_personas, records):
    r = RULES[name]
    url = _url(name, records)
    http = login(all_personas[persona])
    response = getattr(http, r.method)(url)
    # Whatever the answer (the page, a file, a redirect, a refusal), no cache may keep it.
    assert "no-store" in response["Cache-Control"], (name, persona)
    if persona not in r.allowed:
        assert response.status_code == 403, (name, persona, response.status_code)
        # Every refused page is a line in the access log (BIO 8.15).
        assert AccessLogEntry.objects.filter(
            user=all_personas[persona], result="refused", object_type="page", object_id=name
        ).exists()
    elif persona in r.not_theirs:
        assert response.status_code == 404, (name, persona, response.status_code)
        assert AccessLogEntry.objects.filter(user=all_personas[persona], result="refused").exists()
    elif r.method == "get":
        assert response.status_code in (200, 302), (name, persona, response.status_code)
    else:  # an empty POST from an allowed role is refused as bad input, never as forbidden
        assert response.status_code in (200, 302, 400), (name, persona, response.status_code)


@pytest.mark.parametrize("name", list(RULES))
def test_anonymous_visitors_are_sent_to_the_login_page(name, records):
    response = getattr(HttpClient(), RULES[name].method)(_url(name, records))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    assert response.url.startswith(reverse("login"))


def test_a_policy_advisor_sees_no_person_anywhere(policy, records, codes):
    """Walk every page the policy advisor may open and look for the client's name."""
    http = login(policy)
    for name, r in RULES.items():
        if "policy" in r.allowed:
            response = http.get(_url(name, records), follow=True)
            if name == "plans:document":  # a Word file: its text is in word/document.xml
                with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
                    html = docx.read("word/document.xml").decode()
            else:
                html = response.content.decode()
            assert "Verborgen" not in html
