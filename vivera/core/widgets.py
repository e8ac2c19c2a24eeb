"""Form widgets every app shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _


class ComboboxSelect(forms.Select):
    """A select that the browser turns into a type-ahead combobox (vivera.js, with GOV.UK's
    accessible-autocomplete): type a few letters, the first match is highlighted, Enter picks it
    and, with `submit_on_enter`, saves the form at once. Without JavaScript it is the plain select.
    The texts the combobox speaks to a screen reader come from the Dutch catalogue."""

    def __init__(self, *args: Any, submit_on_enter: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submit_on_enter = submit_on_enter

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {
            **(attrs or {}),
            "data-vivera-combobox": "",
            "data-no-results": _("Nothing found"),
            "data-query-too-short": _("Type at least %(count)s letters") % {"count": 1},
            "data-results": _("%(count)s options. Use the arrow keys to choose, Enter to pick."),
            "data-hint": _(
                "Type to search. Use the up and down arrows to choose and Enter to pick."
            ),
        }
        if self.submit_on_enter:
            attrs["data-submit-on-enter"] = ""
        return super().get_context(name, value, attrs)
