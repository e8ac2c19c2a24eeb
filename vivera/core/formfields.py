"""A form's fields by kind. `form.fields[name]` is a plain `Field` to the type checker, which
has no `queryset` or `choices`; these say which kind of field it is, and check it."""

from __future__ import annotations

from typing import Any

from django import forms


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, a `ModelChoiceField` (or `ModelMultipleChoiceField`)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a ModelChoiceField but {type(field).__name__}")
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, a `ChoiceField` (or one of its kinds)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a ChoiceField but {type(field).__name__}")
    return field
