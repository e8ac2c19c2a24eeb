"""What a line of the access log was about, in words, for the administrator's page and export.

The stored `object_type`, `object_id` and `detail` stay codes (they are part of the hash chain
and of filters); this module turns them into Dutch for people. A code without a label here is
shown as it is, so every code the application writes has one (`audit/tests/test_labels.py`
checks the source for them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ObjectType

if TYPE_CHECKING:
    from .models import AccessLogEntry

# One vocabulary: the labels are those of `ObjectType` (audit/models.py).
OBJECT_TYPE_LABELS: dict[str, Promise] = {kind.value: kind.label for kind in ObjectType}

# Lines about a page or a list name it by its URL name (`audit:access_log`, `my_work`), which
# means nothing to the administrator: it reads the address the user opened instead.
ADDRESSED_TYPES = frozenset({"page", "api", "list"})


def object_type_label(code: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(code, code))


def object_text(entry: AccessLogEntry) -> str:
    """The line's object as the administrator reads it: `dossier 7`, `account jansen`,
    `pagina /beheer/toegangslog/` (the address without its query)."""
    target = entry.object_id
    if entry.object_type in ADDRESSED_TYPES and entry.path:
        target = entry.path.split("?", 1)[0]
    return f"{object_type_label(entry.object_type)} {target}".strip()


# Lines about who may see what carry old → new values in their detail, shown on the page.
ACCOUNT_TYPES = frozenset({"account", "team_membership", "access_grant", "activation_link"})

# The keys those details use (vivera/accounts/services.py), in words.
DETAIL_KEYS: dict[str, Promise] = {
    "account": _("account"),
    "active": _("active"),
    "activated": pgettext_lazy("access log detail", "activated with link"),
    "approved": pgettext_lazy("access log detail", "approved request"),
    "by": pgettext_lazy("access log detail", "by"),
    "end": _("end date"),
    "end_date": _("end date"),
    "fields": pgettext_lazy("access log detail", "changed fields"),
    "fte": _("fte"),
    "kind": _("kind"),
    "municipality": _("municipality"),
    "partner": _("partner"),
    "password": pgettext_lazy("access log detail", "password"),
    "reason": _("reason"),
    "requested_by": _("requested by"),
    "role": _("role"),
    "second_factor": _("second login step"),
    "specialism": _("specialism"),
    "staff": pgettext_lazy("access log detail", "access to the configuration"),
    "start": _("start date"),
    "start_date": _("start date"),
    "status": _("status"),
    "superuser": pgettext_lazy("access log detail", "superuser"),
    "team": _("team"),
    "unlocked": pgettext_lazy("access log detail", "login block lifted"),
    "username": _("username"),
    "valid_until": _("valid until"),
}

# Fixed words those details use as values.
DETAIL_WORDS: dict[str, Promise] = {
    "changed": pgettext_lazy("access log detail", "changed"),
    "command": pgettext_lazy("access log detail", "command on the server"),
    "expired": pgettext_lazy("access log detail", "expired"),
    "inactive": pgettext_lazy("access log detail", "account not active"),
    "none": pgettext_lazy("access log detail", "none"),
    "removed": pgettext_lazy("access log detail", "removed"),
    "replaced": pgettext_lazy("access log detail", "replaced by a newer link"),
    "set by owner": pgettext_lazy("access log detail", "chosen by the owner"),
    "set up": pgettext_lazy("access log detail", "set up"),
    "unknown": pgettext_lazy("access log detail", "unknown link"),
    "used": pgettext_lazy("access log detail", "already used"),
}


def _value_labels() -> dict[str, dict[str, str]]:
    """Per key, the labels of the codes its values are (roles, specialisms, request kinds)."""
    from vivera.accounts.models import GrantKind, GrantStatus, Role, User
    from vivera.organisation.models import Specialism

    return {
        "role": {code: str(label) for code, label in Role.choices},
        "specialism": {code: str(label) for code, label in Specialism.choices},
        "kind": {code: str(label) for code, label in GrantKind.choices},
        "status": {code: str(label) for code, label in GrantStatus.choices},
        "fields": {
            field.name: str(field.verbose_name)
            for field in User._meta.get_fields()
            if hasattr(field, "verbose_name")
        },
    }


def _value_text(value: object, codes: dict[str, str]) -> str:
    if value in ("", None):
        return "—"
    if isinstance(value, bool):
        return _g("yes") if value else _g("no")
    if isinstance(value, list):
        return ", ".join(_value_text(item, codes) for item in value)
    text = str(value)
    return codes.get(text) or str(DETAIL_WORDS.get(text, text))


def detail_text(object_type: str, detail: dict[str, object]) -> str:
    """The detail of a line about an account, membership, request or link as one short text
    (`rol: Teamlid → Coördinator; team: Oost`); other lines show none."""
    if object_type not in ACCOUNT_TYPES or not detail:
        return ""
    value_labels = _value_labels()
    parts = []
    for key, value in sorted(detail.items()):
        name = str(DETAIL_KEYS.get(key, key))
        codes = value_labels.get(key, {})
        if isinstance(value, list) and len(value) == 2 and key != "fields":
            old, new = (_value_text(v, codes) for v in value)
            parts.append(f"{name}: {old} → {new}")
        else:
            parts.append(f"{name}: {_value_text(value, codes)}")
    return "; ".join(parts)
