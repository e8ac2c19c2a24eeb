"""Every HTML form a professional, coordinator, partner or policy advisor can send, fuzzed
unicode, huge values, missing fields, wrong types, impossible dates, unknown choices. Never a
server error, and a POST the page refuses changes nothing in the database.

The forms are found, not listed: every page of the authorisation matrix
(`test_authorisation.RULES`) is opened as each of those roles that may open it, and every POST
form on it is fuzzed with the fields the page itself renders (`devtools.testing.htmlforms`). A new
page with a form is therefore fuzzed without touching this file, and a new POST-only address
(one a form on another page sends to, like the dossier's status change) must turn up as some
page's form action, or `test_every_post_address_is_reached_by_a_form` fails.

Each example runs in a savepoint that is rolled back, so the examples do not pile up records.
VIVERA_FORM_FUZZ_EXAMPLES raises the number of examples per form for a longer run.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivera.accounts.models import User
from vivera.conftest import login
from vivera.devtools.testing.htmlforms import HtmlForm, post_forms
from vivera.partners.models import Submission
from vivera.registration.models import Client
from vivera.registration.services import (
    access_request_create,
    access_request_decide,
    client_create,
    dossier_create,
)
from vivera.survey.services import survey_create
from vivera.web.tests import test_authorisation as matrix
from vivera.web.tests.test_authorisation import EXCLUDED_PREFIXES, RULES, _url

pytestmark = pytest.mark.django_db
matrix_records = matrix.records  # the matrix's records of team Oost, as a fixture here too

EXAMPLES = int(os.environ.get("VIVERA_FORM_FUZZ_EXAMPLES", "8"))
FUZZED_PERSONAS = ("pro", "coordinator", "partner", "policy")
# Tables a refused POST may still write to: the access log (the refusal and the reads are
# logged, as they must be) and the session (saved on every request).
MAY_CHANGE = {"audit_accesslogentry", "django_session"}
MISSING = object()

# Every page these roles may open (a GET rule), as each role that may.
PAGES = [
    (name, persona)
    for name, rule in RULES.items()
    if rule.method == "get"
    for persona in FUZZED_PERSONAS
    if persona in rule.allowed
]

odd_text = st.text(st.characters(codec="utf-8"), max_size=40)
special_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202eevil",
        "🙂" * 3,
        "e\u0301",
        "\ufeff1",
        "<script>",
        "' OR 1=1 --",
        "%s",
        "{{ x }}",
        "\r\n",
        "null",
        "None",
        "[]",
        "{}",
        "٣",
        "1" * 5000,
    ]
)
huge = st.builds(
    lambda ch, n: ch * n, st.sampled_from(["x", "9", "é", "🙂"]), st.integers(1_000, 60_000)
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        ["1e309", "-1e309", "NaN", "inf", "-0", "0x10", "1,5", " 3 ", "0.0000001", "٣", "½"]
    ),
)
dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: f"{d.day}-{d.month}-{d.year}"),
    st.sampled_from(
        [
            "2017-02-30",
            "0000-00-00",
            "31-12-99999",
            "2017-13-01",
            "1-1-1",
            "9999-12-31",
            "01/01/2017",
            "morgen",
            "2017-1-1T00:00",
        ]
    ),
)
wrong = st.one_of(odd_text, special_text, huge, numbers, dates)


@pytest.fixture
def records(matrix_records: dict[str, Any], coordinator: User, policy: User) -> dict[str, Any]:
    """The matrix's records, with what makes the last forms appear: the client has a BSN
    (the *show BSN* button), the partner's submission no team yet (*take on*), and team West's
    shared dossier is approved (*stop sharing*) while a second request waits (*answer*)."""
    Client.objects.filter(pk=matrix_records["client"].pk).update(bsn="123456782")
    Submission.objects.filter(pk=matrix_records["submission"].pk).update(team=None)
    shared = matrix_records["access_request"]
    access_request_decide(user=coordinator, access_request=shared, approve=True)
    dossier = matrix_records["dossier"]
    other = client_create(user=dossier.created_by, first_name="Bep", last_name="Tweede")
    dossier_create(
        user=dossier.created_by,
        client=other,
        team=dossier.team,
        referrer=dossier.referrer,
        registered_on=dossier.registered_on,
    )
    [waiting] = access_request_create(
        user=shared.requested_by,
        client=other,
        to_team=shared.to_team,
        kind="transfer",
        reason="Verhuisd.",
    )
    # A survey still being prepared: its "open" button is on the survey list.
    survey_create(user=policy, title="Concept", question_set="effect")
    return {**matrix_records, "access_request": waiting}


def value_for(form: HtmlForm, name: str) -> st.SearchStrategy[Any]:
    """A field's value: missing, as the browser sends it, one of its choices, or wrong."""
    options: list[st.SearchStrategy[Any]] = [
        st.just(MISSING),
        wrong,
        st.lists(wrong, min_size=2, max_size=3),
    ]
    if name in form.values:
        options.append(st.just(form.values[name]))
    if form.choices.get(name):
        options.append(st.sampled_from(form.choices[name]))
        options.append(st.lists(st.sampled_from(form.choices[name]), max_size=3))
    return st.one_of(options)


