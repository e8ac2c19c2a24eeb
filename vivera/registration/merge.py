"""The merge view: what an edit page shows when someone else saved the record after the user
opened the form (`services.StaleEdit`). Nothing is overwritten and nothing the user typed is
lost; per field that differs the page shows what the user typed and what is saved now, and the
user chooses.

A three-way merge against the version the user started from. The edit form carries that version's
values in hidden `base-<field>` inputs (robust: no version history is needed, and a value that
does not parse counts as unknown, which only makes the user choose). Per field:

- only the user changed it: "yours" is chosen;
- only the other person changed it: "saved now" is chosen;
- both changed it (or the base is unknown): nobody's value is chosen; the user must choose.

The merge page is itself the edit form: each differing field is a radio group whose two options
carry the two values, every other field a hidden input, the version is the current one and the
base is what is saved now. Saving it is an ordinary save, so a third change in between is again
refused with the merge view. The user's own input travels along in hidden `mine-<field>` inputs,
so it is shown again when a choice is missing, compared with the same base (`was-<field>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vivera.audit.models import AccessLogEntry, Action, Result

BASE = "base"
MINE = "mine"
WAS = "was"  # the base the merge view compared with, to show the same view again
PENDING = "merge_pending"  # a hidden input per field that still needs the user's choice


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass
class FieldChoice:
    """One field that differs between what the user typed and what is saved now."""

    name: str
    label: str
    mine: str  # the raw form value of each side
    theirs: str
    mine_display: str
    theirs_display: str
    base_display: str | None  # None: not known
    you_changed: bool
    they_changed: bool
    selected: str | None = None  # "mine", "theirs" or None (the user must choose)
    error: str = ""

    @property
    def conflict(self) -> bool:
        return self.you_changed and self.they_changed


@dataclass
class Merge:
    message: str
    choices: list[FieldChoice]
    hidden: list[tuple[str, str]] = field(default_factory=list)
    saved_by: str = ""
    saved_at: dt.datetime | None = None

    @property
    def has_errors(self) -> bool:
        return any(choice.error for choice in self.choices)


def _key(value: Any) -> Any:
    """A value as compared: a record by its id, empty as empty."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None:
        return ""
    return value


def raw(form_field: forms.Field, value: Any) -> str:
    """The value as the form posts it."""
    if value is None or value is UNKNOWN:
        return ""
    prepared = form_field.prepare_value(value)
    if isinstance(prepared, dt.date):
        return prepared.isoformat()
    return "" if prepared is None else str(prepared)


