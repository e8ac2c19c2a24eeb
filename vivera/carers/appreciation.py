"""The yearly appreciation's writes (docs/carers.md): the scheme of a year, applications with
their checks, the decision within the budget. Like `services.py`: all problems at once, one
transaction, an access-log line per change (object type `carer_application`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.accounts.models import Role, User
from vivera.audit.models import Action, ObjectType
from vivera.core.errors import Refusals
from vivera.registration.services import neighbourhood_for_postcode

from . import iban as iban_check
from .models import (
    Application,
    ApplicationStatus,
    Carer,
    CareRelation,
    CarerStatus,
    OnePer,
    Scheme,
    Source,
)
from .services import _consultant, _log

if TYPE_CHECKING:
    from django.http import HttpRequest


# --- The yearly appreciation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    budget: Decimal
    used: Decimal  # approved
    waiting: Decimal  # what the waiting applications would take at the scheme's amount

    @property
    def left(self) -> Decimal:
        return self.budget - self.used


def budget_of(scheme: Scheme) -> Budget:
    approved = scheme.applications.filter(status=ApplicationStatus.APPROVED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    waiting = scheme.applications.filter(status=ApplicationStatus.SUBMITTED).count()
    return Budget(scheme.budget, approved, waiting * scheme.amount)


class SchemeFields(TypedDict):
    year: int | None
    form: str
    amount: Decimal | None
    budget: Decimal | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    one_per: str
    min_hours: int | None
    min_months: int | None


MAX_MIN_MONTHS = 120  # ten years of care: more is no rule, and breaks the month arithmetic


@transaction.atomic
def scheme_save(
    *, user: User, scheme: Scheme | None = None, **fields: Unpack[SchemeFields]
) -> Scheme:
    """A new year's scheme, or a change of one (the amount only while nothing is approved)."""
    municipality_id = user.municipality_id
    if user.role != Role.CARER_CONSULTANT or municipality_id is None:
        raise PermissionDenied
    refusals = Refusals()
    for name, label in (
        ("year", _("the year")),
        ("amount", _("the amount")),
        ("budget", _("the budget")),
        ("opens_on", _("the first day of applications")),
        ("closes_on", _("the last day of applications")),
        ("min_hours", _("the hours a week")),
        ("min_months", _("the months")),
    ):
        if fields[name] is None:  # type: ignore[literal-required]
            refusals.add(name, _("Fill in %(label)s.") % {"label": label}, "required")
    year = fields["year"]
    if year is not None and not 2000 <= year <= timezone.localdate().year + 1:
        refusals.add("year", _("Choose this year or the next."), "invalid")
    elif (
        year is not None
        and Scheme.objects.filter(municipality_id=municipality_id, year=year)
        .exclude(pk=scheme.pk if scheme else 0)
        .exists()
    ):
        refusals.add(
            "year", _("There is already a scheme for %(year)s.") % {"year": year}, "unique"
        )
    if fields["min_hours"] is not None and not 0 <= fields["min_hours"] <= 168:
        refusals.add("min_hours", _("A week has at most 168 hours."), "invalid")
    if fields["min_months"] is not None and not 0 <= fields["min_months"] <= MAX_MIN_MONTHS:
        refusals.add(
            "min_months",
            _("Ask for at most %(months)d months of care.") % {"months": MAX_MIN_MONTHS},
            "invalid",
        )
    if fields["form"] not in ("money", "voucher", "pass"):
        refusals.add("form", _("Choose the form."), "required")
    if fields["one_per"] not in OnePer.values:
        refusals.add("one_per", _("Choose the rule."), "required")
    amount, budget = fields["amount"], fields["budget"]
    if amount is not None and amount <= 0:
        refusals.add("amount", _("The amount must be more than zero."), "invalid")
    if budget is not None and budget < 0:
        refusals.add("budget", _("The budget cannot be negative."), "invalid")
    opens, closes = fields["opens_on"], fields["closes_on"]
    if opens and closes and closes < opens:
        refusals.add("closes_on", _("The window closes before it opens."), "order")
    if scheme is not None:
        # Locked as a decision locks it: a budget cut and an approval at the same moment are
        # taken one after the other, so the budget never ends below what is approved.
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        used = budget_of(scheme).used
        if budget is not None and budget < used:
            refusals.add(
                "budget",
                _("Already %(used)s euro is approved: the budget cannot be less.") % {"used": used},
                "below_used",
            )
        if (
            amount is not None
            and amount != scheme.amount
            and scheme.applications.filter(status=ApplicationStatus.APPROVED).exists()
        ):
            refusals.add(
                "amount", _("Applications are approved: the amount cannot change."), "approved"
            )
    refusals.raise_if_any()
    scheme = scheme or Scheme(municipality_id=municipality_id, created_by=user)
    for name, value in fields.items():
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save()
    return scheme


