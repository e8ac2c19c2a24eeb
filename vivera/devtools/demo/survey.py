"""The client-experience survey of the demo municipality (docs/survey.md):

- a CLOSED survey of last year (both ready sets plus two choice questions): residents whose
  dossier closed that year invited (about 500 at full scale), 182 of them answered (as in the
  effect study), online, on paper and through a bureau, older residents more often; the five
  effect-study statements calibrated on Table 1 of the study (the shares agree / neutral /
  disagree of the valid answers and the number of "don't know" answers), the CEO statements
  plausible, a mean mark of about 7.4, most walk-in points rated pleasant by nearly everyone and
  four by fewer (two by about one in ten as not pleasant, two by about one in four), and open
  answers of which most are screened;
- an OPEN survey of this year: invited four weeks ago, some answered, some still busy, some
  reminded.

Written in bulk (like the rest of the demo), with no access-log lines, so `vivera demo --reset`
can remove it all. The answers are as a survey would hold them: no person behind a response,
the closed survey's invitations without code or link and without the tie to their response.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db.models import Q
from django.utils import timezone

from vivera.accounts.models import User
from vivera.organisation.models import Location, Municipality
from vivera.registration.models import Dossier, DossierStatus
from vivera.research.selectors import age_band
from vivera.survey import bank
from vivera.survey.models import (
    Answer,
    Invitation,
    Objection,
    Question,
    Response,
    Screening,
    Survey,
    SurveyStatus,
    SurveyVersion,
    digest,
    normalise_code,
)
from vivera.survey.services import _from_bank

# Table 1 of the effect study: % (strongly) agree, neutral, (strongly) disagree of the valid
# answers, and the number answering "don't know" of its 182 respondents.
TABLE_1 = {
    "effect-act-myself": (85, 6, 9, 27),
    "effect-do-more-myself": (51, 30, 19, 46),
    "effect-network-looked-at": (51, 23, 26, 53),
    "effect-cope-unexpected": (50, 32, 18, 48),
    "effect-help-nearby": (43, 32, 25, 53),
}
RESPONDENTS = 182
# The CEO statements: plausible shares agree / neutral / disagree and don't know per 182.
CEO = {
    "ceo-knew-where": (72, 14, 14, 6),
    "ceo-quickly": (70, 15, 15, 8),
    "ceo-taken-seriously": (86, 9, 5, 4),
    "ceo-solutions-together": (80, 12, 8, 9),
    "ceo-fits": (78, 13, 9, 12),
    "ceo-quality": (81, 12, 7, 10),
    "ceo-do-what-i-want": (66, 20, 14, 22),
    "ceo-cope": (71, 18, 11, 18),
    "ceo-quality-of-life": (64, 22, 14, 24),
}
# Marks 1–10, per 100: the mean is about 7.4.
MARKS = {10: 6, 9: 12, 8: 30, 7: 28, 6: 12, 5: 6, 4: 3, 3: 2, 1: 1}
# Walk-in points rated "not pleasant" by about one in four, and by about one in ten.
UNPLEASANT = {
    "Bibliotheek Zwijnwaard": 0.25,
    "Gezondheidscentrum Westerhout": 0.25,
    "Buurthuis De Molen": 0.10,
    "Ontmoetingspunt Rietvelden": 0.10,
}
INTRO = "Het wijkteam wil graag weten hoe u de hulp hebt ervaren. Meedoen is vrijwillig."
OPEN_TEXTS = (
    ("Ik werd snel teruggebeld, dat was fijn.", None),
    ("Meer avondspreekuren zou helpen, ik werk overdag.", None),
    (
        "Mevrouw Jansen heeft mij enorm geholpen met de schulden.",
        "[naam] heeft mij enorm geholpen met de schulden.",
    ),
    ("Het duurde lang voordat er iemand kwam.", None),
    ("Fijn dat er naar mijn hele situatie werd gekeken.", None),
    ("Ahmed van het wijkteam kwam altijd op tijd.", "[naam] van het wijkteam kwam altijd op tijd."),
    ("Ik wist niet goed bij wie ik moest zijn.", None),
    ("Het inlooppunt was te druk voor een persoonlijk gesprek.", None),
    (
        "Ik woon op de Dorpsstraat 12 en niemand belde terug.",
        "Ik woon op [adres] en niemand belde terug.",
    ),
    ("Goed geholpen, dank jullie wel.", None),
    ("Mijn buurvrouw helpt nu ook mee, dat had ik zelf niet bedacht.", None),
    ("Alles ging via de telefoon, liever had ik iemand gezien.", None),
)


def demo_survey_reset(municipality: Municipality) -> None:
    surveys = Survey.objects.filter(municipality=municipality)
    Answer.objects.filter(response__survey__in=surveys).delete()
    Invitation.objects.filter(survey__in=surveys).delete()
    Response.objects.filter(survey__in=surveys).delete()
    Question.objects.filter(version__survey__in=surveys).delete()
    SurveyVersion.objects.filter(survey__in=surveys).delete()
    surveys.delete()
    Objection.objects.filter(client__municipality=municipality).delete()


def _spread(shares: tuple[int, int, int, int], n: int, rng: random.Random) -> list[int]:
    """`n` answers on the five-point scale with exactly these shares of the valid answers
    (agree split 40/60 into strongly and plain, disagree 30/70) and this many don't know per
    182, shuffled."""
    agree, neutral, _disagree, dont_know = shares
    unknown = round(dont_know * n / RESPONDENTS)
    valid = n - unknown
    n_agree, n_neutral = round(valid * agree / 100), round(valid * neutral / 100)
    n_disagree = valid - n_agree - n_neutral
    strong = round(n_agree * 0.4)
    strongly_against = round(n_disagree * 0.3)
    values = (
        [5] * strong
        + [4] * (n_agree - strong)
        + [3] * n_neutral
        + [1] * strongly_against
        + [2] * (n_disagree - strongly_against)
        + [0] * unknown
    )
    rng.shuffle(values)
    return values


def _questions(
    survey: Survey, user: User, codes: list[str], frozen: dt.datetime | None
) -> dict[str, Question]:
    version = SurveyVersion.objects.create(
        survey=survey, number=1, created_by=user, frozen_at=frozen
    )
    questions = [_from_bank(version, bank.BY_CODE[c], n) for n, c in enumerate(codes, start=1)]
    Question.objects.bulk_create(questions)
    return {q.code: q for q in version.questions.all()}


def _candidates(municipality: Municipality, start: dt.date, end: dt.date) -> list[Dossier]:
    chosen: dict[int, Dossier] = {}
    for dossier in (
        Dossier.objects.filter(
            municipality=municipality,
            status=DossierStatus.CLOSED,
            closed_on__gte=start,
            closed_on__lte=end,
        )
        .exclude(Q(client__postcode="") & Q(client__email=""))
        .select_related("client")
        .order_by("closed_on", "pk")
    ):
        chosen[dossier.client_id] = dossier
    return list(chosen.values())


def _invite(
    survey: Survey, dossiers: list[Dossier], day_of: dict[int, dt.date], live: bool
) -> list[Invitation]:
    invitations = []
    for d in dossiers:
        band = age_band(d.client.birth_date, day_of[d.pk])
        if band == "0-17":
            continue
        invitation = Invitation(
            survey=survey,
            client_id=d.client_id,
            team_id=d.team_id,
            neighbourhood_id=d.client.neighbourhood_id,
            age_band=band,
            invited_on=day_of[d.pk],
            nonce=secrets.token_hex(16) if live else "",
        )
        if live:
            invitation.code_hash = digest(normalise_code(invitation.code))
            invitation.token_hash = digest(invitation.token)
        invitations.append(invitation)
    return Invitation.objects.bulk_create(invitations, batch_size=500)


def _weight(band: str) -> float:
    return {"18-26": 0.5, "27-44": 0.8, "45-64": 1.0, "65-74": 1.5, "75+": 1.6}.get(band, 0.8)


def demo_survey_data(
    *,
    municipality: Municipality,
    policy: User,
    coordinator: User,
    today: dt.date,
    seed: int,
    scale: float,
) -> dict[str, int]:
    rng = random.Random(seed + 14)
    now = timezone.now()
    last_year = today.year - 1
    locations = list(
        Location.objects.filter(municipality=municipality, active=True).order_by("name")
    )

    # --- last year's survey, closed ---------------------------------------------------------
    closed = Survey.objects.create(
        municipality=municipality,
        title=f"Cliëntervaringsonderzoek {last_year}",
        introduction=INTRO,
        status=SurveyStatus.CLOSED,
        opened_on=dt.date(last_year, 3, 1),
        closed_on=dt.date(last_year, 12, 31),
        created_by=policy,
    )
    codes = [q.code for q in bank.set_questions("both")]
    codes = [*codes[:-2], "how-in-contact", "help-topics", *codes[-2:]]
    questions = _questions(closed, policy, codes, now)
    version = next(iter(questions.values())).version
    dossiers = _candidates(municipality, dt.date(last_year, 1, 1), dt.date(last_year, 11, 30))
    rng.shuffle(dossiers)
    dossiers = dossiers[: max(20, round(500 * scale))]
    day_of: dict[int, dt.date] = {}
    for d in dossiers:
        assert d.closed_on is not None
        invited = min(d.closed_on + dt.timedelta(days=14), dt.date(last_year, 12, 1))
        day_of[d.pk] = max(dt.date(last_year, 3, 1), invited)
    invitations = _invite(closed, dossiers, day_of, live=False)
    wanted = min(len(invitations), max(12, round(RESPONDENTS * scale)))
    pool = list(invitations)
    respondents: list[Invitation] = []
    while len(respondents) < wanted:
        pick = rng.choices(pool, weights=[_weight(i.age_band) for i in pool])[0]
        pool.remove(pick)
        respondents.append(pick)
    Invitation.objects.filter(pk__in=[i.pk for i in respondents]).update(answered=True)
    for invitation in rng.sample(pool, min(len(pool), len(pool) // 3)):
        Invitation.objects.filter(pk=invitation.pk).update(
            reminded_on=invitation.invited_on + dt.timedelta(days=14)
        )
    channels = ["online"] * 55 + ["paper"] * 35 + ["bureau"] * 10
    responses = Response.objects.bulk_create(
        Response(
            survey=closed,
            version=version,
            team_id=i.team_id,
            neighbourhood_id=i.neighbourhood_id,
            age_band=i.age_band,
            channel=rng.choice(channels),
            submitted_on=min(
                i.invited_on + dt.timedelta(days=rng.randint(2, 35)), dt.date(last_year, 12, 31)
            ),
        )
        for i in respondents
    )
    answers = _answers(responses, questions, locations, rng)
    # --- this year's survey, open ------------------------------------------------------------
    opened = today - dt.timedelta(days=35)
    current = Survey.objects.create(
        municipality=municipality,
        title=f"Cliëntervaringsonderzoek {today.year}",
        introduction=INTRO,
        status=SurveyStatus.OPEN,
        opened_on=opened,
        created_by=policy,
    )
    now_questions = _questions(current, policy, [q.code for q in bank.set_questions("both")], now)
    now_version = next(iter(now_questions.values())).version
    invited_on = today - dt.timedelta(days=28)
    recent = _candidates(municipality, opened - dt.timedelta(days=60), invited_on)
    rng.shuffle(recent)
    recent = recent[: max(10, round(120 * scale))]
    live = _invite(current, recent, dict.fromkeys([d.pk for d in recent], invited_on), live=True)
    done = live[: len(live) // 4]
    busy = live[len(live) // 4 : len(live) // 4 + max(1, len(live) // 12)]
    Invitation.objects.filter(pk__in=[i.pk for i in live[len(done) + len(busy) :]][::2]).update(
        reminded_on=today - dt.timedelta(days=10)
    )
    made = Response.objects.bulk_create(
        Response(
            survey=current,
            version=now_version,
            team_id=i.team_id,
            neighbourhood_id=i.neighbourhood_id,
            age_band=i.age_band,
            channel="online",
            submitted_on=invited_on + dt.timedelta(days=rng.randint(1, 27))
            if n < len(done)
            else None,
            position=0 if n < len(done) else 3,
        )
        for n, i in enumerate([*done, *busy])
    )
    for invitation, response in zip([*done, *busy], made, strict=True):
        Invitation.objects.filter(pk=invitation.pk).update(
            response=response, answered=invitation in done
        )
    answers += _answers([r for r in made if r.submitted_on], now_questions, locations, rng)
    answers += _answers(
        [r for r in made if not r.submitted_on],
        {
            c: q
            for c, q in now_questions.items()
            if c in ("ceo-knew-where", "ceo-quickly", "ceo-taken-seriously")
        },
        locations,
        rng,
    )
    # Screening: most of the closed survey's open answers screened, the rest waiting.
    for answer in Answer.objects.filter(response__survey=closed, question__code="open-better"):
        edited = dict(OPEN_TEXTS).get(answer.text)
        roll = rng.random()
        if roll < 0.2:
            continue
        if edited:
            answer.screening, answer.screened_text = Screening.EDITED, edited
        elif roll < 0.27:
            answer.screening = Screening.REJECTED
        else:
            answer.screening, answer.screened_text = Screening.APPROVED, answer.text
        answer.screened_by, answer.screened_at = coordinator, now
        answer.save(update_fields=["screening", "screened_text", "screened_by", "screened_at"])
    return {
        "survey_invitations": len(invitations) + len(live),
        "survey_responses": len(responses) + len(done),
        "survey_answers": answers,
    }


def _answers(
    responses: list[Response],
    questions: dict[str, Question],
    locations: list[Location],
    rng: random.Random,
) -> int:
    n = len(responses)
    rows: list[Answer] = []
    for code, shares in {**TABLE_1, **CEO}.items():
        if code in questions:
            for response, value in zip(responses, _spread(shares, n, rng), strict=True):
                rows.append(Answer(response=response, question=questions[code], value=value))
    if "team-mark" in questions:
        marks = [mark for mark, per in MARKS.items() for _ in range(round(per * n / 100))]
        rng.shuffle(marks)
        for response, mark in zip(responses, marks, strict=False):
            rows.append(Answer(response=response, question=questions["team-mark"], value=mark))
    if "walk-in-pleasant" in questions and locations:
        for response in responses:
            for location in rng.sample(locations, rng.randint(1, min(3, len(locations)))):
                share = UNPLEASANT.get(location.name, 0.02)
                roll = rng.random()
                value = (
                    rng.choice([1, 2])
                    if roll < share
                    else 3
                    if roll < share + 0.04
                    else rng.choice([4, 5, 5])
                )
                rows.append(
                    Answer(
                        response=response,
                        question=questions["walk-in-pleasant"],
                        location=location,
                        value=value,
                    )
                )
    if "how-in-contact" in questions:
        for response in responses:
            value = rng.choices(range(6), weights=[22, 30, 18, 15, 10, 5])[0]
            rows.append(
                Answer(response=response, question=questions["how-in-contact"], value=value)
            )
    if "help-topics" in questions:
        for response in responses:
            for value in rng.sample(range(7), rng.choices([1, 2, 3], weights=[5, 3, 2])[0]):
                rows.append(
                    Answer(response=response, question=questions["help-topics"], value=value)
                )
    if "open-better" in questions:
        for response in responses:
            if rng.random() < 0.3:
                text = rng.choice(OPEN_TEXTS)[0]
                rows.append(
                    Answer(
                        response=response,
                        question=questions["open-better"],
                        text=text,
                        screening=Screening.PENDING,
                    )
                )
    Answer.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
