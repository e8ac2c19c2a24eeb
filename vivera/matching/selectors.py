"""Reading the public pages: published requests and offers, filtered and searched.

Full-text search is the database's own: PostgreSQL's with its Dutch configuration (stemming:
"boodschappen" finds "boodschap"), SQLite's FTS5 table `matching_listing_fts` (kept in step by
triggers, see migration 0002) on the embedded database. A query is split into words, each
matched as a word or its beginning, so no search syntax reaches the database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from vivera.organisation.models import Municipality, PartOfDay

from .models import Listing, ListingKind, ListingStatus

WORD = re.compile(r"\w+", re.UNICODE)
# The overview counts at most this many results (docs/benchmarks.md, "Voor elkaar").
COUNT_CAP = 1000
# PostgreSQL's stored Dutch text-search vector of title and description (migration 0008).
PG_DOCUMENT = '"matching_listing"."document"'


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    help_kind: str = ""
    neighbourhood_id: int | None = None
    part_of_day: str = ""
    frequency: str = ""
    query: str = ""


def published(municipality: Municipality) -> QuerySet[Listing]:
    return Listing.objects.filter(
        municipality=municipality, status=ListingStatus.PUBLISHED
    ).select_related("neighbourhood")


def search(municipality: Municipality, filters: Filters) -> QuerySet[Listing]:
    qs = published(municipality)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.help_kind:
        qs = qs.filter(help_kind=filters.help_kind)
    if filters.neighbourhood_id:
        qs = qs.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.frequency:
        qs = qs.filter(frequency=filters.frequency)
    if filters.part_of_day:
        # A JSON list of parts of day; the same test on both databases.
        qs = qs.filter(parts_of_day__icontains=f'"{filters.part_of_day}"')
    words = WORD.findall(filters.query)[:10]
    if not words:
        return qs
    if connection.vendor == "postgresql":
        # The stored column of migration 0008 with its GIN index. The database chooses: a rare
        # word through that index, a common one along the overview's order (stopping after a
        # page; the pages' count stops at COUNT_CAP).
        matches = RawSQL(
            f"{PG_DOCUMENT} @@ plainto_tsquery('dutch'::regconfig, %s)",
            [" ".join(words)],
            output_field=BooleanField(),
        )
        return qs.filter(matches)
    match = " ".join(f'"{w}"*' for w in words)
    return qs.filter(
        Q(
            pk__in=RawSQL(
                "SELECT rowid FROM matching_listing_fts WHERE matching_listing_fts MATCH %s",
                [match],
            )
        )
    )


@dataclass(frozen=True)
class Suggestion:
    listing: Listing
    score: int
    reasons: tuple[str, ...]


def suggestions(listing: Listing, limit: int = 5) -> list[Suggestion]:
    """For a request the offers that fit best (for an offer, the requests), ranked by fit — the
    same kind of help, a part of the day both have, once or recurring alike — and nearness — the
    same neighbourhood —, each with its reasons in words. Only published listings of others."""
    other = ListingKind.OFFER if listing.kind == ListingKind.REQUEST else ListingKind.REQUEST
    candidates = (
        published(listing.municipality)
        .filter(kind=other)
        .filter(Q(help_kind=listing.help_kind) | Q(neighbourhood_id=listing.neighbourhood_id))
        .exclude(member_id=listing.member_id if listing.member_id else -1)
        .order_by("-published_at", "-pk")[:200]
    )
    labels = dict(PartOfDay.choices)
    ranked = []
    for candidate in candidates:
        score, reasons = 0, []
        if candidate.help_kind == listing.help_kind:
            score += 3
            reasons.append(
                _("the same kind of help (%(kind)s)") % {"kind": candidate.get_help_kind_display()}
            )
        if candidate.neighbourhood_id == listing.neighbourhood_id:
            score += 2
            reasons.append(
                _("in the same neighbourhood (%(name)s)") % {"name": candidate.neighbourhood}
            )
        shared = [p for p in listing.parts_of_day if p in candidate.parts_of_day]
        if shared:
            score += min(2, len(shared))
            reasons.append(
                _("also in the %(parts)s")
                % {"parts": ", ".join(str(labels[p]).lower() for p in shared)}
            )
        if candidate.frequency == listing.frequency:
            score += 1
            reasons.append(
                _("also %(frequency)s") % {"frequency": candidate.get_frequency_display().lower()}
            )
        ranked.append(Suggestion(candidate, score, tuple(reasons)))
    # The best fit first; among equals the newest (the candidates come newest first, and the
    # sort is stable).
    ranked.sort(key=lambda s: -s.score)
    return ranked[:limit]
