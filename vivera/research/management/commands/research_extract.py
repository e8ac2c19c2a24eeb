"""`vivera research_extract`: the extract of one research grant as a ZIP file (docs/research.md).

For an extract too large for the researcher's page, made by an operator and delivered to the
researcher another way. Example:

    vivera research_extract --machtiging 12 --uitvoer /veilig/onderzoek-M00012.zip

All or nothing: the file appears only when the extract is complete; an expired or revoked grant
is refused (and the refusal logged).
"""

from __future__ import annotations

import signal
from argparse import ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vivera.backup.management.commands.backup import _stopped
from vivera.ggm.management.commands.ggm_export import _operator
from vivera.research.models import ResearchGrant
from vivera.research.services import GrantInactive, extract_save


class Command(BaseCommand):
    help = _(
        "Writes the pseudonymised research extract of a research grant as a ZIP file (a CSV "
        "per table, code book, metadata)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--machtiging",
            required=True,
            type=_grant_number,
            help=_("The number of the grant (M00012 or 12)."),
        )
        parser.add_argument("--uitvoer", required=True, help=_("The ZIP file to write."))

    def handle(self, *args: Any, **options: Any) -> None:
        grant = (
            ResearchGrant.objects.select_related("municipality", "researcher")
            .filter(pk=options["machtiging"])
            .first()
        )
        if grant is None:
            raise CommandError(_("Unknown grant: %(grant)s.") % {"grant": options["machtiging"]})
        path = Path(options["uitvoer"])
        if not path.parent.is_dir():
            raise CommandError(
                _("The folder %(folder)r does not exist.") % {"folder": str(path.parent)}
            )
        # A stop by cron, systemd or `kill` unwinds like Ctrl-C: nothing is left behind.
        signal.signal(signal.SIGTERM, _stopped)
        try:
            result = extract_save(path=path, grant=grant, via=f"command ({_operator()})")
        except GrantInactive as refused:
            message = (
                _("Grant %(grant)s was revoked; nothing was written.")
                if refused.grant.revoked_at
                else _("Grant %(grant)s has expired; nothing was written.")
            )
            raise CommandError(message % {"grant": grant}) from refused
        self.stdout.write(
            _("Written: %(path)s (%(dossiers)s dossiers, %(rows)s rows) for %(researcher)s")
            % {
                "path": path,
                "dossiers": result.rows["dossiers"],
                "rows": sum(result.rows.values()),
                "researcher": grant.researcher,
            }
        )


def _grant_number(value: str) -> int:
    digits = value.upper().removeprefix("M")
    if not (digits.isascii() and digits.isdigit()):
        raise ArgumentTypeError(
            _("Not a grant number: %(value)r. Use M00012 or 12.") % {"value": value}
        )
    return int(digits)
