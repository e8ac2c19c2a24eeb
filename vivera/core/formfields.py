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


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records by id. A value that is not a whole number within the database's range is
    an invalid choice before any query: Django's `pk__in` lookup hands SQLite a larger number
    as it is, and SQLite raises OverflowError (a server error; found by the form fuzz)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value or ():
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in the stubs
