"""Pages of the daily registration. Each view: access check → form → one service → redirect or
render. Personal data is only fetched through `access.get_*_for_user`, which logs the read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, role_required
from vivera.accounts.models import Role
from vivera.audit.models import Action
from vivera.audit.services import log_access
from vivera.core.errors import show_in_form, submit
from vivera.core.parsing import parse_id
from vivera.survey.models import Objection

from . import merge, selectors, services
from .access import (
    access_requests_to_decide,
    check_bsn,
    dossiers_for,
    get_access_request_to_decide,
    get_client_for_user,
    get_consent_for_user,
    get_dossier_for_user,
    get_question_for_user,
    log_list_read,
)
from .forms import (
    AccessRequestDecideForm,
    AccessRequestForm,
    AssignCaseDirectorForm,
    ClientForm,
    ClientSearchForm,
    ConsentForm,
    ConsentWithdrawForm,
    ContactForm,
    DossierCreateForm,
    DossierEditForm,
    OutreachForm,
    QuestionCloseForm,
    QuestionForm,
    ReferralForm,
    ShortContactForm,
    StatusChangeForm,
    ZrmForm,
    refuse_bsn_clash,
    team_members,
)
from .models import (
    AccessRequestKind,
    AccessRequestStatus,
    ClientAccessRequest,
    Dossier,
    Question,
    ShortContact,
    ZrmScore,
)

TEAM_ROLES = (Role.PROFESSIONAL, Role.COORDINATOR)


@dataclass(frozen=True)
class QuestionRow:
    """A question in a list, with its lead time in days (open: until today)."""

    question: Question
    days: int

    @classmethod
    def of(cls, question: Question, today: dt.date) -> QuestionRow:
        days = question.lead_time_days(today)
        assert days is not None  # given `today`, an open question has an age too
        return cls(question, days)


@dataclass(frozen=True)
class WaitingRow:
    """A dossier on the waiting list: how long it waits, and the form to assign it (for a
    coordinator only: nobody else may assign)."""

    dossier: Dossier
    waiting_days: int
    assign_form: AssignCaseDirectorForm | None


def _check_typed_bsn(
    request: AuthenticatedHttpRequest,
    form: Any,
    *,
    bsn: str,
    purpose: str,
    exclude_pk: int | None = None,
) -> None:
    """The duplicate check of a BSN the user typed, logged as a search (`access.check_bsn`),
    before the service writes; a clash is raised as the form's refusal."""
    if bsn:
        check = check_bsn(
            user=request.user, bsn=bsn, purpose=purpose, request=request, exclude_pk=exclude_pk
        )
        refuse_bsn_clash(form, check=check, user=request.user, bsn=bsn)


# --- Start pages -----------------------------------------------------------------------------


# "My work" shows the first rows of each list and how many there are; the whole list is a page
# of its own (`my_list`), paged. A professional who directs 1,500 open dossiers (a region after
# a few years) would otherwise get a page of a megabyte.
MY_WORK_ROWS = 25
MY_WORK_STALE_ROWS = 10
MY_LIST_PAGE_SIZE = 50
WAITING_PAGE_SIZE = 50
DOSSIER_CONTACTS_PAGE_SIZE = 20
SHORT_CONTACTS_SHOWN = 20  # the newest of today's, under the form


def _first[M: Model](
    queryset: QuerySet[M],
    rows: int,
    *,
    count: bool = True,
    rows_of: Callable[[list[Any]], QuerySet[M]] | None = None,
) -> tuple[list[M], int | None]:
    """The first `rows` rows and the total: counted only when there are more, and only when
    `count` (else None: "more"). With `rows_of`, the rows are chosen by id first and then read
    by `rows_of(ids)` with their joins (the open questions: PostgreSQL joined all 900 of a busy
    professional before it stopped); otherwise in one query."""
    if rows_of is None:
        found = list(queryset[: rows + 1])
        shown = found[:rows]
    else:
        found = list(queryset.values_list("pk", flat=True)[: rows + 1])
        shown = list(rows_of(found[:rows]))
    if len(found) <= rows:
        return shown, len(shown)
    return shown, queryset.count() if count else None


