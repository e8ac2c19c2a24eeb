"""What a line of the access log was about, in words, for the administrator's page.

The stored `object_type` stays the code (it is part of the hash chain and of filters); a code
without a label here is shown as it is."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OBJECT_TYPE_LABELS: dict[str, Promise] = {
    "client": _("personal details"),
    "dossier": _("dossier"),
    "question": _("question"),
    "contact": _("contact moment"),
    "referral": _("referral"),
    "zrm": _("ZRM assessment"),
    "household": _("household"),
    "consent": _("consent"),
    "submission": _("partner submission"),
    "list": _("list or overview"),
    "page": _("page"),
    "import": _("import from the previous system"),
    "access_request": _("access request"),
    "access_log": _("access log"),
    # Who may see what (vivera/accounts/services.py).
    "account": _("account"),
    "second_factor": _("second login step"),
    "team_membership": _("team membership"),
    "access_grant": _("access rights request"),
    "activation_link": _("activation link"),
}


def object_type_label(code: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(code, code))


# Lines about who may see what carry old → new values in their detail, shown on the page.
ACCOUNT_TYPES = frozenset({"account", "team_membership", "access_grant", "activation_link"})


def detail_text(object_type: str, detail: dict[str, object]) -> str:
    """The detail of a line about an account, membership, request or link as one short text
    (`role: professional → coordinator; team: Oost`); other lines show none."""
    if object_type not in ACCOUNT_TYPES or not detail:
        return ""
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, list) and len(value) == 2:
            old, new = (str(v) if v not in ("", None) else "—" for v in value)
            parts.append(f"{key}: {old} → {new}")
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)
