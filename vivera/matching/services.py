"""Voor elkaar's writes (docs/matching.md): signing up with a confirmed e-mail address, posting
a request or offer (checked: no contact details, no duplicate), moderation, withdrawing and
reporting abuse. Every refusal names every problem at once, in Dutch, and changes nothing.

Bots and guessing: the public forms are `core.botguard` forms, and sending a confirmation link
or a report is limited per address and per hour (`VIVERA_MATCHING_LIMIT_PER_HOUR`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vivera.accounts.models import Role, User
from vivera.audit.models import Action, ObjectType
from vivera.audit.services import log_access
from vivera.core.errors import Refusals
from vivera.core.links import digest, new_token
from vivera.core.ratelimit import hourly_limit
from vivera.organisation.models import Municipality, Neighbourhood, PartOfDay
from vivera.registration.access import dossiers_for, may_see_dossier
from vivera.registration.models import Dossier

from .contact import contact_details
from .models import (
    Connection,
    ConnectionStatus,
    Frequency,
    HelpKind,
    Listing,
    ListingKind,
    ListingStatus,
    Member,
    Message,
    Report,
)

LINK_DAYS = 2  # a confirmation link is valid this long


# A member writes more messages than anyone asks for links: this many times the hourly limit.
MESSAGES_PER_LIMIT = 5


def limit(key: str, factor: int = 1) -> None:
    """Count an attempt under `key`; `Limited` beyond the hourly limit (times `factor`)."""
    hourly_limit(f"matching:{key}", settings.VIVERA_MATCHING_LIMIT_PER_HOUR * factor)


def public_municipality() -> Municipality | None:
    """The municipality whose voor-elkaar pages this installation shows
    (`VIVERA_MATCHING_MUNICIPALITY`, a CBS code; without it the first municipality)."""
    code = settings.VIVERA_MATCHING_MUNICIPALITY
    municipalities = Municipality.objects.order_by("pk")
    return municipalities.filter(cbs_code=code).first() if code else municipalities.first()


# --- Members ------------------------------------------------------------------------------------


def member_send_link(
    *,
    municipality: Municipality,
    name: str,
    email: str,
    is_organisation: bool,
    address: str,
    base_url: str,
) -> Member:
    """Send a link that confirms the address (and signs the member in). A known address gets a
    new link; its name is kept."""
    limit(f"link:{address}")
    limit(f"link:{email.lower()}")
    refusals = Refusals()
    if not name.strip():
        refusals.add("name", _("Fill in your name."), "required")
    refusals.raise_if_any()
    token, token_hash = new_token()
    member, _created = Member.objects.get_or_create(
        municipality=municipality,
        email=email.strip().lower(),
        defaults={"name": name.strip()[:100], "is_organisation": is_organisation},
    )
    member.token_hash = token_hash
    member.token_sent_at = timezone.now()
    member.save(update_fields=["token_hash", "token_sent_at"])
    link = base_url + reverse("matching:confirm", args=[token])
    send_mail(
        _("Confirm your e-mail address for Voor elkaar"),
        _(
            "Hello %(name)s,\n\nConfirm your e-mail address and sign in to Voor elkaar with this "
            "link (valid for %(days)d days, once):\n\n%(link)s\n\nDid you not ask for this? Then "
            "ignore this message."
        )
        % {"name": member.name, "days": LINK_DAYS, "link": link},
        None,
        [member.email],
    )
    return member


def member_confirm(*, token: str) -> Member | None:
    """The member whose link this is, confirmed; None for an unknown, used or expired link."""
    since = timezone.now() - dt.timedelta(days=LINK_DAYS)
    member = Member.objects.filter(token_hash=digest(token), token_sent_at__gte=since).first()
    if member is None:
        return None
    member.token_hash = ""
    member.confirmed_at = member.confirmed_at or timezone.now()
    member.save(update_fields=["token_hash", "confirmed_at"])
    return member


# --- Listings -----------------------------------------------------------------------------------


def _listing_rules(
    refusals: Refusals,
    *,
    municipality: Municipality,
    kind: str,
    title: str,
    text: str,
    help_kind: str,
    neighbourhood: Neighbourhood | None,
    parts_of_day: Sequence[str],
    frequency: str,
) -> None:
    if kind not in ListingKind.values:
        refusals.add("kind", _("Choose whether you ask or offer help."), "required")
    if not title.strip():
        refusals.add("title", _("Give it a short title."), "required")
    elif len(title.strip()) > 120:
        refusals.add("title", _("Keep the title under 120 characters."), "max_length")
    if not text.strip():
        refusals.add("text", _("Describe what you ask or offer."), "required")
    elif len(text.strip()) > 2000:
        refusals.add("text", _("Keep the description under 2000 characters."), "max_length")
    for field, value in (("title", title), ("text", text)):
        found = contact_details(value)
        if found:
            refusals.add(
                field,
                _(
                    "Remove %(what)s: this text is public. You share contact details only "
                    "through the site, once both of you agree."
                )
                % {"what": _(" and ").join(found)},
                "contact_details",
            )
    if help_kind not in HelpKind.values:
        refusals.add("help_kind", _("Choose the kind of help."), "required")
    if neighbourhood is None or neighbourhood.municipality_id != municipality.pk:
        refusals.add("neighbourhood", _("Choose the neighbourhood."), "required")
    if any(p not in PartOfDay.values for p in parts_of_day):
        refusals.add("parts_of_day", _("Choose morning, afternoon or evening."), "invalid")
    if frequency not in Frequency.values:
        refusals.add("frequency", _("Choose once or recurring."), "required")


def listing_post(
    *,
    member: Member,
    kind: str,
    title: str,
    text: str,
    help_kind: str,
    neighbourhood: Neighbourhood | None,
    parts_of_day: Sequence[str],
    frequency: str,
) -> Listing:
    """A confirmed member's request or offer, waiting for the moderator."""
    if member.confirmed_at is None:
        raise PermissionDenied
    municipality = member.municipality
    refusals = Refusals()
    _listing_rules(
        refusals,
        municipality=municipality,
        kind=kind,
        title=title,
        text=text,
        help_kind=help_kind,
        neighbourhood=neighbourhood,
        parts_of_day=parts_of_day,
        frequency=frequency,
    )
    if Listing.objects.filter(
        member=member,
        kind=kind,
        title__iexact=title.strip(),
        status__in=[ListingStatus.PENDING, ListingStatus.PUBLISHED],
    ).exists():
        refusals.add(
            None,
            _("You already posted this; it is waiting for the moderator or online."),
            "duplicate",
        )
    refusals.raise_if_any()
    assert neighbourhood is not None
    limit(f"post:{member.pk}")
    return Listing.objects.create(
        municipality=municipality,
        kind=kind,
        member=member,
        title=title.strip(),
        text=text.strip(),
        help_kind=help_kind,
        neighbourhood=neighbourhood,
        parts_of_day=sorted(set(parts_of_day)),
        frequency=frequency,
    )


