"""Writing the access log. Every read or change of personal data calls `log_access`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from . import chain
from .models import AccessLogEntry, Action, ObjectType, Result

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from vivera.accounts.models import User


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if settings.VIVERA_TRUST_X_FORWARDED_FOR:
        # The trusted proxy appends the address it saw; anything to its left came from the
        # client and can be forged.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    *,
    user: User | AnonymousUser | None,
    action: Action | str,
    object_type: ObjectType | str,
    object_id: object = "",
    client_id: int | None = None,
    request: HttpRequest | None = None,
    result: Result | str = Result.SUCCESS,
    detail: dict[str, Any] | None = None,
    municipality_id: int | None = None,
    immediate: bool = False,
) -> AccessLogEntry:
    """`municipality_id` names the municipality of an entry without a user (a `vivera`
    command run by an operator); otherwise it is the user's. `object_type` and `action` must be
    members of `ObjectType` and `Action`: a line the administrator cannot read is a bug.

    During a page view (GET) outside a transaction the line is kept with the request and written
    with the page's other lines in one transaction when the response is ready
    (`middleware.AccessLogBatchMiddleware`): one lock and one commit a page, not one a line. Its
    `pk` is then not known yet; `immediate` writes it now (a caller that needs the pk). Inside a
    transaction the line is always written in it, so it commits or rolls back with the change
    it records."""
    if object_type not in ObjectType.values:
        raise ValueError(f"Unknown access-log object type {object_type!r}: add it to ObjectType.")
    if action not in Action.values:
        raise ValueError(f"Unknown access-log action {action!r}.")
    logged_in = user if user is not None and user.is_authenticated else None
    if logged_in is not None:
        municipality_id = getattr(logged_in, "municipality_id", None) or municipality_id
    entry = AccessLogEntry(
        timestamp=timezone.now(),
        user=logged_in,
        username=logged_in.get_username() if logged_in is not None else "(anonymous)",
        role=getattr(logged_in, "role", "") if logged_in is not None else "",
        municipality_id=municipality_id,
        action=action,
        result=result,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        client_id=client_id,
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request else ""),
        path=(request.get_full_path()[:300] if request else ""),
        detail=detail or {},
    )
    batch = _batch_of(request)
    if batch is not None and not immediate and not transaction.get_connection().in_atomic_block:
        batch.append(entry)
    else:
        _append(entry)
    return entry


BATCH = "_vivera_access_log_batch"


def _batch_of(request: HttpRequest | None) -> list[AccessLogEntry] | None:
    if request is None:
        return None
    request = getattr(request, "_request", request)  # a REST framework request: Django's own
    batch = getattr(request, BATCH, None)
    return batch if isinstance(batch, list) else None


def start_batch(request: HttpRequest) -> None:
    setattr(request, BATCH, [])


def flush_batch(request: HttpRequest) -> None:
    """Write the request's kept lines, in order, in one transaction."""
    batch = _batch_of(request)
    setattr(request, BATCH, None)
    if batch:
        _append(*batch)


def _append(*entries: AccessLogEntry) -> None:
    """Link the entries to the chain's head, one after the other, and insert them. The lock is
    taken here, as late as possible, and held until the caller's transaction commits: a service
    that logs at the start of a long transaction holds up every other writer of the log until
    it is done."""
    # What the database will hold (an IPv6 address is stored in its short form), so the hash
    # computed now is the hash recomputed from the stored row.
    ip_field = AccessLogEntry._meta.get_field("ip_address")
    with transaction.atomic():
        chain.lock_chain_head()
        head = AccessLogEntry.objects.order_by("-pk").values_list("entry_hash", flat=True).first()
        for entry in entries:
            entry.ip_address = ip_field.get_prep_value(entry.ip_address)
            values = {name: getattr(entry, name) for name in chain.CONTENT_FIELDS}
            entry.prev_hash = head or chain.GENESIS
            entry.entry_hash = head = chain.entry_hash(entry.prev_hash, values)
            entry.save(force_insert=True)


def page_name(request: HttpRequest) -> str:
    """The page as its URL name (`registration:dossier_detail`), or its path if it has none."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None and match.url_name else request.path
    return name[:40]


def log_refused_page(
    request: HttpRequest, *, object_type: str = "page", detail: dict[str, Any] | None = None
) -> None:
    """A page (or API address) the user may not open: one `refused` line, at most one per
    request. `request` may be a REST framework request; the mark is set on Django's own."""
    request = getattr(request, "_request", request)
    if getattr(request, "_vivera_refusal_logged", False):
        return
    request._vivera_refusal_logged = True  # type: ignore[union-attr]  # our own mark
    log_access(
        user=getattr(request, "user", None),
        action=Action.READ,
        object_type=object_type,
        object_id=page_name(request),
        request=request,
        result=Result.REFUSED,
        detail={"method": request.method, **(detail or {})},
    )
