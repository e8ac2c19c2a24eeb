"""A carer's right of access (AVG art. 15; docs/carers.md): everything the register holds on
the carer and every access-log line about it, as JSON, made by the carers' consultant. The
fields come from the models themselves, through the right of access's own parts
(`privacy.contents.Part`), so a field added later is in the export without a change here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from vivera.audit.models import AccessLogEntry, ObjectType
from vivera.privacy.contents import ACCESS_LOG, Part, value_of
from vivera.privacy.selectors import _detail_list_has

from .models import Application, Carer, CareRelation, SupportRecord

CARER = Part(
    "carer",
    Carer,
    _("Your registration as an informal carer"),
    _("Your details in the register of informal carers."),
    # token_hash, token_sent_at: the secret behind your personal link.
    hidden=frozenset({"token_hash", "token_sent_at"}),
)
RELATIONS = Part(
    "relations",
    CareRelation,
    _("Who you care for"),
    _("The people you care for, the care you give and since when."),
    parent="carer",
)
SUPPORT = Part(
    "support",
    SupportRecord,
    _("Support you received"),
    _("The support the carers' consultant gave you, with notes."),
    parent="carer",
)
APPLICATIONS = Part(
    "applications",
    Application,
    _("Your applications for the yearly appreciation"),
    _("Your applications, the decision and, where money was paid, your account number."),
    parent="carer",
)
PARTS = (RELATIONS, SUPPORT, APPLICATIONS)


def _rows(part: Part, queryset: QuerySet) -> list[dict[str, Any]]:
    return [
        {f.name: value_of(part, obj, f)[0] for f in part.fields()}
        for obj in part.rows(queryset).order_by("pk")
    ]


def access_log_about(carer: Carer) -> QuerySet[AccessLogEntry]:
    """Every line about the carer: about the carer or one of its applications (the detail names
    the carer), a refused attempt on its number, or a list that showed it among others."""
    about = (
        Q(detail__carer=carer.pk)
        | Q(object_type=ObjectType.CARER, object_id=str(carer.pk))
        | _detail_list_has("carers", [carer.pk])
    )
    return AccessLogEntry.objects.filter(about).order_by("timestamp", "pk")


def carer_export(carer: Carer) -> dict[str, Any]:
    with override("nl"):
        carer = Carer.objects.get(pk=carer.pk)
        parts = {
            part.key: _rows(part, part.model._default_manager.filter(carer=carer)) for part in PARTS
        }
        parts["access_log"] = _rows(ACCESS_LOG, access_log_about(carer))
        return {
            "made_at": timezone.localtime().isoformat(),
            "carer": {f.name: value_of(CARER, carer, f)[0] for f in CARER.fields()},
            "parts": parts,
        }
