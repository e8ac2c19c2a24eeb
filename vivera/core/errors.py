"""Refusals: every problem of one submission at once, and one way to show them in a form.

A service checks all of its rules before it refuses, collecting the problems in `Refusals`, so
the user corrects everything in one go instead of meeting the rules one round at a time. Views
show a service's refusal with `show_in_form`, on the fields it names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class Refusals:
    """Collects the problems of one submission; `raise_if_any` refuses with all of them.

    A single problem that belongs to no field is raised as it is, so its `code` stays readable
    (`ValidationError` keeps no code when it holds a dict)."""

    def __init__(self) -> None:
        self._errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str | None, message: str, code: str) -> None:
        self.merge(
            ValidationError({field or NON_FIELD_ERRORS: ValidationError(message, code=code)})
        )

    def merge(self, error: ValidationError) -> None:
        """Take over the problems of a refusal raised elsewhere (a rule, `full_clean`)."""
        problems = (
            error.error_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.error_list}
        )
        for field, errors in problems.items():
            known = self._errors.setdefault(field, [])
            for problem in errors:
                if all(problem.message != seen.message for seen in known):
                    known.append(problem)

    @contextmanager
    def check(self, field: str | None = None) -> Iterator[None]:
        """Run a rule and collect its refusal instead of stopping; with `field`, a refusal that
        names no field is put on that one."""
        try:
            yield
        except ValidationError as error:
            if field is not None and not hasattr(error, "error_dict"):
                error = ValidationError({field: error.error_list})
            self.merge(error)

    def has(self, field: str) -> bool:
        return field in self._errors

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        if not self._errors:
            return
        if list(self._errors) == [NON_FIELD_ERRORS] and len(self._errors[NON_FIELD_ERRORS]) == 1:
            raise self._errors[NON_FIELD_ERRORS][0]
        raise ValidationError(self._errors)


def show_in_form(form: Any, error: ValidationError) -> None:
    """Show a service's refusal in the form: each problem on the field it names when the form
    has that field, else at the top (the error summary lists both)."""
    problems = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in problems.items():
        form.add_error(field if field in form.fields else None, errors)


@dataclass(frozen=True)
class DateRule:
    """A date that cannot lie in the future nor before `earliest` (a typo in the year). The
    same object validates the form field and, in the service, what the API or an import sends,
    so both say the same."""

    label: str | Promise  # lazily translated where the rule is defined at import time
    earliest: dt.date = dt.date(2000, 1, 1)

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        if value > timezone.localdate():
            raise ValidationError(
                _("%(label)s cannot be in the future.") % {"label": self.label}, code="future"
            )
        if value < self.earliest:
            raise ValidationError(
                _("%(label)s is before %(year)s; please check the year.")
                % {"label": self.label, "year": self.earliest.year},
                code="too_old",
            )


def submit(
    request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Any], success: str
) -> tuple[bool, Any]:
    """When a valid form was posted: run `save` with its data and flash `success`. A refusal
    from the service is shown in the form, which keeps what the user typed. Returns whether it
    was saved, and what `save` returned."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        show_in_form(form, error)
        return False, None
    messages.success(request, success)
    return True, result
