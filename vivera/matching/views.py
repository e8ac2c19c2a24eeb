"""Voor elkaar's pages (docs/matching.md): the public overview, a listing, signing up with a
confirmed address, posting, one's own listings; and the moderator's page. The public pages need
no login; a member is signed in by the link in its e-mail (the session holds its id)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, municipality_id_of, role_required
from vivera.accounts.models import Role
from vivera.audit.services import client_address
from vivera.core.errors import show_in_form
from vivera.core.pagination import CappedPaginator
from vivera.core.ratelimit import Limited
from vivera.registration.access import get_dossier_for_user

from . import selectors, services
from .access import get_team_connection
from .forms import (
    ClientListingForm,
    FilterForm,
    ListingForm,
    MessageForm,
    ModerateForm,
    ReportForm,
    SignUpForm,
    StatusForm,
)
from .models import Connection, Listing, ListingStatus, Member

SESSION_KEY = "vivera_matching_member"


def _municipality() -> Any:
    municipality = services.public_municipality()
    if municipality is None:
        raise Http404
    return municipality


def _member(request: HttpRequest) -> Member | None:
    pk = request.session.get(SESSION_KEY)
    return Member.objects.filter(pk=pk, confirmed_at__isnull=False).first() if pk else None


def _limited() -> str:
    return _(
        "You have sent a lot in the last hour. Try again in an hour; what you wrote is kept here."
    )


def _address(request: HttpRequest) -> str:
    """The visitor's address as the access log takes it (behind the trusted proxy, the
    address the proxy saw), so one visitor's attempts do not count against everyone's."""
    return client_address(request) or ""


@login_not_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    municipality = _municipality()
    form = FilterForm(request.GET or None, municipality_id=municipality.pk)
    filters = selectors.Filters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            kind=data["kind"],
            help_kind=data["help_kind"],
            neighbourhood_id=data["neighbourhood"].pk if data["neighbourhood"] else None,
            part_of_day=data["part_of_day"],
            frequency=data["frequency"],
            query=data["q"],
        )
    page = CappedPaginator(
        selectors.search(municipality, filters), 20, selectors.COUNT_CAP
    ).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "matching/overview.html",
        {"form": form, "page": page, "query": query.urlencode(), "member": _member(request)},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = selectors.published(_municipality()).filter(pk=pk).first()
    if listing is None:
        raise Http404
    member = _member(request)
    reply = MessageForm(prefix="reply")
    if request.method == "POST" and request.POST.get("action") == "reply":
        if member is None:
            return redirect("matching:sign_up")
        reply = MessageForm(request.POST, prefix="reply")
        if reply.is_valid():
            try:
                connection = services.connection_start(
                    member=member,
                    listing=listing,
                    text=reply.cleaned_data["text"],
                    base_url=_base_url(request),
                )
            except ValidationError as error:
                show_in_form(reply, error)
            except Limited:
                reply.add_error(None, _limited())
            else:
                messages.success(request, _("Your message has been sent."))
                return redirect("matching:thread", connection.pk)
        form = ReportForm()
        return render(
            request,
            "matching/detail.html",
            {"listing": listing, "form": form, "reply": reply, "member": member},
            status=400,
        )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_add(
                listing=listing, reason=form.cleaned_data["reason"], address=_address(request)
            )
        except ValidationError as error:
            show_in_form(form, error)
        except Limited:
            return render(request, "matching/limited.html", status=429)
        else:
            messages.success(request, _("Thank you. A moderator looks at it."))
            return redirect("matching:detail", listing.pk)
    form.restamp()
    return render(
        request,
        "matching/detail.html",
        {"listing": listing, "form": form, "reply": reply, "member": member},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    municipality = _municipality()
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_send_link(
                municipality=municipality,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                is_organisation=form.cleaned_data["is_organisation"],
                address=_address(request),
                base_url=_base_url(request),
            )
        except ValidationError as error:
            show_in_form(form, error)
        except Limited:
            return render(request, "matching/limited.html", status=429)
        else:
            return render(request, "matching/link_sent.html")
    form.restamp()
    return render(
        request, "matching/sign_up.html", {"form": form}, status=400 if form.errors else 200
    )


@login_not_required
@require_GET
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    member = services.member_confirm(token=token)
    if member is None:
        return render(request, "matching/link_invalid.html", status=404)
    request.session.cycle_key()
    request.session[SESSION_KEY] = member.pk
    messages.success(request, _("Your e-mail address is confirmed. You are signed in."))
    return redirect("matching:mine")


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("matching:overview")


@login_not_required
@require_http_methods(["GET", "POST"])
def post(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("matching:sign_up")
    form = ListingForm(
        request.POST or None,
        municipality_id=member.municipality_id,
        initial={"kind": "request", "frequency": "once"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.listing_post(
                member=member,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                help_kind=data["help_kind"],
                neighbourhood=data["neighbourhood"],
                parts_of_day=data["parts_of_day"],
                frequency=data["frequency"],
            )
        except ValidationError as error:
            show_in_form(form, error)
        except Limited:
            form.add_error(None, _limited())
        else:
            messages.success(request, _("Thank you. A moderator checks it; then it is online."))
            return redirect("matching:mine")
    form.restamp()
    return render(request, "matching/post.html", {"form": form}, status=400 if form.errors else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("matching:sign_up")
    if request.method == "POST":
        value = request.POST.get("withdraw", "")
        pk = int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0
        listing = Listing.objects.filter(pk=pk, member=member).first()
        if listing is None:
            raise Http404
        services.listing_withdraw(member=member, listing=listing)
        messages.success(request, _("It has been withdrawn."))
        return redirect("matching:mine")
    return render(
        request,
        "matching/mine.html",
        {
            "member": member,
            "listings": [
                (
                    listing,
                    selectors.suggestions(listing, 3) if listing.status == "published" else [],
                )
                for listing in member.listings.select_related("neighbourhood").order_by(
                    "-created_at"
                )
            ],
            "threads": [
                (c, c.awaits(poster=c.listing.member_id == member.pk))
                for c in Connection.objects.filter(Q(member=member) | Q(listing__member=member))
                .select_related("listing")
                .prefetch_related("messages")
                .order_by("-created_at")
            ],
        },
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _poster_party(connection: Connection) -> tuple[str, str]:
    """The poster as the member sees them: a member's name and e-mail, or for a request a team
    posted for its client the team's name and the professional who shared (never the client)."""
    listing = connection.listing
    if listing.member is not None:
        return listing.member.name, listing.member.email
    team = listing.dossier.team.name if listing.dossier else ""
    name = _("neighbourhood team %(team)s") % {"team": team}
    sharer = connection.poster_shared_by
    if sharer is None or not connection.shared:
        return name, ""
    return f"{sharer.get_full_name() or sharer.username}, {name}", sharer.email