def display(form_field: forms.Field, value: Any) -> str:
    """The value as a person reads it."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(form_field, forms.ChoiceField) and not isinstance(
        form_field, forms.ModelChoiceField
    ):
        # The stub gives the getter the setter's wider type; Django returns a list of pairs.
        return str(dict(form_field.choices).get(value, value))  # type: ignore[arg-type]
    return str(value)


def posted(form: forms.BaseForm, prefix: str, name: str) -> Any:
    """The cleaned value of `<prefix>-<name>` in the posted data, or UNKNOWN when it is missing
    or does not parse."""
    key = f"{prefix}-{name}"
    if not form.is_bound or key not in form.data:
        return UNKNOWN
    form_field = form.fields[name]
    try:
        return form_field.clean(form_field.widget.value_from_datadict(form.data, form.files, key))
    except ValidationError:
        return UNKNOWN


def base_inputs(form: forms.BaseForm, names: Iterable[str], instance: Any) -> list[tuple[str, str]]:
    """The hidden base values of an edit page: what was posted as the base (the page is shown
    again after an error), else the record as it is now (the page is opened)."""
    if form.is_bound:
        return [
            (f"{BASE}-{name}", form.data[f"{BASE}-{name}"])
            for name in names
            if f"{BASE}-{name}" in form.data
        ]
    return [(f"{BASE}-{name}", raw(form.fields[name], getattr(instance, name))) for name in names]


def last_change(*, object_type: str, object_id: int) -> AccessLogEntry | None:
    """The latest saved change of a record, from the access log."""
    return (
        AccessLogEntry.objects.filter(
            object_type=object_type,
            object_id=str(object_id),
            action=Action.UPDATE,
            result=Result.SUCCESS,
        )
        .select_related("user")
        .order_by("-pk")
        .first()
    )


def build(
    form: forms.BaseForm,
    *,
    names: Iterable[str],
    instance: Any,
    mine: Mapping[str, Any],
    message: str,
    object_type: str,
    missing: Iterable[str] = (),
    base_prefix: str = BASE,
) -> Merge:
    """The merge view for `form` (bound to the user's post) against `instance` as saved now.
    `mine` are the user's values, compared with the base posted under `base_prefix`. `missing`
    names the fields of a posted merge view whose choice the user still has to make: the page
    is shown again (with `base_prefix` WAS) with a message at each, and the choices the user did
    make stay made."""
    missing = set(missing)
    choices, hidden = [], [("version", str(instance.version))]
    for name in names:
        form_field = form.fields[name]
        yours, theirs = mine[name], getattr(instance, name)
        base = posted(form, base_prefix, name)
        hidden.append((f"{BASE}-{name}", raw(form_field, theirs)))
        hidden.append((f"{MINE}-{name}", raw(form_field, yours)))
        if base is not UNKNOWN:
            hidden.append((f"{WAS}-{name}", raw(form_field, base)))
        if _key(yours) == _key(theirs):
            hidden.append((name, raw(form_field, yours)))
            continue
        known = base is not UNKNOWN
        choice = FieldChoice(
            name=name,
            label=str(form_field.label),
            mine=raw(form_field, yours),
            theirs=raw(form_field, theirs),
            mine_display=display(form_field, yours),
            theirs_display=display(form_field, theirs),
            base_display=display(form_field, base) if known else None,
            you_changed=not known or _key(yours) != _key(base),
            they_changed=not known or _key(theirs) != _key(base),
        )
        picked = form.data.get(name) if missing else None
        if picked == choice.mine:
            choice.selected = "mine"
        elif picked == choice.theirs:
            choice.selected = "theirs"
        elif not choice.they_changed:
            choice.selected = "mine"
        elif not choice.you_changed:
            choice.selected = "theirs"
        if choice.selected is None:
            hidden.append((PENDING, name))
            if name in missing:
                choice.error = _("Choose which value to keep.")
        choices.append(choice)
    change = last_change(object_type=object_type, object_id=instance.pk)
    saved_by = ""
    if change is not None:
        saved_by = (change.user.get_full_name() if change.user else "") or change.username
    return Merge(
        message=message,
        choices=choices,
        hidden=hidden,
        saved_by=saved_by,
        saved_at=change.timestamp if change else None,
    )


def merged_fields(request: HttpRequest, names: Iterable[str]) -> list[str]:
    """The fields that differed on the merge view this POST came from, between what the user
    typed (`mine-`) and what was saved by the other person (`base-`); none: an ordinary save."""
    post = request.POST
    return [
        name
        for name in names
        if f"{MINE}-{name}" in post
        and post.getlist(f"{MINE}-{name}") != post.getlist(f"{BASE}-{name}")
    ]


def still_to_choose(request: HttpRequest, names: Iterable[str]) -> list[str]:
    """Fields of a posted merge view whose choice the user has not made."""
    pending = set(request.POST.getlist(PENDING))
    return [name for name in names if name in pending and name not in request.POST]


def mine_from_post(form: forms.BaseForm, names: Iterable[str], instance: Any) -> dict[str, Any]:
    """What the user typed, carried by a posted merge view (a value that did not come back
    counts as what is saved now)."""
    mine = {}
    for name in names:
        value = posted(form, MINE, name)
        mine[name] = getattr(instance, name) if value is UNKNOWN else value
    return mine
