"""The question bank: ready questions a policy advisor composes a survey from.

Two ready sets:

- `ceo`: the statements of the national client-experience survey under the Wmo (CEO Wmo), in
  its three themes access, quality and effect. From 2016 to 2020 these were the compulsory
  questions every municipality reported on waarstaatjegemeente.nl; since 2021 a municipality
  may adapt them (docs/survey.md). They are a starting point, not a fixed form.
- `effect`: the five statements of the effect study of the teams (self-reliance and the own
  network, the council's question 6), in Vivera's own plain-language wording.

Plus single questions any survey can use: a mark for the team, how the resident came in, what
the help was about, a rating per walk-in point and an open question. The texts are msgids: a
survey stores them in Dutch when they are added, and the advisor may reword its copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind, Theme


@dataclass(frozen=True)
class BankQuestion:
    code: str
    kind: str
    theme: str
    text: Promise
    options: tuple[Promise, ...] = field(default=())
    help_text: Promise | str = ""


@dataclass(frozen=True)
class QuestionSet:
    code: str
    name: Promise
    description: Promise
    questions: tuple[str, ...]


S, T = QuestionKind, Theme

BANK: tuple[BankQuestion, ...] = (
    # CEO Wmo: access.
    BankQuestion(
        "ceo-knew-where", S.STATEMENT, T.ACCESS, _("I knew where to go with my question.")
    ),
    BankQuestion("ceo-quickly", S.STATEMENT, T.ACCESS, _("I was helped quickly.")),
    BankQuestion(
        "ceo-taken-seriously", S.STATEMENT, T.ACCESS, _("The team member took me seriously.")
    ),
    BankQuestion(
        "ceo-solutions-together",
        S.STATEMENT,
        T.ACCESS,
        _("The team member and I looked for solutions together."),
    ),
    # CEO Wmo: quality.
    BankQuestion("ceo-fits", S.STATEMENT, T.QUALITY, _("The help I get fits my question.")),
    BankQuestion("ceo-quality", S.STATEMENT, T.QUALITY, _("The quality of the help is good.")),
    # CEO Wmo: effect.
    BankQuestion(
        "ceo-do-what-i-want",
        S.STATEMENT,
        T.EFFECT,
        _("Because of the help I can better do the things I want to do."),
    ),
    BankQuestion("ceo-cope", S.STATEMENT, T.EFFECT, _("Because of the help I manage better.")),
    BankQuestion(
        "ceo-quality-of-life",
        S.STATEMENT,
        T.EFFECT,
        _("Because of the help my quality of life is better."),
    ),
    # The effect study's five statements (question 6).
    BankQuestion(
        "effect-act-myself",
        S.STATEMENT,
        T.SELF_RELIANCE,
        _("The team encouraged me to tackle things myself."),
    ),
    BankQuestion(
        "effect-do-more-myself",
        S.STATEMENT,
        T.SELF_RELIANCE,
        _("I can do more by myself now than before."),
    ),
    BankQuestion(
        "effect-network-looked-at",
        S.STATEMENT,
        T.SELF_RELIANCE,
        _("The team looked with me at who around me can help me."),
    ),
    BankQuestion(
        "effect-cope-unexpected",
        S.STATEMENT,
        T.SELF_RELIANCE,
        _("When something unexpected happens, I now cope with it better than before."),
    ),
    BankQuestion(
        "effect-help-nearby",
        S.STATEMENT,
        T.SELF_RELIANCE,
        _("When I need help, I now ask the people around me sooner."),
    ),
    # Single questions.
    BankQuestion("team-mark", S.MARK, T.QUALITY, _("What mark do you give the team?")),
    BankQuestion(
        "walk-in-pleasant",
        S.LOCATION,
        T.ACCESS,
        _("I found it pleasant to talk at this place."),
        help_text=_("Only for the places where you have been. Otherwise choose: don't know."),
    ),
    BankQuestion(
        "how-in-contact",
        S.SINGLE,
        T.ACCESS,
        _("How did you get in touch with the team?"),
        options=(
            _("I went to a walk-in point myself"),
            _("I phoned or e-mailed myself"),
            _("Through my GP"),
            _("Through another organisation"),
            _("The team came to me"),
            _("Otherwise"),
        ),
    ),
    BankQuestion(
        "help-topics",
        S.MULTIPLE,
        T.OTHER,
        _("What did the team help you with?"),
        options=(
            _("Money and debts"),
            _("Housing"),
            _("Health"),
            _("Work or daytime activities"),
            _("Raising children"),
            _("Contact with other people"),
            _("Something else"),
        ),
        help_text=_("You may choose more than one."),
    ),
    BankQuestion("open-better", S.OPEN, T.OTHER, _("What could the team do better?")),
)

BY_CODE: dict[str, BankQuestion] = {q.code: q for q in BANK}

SETS: tuple[QuestionSet, ...] = (
    QuestionSet(
        "ceo",
        _("Client-experience survey Wmo (CEO)"),
        _("The national statements on access, quality and effect, a mark and an open question."),
        (
            "ceo-knew-where",
            "ceo-quickly",
            "ceo-taken-seriously",
            "ceo-solutions-together",
            "ceo-fits",
            "ceo-quality",
            "ceo-do-what-i-want",
            "ceo-cope",
            "ceo-quality-of-life",
            "team-mark",
            "open-better",
        ),
    ),
    QuestionSet(
        "effect",
        _("Effect study: self-reliance and network"),
        _("The five statements of the effect study and a rating per walk-in point."),
        (
            "effect-act-myself",
            "effect-do-more-myself",
            "effect-network-looked-at",
            "effect-cope-unexpected",
            "effect-help-nearby",
            "walk-in-pleasant",
        ),
    ),
    QuestionSet(
        "both",
        _("Both together"),
        _("The CEO Wmo and the effect study's statements in one survey."),
        (),
    ),
    QuestionSet("empty", _("Empty"), _("Start without questions and add them one by one."), ()),
)
SETS_BY_CODE: dict[str, QuestionSet] = {s.code: s for s in SETS}


def set_questions(code: str) -> list[BankQuestion]:
    if code == "both":
        codes = [*SETS_BY_CODE["ceo"].questions[:-2], *SETS_BY_CODE["effect"].questions]
        codes += list(SETS_BY_CODE["ceo"].questions[-2:])
        return [BY_CODE[c] for c in codes]
    return [BY_CODE[c] for c in SETS_BY_CODE[code].questions]
