"""The import's report as text lines (Dutch through the catalogue), for `vivera import` (the
page renders its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from vivera.core.formatting import number, seconds

from .models import Kind, Mode

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from vivera.accounts.models import User
    from vivera.organisation.models import Municipality

    from .services import ImportResult

KIND_NAMES = {
    Kind.CLIENT: pgettext_lazy("import report", "clients"),
    Kind.DOSSIER: pgettext_lazy("import report", "dossiers"),
    Kind.QUESTION: pgettext_lazy("import report", "questions"),
    Kind.CONTACT: pgettext_lazy("import report", "contact moments"),
    Kind.SHORT_CONTACT: pgettext_lazy("import report", "short contacts"),
    "codes": pgettext_lazy("import report", "code table"),
    "": pgettext_lazy("import report", "unknown"),
}
MODE_NAMES: dict[str, StrOrPromise] = {
    Mode.CHECK: gettext_lazy("check only"),
    Mode.ALL: gettext_lazy("import everything"),
    Mode.VALID_ONLY: gettext_lazy("import only the valid rows"),
}


def report_lines(result: ImportResult, *, municipality: Municipality, user: User) -> list[str]:
    plan = result.plan
    lines = [
        _("Import for %(municipality)s by %(user)s (%(mode)s), import run %(run)s")
        % {
            "municipality": municipality.name,
            "user": user.username,
            "mode": MODE_NAMES[result.run.mode],
            "run": result.run.pk,
        },
        "",
        _("Files:"),
    ]
    width = max((len(f["name"]) for f in plan.files), default=10)
    for f in plan.files:
        kind = str(KIND_NAMES.get(f["kind"], f["kind"]))
        rows = _("%(rows)s rows") % {"rows": number(f["rows"])}
        lines.append(f"  {f['name']:<{width}}  {kind:<16} {rows:>13}")
    lines += [
        "",
        f"  {_('kind'):<16} {_('rows'):>8} {_('new'):>8} {_('imported before'):>16} "
        f"{_('with errors'):>11}",
    ]
    for kind, count in plan.counts.items():
        if count.rows:
            lines.append(
                f"  {KIND_NAMES[kind]!s:<16} {number(count.rows):>8} "
                f"{number(count.valid):>8} {number(count.already):>16} "
                f"{number(count.invalid):>11}"
            )
    if plan.problems:
        lines += ["", _("Errors (%(count)s):") % {"count": number(len(plan.problems))}]
        for p in plan.problems:
            where = (
                _("%(file)s, line %(line)s") % {"file": p.file, "line": p.line}
                if p.line
                else p.file
            )
            column = _(", column %(column)s") % {"column": p.column} if p.column else ""
            lines.append(f"  {where}{column}: {p.reason}")
    lines.append("")
    if result.written:
        created = result.created
        lines.append(
            _(
                "Imported: %(clients)s clients, %(dossiers)s dossiers (%(changes)s status "
                "changes), %(questions)s questions, %(contacts)s contact moments, "
                "%(short)s short contacts."
            )
            % {
                "clients": number(created.get(Kind.CLIENT, 0)),
                "dossiers": number(created.get(Kind.DOSSIER, 0)),
                "changes": number(created.get("status_change", 0)),
                "questions": number(created.get(Kind.QUESTION, 0)),
                "contacts": number(created.get(Kind.CONTACT, 0)),
                "short": number(created.get(Kind.SHORT_CONTACT, 0)),
            }
        )
        if plan.problems:
            lines.append(
                _("The %(count)s rows with errors were skipped (see above).")
                % {"count": number(sum(c.invalid for c in plan.counts.values()))}
            )
    elif result.refused:
        lines.append(
            _(
                "Nothing was imported: a file was refused as a whole (see above), and then "
                "not with --alleen-geldige either. Adjust the file and try again."
            )
        )
    elif result.run.mode == Mode.CHECK:
        lines.append(
            _("Checked only: nothing was imported.")
            + (" " + _("Everything is valid.") if plan.is_valid else " ")
        )
    else:
        lines.append(
            _(
                "Nothing was imported, because there are errors. Correct the files, or import "
                "only the valid rows with --alleen-geldige."
            )
        )
    if result.seconds_read or result.seconds_check:
        lines.append(
            _("Time: reading %(read)s, checking %(check)s, writing %(write)s.")
            % {
                "read": seconds(result.seconds_read),
                "check": seconds(result.seconds_check),
                "write": seconds(result.seconds_write),
            }
        )
    return lines
