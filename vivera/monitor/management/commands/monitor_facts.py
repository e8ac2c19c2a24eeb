"""`vivera monitor_facts`: rebuild the monitor's facts from the registration.

Examples:
    vivera monitor_facts                      # every municipality whose facts are stale
    vivera monitor_facts --alles              # every municipality
    vivera monitor_facts --gemeente GM9901    # this one, stale or not

With VIVERA_MONITOR_REFRESH=scheduled run it regularly (e.g. every night from cron); with the
default (on-read) the monitor rebuilds stale facts itself when someone reads it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vivera.core.formatting import seconds
from vivera.monitor import facts
from vivera.monitor.models import FactState
from vivera.organisation.selectors import municipalities_named


class Command(BaseCommand):
    help = _(
        "Rebuilds the monitor's facts from the registration: by default of every municipality "
        "whose facts are out of date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            help=_("CBS code (GM0000) or name; may be repeated."),
        )
        parser.add_argument(
            "--alles",
            action="store_true",
            help=_("Every municipality, also when its facts are up to date."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = municipalities_named(options["gemeente"])
        if options["gemeente"]:
            if chosen.count() < len(options["gemeente"]):
                raise CommandError(
                    _("Unknown municipality: %(names)s") % {"names": ", ".join(options["gemeente"])}
                )
        elif not options["alles"]:
            current = FactState.objects.filter(stale=False, built_at__isnull=False)
            chosen = chosen.exclude(pk__in=current.values("municipality_id"))
        count = 0
        for municipality in chosen:
            took = facts.rebuild(municipality)
            count += 1
            self.stdout.write(
                _("%(municipality)s: facts built in %(time)s")
                % {"municipality": municipality.name, "time": seconds(took)}
            )
        if not count:
            self.stdout.write(_("All facts are up to date."))
