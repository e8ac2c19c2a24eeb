"""The retention report as Dutch text lines, for `vivera retention`. Numbers of records only,
never a name or a removed value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vivera.core.formatting import number

if TYPE_CHECKING:
    from .services import Report

# kind → what happens to it, in the order the report prints them
KIND_LINES = {
    "clients": "cliënten geanonimiseerd",
    "dossiers": "  hun dossiers (blijven, tellen mee in de monitor)",
    "questions": "  vragen: omschrijving gewist",
    "contacts": "  contactmomenten: notitie gewist",
    "referrals": "  verwijzingen: omschrijving gewist",
    "consents": "  toestemmingen om te delen: notitie gewist",
    "access_requests": "  inzageverzoeken: notitie gewist",
    "team_access_requests": "  verzoeken om toegang van andere teams: reden en antwoord gewist",
    "submissions": "meldingen van partners geanonimiseerd",
    "attempts": "  contactpogingen: notitie gewist",
    "households": "huishoudens verwijderd",
    "outreach_activities": "outreach-activiteiten: omschrijving gewist",
}
SHOWN_IDS = 50  # ids listed per kind; the run's record in the admin has all of them
ID_LINES = {"clients": "cliënten", "submissions": "meldingen", "households": "huishoudens"}


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}-{month}-{year}"


def _ids(values: list[int]) -> str:
    shown = ", ".join(str(v) for v in values[:SHOWN_IDS])
    rest = len(values) - SHOWN_IDS
    return f"{shown} … en {number(rest)} meer" if rest > 0 else shown


def term_lines(terms: dict[str, object]) -> list[str]:
    return [
        "Bewaartermijnen (vandaag " + _day(str(terms["today"])) + "):",
        f"  dossier met maatwerkvoorziening of specialistische zorg: {terms['years']} jaar "
        f"na afsluiten (afgesloten vóór {_day(str(terms['closed_before']))})",
        f"  ander dossier: {terms['years_without_provision']} jaar na afsluiten "
        f"(afgesloten vóór {_day(str(terms['closed_before_without_provision']))})",
        f"  wat nooit een dossier werd: {terms['months_without_dossier']} maanden "
        f"(vóór {_day(str(terms['without_dossier_before']))})",
    ]


def report_lines(reports: list[Report], *, executed: bool) -> list[str]:
    if not reports:
        return ["Geen gemeenten."]
    lines = term_lines(reports[0].plan.terms.as_dict())
    lines += [
        "",
        "Uitgevoerd (in één transactie)."
        if executed
        else "Proefdraai: er is niets veranderd. Zo zou het gaan; voer het uit met --uitvoeren.",
    ]
    width = max(len(label) for label in KIND_LINES.values())
    for report in reports:
        municipality = report.municipality
        lines += ["", f"{municipality.name} ({municipality.cbs_code})"]
        for kind, label in KIND_LINES.items():
            lines.append(f"  {label:<{width}} {number(report.counts[kind]):>8}")
        for kind, label in ID_LINES.items():
            if report.record_ids.get(kind):
                lines.append(f"  {label}: {_ids(report.record_ids[kind])}")
        held = report.plan.held
        if held:
            lines.append(
                f"  Niet geanonimiseerd wegens een juridische blokkade: "
                f"{number(len(held))} cliënt(en)"
            )
            for client, hold in held:
                lines.append(f"    cliënt {client} (blokkade {hold})")
        if report.run is not None:
            lines.append(
                f"  Vastgelegd als opschoning {report.run.pk} (beheer: "
                "Bewaartermijnen › Opschoningen); in de toegangslog per cliënt en "
                "melding."
            )
    return lines
