"""Voor elkaar (docs/matching.md): residents who need a hand and residents or organisations who
want to help, on public pages of the municipality. A *request* (hulpvraag) or an *offer*
(aanbod) is a `Listing`; it is public only after a moderator checked it, and it names a
neighbourhood, never an address. People who post are `Member`s: a name and a confirmed e-mail
address, never shown to the public.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vivera.organisation.models import Municipality, Neighbourhood


class Member(models.Model):
    """Someone who posts or replies on the public pages; confirmed by a link sent to the e-mail
    address. Only a hash of the link's token is stored."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="matching_members"
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    is_organisation = models.BooleanField(_("organisation"), default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    token_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"], name="matching_member_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ListingKind(models.TextChoices):
    REQUEST = "request", _("Request for help")
    OFFER = "offer", _("Offer of help")


class HelpKind(models.TextChoices):
    TRANSPORT = "transport", _("Transport")
    SHOPPING = "shopping", _("Shopping")
    COMPANY = "company", _("Company and a chat")
    PHONE_BUDDY = "phone_buddy", _("Phone buddy")
    ODD_JOBS = "odd_jobs", _("Odd jobs in and around the house")
    GARDEN = "garden", _("Garden")
    PAPERWORK = "paperwork", _("Paperwork and forms")
    DIGITAL = "digital", _("Computer and phone")
    WALKING = "walking", _("Walking and exercise")
    OTHER = "other", _("Something else")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    RECURRING = "recurring", _("Recurring")


class ListingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the moderator")
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held back")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


class Listing(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="matching_listings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ListingKind.choices)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    # Posted by a team professional on behalf of a client (the public sees no personal data).
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    client = models.ForeignKey(
        "registration.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matching_listings",
    )
    # The dossier it was posted from: the professionals who may see that dossier are the
    # poster's side of the conversations, and its team is the name the other side sees.
    dossier = models.ForeignKey(
        "registration.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier"),
    )
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("description"))
    help_kind = models.CharField(_("kind of help"), max_length=20, choices=HelpKind.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, verbose_name=_("neighbourhood")
    )
    parts_of_day = models.JSONField(_("when"), default=list)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.PENDING
    )
    hold_reason = models.CharField(_("reason held back"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    published_at = models.DateTimeField(_("online since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request or offer")
        verbose_name_plural = _("requests and offers")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "status", "kind"]),
            # The overview's order: a search for a common word walks this index and stops after
            # a page (docs/benchmarks.md, "Voor elkaar"); a rare word uses the full-text index.
            models.Index(
                fields=["municipality", "status", "-published_at", "-id"],
                name="matching_listing_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    """A visitor's report of abuse on a published listing; the moderator looks at it."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="reports")
    reason = models.CharField(_("what is wrong"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]


class ConnectionStatus(models.TextChoices):
    CONNECTION = "connection", _("In contact")
    MATCH = "match", _("Match")
    STARTED = "started", _("Help started")
    ENDED = "ended", _("Ended")
    NO_MATCH = "no_match", _("No match")


class Connection(models.Model):
    """A reply to a listing (NLvoorElkaar's *connection*): a message thread between its poster
    and one member; a confirmed one is a *match*. Contact details are shown only when both
    sides chose to share them."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="connections")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="connections")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.CONNECTION,
    )
    status_since = models.DateField(_("since"))
    matched_on = models.DateField(_("match on"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    poster_shares = models.BooleanField(default=False)
    member_shares = models.BooleanField(default=False)
    # For a request a team posted for its client: the professional who shared their own name and
    # work e-mail address (never the client's).
    poster_shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "member"], name="matching_connection_once"),
        ]

    @property
    def shared(self) -> bool:
        return self.poster_shares and self.member_shares

    def awaits(self, *, poster: bool) -> bool:
        """It is this side's turn: the last message came from the other side (reads prefetched
        messages when there are)."""
        messages = list(self.messages.all())
        return bool(messages) and messages[-1].from_poster != poster

    @property
    def awaits_poster(self) -> bool:
        return self.awaits(poster=True)


class Message(models.Model):
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="messages")
    from_poster = models.BooleanField(_("from the poster"))
    # On a team's request: the professional who wrote it (shown to colleagues, not to the public).
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
