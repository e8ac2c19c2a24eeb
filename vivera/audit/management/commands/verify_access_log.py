"""`vivera verify_access_log`: walk the access log's hash chain and say whether it is intact.

Examples:
    vivera verify_access_log
    vivera verify_access_log --verwacht 3f6c…e1   # a head hash recorded earlier, elsewhere

Exit code 0 when the chain is intact (and leads through the expected head), 1 when it is not.
The last line of a good run names the head (`kop: <id> <hash>`); record it outside the server
every day (docs/deploy.md), and pass it back with `--verwacht` the next day to catch lines
removed from the end.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vivera.audit.selectors import access_log_verification

REASONS = {
    "prev_hash": gettext_lazy(
        "the reference to the line before is wrong (a line before it was removed, changed or "
        "inserted)"
    ),
    "entry_hash": gettext_lazy("the line's contents were changed"),
}


def _hash(value: str) -> str:
    value = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ValueError(value)
    return value


class Command(BaseCommand):
    help = _(
        "Checks the access log's hash chain: recomputes every line and reports the first "
        "broken one. Exit code 0 when the chain is intact, 1 when it is not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--verwacht",
            "--tot-hash",
            dest="expected",
            type=_hash,
            default=None,
            metavar="HASH",
            help=_(
                "A head hash recorded earlier (64 hex characters) that must still be in the "
                "chain; catches the removal of the last lines."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = access_log_verification(expected_head=options["expected"] or "")
        if result.broken is not None:
            broken = result.broken
            moment = timezone.localtime(broken.timestamp).isoformat(timespec="seconds")
            raise CommandError(
                _(
                    "Access log NOT intact: the chain breaks at line #%(line)s (%(moment)s): "
                    "%(reason)s. %(checked)s lines before it are in order."
                )
                % {
                    "line": broken.entry_id,
                    "moment": moment,
                    "reason": REASONS[broken.reason],
                    "checked": result.checked,
                },
                returncode=1,
            )
        if result.expected_missing:
            raise CommandError(
                _(
                    "Access log NOT intact: the recorded head %(head)s is no longer in the "
                    "chain; lines at the end were removed or the chain was rewritten. "
                    "%(checked)s lines checked, the chain itself is in order."
                )
                % {"head": options["expected"], "checked": result.checked},
                returncode=1,
            )
        self.stdout.write(
            _("Access log intact: %(checked)s lines checked.") % {"checked": result.checked}
        )
        if options["expected"]:
            self.stdout.write(_("The recorded head is in the chain."))
        head_id = result.head_id if result.head_id is not None else 0
        # "kop: <id> <hash>": the line a script records (docs/deploy.md).
        self.stdout.write(_("head: %(id)s %(hash)s") % {"id": head_id, "hash": result.head_hash})
