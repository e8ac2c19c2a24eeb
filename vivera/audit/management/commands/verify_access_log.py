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

from vivera.audit.selectors import access_log_verification

REASONS = {
    "prev_hash": "de verwijzing naar de vorige regel klopt niet (een regel ervoor is verwijderd, "
    "gewijzigd of tussengevoegd)",
    "entry_hash": "de inhoud van de regel is gewijzigd",
}


def _hash(value: str) -> str:
    value = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ValueError(value)
    return value


class Command(BaseCommand):
    help = (
        "Controleert de hashketen van het toegangslog: herberekent elke regel en meldt de "
        "eerste verbroken regel. Exitcode 0 als de keten intact is, 1 als niet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--verwacht",
            "--tot-hash",
            dest="expected",
            type=_hash,
            default=None,
            metavar="HASH",
            help="Een eerder vastgelegde kop-hash (64 hextekens) die nog in de "
            "keten moet voorkomen; vangt het weghalen van de laatste "
            "regels.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = access_log_verification(expected_head=options["expected"] or "")
        if result.broken is not None:
            broken = result.broken
            moment = timezone.localtime(broken.timestamp).isoformat(timespec="seconds")
            raise CommandError(
                f"Toegangslog NIET intact: de keten breekt bij regel #{broken.entry_id} "
                f"({moment}): {REASONS[broken.reason]}. "
                f"{result.checked} regels ervoor zijn in orde.",
                returncode=1,
            )
        if result.expected_missing:
            raise CommandError(
                f"Toegangslog NIET intact: de vastgelegde kop {options['expected']} komt niet "
                f"meer in de keten voor; regels aan het eind zijn weggehaald of de keten is "
                f"herschreven. {result.checked} regels gecontroleerd, de keten zelf klopt.",
                returncode=1,
            )
        self.stdout.write(f"Toegangslog intact: {result.checked} regels gecontroleerd.")
        if options["expected"]:
            self.stdout.write("De vastgelegde kop komt in de keten voor.")
        head_id = result.head_id if result.head_id is not None else 0
        self.stdout.write(f"kop: {head_id} {result.head_hash}")