def _moderator(user: User, listing: Listing) -> None:
    if user.role != Role.ADMIN or user.municipality_id != listing.municipality_id:
        raise PermissionDenied


def listing_moderate(*, user: User, listing: Listing, publish: bool, reason: str = "") -> Listing:
    """Publish a listing, or hold it back with a reason (which its poster reads)."""
    _moderator(user, listing)
    refusals = Refusals()
    if listing.status not in (ListingStatus.PENDING, ListingStatus.HELD, ListingStatus.PUBLISHED):
        refusals.add(None, _("This request or offer was withdrawn or closed."), "closed")
    if publish:
        found = contact_details(f"{listing.title}\n{listing.text}")
        if found:
            refusals.add(
                None,
                _("It holds %(what)s: hold it back instead.") % {"what": _(" and ").join(found)},
                "contact_details",
            )
    elif not reason.strip():
        refusals.add("reason", _("Say why it is held back; the poster reads it."), "required")
    refusals.raise_if_any()
    now = timezone.now()
    with transaction.atomic():
        listing.status = ListingStatus.PUBLISHED if publish else ListingStatus.HELD
        listing.hold_reason = "" if publish else reason.strip()[:300]
        listing.moderated_by, listing.moderated_at = user, now
        if publish and listing.published_at is None:
            listing.published_at = now
        listing.save()
        log_access(
            user=user,
            action=Action.UPDATE,
            object_type=ObjectType.MATCHING_LISTING,
            object_id=listing.pk,
            municipality_id=listing.municipality_id,
            detail={"status": listing.status},
        )
    return listing