@require_GET
@role_required(*TEAM_ROLES)
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    open_questions, questions_total = _first(
        selectors.my_open_questions(user=user),
        MY_WORK_ROWS,
        count=False,
        rows_of=selectors.questions_with_dossier,
    )
    questions = [QuestionRow.of(q, today) for q in open_questions]
    dossiers, dossiers_total = _first(selectors.my_dossiers(user=user), MY_WORK_ROWS)
    stale, stale_total = _first(
        selectors.my_stale_dossiers(user=user, today=today), MY_WORK_STALE_ROWS, count=False
    )
    waiting = list(selectors.waiting_list(user=user)[:10])
    log_list_read(
        user=user,
        request=request,
        page="my_work",
        dossiers=[*dossiers, *stale, *waiting, *(row.question.dossier for row in questions)],
    )
    return render(
        request,
        "registration/my_work.html",
        {
            "dossiers": dossiers,
            "dossiers_total": dossiers_total,
            "stale": stale,
            "stale_total": stale_total,
            "questions": questions,
            "questions_total": questions_total,
            "waiting": waiting,
            "requests_to_answer": access_requests_to_decide(user)
            .filter(status=AccessRequestStatus.PENDING)
            .count(),
        },
    )


MY_LISTS = {"dossiers": "dossiers", "afsluiten": "stale", "vragen": "questions"}