def _conversation(
    request: HttpRequest,
    connection: Connection,
    *,
    as_poster: bool,
    write: Callable[[str], object],
    share: Callable[[], object],
    set_status: Callable[[str], object],
    done: str,
    extra: dict[str, Any],
) -> HttpResponse:
    """One page for both sides of a conversation (a member's, or the team's for its client): the
    messages, a reply, sharing contact details, and for the poster how it goes."""
    staff = bool(extra.get("team_side"))
    form = MessageForm(staff=staff)
    status_form = StatusForm(initial={"status": connection.status})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "message":
                form = MessageForm(request.POST, staff=staff)
                if form.is_valid():
                    write(form.cleaned_data["text"])
                    messages.success(request, _("Your message has been sent."))
                    return redirect(done)
            elif action == "share":
                try:
                    share()
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                return redirect(done)
            elif action == "status" and as_poster:
                status_form = StatusForm(request.POST)
                if status_form.is_valid():
                    set_status(status_form.cleaned_data["status"])
                    messages.success(request, _("Saved."))
                    return redirect(done)
        except ValidationError as error:
            show_in_form(status_form if action == "status" else form, error)
        except Limited:
            form.add_error(None, _limited())
    if as_poster:
        other_name, other_email = connection.member.name, connection.member.email
        i_share = connection.poster_shares
    else:
        other_name, other_email = _poster_party(connection)
        i_share = connection.member_shares
    return render(
        request,
        "matching/thread.html",
        {
            "connection": connection,
            "listing": connection.listing,
            "is_poster": as_poster,
            "other_name": other_name,
            "other_email": other_email,
            "i_share": i_share,
            "messages_list": connection.messages.select_related("written_by"),
            "form": form,
            "status_form": status_form,
            **extra,
        },
        status=400 if form.errors or status_form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("matching:sign_up")
    connection = (
        Connection.objects.select_related(
            "listing__member", "listing__dossier__team", "member", "poster_shared_by"
        )
        .filter(pk=pk)
        .filter(Q(member=member) | Q(listing__member=member))
        .first()
    )
    if connection is None:
        raise Http404
    base_url = _base_url(request)
    return _conversation(
        request,
        connection,
        as_poster=connection.listing.member_id == member.pk,
        write=lambda text: services.message_add(
            member=member, connection=connection, text=text, base_url=base_url
        ),
        share=lambda: services.contact_share(member=member, connection=connection),
        set_status=lambda status: services.connection_status(
            member=member, connection=connection, status=status
        ),
        done=reverse("matching:thread", args=[connection.pk]),
        extra={"back": reverse("matching:mine"), "back_label": _("My requests and offers")},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROFESSIONAL, Role.COORDINATOR)
def team_thread(request: AuthenticatedHttpRequest, pk: int, connection: int) -> HttpResponse:
    """The team's side of a conversation about a request it posted for its client."""
    dossier, found = get_team_connection(
        user=request.user, dossier_pk=pk, pk=connection, request=request
    )
    user, base_url = request.user, _base_url(request)
    return _conversation(
        request,
        found,
        as_poster=True,
        write=lambda text: services.team_message_add(
            user=user, connection=found, text=text, base_url=base_url
        ),
        share=lambda: services.team_contact_share(user=user, connection=found),
        set_status=lambda status: services.team_connection_status(
            user=user, connection=found, status=status
        ),
        done=reverse("matching_staff:team_thread", args=[dossier.pk, found.pk]),
        extra={
            "back": reverse("registration:dossier_detail", args=[dossier.pk]) + "#voor-elkaar",
            "back_label": _("Back to the dossier"),
            "team_side": True,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROFESSIONAL, Role.COORDINATOR)
def for_client(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A professional posts a request for the client of a dossier."""
    dossier = get_dossier_for_user(user=request.user, pk=pk, request=request)
    form = ClientListingForm(
        request.POST or None,
        municipality_id=dossier.municipality_id,
        initial={"neighbourhood": dossier.client.neighbourhood_id, "frequency": "once"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_post_for_client(
                user=request.user, dossier=dossier, **form.cleaned_data
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(
                request, _("The request waits for the moderator; then it is on Voor elkaar.")
            )
            return redirect("registration:dossier_detail", dossier.pk)
    return render(
        request,
        "matching/for_client.html",
        {"form": form, "dossier": dossier},
        status=400 if form.errors else 200,
    )


# --- The moderator ------------------------------------------------------------------------------


@require_GET
@role_required(Role.ADMIN)
def moderation(request: AuthenticatedHttpRequest) -> HttpResponse:
    listings = Listing.objects.filter(
        municipality_id=municipality_id_of(request.user), status=ListingStatus.PENDING
    ).select_related("neighbourhood", "member")
    reported = Listing.objects.filter(
        municipality_id=municipality_id_of(request.user), reports__handled_at__isnull=True
    ).distinct()
    return render(
        request,
        "matching/moderation.html",
        {
            "rows": [(x, ModerateForm(prefix=f"l{x.pk}")) for x in listings],
            "reported": [(x, ModerateForm(prefix=f"l{x.pk}")) for x in reported],
            "due": Connection.objects.filter(
                listing__municipality_id=municipality_id_of(request.user),
                follow_up_on__lte=timezone.localdate(),
                followed_up_at__isnull=True,
            ).select_related("listing"),
        },
    )


@require_POST
@role_required(Role.ADMIN)
def reports_handled(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = Listing.objects.filter(
        pk=pk, municipality_id=municipality_id_of(request.user)
    ).first()
    if listing is None:
        raise Http404
    services.reports_handled(user=request.user, listing=listing)
    messages.success(request, _("The reports are handled."))
    return redirect("matching_moderation:moderation")


@require_POST
@role_required(Role.ADMIN)
def followed_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    connection = (
        Connection.objects.select_related("listing")
        .filter(pk=pk, listing__municipality_id=municipality_id_of(request.user))
        .first()
    )
    if connection is None:
        raise Http404
    services.follow_up_done(user=request.user, connection=connection)
    return redirect("matching_moderation:moderation")


@require_POST
@role_required(Role.ADMIN)
def moderate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = Listing.objects.filter(
        pk=pk, municipality_id=municipality_id_of(request.user)
    ).first()
    if listing is None:
        raise Http404
    form = ModerateForm(request.POST, prefix=f"l{pk}")
    form.is_valid()
    publish = request.POST.get("decision") == "publish"
    try:
        services.listing_moderate(
            user=request.user,
            listing=listing,
            publish=publish,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Published.") if publish else _("Held back."))
    return redirect("matching_moderation:moderation")
