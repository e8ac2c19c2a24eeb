"""The survey benchmark's data (`vivera survey_benchmark`, docs/benchmarks.md): a municipality
with two teams, four walk-in points and one closed survey of both ready sets plus two choice
questions, with as many responses as it takes to reach the asked number of answers (about 22
per response, over a year), written in bulk."""

from __future__ import annotations

import datetime as dt
import random

from vivera.accounts.models import Role, User
from vivera.organisation.models import Location, Municipality, Neighbourhood, Team
from vivera.survey import bank
from vivera.survey.models import Answer, Invitation, Question, Response, Survey, SurveyVersion
from vivera.survey.services import _from_bank

MUNICIPALITY = ("Enquêtestad", "GM9977")
YEAR = 2025


def build(answers: int, seed: int = 1) -> Municipality:
    rng = random.Random(seed)
    municipality = Municipality.objects.create(name=MUNICIPALITY[0], cbs_code=MUNICIPALITY[1])
    user = User.objects.create(
        username="enquete-benchmark", role=Role.POLICY, municipality=municipality
    )
    teams = [Team.objects.create(municipality=municipality, name=n) for n in ("Noord", "Zuid")]
    wijken = [
        Neighbourhood.objects.create(
            municipality=municipality, name=f"Wijk {n}", cbs_code=f"WK99770{n}"
        )
        for n in range(1, 4)
    ]
    locations = [
        Location.objects.create(municipality=municipality, name=f"Inlooppunt {n}")
        for n in range(1, 5)
    ]
    survey = Survey.objects.create(
        municipality=municipality,
        title="Benchmark",
        status="closed",
        created_by=user,
        opened_on=dt.date(YEAR, 1, 1),
        closed_on=dt.date(YEAR, 12, 31),
    )
    version = SurveyVersion.objects.create(survey=survey, number=1, created_by=user)
    items = [
        *bank.set_questions("both"),
        bank.BY_CODE["how-in-contact"],
        bank.BY_CODE["help-topics"],
    ]
    Question.objects.bulk_create(
        _from_bank(version, item, n) for n, item in enumerate(items, start=1)
    )
    questions = list(version.questions.order_by("position"))
    per_response = sum(
        len(locations) // 2 if q.kind == "location" else 2 if q.kind == "multiple" else 1
        for q in questions
    )
    n_responses = max(1, answers // per_response)
    bands = ["18-26", "27-44", "45-64", "65-74", "75+"]
    Invitation.objects.bulk_create(
        (
            Invitation(
                survey=survey,
                team=rng.choice(teams),
                neighbourhood=rng.choice(wijken),
                age_band=rng.choice(bands),
                invited_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(330)),
                answered=n < n_responses,
            )
            for n in range(round(n_responses * 2.5))
        ),
        batch_size=2000,
    )
    responses = Response.objects.bulk_create(
        (
            Response(
                survey=survey,
                version=version,
                team=rng.choice(teams),
                neighbourhood=rng.choice(wijken),
                age_band=rng.choice(bands),
                channel="online",
                submitted_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            )
            for _n in range(n_responses)
        ),
        batch_size=2000,
    )
    rows: list[Answer] = []
    for response in responses:
        for question in questions:
            if question.kind == "location":
                for location in rng.sample(locations, len(locations) // 2):
                    rows.append(
                        Answer(
                            response=response,
                            question=question,
                            location=location,
                            value=rng.randint(0, 5),
                        )
                    )
            elif question.kind == "multiple":
                for value in rng.sample(range(len(question.options)), 2):
                    rows.append(Answer(response=response, question=question, value=value))
            elif question.kind == "mark":
                rows.append(Answer(response=response, question=question, value=rng.randint(1, 10)))
            elif question.kind == "open":
                rows.append(
                    Answer(
                        response=response,
                        question=question,
                        text="Prima.",
                        screening="approved",
                        screened_text="Prima.",
                    )
                )
            else:
                rows.append(Answer(response=response, question=question, value=rng.randint(0, 5)))
        if len(rows) >= 20_000:
            Answer.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Answer.objects.bulk_create(rows, batch_size=5000)
    return municipality