def submission(form: HtmlForm) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        name: value_for(form, name) for name in form.types if name != "csrfmiddlewaretoken"
    }  # the test client does not check CSRF
    return st.fixed_dictionaries(fields).map(
        lambda data: {k: v for k, v in data.items() if v is not MISSING}
    )


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a refused POST may not change."""
    with connection.cursor() as cursor:
        tables = sorted(set(connection.introspection.table_names(cursor)) - MAY_CHANGE)
        state = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            state[table] = sorted(map(repr, cursor.fetchall()))
    return state


def forms_on(http: HttpClient, url: str) -> list[tuple[str, HtmlForm]]:
    """The page's POST forms with the address each one sends to (not the log-out button)."""
    response = http.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    found = []
    for form in post_forms(response.content.decode()):
        action = form.action or url
        try:
            name = resolve(action.split("?")[0]).view_name
        except Resolver404:
            name = ""
        if not name.startswith(EXCLUDED_PREFIXES):
            found.append((action, form))
    return found


def fuzz(http: HttpClient, action: str, form: HtmlForm) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=submission(form))
    def post(data: dict[str, Any]) -> None:
        with transaction.atomic():
            before = database_state()
            response = http.post(action, data)  # a server error raises here
            assert response.status_code < 500, (action, data)
            if response.status_code != 302:  # refused: nothing may have changed
                assert database_state() == before, (action, response.status_code, data)
            transaction.set_rollback(True)

    post()


@pytest.mark.parametrize(("name", "persona"), PAGES, ids=[f"{n}-{p}" for n, p in PAGES])
def test_no_form_gives_a_server_error_and_a_refused_post_changes_nothing(
    name: str, persona: str, all_personas: dict, records: dict
) -> None:
    http = login(all_personas[persona])
    for action, form in forms_on(http, _url(name, records)):
        fuzz(http, action, form)


def test_every_post_address_is_reached_by_a_form(all_personas: dict, records: dict) -> None:
    """A POST-only address is fuzzed through the page that holds its form; this fails for one
    that no page of these roles links with a form (add a page, or fuzz it here)."""
    reached = set()
    for name, persona in PAGES:
        http = login(all_personas[persona])
        reached |= {
            resolve(action.split("?")[0]).view_name
            for action, _form in forms_on(http, _url(name, records))
        }
    post_only = {
        name
        for name, rule in RULES.items()
        if rule.method == "post" and rule.allowed & set(FUZZED_PERSONAS)
    }
    assert post_only - reached == set(), "POST addresses no form reaches"


def test_a_huge_number_as_a_colleague_is_refused_not_a_server_error(pro, records) -> None:
    """Found by this fuzz: Django handed SQLite a 30-digit id for the contact's professionals
    (OverflowError, a server error)."""
    http = login(pro)
    url = _url("registration:contact_add", records)
    before = database_state()
    for value in ("9" * 30, "9" * 5000, "-1", "1.5", "٣"):
        response = http.post(url, {"professionals": [value], "minutes": "30"})
        assert response.status_code == 200
    assert database_state() == before
