"""The resident's pages: in by code or link, one question per screen, stop and resume, answer
once; wrong codes logged and rate-limited; a bot's form refused; nothing stored twice."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from vivera.audit.models import AccessLogEntry
from vivera.organisation.models import Location
from vivera.survey import services
from vivera.survey.models import Answer, Invitation, Objection, Response
from vivera.survey.public_views import SALT

from .conftest import Sample

pytestmark = pytest.mark.django_db


def _started(seconds_ago: float = 10) -> str:
    return signing.dumps(timezone.now().timestamp() - seconds_ago, salt=SALT)


def _enter(http: HttpClient, code: str, **extra: str):
    return http.post(reverse("survey_public:code"), {"code": code, "started": _started(), **extra})


def test_a_resident_answers_by_code_stops_resumes_and_sends(
    sample: Sample, location: Location
) -> None:
    invitation = sample.invitations[0]
    http = HttpClient()
    page = http.get(reverse("survey_public:code"))
    assert page.status_code == 200 and 'name="robots" content="noindex' in page.content.decode()
    response = _enter(http, invitation.code.lower().replace("-", " "))
    assert response.url == reverse("survey_public:start", args=[invitation.token])
    start = http.get(response.url).content.decode()
    assert "Ervaringen 2026" in start and "Beginnen" in start
    first = http.post(response.url)
    assert first.url == reverse("survey_public:question", args=[invitation.token, 1])
    question = http.get(first.url).content.decode()
    assert "Vraag 1 van" in question and "<progress" in question
    http.post(first.url, {"q1": "5", "actie": "later"})
    # Back later with the same link: it goes on after the last answered question.
    again = http.get(reverse("survey_public:start", args=[invitation.token])).content.decode()
    assert "Verder waar u was gebleven" in again
    resumed = http.post(reverse("survey_public:start", args=[invitation.token]))
    assert resumed.url == reverse("survey_public:question", args=[invitation.token, 2])
    # The answer given is shown again.
    assert (
        'value="5" checked'
        in http.get(first.url).content.decode().replace('value="5"\n', 'value="5" ')
        or "checked" in http.get(first.url).content.decode()
    )
    total = services.current_version(sample.survey).questions.count()
    last = http.post(
        reverse("survey_public:question", args=[invitation.token, total]), {"actie": "volgende"}
    )
    assert last.url == reverse("survey_public:submit", args=[invitation.token])
    assert "1 van de" in http.get(last.url).content.decode()
    sent = http.post(last.url)
    assert sent.url == reverse("survey_public:thanks")
    assert Response.objects.get().submitted_on == timezone.localdate()
    # Answering once: the link and the code refuse now.
    done = http.get(reverse("survey_public:start", args=[invitation.token]))
    assert done.status_code == 410 and "al meegedaan" in done.content.decode()
    assert _enter(http, invitation.code).status_code == 410
    assert http.post(last.url).status_code == 410
    assert Response.objects.count() == 1 and Answer.objects.count() == 1


def test_a_screen_sent_twice_stores_its_answers_once(sample: Sample, location: Location) -> None:
    invitation = sample.invitations[0]
    http = HttpClient()
    url = reverse("survey_public:question", args=[invitation.token, 1])
    http.post(url, {"q1": "4"})
    http.post(url, {"q1": "2"})
    assert list(Answer.objects.values_list("value", flat=True)) == [2]


def test_a_tampered_answer_is_refused_and_nothing_stored(
    sample: Sample, location: Location
) -> None:
    invitation = sample.invitations[0]
    http = HttpClient()
    response = http.post(reverse("survey_public:question", args=[invitation.token, 1]), {"q1": "9"})
    assert response.status_code == 400
    assert "Kies een van de antwoorden die er staan." in response.content.decode()
    assert not Answer.objects.exists()
    assert (
        http.get(reverse("survey_public:question", args=[invitation.token, 999])).status_code == 404
    )


def test_a_closed_survey_refuses_its_links(sample: Sample, policy) -> None:
    invitation = sample.invitations[0]
    token = invitation.token
    services.survey_close(survey=sample.survey, user=policy, today=timezone.localdate())
    response = HttpClient().get(reverse("survey_public:start", args=[token]))
    assert response.status_code == 404  # the link no longer exists at all


def test_guessing_codes_is_logged_and_stopped(sample: Sample, settings) -> None:
    settings.VIVERA_SURVEY_CODE_FAILURE_LIMIT = 3
    http = HttpClient()
    for n in range(3):
        response = _enter(http, f"AAAAA-AAAA{n}")
        assert response.status_code == 400
        assert "Deze code kennen wij niet" in response.content.decode()
    assert (
        AccessLogEntry.objects.filter(object_type="survey_invitation", result="refused").count()
        == 3
    )
    # Now even a right code, and any link, waits.
    assert _enter(http, sample.invitations[0].code).status_code == 429
    assert (
        http.get(reverse("survey_public:start", args=[sample.invitations[0].token])).status_code
        == 429
    )


@pytest.mark.parametrize(
    "extra",
    [{"website": "http://spam.example"}, {"started": "forged"}, {"started": "now"}],
    ids=["honeypot", "forged-time", "too-fast"],
)
def test_a_bot_on_the_code_page_gets_nothing(sample: Sample, extra: dict[str, str]) -> None:
    http = HttpClient()
    data = {"code": sample.invitations[0].code, "started": _started(), **extra}
    if data["started"] == "now":
        data["started"] = _started(0)
    response = http.post(reverse("survey_public:code"), data)
    assert response.status_code == 400
    assert "Er ging iets mis" in response.content.decode()
    assert not Response.objects.exists()


def test_declining_with_never_again(sample: Sample) -> None:
    invitation = sample.invitations[0]
    http = HttpClient()
    http.post(reverse("survey_public:question", args=[invitation.token, 1]), {"q1": "4"})
    page = http.post(
        reverse("survey_public:decline", args=[invitation.token]),
        {"never_again": "on"},
        follow=True,
    )
    assert "U doet niet mee" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.declined and not Response.objects.exists()
    assert Objection.objects.filter(client=invitation.client).exists()
    assert (
        HttpClient().get(reverse("survey_public:start", args=[invitation.token])).status_code == 410
    )


def test_declining_for_this_survey_only(sample: Sample) -> None:
    invitation = sample.invitations[1]
    HttpClient().post(reverse("survey_public:decline", args=[invitation.token]), {})
    assert Invitation.objects.get(pk=invitation.pk).declined
    assert not Objection.objects.exists()


def test_the_public_pages_need_no_login_and_show_no_menu(sample: Sample) -> None:
    invitation = sample.invitations[0]
    for url in (
        reverse("survey_public:code"),
        reverse("survey_public:start", args=[invitation.token]),
        reverse("survey_public:question", args=[invitation.token, 1]),
        reverse("survey_public:submit", args=[invitation.token]),
        reverse("survey_public:decline", args=[invitation.token]),
        reverse("survey_public:later", args=[invitation.token]),
        reverse("survey_public:thanks"),
    ):
        response = HttpClient().get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Hoofdmenu" not in page and "Tevreden" not in page
        assert 'class="vivera-brand" href="/enquete/"' in page  # not the staff's login
        assert "no-store" in response["Cache-Control"]
        assert "http://" not in page.replace("http://testserver", "")


def test_every_public_form_survives_the_fuzz(sample: Sample, location: Location) -> None:
    """The site's form fuzz (web/tests/test_form_fuzz.py) on each of the resident's forms:
    never a server error, and a refused POST changes nothing."""
    from vivera.devtools.testing.htmlforms import post_forms
    from vivera.web.tests.test_form_fuzz import fuzz

    invitation = sample.invitations[0]
    http = HttpClient()
    total = services.current_version(sample.survey).questions.count()
    urls = [
        reverse("survey_public:code"),
        reverse("survey_public:start", args=[invitation.token]),
        reverse("survey_public:decline", args=[invitation.token]),
        *(
            reverse("survey_public:question", args=[invitation.token, n])
            for n in range(1, total + 1)
        ),
    ]
    for url in urls:
        for form in post_forms(http.get(url).content.decode()):
            fuzz(http, form.action or url, form)