def listing_withdraw(*, member: Member, listing: Listing) -> Listing:
    if listing.member_id != member.pk:
        raise PermissionDenied
    if listing.status in (ListingStatus.WITHDRAWN, ListingStatus.CLOSED):
        return listing
    listing.status = ListingStatus.WITHDRAWN
    listing.save(update_fields=["status"])
    return listing


def report_add(*, listing: Listing, reason: str, address: str) -> Report:
    limit(f"report:{address}")
    refusals = Refusals()
    if listing.status != ListingStatus.PUBLISHED:
        refusals.add(None, _("This request or offer is no longer online."), "closed")
    if not reason.strip():
        refusals.add("reason", _("Say what is wrong."), "required")
    refusals.raise_if_any()
    return Report.objects.create(listing=listing, reason=reason.strip()[:500])


# --- Contact through the site -------------------------------------------------------------------

FOLLOW_UP_DAYS = 28  # the moderator asks how a match goes after four weeks


def _side(member: Member, connection: Connection) -> str:
    """ "poster" or "member"; anyone else may not see the thread."""
    if connection.member_id == member.pk:
        return "member"
    if connection.listing.member_id == member.pk:
        return "poster"
    raise PermissionDenied


def _message_rules(
    refusals: Refusals, connection: Connection | None, listing: Listing, text: str
) -> None:
    if listing.status != ListingStatus.PUBLISHED:
        refusals.add(
            None,
            _("This request or offer is no longer online: your message was not sent."),
            "closed",
        )
    if not text.strip():
        refusals.add("text", _("Write your message."), "required")
    elif len(text) > 2000:
        refusals.add("text", _("Keep the message under 2000 characters."), "max_length")
    elif not (connection and connection.shared):
        found = contact_details(text)
        if found:
            refusals.add(
                "text",
                _(
                    "Remove %(what)s: you share contact details with the button “Share my "
                    "contact details”, once both of you agree."
                )
                % {"what": _(" and ").join(found)},
                "contact_details",
            )


def _notify_member(connection: Connection, member: Member, base_url: str) -> None:
    """Tell a member a message waits on the site (the message itself is not sent by e-mail)."""
    send_mail(
        _("A new message on Voor elkaar"),
        _(
            "Hello %(name)s,\n\nThere is a new message for you about “%(title)s” on Voor "
            "elkaar. Read it and reply on the site:\n\n%(link)s\n\nFor your privacy we do not "
            "send the message itself by e-mail."
        )
        % {
            "name": member.name,
            "title": connection.listing.title,
            "link": base_url + reverse("matching:thread", args=[connection.pk]),
        },
        None,
        [member.email],
    )


def _notify_team(connection: Connection, base_url: str) -> None:
    """Tell the professional who posted a client's request that a message waits; the e-mail
    names no one (only the dossier number, behind a login)."""
    poster = connection.listing.posted_by
    if poster is None or not poster.is_active or not poster.email:
        return
    send_mail(
        _("A new message on Voor elkaar"),
        _(
            "There is a new message about a request on Voor elkaar that your team posted for a "
            "resident. Read it in Vivera:\n\n%(link)s"
        )
        % {
            "link": base_url
            + reverse(
                "matching_staff:team_thread", args=[connection.listing.dossier_id, connection.pk]
            )
        },
        None,
        [poster.email],
    )


def _notify_poster(connection: Connection, base_url: str) -> None:
    if connection.listing.member is not None:
        _notify_member(connection, connection.listing.member, base_url)
    elif connection.listing.dossier_id is not None:
        _notify_team(connection, base_url)


def connection_start(
    *, member: Member, listing: Listing, text: str, base_url: str = ""
) -> Connection:
    """Reply to a listing: a thread between its poster and this member (once per member; a
    second reply adds a message to it). The poster is told by e-mail."""
    if member.confirmed_at is None or listing.member_id == member.pk:
        raise PermissionDenied
    existing = Connection.objects.filter(listing=listing, member=member).first()
    refusals = Refusals()
    _message_rules(refusals, existing, listing, text)
    refusals.raise_if_any()
    limit(f"message:{member.pk}", MESSAGES_PER_LIMIT)
    with transaction.atomic():
        connection = existing or Connection.objects.create(
            listing=listing, member=member, status_since=timezone.localdate()
        )
        Message.objects.create(connection=connection, from_poster=False, text=text.strip())
    if base_url:
        _notify_poster(connection, base_url)
    return connection