@require_GET
@role_required(*TEAM_ROLES)
def my_list(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """One of my work's lists whole, 50 rows a page: `dossiers` (open dossiers I direct),
    `afsluiten` (those to consider closing), `vragen` (open questions)."""
    if kind not in MY_LISTS:
        raise Http404
    user = request.user
    today = timezone.localdate()
    queryset: QuerySet[Any] = {
        "dossiers": lambda: selectors.my_dossiers(user=user),
        "afsluiten": lambda: selectors.my_stale_dossiers(user=user, today=today),
        "vragen": lambda: selectors.my_open_questions(user=user),
    }[kind]()
    page = Paginator(queryset, MY_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if kind == "vragen":
        shown = [row.dossier for row in rows]
        rows = [QuestionRow.of(q, today) for q in rows]
    else:
        shown = rows
    log_list_read(user=user, request=request, page=f"my_work_{MY_LISTS[kind]}", dossiers=shown)
    return render(
        request,
        "registration/my_list.html",
        {"kind": MY_LISTS[kind], "page_obj": page, "rows": rows},
    )


@require_GET
@role_required(*TEAM_ROLES)
def waiting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The teams' waiting list, oldest first, 50 a page; the coordinator assigns from it."""
    today = timezone.localdate()
    page = Paginator(selectors.waiting_list(user=request.user), WAITING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    dossiers = list(page.object_list)
    log_list_read(user=request.user, request=request, page="waiting_list", dossiers=dossiers)
    may_assign = request.user.role == Role.COORDINATOR
    members = (
        {team_id: list(team_members([team_id])) for team_id in {d.team_id for d in dossiers}}
        if may_assign
        else {}
    )
    rows = [
        WaitingRow(
            dossier=dossier,
            waiting_days=(today - dossier.registered_on).days,
            assign_form=AssignCaseDirectorForm(
                dossier=dossier,
                prefix=f"d{dossier.pk}",
                members=members[dossier.team_id],
                initial={"case_director": dossier.case_director_id},
            )
            if may_assign
            else None,
        )
        for dossier in dossiers
    ]
    return render(
        request,
        "registration/waiting_list.html",
        {"page_obj": page, "dossiers": dossiers, "rows": rows, "may_assign": may_assign},
    )


@require_POST
@role_required(Role.COORDINATOR)
def dossier_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Assign a case director from the waiting list. With htmx only the row is replaced (the
    list keeps its place); without JavaScript the page reloads with a message."""
    dossier = get_dossier_for_user(user=request.user, pk=pk, request=request)
    form = AssignCaseDirectorForm(request.POST, dossier=dossier, prefix=f"d{dossier.pk}")
    error = ""
    if form.is_valid():
        try:
            dossier = services.dossier_assign_case_director(
                user=request.user,
                dossier=dossier,
                case_director=form.cleaned_data["case_director"],
                request=request,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Choose a case director.")
    if request.htmx:
        row = WaitingRow(
            dossier=dossier,
            waiting_days=(timezone.localdate() - dossier.registered_on).days,
            assign_form=AssignCaseDirectorForm(
                dossier=dossier,
                prefix=f"d{dossier.pk}",
                initial={"case_director": dossier.case_director_id},
            ),
        )
        return render(
            request,
            "registration/_waiting_row.html",
            {
                "row": row,
                "may_assign": True,
                "assigned": not error,
                "assign_error": error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(director)s is now case director of %(dossier)s.")
            % {"director": dossier.case_director, "dossier": dossier},
        )
    return redirect("registration:waiting_list")


# --- Short contacts --------------------------------------------------------------------------

SESSION_SHORT_CONTACT = "short_contact_defaults"


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def shortcontact_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Built for speed: channel and location are remembered, the date and part of day are filled
    in, the topic has focus. Save, and the form is ready for the next one."""
    user = request.user
    remembered = request.session.get(SESSION_SHORT_CONTACT, {"channel": "walk_in"})
    form = ShortContactForm(request.POST or None, user=user, initial=dict(remembered))

    def save(data: dict[str, Any]) -> None:
        services.short_contact_create(
            user=user,
            date=data["date"],
            part_of_day=data["part_of_day"],
            channel=data["channel"],
            domain=data["domain"],
            result=data["result"],
            location=data["location"],
            form_token=data["form_token"],
        )
        request.session[SESSION_SHORT_CONTACT] = {
            "channel": data["channel"],
            "location": data["location"].pk if data["location"] else None,
        }

    saved, _result = submit(request, form, save, _("Short contact saved."))
    if saved:
        return redirect("registration:shortcontact_create")
    today, today_total = _first(
        ShortContact.objects.filter(registered_by=user, date=timezone.localdate()).select_related(
            "location", "domain"
        ),
        SHORT_CONTACTS_SHOWN,
    )
    return render(
        request,
        "registration/shortcontact_form.html",
        {"form": form, "today": today, "today_total": today_total},
    )


# --- Clients ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def client_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search by POST, so names, birth dates and BSNs stay out of URLs and proxy logs."""
    form = ClientSearchForm(request.POST or None)
    results = None
    if form.is_bound and form.is_valid() and form.has_criteria():
        data = form.cleaned_data
        results = list(
            selectors.client_search(
                user=request.user,
                query=data["q"],
                birth_date=data["birth_date"],
                postcode=data["postcode"],
                bsn=data["bsn"],
            )
        )
        log_access(
            user=request.user,
            action=Action.SEARCH,
            object_type="client",
            request=request,
            detail={
                "criteria": sorted(
                    k for k in ("q", "birth_date", "postcode", "bsn") if data.get(k)
                ),
                "results": [c.pk for c in results],
            },
        )
    return render(request, "registration/client_search.html", {"form": form, "results": results})


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def client_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a client; `?huishouden=<client id>` registers a member of that household."""
    household_of = None
    household_pk = parse_id(request.GET.get("huishouden"))
    if household_pk is not None:
        household_of = get_client_for_user(user=request.user, pk=household_pk, request=request)
    form = ClientForm(request.POST or None)
    if household_of is not None and not form.is_bound:
        form.initial.update(
            {
                f: getattr(household_of, f)
                for f in ("name_prefix", "last_name", "postcode", "house_number")
            }
        )

    def save(data: dict[str, Any]) -> Any:
        _check_typed_bsn(request, form, bsn=data["bsn"], purpose="client_create")
        return services.client_create(
            user=request.user,
            **services.client_fields(data),
            form_token=data.get("form_token"),
            household_of=household_of,
            request=request,
        )

    saved, client = submit(request, form, save, _("Client registered."))
    if saved:
        _warn_outside(request, client)
        return redirect("registration:client_detail", pk=client.pk)
    return render(
        request, "registration/client_form.html", {"form": form, "household_of": household_of}
    )


def _warn_outside(request: HttpRequest, client: Any) -> None:
    """Saved, but the postcode lies in no neighbourhood of the municipality: say so, since the
    client then counts for no neighbourhood (a typo, or a resident from elsewhere)."""
    if client.postcode and client.neighbourhood_id is None:
        messages.warning(
            request,
            _(
                "The postcode %(postcode)s is not in %(municipality)s, so the neighbourhood is "
                "unknown. Check the postcode if the resident lives in the municipality."
            )
            % {"postcode": client.postcode, "municipality": client.municipality},
        )


def _client_page(request: AuthenticatedHttpRequest, client: Any, *, show_bsn: bool) -> HttpResponse:
    household = selectors.household_members(user=request.user, client=client)
    if household:
        log_access(
            user=request.user,
            action=Action.READ,
            object_type="household",
            object_id=client.household_id,
            client_id=client.pk,
            request=request,
            detail={"clients": [member.pk for member in household]},
        )
    return render(
        request,
        "registration/client_detail.html",
        {
            "client": client,
            "dossiers": dossiers_for(request.user)
            .filter(client=client)
            .select_related("team", "case_director"),
            "household": household,
            "show_bsn": show_bsn,
            "survey_objection": Objection.objects.filter(client=client).first(),
        },
    )


@require_GET
@role_required(*TEAM_ROLES)
def client_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_user(user=request.user, pk=pk, request=request)
    return _client_page(request, client, show_bsn=False)


@require_POST
@role_required(*TEAM_ROLES)
def client_reveal_bsn(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the full BSN once, on request; the reveal is logged on its own."""
    client = get_client_for_user(user=request.user, pk=pk, request=request, log_read=False)
    log_access(
        user=request.user,
        action=Action.REVEAL,
        object_type="client",
        object_id=client.pk,
        client_id=client.pk,
        request=request,
    )
    return _client_page(request, client, show_bsn=True)


def _edit(
    request: AuthenticatedHttpRequest,
    form: Any,
    *,
    instance: Any,
    names: tuple[str, ...],
    object_type: str,
    reload: Callable[[], Any],
    save: Callable[[dict[str, Any]], Any],
    success: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse | None:
    """An edit page with optimistic locking and the merge view (`merge.py`). Returns None when
    saved (the caller redirects), else the page: the form (with its error), or the merge view
    when someone else saved the record since the user opened it."""
    page = {**context, "form": form}
    missing = merge.still_to_choose(request, names) if request.method == "POST" else []
    if missing:
        current = reload()
        page["merge"] = merge.build(
            form,
            names=names,
            instance=current,
            mine=merge.mine_from_post(form, names, current),
            missing=missing,
            base_prefix=merge.WAS,
            message=_("Choose which value to keep for each field marked below."),
            object_type=object_type,
        )
        return render(request, template, page)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.StaleEdit as error:
            page["merge"] = merge.build(
                form,
                names=names,
                instance=reload(),
                mine={name: form.cleaned_data[name] for name in names},
                message=error.messages[0],
                object_type=object_type,
            )
            return render(request, template, page)
        except ValidationError as error:
            show_in_form(form, error)
        else:
            merged = merge.merged_fields(request, names)
            if merged:  # saved from the merge view: which fields were chosen
                log_access(
                    user=request.user,
                    action=Action.MERGE,
                    object_type=object_type,
                    object_id=instance.pk,
                    client_id=getattr(instance, "client_id", instance.pk),
                    request=request,
                    detail={"fields": merged},
                )
            messages.success(request, success)
            return None
    page["base_inputs"] = merge.base_inputs(form, names, instance)
    return render(request, template, page)


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def client_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_user(user=request.user, pk=pk, request=request)
    form = ClientForm(request.POST or None, instance=client)

    def save(data: dict[str, Any]) -> Any:
        if data["bsn"] != client.bsn:
            _check_typed_bsn(
                request, form, bsn=data["bsn"], purpose="client_update", exclude_pk=client.pk
            )
        return services.client_update(
            user=request.user,
            client=client,
            version=data["version"] or 0,
            **services.client_fields(data),
            request=request,
        )

    page = _edit(
        request,
        form,
        instance=client,
        names=services.CLIENT_FIELDS,
        object_type="client",
        reload=lambda: get_client_for_user(user=request.user, pk=pk, log_read=False),
        save=save,
        success=_("Client details saved."),
        template="registration/client_form.html",
        context={"client": client},
    )
    if page is not None:
        return page
    client.refresh_from_db(fields=["postcode", "neighbourhood"])
    _warn_outside(request, client)
    return redirect("registration:client_detail", pk=client.pk)


# --- Dossiers --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def dossier_create(request: AuthenticatedHttpRequest, client_pk: int) -> HttpResponse:
    client = get_client_for_user(user=request.user, pk=client_pk, request=request)
    form = DossierCreateForm(request.POST or None, user=request.user)
    saved, dossier = submit(
        request,
        form,
        lambda data: services.dossier_create(
            user=request.user,
            client=client,
            team=data["team"],
            referrer=data["referrer"],
            registered_on=data["registered_on"],
            complexity=data["complexity"],
            case_director=data["case_director"],
            form_token=data["form_token"],
            request=request,
        ),
        _("Dossier opened."),
    )
    if saved:
        return redirect("registration:dossier_detail", pk=dossier.pk)
    return render(request, "registration/dossier_form.html", {"form": form, "client": client})


def _zrm_table(dossier: Any) -> dict[str, Any]:
    """ZRM scores as domains × moments, with the change from the first to the last moment."""
    scores = Prefetch("scores", queryset=ZrmScore.objects.select_related("domain"))
    assessments = list(dossier.zrm_assessments.prefetch_related(scores))
    rows: dict[int, dict[str, Any]] = {}
    for index, assessment in enumerate(assessments):
        for score in assessment.scores.all():
            row = rows.setdefault(
                score.domain_id, {"domain": score.domain, "scores": [None] * len(assessments)}
            )
            row["scores"][index] = score.score
    table = sorted(rows.values(), key=lambda r: (r["domain"].order, r["domain"].name))
    for row in table:
        known = [s for s in row["scores"] if s is not None]
        row["change"] = known[-1] - known[0] if len(known) > 1 else None
    return {"assessments": assessments, "rows": table}


@require_GET
@role_required(*TEAM_ROLES)
def dossier_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(user=request.user, pk=pk, request=request)
    today = timezone.localdate()
    questions = [
        QuestionRow.of(q, today) for q in dossier.questions.select_related("domain", "outcome")
    ]
    # The latest contacts, a page at a time (a long dossier has hundreds).
    contacts = Paginator(
        dossier.contacts.select_related("kind").prefetch_related("professionals"),
        DOSSIER_CONTACTS_PAGE_SIZE,
    ).get_page(request.GET.get("contacten"))
    return render(
        request,
        "registration/dossier_detail.html",
        {
            "dossier": dossier,
            "questions": questions,
            "history": dossier.status_changes.select_related("changed_by"),
            "contacts": contacts.object_list,
            "contacts_page": contacts,
            "referrals": dossier.referrals.select_related("partner", "question__domain"),
            "consents": dossier.consents.select_related("partner", "recorded_by", "withdrawn_by"),
            "zrm": _zrm_table(dossier),
            "status_form": StatusChangeForm(dossier=dossier),
            "team_changes": dossier.team_changes.select_related("from_team"),
            "shares": ClientAccessRequest.objects.filter(
                dossier=dossier,
                kind=AccessRequestKind.SHARED,
                status=AccessRequestStatus.APPROVED,
                share_ended_at__isnull=True,
            ).select_related("to_team"),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def dossier_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(user=request.user, pk=pk, request=request)
    form = DossierEditForm(request.POST or None, dossier=dossier)

    def save(data: dict[str, Any]) -> None:
        changes = {f: data[f] for f in services.DOSSIER_EDIT_FIELDS if f in data}
        services.dossier_update(
            user=request.user,
            dossier=dossier,
            version=data["version"],
            **cast(services.DossierChanges, changes),
            request=request,
        )

    page = _edit(
        request,
        form,
        instance=dossier,
        names=services.DOSSIER_EDIT_FIELDS,
        object_type="dossier",
        reload=lambda: get_dossier_for_user(user=request.user, pk=pk, log_read=False),
        save=save,
        success=_("Dossier saved."),
        template="registration/dossier_edit.html",
        context={"dossier": dossier},
    )
    return page or redirect("registration:dossier_detail", pk=dossier.pk)


@require_POST
@role_required(*TEAM_ROLES)
def dossier_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(user=request.user, pk=pk, request=request)
    form = StatusChangeForm(request.POST, dossier=dossier)
    saved, _result = submit(
        request,
        form,
        lambda data: services.dossier_change_status(
            user=request.user,
            dossier=dossier,
            to_status=data["to_status"],
            date=data["date"],
            request=request,
        ),
        _("Status changed."),
    )
    if saved:
        return redirect("registration:dossier_detail", pk=dossier.pk)
    return render(
        request, "registration/dossier_status.html", {"form": form, "dossier": dossier}, status=400
    )


def _dossier_subform(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    title: str,
    success: str,
    make_form: Callable[[Any, Any], Any],
    save: Callable[[Any, dict[str, Any]], Any],
) -> HttpResponse:
    """Shared flow of the forms that add something to a dossier: fetch the dossier, build the
    form, save through the service, back to the dossier. One line in the access log per
    request: the service's create when saved, else the read of the page shown."""
    posted = request.method == "POST"
    dossier = get_dossier_for_user(user=request.user, pk=pk, request=request, log_read=not posted)
    form = make_form(request.POST or None, dossier)
    saved, _result = submit(request, form, lambda data: save(dossier, data), success)
    if saved:
        return redirect("registration:dossier_detail", pk=dossier.pk)
    if posted:  # refused: the form is shown again, with the dossier
        log_access(
            user=request.user,
            action=Action.READ,
            object_type="dossier",
            object_id=dossier.pk,
            client_id=dossier.client_id,
            request=request,
        )
    return render(
        request,
        "registration/dossier_subform.html",
        {"form": form, "dossier": dossier, "title": title},
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def question_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _dossier_subform(
        request,
        pk,
        title=_("New question"),
        success=_("Question added."),
        make_form=lambda data, dossier: QuestionForm(data, dossier=dossier),
        save=lambda dossier, data: services.question_add(
            user=request.user,
            dossier=dossier,
            domain=data["domain"],
            opened_on=data["opened_on"],
            description=data["description"],
            form_token=data["form_token"],
            request=request,
        ),
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def question_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question, dossier = get_question_for_user(user=request.user, pk=pk, request=request)
    if not question.is_open or dossier.is_closed:
        # Nothing to close here: say why instead of offering a form that can only be refused.
        return render(
            request,
            "registration/question_close.html",
            {"form": None, "dossier": dossier, "question": question},
            status=200 if request.method == "GET" else 400,
        )
    form = QuestionCloseForm(request.POST or None)
    saved, _result = submit(
        request,
        form,
        lambda data: services.question_close(
            user=request.user,
            question=question,
            closed_on=data["closed_on"],
            outcome=data["outcome"],
            request=request,
        ),
        _("Question closed."),
    )
    if saved:
        return redirect("registration:dossier_detail", pk=dossier.pk)
    return render(
        request,
        "registration/question_close.html",
        {"form": form, "dossier": dossier, "question": question},
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def contact_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _dossier_subform(
        request,
        pk,
        title=_("New contact"),
        success=_("Contact saved."),
        make_form=lambda data, dossier: ContactForm(data, dossier=dossier, user=request.user),
        save=lambda dossier, data: services.contact_add(
            user=request.user,
            dossier=dossier,
            date=data["date"],
            kind=data["kind"],
            with_whom=data["with_whom"],
            core_task=data["core_task"],
            minutes=data["minutes"],
            professionals=data["professionals"],
            note=data["note"],
            form_token=data["form_token"],
            request=request,
        ),
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def referral_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _dossier_subform(
        request,
        pk,
        title=_("New referral"),
        success=_("Referral saved."),
        make_form=lambda data, dossier: ReferralForm(data, dossier=dossier),
        save=lambda dossier, data: services.referral_add(
            user=request.user,
            dossier=dossier,
            referred_on=data["referred_on"],
            provision_kind=data["provision_kind"],
            partner=data["partner"],
            description=data["description"],
            handover=data["handover"],
            question=data["question"],
            form_token=data["form_token"],
            request=request,
        ),
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def consent_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _dossier_subform(
        request,
        pk,
        title=_("Record consent for sharing with partners"),
        success=_("Consent recorded."),
        make_form=lambda data, dossier: ConsentForm(data, dossier=dossier),
        save=lambda dossier, data: services.consent_record(
            user=request.user,
            dossier=dossier,
            partner=data["partner"],
            scopes=data["scopes"],
            given_on=data["given_on"],
            given_how=data["given_how"],
            note=data["note"],
            form_token=data["form_token"],
            request=request,
        ),
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent, dossier = get_consent_for_user(user=request.user, pk=pk, request=request)
    form = ConsentWithdrawForm(request.POST or None)
    saved, _result = submit(
        request,
        form,
        lambda data: services.consent_withdraw(
            user=request.user,
            consent=consent,
            withdrawn_on=data["withdrawn_on"],
            request=request,
        ),
        _("Consent withdrawn. From that day on nothing more is shared under it."),
    )
    if saved:
        return redirect(reverse("registration:dossier_detail", args=[dossier.pk]) + "#toestemming")
    return render(
        request,
        "registration/consent_withdraw.html",
        {"form": form, "dossier": dossier, "consent": consent},
    )


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def zrm_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def save(dossier: Any, data: dict[str, Any]) -> Any:
        scores = {domain.pk: data[f"domain_{domain.pk}"] for domain in services.zrm_domains()}
        return services.zrm_assess(
            user=request.user,
            dossier=dossier,
            assessed_on=data["assessed_on"],
            moment=data["moment"],
            scores=scores,
            form_token=data["form_token"],
            request=request,
        )

    return _dossier_subform(
        request,
        pk,
        title=_("ZRM assessment"),
        success=_("ZRM scores saved."),
        make_form=lambda data, dossier: ZrmForm(data, dossier=dossier),
        save=save,
    )


# --- Outreach --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def outreach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = OutreachForm(request.POST or None, user=user)
    saved, _result = submit(
        request,
        form,
        lambda data: services.outreach_create(
            user=user,
            team=data["team"],
            date=data["date"],
            kind=data["kind"],
            description=data["description"],
            hours=data["hours"],
            neighbourhood=data["neighbourhood"],
            form_token=data["form_token"],
        ),
        _("Outreach activity saved."),
    )
    if saved:
        return redirect("registration:outreach_list")
    return render(
        request,
        "registration/outreach_list.html",
        {
            "form": form,
            "activities": selectors.outreach_for(user=user)[:100],
        },
    )


# --- Requests for access to a resident known to another team --------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*TEAM_ROLES)
def access_request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask the team holding a resident's dossier for access, by the BSN the user typed. The BSN
    is checked (and logged) again; the page says no more than the form that sent the user
    here: known elsewhere (the request is sent), within reach (a link), or not known."""
    form = AccessRequestForm(
        request.POST or None, user=request.user, prefix=AccessRequestForm.PREFIX
    )
    within_reach = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = check_bsn(
                user=request.user, bsn=data["bsn"], purpose="access_request", request=request
            )
            if check.client is None:
                raise ValidationError(
                    {
                        "bsn": ValidationError(
                            _(
                                "No resident with this BSN is registered in your "
                                "municipality. Register the resident yourself."
                            ),
                            code="not_found",
                        )
                    }
                )
            if check.within_reach:
                within_reach = check.client
                raise ValidationError(
                    {
                        "bsn": ValidationError(
                            _("You can already see this resident."), code="within_reach"
                        )
                    }
                )
            services.access_request_create(
                user=request.user,
                client=check.client,
                to_team=data["team"],
                kind=data["kind"],
                reason=data["reason"],
                request=request,
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request was sent to the coordinator of the team that holds the "
                    "resident's dossier. The answer appears on this page."
                ),
            )
            return redirect("registration:access_requests")
    return render(
        request,
        "registration/access_request_form.html",
        {"form": form, "within_reach": within_reach},
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(*TEAM_ROLES)
def access_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own requests with their answers, and for a coordinator the requests its teams
    are asked to answer (pending first) and the dossiers they share."""
    user = request.user
    mine = list(
        ClientAccessRequest.objects.filter(requested_by=user)
        .select_related("client", "to_team")
        .order_by("-requested_at", "-pk")[:100]
    )
    incoming = list(
        access_requests_to_decide(user)
        .filter(
            Q(status=AccessRequestStatus.PENDING)
            | Q(
                kind=AccessRequestKind.SHARED,
                status=AccessRequestStatus.APPROVED,
                share_ended_at__isnull=True,
            )
        )
        .select_related("client", "dossier", "from_team", "to_team", "requested_by")
        .order_by("-status", "requested_at", "pk")[:200]
    )
    if incoming:
        log_access(
            user=user,
            action=Action.READ,
            object_type="list",
            object_id="access_requests",
            request=request,
            detail={"clients": sorted({r.client_id for r in incoming})},
        )
    return render(
        request,
        "registration/access_requests.html",
        {
            "mine": mine,
            "pending": [r for r in incoming if r.is_pending],
            "shares": [r for r in incoming if r.is_active_share],
            "is_coordinator": user.role == Role.COORDINATOR,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def access_request_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access_request = get_access_request_to_decide(user=request.user, pk=pk, request=request)
    form = AccessRequestDecideForm(request.POST or None)
    saved, _result = submit(
        request,
        form,
        lambda data: services.access_request_decide(
            user=request.user,
            access_request=access_request,
            approve=data["decision"] == "approve",
            note=data["note"],
            request=request,
        ),
        _("Your answer was saved; the requester sees it on the page Requests."),
    )
    if saved:
        return redirect("registration:access_requests")
    return render(
        request,
        "registration/access_request_decide.html",
        {"form": form, "access_request": access_request},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(Role.COORDINATOR)
def access_share_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access_request = get_access_request_to_decide(user=request.user, pk=pk, request=request)
    try:
        services.access_share_end(user=request.user, access_request=access_request, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The other team no longer sees this dossier."))
    return redirect("registration:access_requests")
