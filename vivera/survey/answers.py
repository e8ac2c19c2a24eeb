"""One way to read answers, whoever gives them: the resident's pages, the paper form typed in
by staff and the survey bureau's file all fill an `AnswerForm` for the questions concerned, so
a value out of range is refused in the same Dutch words everywhere, and `answers_from` turns
what the form accepted into `Answer` rows.

Field names: `q<position>` for a question, `q<position>-<location id>` for one walk-in point of
a rating per walk-in point. Every question may be skipped: a resident answers what it wants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vivera.organisation.models import Location

from .models import Agreement, Answer, Question, QuestionKind, Screening, Survey

MARKS = [(str(m), str(m)) for m in range(1, 11)]
SCALE = [(str(a.value), a.label) for a in Agreement]


def locations_for(survey: Survey) -> list[Location]:
    """The walk-in points a rating per walk-in point asks about: the municipality's active
    ones, by name (the same on the resident's pages, the paper form and the bureau's file)."""
    return list(
        Location.objects.filter(municipality_id=survey.municipality_id, active=True).order_by(
            "name"
        )
    )


def field_name(question: Question, location: Location | None = None) -> str:
    return f"q{question.position}" if location is None else f"q{question.position}-{location.pk}"


def _choice_messages() -> dict[str, Any]:
    return {
        "invalid_choice": gettext_lazy("Choose one of the answers shown."),
        "invalid_list": gettext_lazy("Choose one or more of the answers shown."),
    }


def fields_for(question: Question, locations: Sequence[Location]) -> dict[str, forms.Field]:
    """The form fields of one question (several for a rating per walk-in point)."""
    kind = question.kind
    common: dict[str, Any] = {
        "label": question.text,
        "help_text": question.help_text,
        "required": False,
        "error_messages": _choice_messages(),
    }
    if kind == QuestionKind.STATEMENT:
        return {
            field_name(question): forms.ChoiceField(
                choices=SCALE, widget=forms.RadioSelect, **common
            )
        }
    if kind == QuestionKind.MARK:
        return {
            field_name(question): forms.ChoiceField(
                choices=MARKS, widget=forms.RadioSelect, **common
            )
        }
    if kind == QuestionKind.SINGLE:
        choices = [(str(i), text) for i, text in enumerate(question.options)]
        return {
            field_name(question): forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect, **common
            )
        }
    if kind == QuestionKind.MULTIPLE:
        choices = [(str(i), text) for i, text in enumerate(question.options)]
        return {
            field_name(question): forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        }
    if kind == QuestionKind.OPEN:
        return {
            field_name(question): forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        }
    # A rating per walk-in point: one scale per point; the legend is the question.
    return {
        field_name(question, location): forms.ChoiceField(
            choices=SCALE,
            widget=forms.RadioSelect,
            label=location.name,
            required=False,
            error_messages=_choice_messages(),
        )
        for location in locations
    }


class AnswerForm(forms.Form):
    """The answers to `questions` (one screen, the whole paper form or one row of a file)."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        questions: Iterable[Question],
        locations: Sequence[Location],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.questions = list(questions)
        self.locations = list(locations)
        for question in self.questions:
            self.fields.update(fields_for(question, self.locations))

    def groups(self) -> list[tuple[Question, list[forms.BoundField]]]:
        """Per question its bound fields, for the template (a fieldset per question)."""
        return [(q, [self[name] for name in fields_for(q, self.locations)]) for q in self.questions]


def answers_from(form: AnswerForm) -> dict[int, list[Answer]]:
    """Per question id, the unsaved answers the valid form holds ([] for a skipped question)."""
    data = form.cleaned_data
    result: dict[int, list[Answer]] = {}
    for question in form.questions:
        rows: list[Answer] = []
        if question.kind == QuestionKind.LOCATION:
            for location in form.locations:
                value = data.get(field_name(question, location))
                if value not in (None, ""):
                    rows.append(Answer(question=question, location=location, value=int(value)))
        elif question.kind == QuestionKind.MULTIPLE:
            rows = [
                Answer(question=question, value=int(v))
                for v in data.get(field_name(question)) or []
            ]
        elif question.kind == QuestionKind.OPEN:
            text = (data.get(field_name(question)) or "").strip()
            if text:
                rows.append(Answer(question=question, text=text, screening=Screening.PENDING))
        else:
            value = data.get(field_name(question))
            if value not in (None, ""):
                rows.append(Answer(question=question, value=int(value)))
        result[question.pk] = rows
    return result


def initial_from(answers: Iterable[Answer]) -> dict[str, Any]:
    """The form's initial values from saved answers (a resident who comes back sees them)."""
    initial: dict[str, Any] = {}
    for answer in answers:
        question = answer.question
        if question.kind == QuestionKind.LOCATION and answer.location is not None:
            initial[field_name(question, answer.location)] = str(answer.value)
        elif question.kind == QuestionKind.MULTIPLE:
            initial.setdefault(field_name(question), []).append(str(answer.value))
        elif question.kind == QuestionKind.OPEN:
            initial[field_name(question)] = answer.text
        else:
            initial[field_name(question)] = str(answer.value)
    return initial


def summary(form: AnswerForm) -> str:
    """How many questions the form's data answers, in words (for a staff member's check)."""
    answered = sum(1 for rows in answers_from(form).values() if rows)
    return _("%(answered)d of %(total)d questions answered") % {
        "answered": answered,
        "total": len(form.questions),
    }