def message_add(
    *, member: Member, connection: Connection, text: str, base_url: str = ""
) -> Message:
    side = _side(member, connection)
    refusals = Refusals()
    _message_rules(refusals, connection, connection.listing, text)
    refusals.raise_if_any()
    limit(f"message:{member.pk}", MESSAGES_PER_LIMIT)
    message = Message.objects.create(
        connection=connection, from_poster=side == "poster", text=text.strip()
    )
    if base_url:
        if side == "poster":
            _notify_member(connection, connection.member, base_url)
        else:
            _notify_poster(connection, base_url)
    return message


def contact_share(*, member: Member, connection: Connection) -> Connection:
    """This side agrees to share its name and e-mail address; both shown once both agree."""
    if _side(member, connection) == "poster":
        connection.poster_shares = True
    else:
        connection.member_shares = True
    connection.save(update_fields=["poster_shares", "member_shares"])
    return connection


def _set_status(connection: Connection, status: str, today: dt.date | None) -> Connection:
    today = today or timezone.localdate()
    if status not in ConnectionStatus.values or status == ConnectionStatus.CONNECTION:
        raise ValidationError({"status": _("Choose how it goes.")}, code="invalid")
    connection.status, connection.status_since = status, today
    if status == ConnectionStatus.MATCH and connection.matched_on is None:
        connection.matched_on = today
        connection.follow_up_on = today + dt.timedelta(days=FOLLOW_UP_DAYS)
    connection.save()
    return connection


def connection_status(
    *, member: Member, connection: Connection, status: str, today: dt.date | None = None
) -> Connection:
    """The poster records how it goes: a match (the moderator follows up after four weeks), help
    started, ended, or no match."""
    if _side(member, connection) != "poster":
        raise PermissionDenied
    return _set_status(connection, status, today)


# --- The team's side of a request it posted for a client ----------------------------------------


def _team_side(user: User, connection: Connection) -> None:
    """Only a professional who may see the dossier the request was posted from answers for it."""
    dossier_id = connection.listing.dossier_id
    if dossier_id is None or not dossiers_for(user).filter(pk=dossier_id).exists():
        raise PermissionDenied


def _log_team(user: User, connection: Connection, action: str, what: str) -> None:
    listing = connection.listing
    log_access(
        user=user,
        action=action,
        object_type=ObjectType.MATCHING_LISTING,
        object_id=listing.pk,
        client_id=listing.client_id,
        municipality_id=listing.municipality_id,
        detail={"dossier": listing.dossier_id, "connection": connection.pk, "what": what},
    )


def team_message_add(
    *, user: User, connection: Connection, text: str, base_url: str = ""
) -> Message:
    """A professional answers a helper for the team (the helper sees the team's name)."""
    _team_side(user, connection)
    refusals = Refusals()
    _message_rules(refusals, connection, connection.listing, text)
    refusals.raise_if_any()
    message = Message.objects.create(
        connection=connection, from_poster=True, written_by=user, text=text.strip()
    )
    _log_team(user, connection, Action.CREATE, "message")
    if base_url:
        _notify_member(connection, connection.member, base_url)
    return message


def team_contact_share(*, user: User, connection: Connection) -> Connection:
    """The professional shares their own name and work e-mail address with the helper (never
    the client's): shown once the helper shares too."""
    _team_side(user, connection)
    if not user.email:
        raise ValidationError(
            _("Your account has no e-mail address to share; ask the administrator to add it."),
            code="no_email",
        )
    connection.poster_shares, connection.poster_shared_by = True, user
    connection.save(update_fields=["poster_shares", "poster_shared_by"])
    _log_team(user, connection, Action.UPDATE, "share")
    return connection


def team_connection_status(
    *, user: User, connection: Connection, status: str, today: dt.date | None = None
) -> Connection:
    """The team records how it goes for its client; a match shows on the dossier and counts for
    question 7."""
    _team_side(user, connection)
    _set_status(connection, status, today)
    _log_team(user, connection, Action.UPDATE, "status")
    return connection


