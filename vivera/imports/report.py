"""The import's report as Dutch text lines, for `vivera import` (the page renders its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vivera.core.formatting import number, seconds

from .models import Kind, Mode

if TYPE_CHECKING:
    from vivera.accounts.models import User
    from vivera.organisation.models import Municipality

    from .services import ImportResult

KIND_NAMES = {
    Kind.CLIENT: "cliënten",
    Kind.DOSSIER: "dossiers",
    Kind.QUESTION: "vragen",
    Kind.CONTACT: "contactmomenten",
    Kind.SHORT_CONTACT: "korte contacten",
    "codes": "codetabel",
    "": "onbekend",
}
MODE_NAMES: dict[str, str] = {
    Mode.CHECK: "alleen controleren",
    Mode.ALL: "alles importeren",
    Mode.VALID_ONLY: "alleen de geldige rijen importeren",
}


def report_lines(result: ImportResult, *, municipality: Municipality, user: User) -> list[str]:
    plan = result.plan
    lines = [
        f"Import voor {municipality.name} door {user.username} "
        f"({MODE_NAMES[result.run.mode]}), importrun {result.run.pk}",
        "",
        "Bestanden:",
    ]
    width = max((len(f["name"]) for f in plan.files), default=10)
    for f in plan.files:
        lines.append(
            f"  {f['name']:<{width}}  {KIND_NAMES.get(f['kind'], f['kind']):<16} "
            f"{number(f['rows']):>8} rijen"
        )
    lines += [
        "",
        f"  {'soort':<16} {'rijen':>8} {'nieuw':>8} {'al geïmporteerd':>16} {'met fouten':>11}",
    ]
    for kind, count in plan.counts.items():
        if count.rows:
            lines.append(
                f"  {KIND_NAMES[kind]:<16} {number(count.rows):>8} "
                f"{number(count.valid):>8} {number(count.already):>16} "
                f"{number(count.invalid):>11}"
            )
    if plan.problems:
        lines += ["", f"Fouten ({number(len(plan.problems))}):"]
        for p in plan.problems:
            where = f"{p.file}, regel {p.line}" if p.line else p.file
            column = f", kolom {p.column}" if p.column else ""
            lines.append(f"  {where}{column}: {p.reason}")
    lines.append("")
    if result.written:
        created = result.created
        lines.append(
            f"Geïmporteerd: {number(created.get(Kind.CLIENT, 0))} cliënten, "
            f"{number(created.get(Kind.DOSSIER, 0))} dossiers "
            f"({number(created.get('status_change', 0))} statuswijzigingen), "
            f"{number(created.get(Kind.QUESTION, 0))} vragen, "
            f"{number(created.get(Kind.CONTACT, 0))} contactmomenten, "
            f"{number(created.get(Kind.SHORT_CONTACT, 0))} korte contacten."
        )
        if plan.problems:
            lines.append(
                f"De {number(sum(c.invalid for c in plan.counts.values()))} rijen met "
                "fouten zijn overgeslagen (zie hierboven)."
            )
    elif result.refused:
        lines.append(
            "Er is niets geïmporteerd: een bestand is als geheel geweigerd (zie "
            "hierboven), en dan ook niet met --alleen-geldige. Pas het bestand aan "
            "en probeer het opnieuw."
        )
    elif result.run.mode == Mode.CHECK:
        lines.append(
            "Alleen gecontroleerd: er is niets geïmporteerd. "
            + ("Alles is geldig." if plan.is_valid else "")
        )
    else:
        lines.append(
            "Er is niets geïmporteerd, omdat er fouten zijn. Verbeter de bestanden, "
            "of importeer met --alleen-geldige alleen de geldige rijen."
        )
    if result.seconds_read or result.seconds_check:
        lines.append(
            f"Tijd: lezen {seconds(result.seconds_read)}, controleren "
            f"{seconds(result.seconds_check)}, schrijven "
            f"{seconds(result.seconds_write)}."
        )
    return lines