def _application_rules(
    refusals: Refusals,
    *,
    scheme: Scheme,
    carer: Carer,
    relation: CareRelation | None,
    received_on: dt.date,
    iban: str,
    account_holder: str,
) -> None:
    """The checks of issue 18: registered, in the municipality, within the window, not twice,
    the care (hours and months) and, where money is paid, a valid IBAN."""
    if carer.municipality_id != scheme.municipality_id:
        raise PermissionDenied
    if carer.status != CarerStatus.REGISTERED or (
        carer.registered_on is not None and carer.registered_on > received_on
    ):
        refusals.add(
            None,
            _("Only a registered carer can apply: confirm the registration first."),
            "not_registered",
        )
    if not scheme.opens_on <= received_on <= scheme.closes_on:
        refusals.add(
            None,
            _("Applications for %(year)s are received from %(opens)s to %(closes)s.")
            % {
                "year": scheme.year,
                "opens": scheme.opens_on.strftime("%d-%m-%Y"),
                "closes": scheme.closes_on.strftime("%d-%m-%Y"),
            },
            "window",
        )
    if relation is None or relation.carer_id != carer.pk:
        refusals.add("relation", _("Choose the person you care for."), "required")
    else:
        if relation.ended_on is not None and relation.ended_on < scheme.opens_on:
            refusals.add("relation", _("This care ended before the window opened."), "ended")
        if relation.hours_per_week < scheme.min_hours:
            refusals.add(
                "relation",
                _("The appreciation is for at least %(hours)d hours of care a week.")
                % {"hours": scheme.min_hours},
                "hours",
            )
        months_ago = _months_before(received_on, scheme.min_months)
        if relation.since > months_ago:
            refusals.add(
                "relation",
                _("The appreciation is for care given at least %(months)d months.")
                % {"months": scheme.min_months},
                "months",
            )
        if not _lives_here(scheme.municipality_id, carer, relation):
            refusals.add(
                None,
                _(
                    "The carer or the person cared for must live in the municipality: fill in "
                    "a postcode of the municipality."
                ),
                "municipality",
            )
    earlier = scheme.applications.filter(carer=carer).exclude(status=ApplicationStatus.REFUSED)
    if scheme.one_per == OnePer.RELATION and relation is not None:
        earlier = earlier.filter(relation=relation)
    if earlier.exists():
        refusals.add(
            None,
            _("There is already an application for %(year)s for this care.") % {"year": scheme.year}
            if scheme.one_per == OnePer.RELATION
            else _("There is already an application of this carer for %(year)s.")
            % {"year": scheme.year},
            "twice",
        )
    if scheme.pays_money:
        if not iban.strip():
            refusals.add("iban", _("Fill in the IBAN: the appreciation is paid out."), "required")
        elif not iban_check.is_valid(iban):
            refusals.add(
                "iban",
                _(
                    "This IBAN is not right: check the letters and digits (for example NL91 ABNA "
                    "0417 1643 00)."
                ),
                "iban",
            )
        if not account_holder.strip():
            refusals.add("account_holder", _("Fill in the account holder's name."), "required")


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


def _lives_here(municipality_id: int, carer: Carer, relation: CareRelation) -> bool:
    if carer.neighbourhood_id is not None:
        return True
    if relation.client_id is not None:
        return True
    return (
        neighbourhood_for_postcode(
            municipality_id=municipality_id, postcode=relation.cared_for_postcode
        )
        is not None
    )


@transaction.atomic
def application_submit(
    *,
    user: User | None,
    scheme: Scheme,
    carer: Carer,
    relation: CareRelation | None,
    iban: str = "",
    account_holder: str = "",
    received_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """An application, from the carer's own page (`user` None, received today) or entered by
    the consultant from a paper form (with its date of receipt)."""
    if user is not None:
        _consultant(user, carer.municipality_id)
    # One application at a time per scheme: the check for a second one cannot interleave.
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    received_on = received_on if user is not None and received_on else timezone.localdate()
    refusals = Refusals()
    if received_on > timezone.localdate():
        refusals.add("received_on", _("The date of receipt cannot be in the future."), "future")
    _application_rules(
        refusals,
        scheme=scheme,
        carer=carer,
        relation=relation,
        received_on=received_on,
        iban=iban,
        account_holder=account_holder,
    )
    refusals.raise_if_any()
    assert relation is not None
    application = Application.objects.create(
        scheme=scheme,
        carer=carer,
        relation=relation,
        received_on=received_on,
        source=Source.STAFF if user else Source.PUBLIC,
        iban=iban_check.normalise(iban) if scheme.pays_money else "",
        account_holder=account_holder.strip()[:100] if scheme.pays_money else "",
        entered_by=user,
    )
    _log(
        user=user,
        action=Action.CREATE,
        carer=carer,
        request=request,
        object_type=ObjectType.CARER_APPLICATION,
        object_id=application.pk,
        detail={"scheme": scheme.year},
    )
    return application


@transaction.atomic
def application_decide(
    *,
    user: User,
    application: Application,
    approve: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Application:
    """Approve (within the budget left) or refuse with a reason the carer reads."""
    _consultant(user, application.carer.municipality_id)
    scheme = Scheme.objects.select_for_update().get(pk=application.scheme_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    refusals = Refusals()
    if application.status != ApplicationStatus.SUBMITTED:
        refusals.add(None, _("This application has already been decided."), "decided")
    if approve:
        left = budget_of(scheme).left
        if left < scheme.amount:
            refusals.add(
                None,
                _("The budget left (%(left)s euro) is less than the amount: it cannot be approved.")
                % {"left": left},
                "budget",
            )
        carer = application.carer
        if carer.status == CarerStatus.PENDING:
            refusals.add(None, _("The carer's registration is not confirmed."), "not_registered")
        elif carer.status == CarerStatus.LEFT:
            refusals.add(None, _("The carer has left the register."), "left")
    elif not reason.strip():
        refusals.add(
            "reason", _("Give the reason for the refusal; the carer reads it."), "required"
        )
    refusals.raise_if_any()
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
    application.amount = scheme.amount if approve else None
    application.refusal_reason = "" if approve else reason.strip()[:300]
    application.decided_by, application.decided_at = user, timezone.now()
    application.save(
        update_fields=["status", "amount", "refusal_reason", "decided_by", "decided_at"]
    )
    _log(
        user=user,
        action=Action.UPDATE,
        carer=application.carer,
        request=request,
        object_type=ObjectType.CARER_APPLICATION,
        object_id=application.pk,
        detail={"status": application.status},
    )
    return application