def follow_up_reminders(*, base_url: str, today: dt.date | None = None) -> int:
    """Remind each municipality's moderators (its functional administrators with an e-mail
    address) of the matches four weeks old that nobody followed up yet: one e-mail with how many
    and the link to the moderation page, no names. Run daily (`vivera voor_elkaar_opvolgen`);
    repeats until they are followed up. Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    due = (
        Connection.objects.filter(follow_up_on__lte=today, followed_up_at__isnull=True)
        .values_list("listing__municipality_id", flat=True)
        .order_by()
    )
    counts: dict[int, int] = {}
    for municipality_id in due:
        counts[municipality_id] = counts.get(municipality_id, 0) + 1
    sent = 0
    link = base_url + reverse("matching_moderation:moderation")
    for municipality_id, count in sorted(counts.items()):
        moderators = list(
            User.objects.filter(role=Role.ADMIN, municipality_id=municipality_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not moderators:
            continue
        send_mail(
            _("Voor elkaar: matches to follow up"),
            ngettext(
                "%(count)d match on Voor elkaar is four weeks old. Ask how it goes and tick it "
                "off on the moderation page:\n\n%(link)s",
                "%(count)d matches on Voor elkaar are four weeks old. Ask how they go and tick "
                "them off on the moderation page:\n\n%(link)s",
                count,
            )
            % {"count": count, "link": link},
            None,
            moderators,
        )
        sent += 1
    return sent


def follow_up_done(*, user: User, connection: Connection) -> None:
    if user.role != Role.ADMIN or user.municipality_id != connection.listing.municipality_id:
        raise PermissionDenied
    connection.followed_up_at = timezone.now()
    connection.save(update_fields=["followed_up_at"])


# --- On behalf of a client ----------------------------------------------------------------------


def listing_post_for_client(
    *,
    user: User,
    dossier: Dossier,
    title: str,
    text: str,
    help_kind: str,
    neighbourhood: Neighbourhood | None,
    parts_of_day: Sequence[str],
    frequency: str,
) -> Listing:
    """A team professional posts a request for a client of a dossier it may see. The public
    text names no one: besides contact details, the client's own names are refused."""
    if not dossiers_for(user).filter(pk=dossier.pk).exists():
        raise PermissionDenied
    client = dossier.client
    refusals = Refusals()
    _listing_rules(
        refusals,
        municipality=dossier.municipality,
        kind=ListingKind.REQUEST,
        title=title,
        text=text,
        help_kind=help_kind,
        neighbourhood=neighbourhood,
        parts_of_day=parts_of_day,
        frequency=frequency,
    )
    names = {n.casefold() for n in (client.first_name, client.last_name) if len(n) > 1}
    for field, value in (("title", title), ("text", text)):
        words = {w.casefold() for w in re.findall(r"\w+", value)}
        if names & words:
            refusals.add(
                field,
                _("Leave the resident's name out: this text is public."),
                "personal_data",
            )
    refusals.raise_if_any()
    assert neighbourhood is not None
    listing = Listing.objects.create(
        municipality=dossier.municipality,
        kind=ListingKind.REQUEST,
        posted_by=user,
        client=client,
        dossier=dossier,
        title=title.strip(),
        text=text.strip(),
        help_kind=help_kind,
        neighbourhood=neighbourhood,
        parts_of_day=sorted(set(parts_of_day)),
        frequency=frequency,
    )
    log_access(
        user=user,
        action=Action.CREATE,
        object_type=ObjectType.MATCHING_LISTING,
        object_id=listing.pk,
        client_id=client.pk,
        municipality_id=dossier.municipality_id,
        detail={"dossier": dossier.pk},
    )
    return listing


def listings_for_dossier(*, user: User, dossier: Dossier, request: Any = None) -> list[Listing]:
    """The client's Voor elkaar requests with their connections, if the user may see the
    dossier; the read is logged with the client."""
    if not may_see_dossier(user, dossier):
        return []
    listings = list(
        Listing.objects.filter(client_id=dossier.client_id)
        .prefetch_related("connections__member", "connections__messages")
        .order_by("-created_at")
    )
    if listings:
        log_access(
            user=user,
            action=Action.READ,
            object_type=ObjectType.MATCHING_LISTING,
            object_id=dossier.client_id,
            client_id=dossier.client_id,
            request=request,
            detail={"dossier": dossier.pk, "listings": len(listings)},
        )
    return listings


def reports_handled(*, user: User, listing: Listing) -> int:
    """The moderator looked at the reports of a listing (and held it back, or not)."""
    _moderator(user, listing)
    return Report.objects.filter(listing=listing, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=user
    )
