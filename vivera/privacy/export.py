"""The export of one person: gathered once into sections (one per part in `contents.PARTS`), then
written as a JSON file and as a PDF. Gathering only reads; recording the export is the
service's job (`services.py`)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vivera.carers.models import Carer
from vivera.monitor.pdf import render_pdf

from .contents import CARER_PARTS, PARTS, Part, value_of
from .selectors import CarerSubject, Subject

if TYPE_CHECKING:
    from vivera.accounts.models import User
    from vivera.registration.models import Client

    from .models import AccessRequest

FORMAT = "Vivera inzage 1"


@dataclass
class Row:
    heading: str
    values: dict[str, tuple[Any, str]]  # field name → (value for the JSON file, text)
    children: list[Section] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        record = {name: value for name, (value, _text) in self.values.items()}
        for child in self.children:
            record[child.part.key] = [row.as_json() for row in child.rows]
        return record


@dataclass
class Section:
    part: Part
    path: str  # "dossiers.questions"
    rows: list[Row]

    @property
    def title(self) -> str:
        return str(self.part.title)

    @property
    def explanation(self) -> str:
        return str(self.part.explanation)

    @property
    def labels(self) -> dict[str, str]:
        return {f.name: self.part.label(f) for f in self.part.fields()}

    @property
    def as_table(self) -> bool:
        return self.part.heading is None

    @property
    def columns(self) -> list[str]:
        labels = self.labels
        return [labels[name] for name in self.part.columns or labels]

    @property
    def as_lines(self) -> bool:
        return self.part.as_lines

    def lines(self) -> list[str]:
        """One line of text per row: the columns' texts, empty ones left out."""
        return [" · ".join(text for text in cells if text != "—") for cells in self.table()]

    def table(self) -> list[list[str]]:
        names = list(self.part.columns or self.labels)
        return [[row.values[name][1] for name in names] for row in self.rows]

    def blocks(self) -> list[tuple[Row, list[tuple[str, str]]]]:
        """Each row with its (label, text) pairs."""
        labels = self.labels
        return [
            (row, [(labels[name], text) for name, (_v, text) in row.values.items()])
            for row in self.rows
        ]


@dataclass
class PersonExport:
    person: Client | Carer  # a client, or an informal carer of the carers' register
    access_request: AccessRequest
    made_by: User
    generated_at: dt.datetime
    sections: list[Section]
    parts: tuple[Part, ...] = PARTS

    @property
    def is_carer(self) -> bool:
        return isinstance(self.person, Carer)

    @property
    def object_type(self) -> str:
        """The access log's name for the person's kind."""
        return "carer" if self.is_carer else "client"

    @property
    def client_id(self) -> int | None:
        """The client number the access log files the export under; none for a carer."""
        return None if self.is_carer else self.person.pk

    def counts(self) -> dict[str, int]:
        """Rows per part and sub-part, for the access log and the page."""
        counts: dict[str, int] = defaultdict(int)

        def add(section: Section) -> None:
            counts[section.path] += len(section.rows)
            for row in section.rows:
                for child in row.children:
                    add(child)

        for section in self.sections:
            add(section)
        return dict(counts)

    def describe_parts(self) -> list[dict[str, Any]]:
        described = []

        def walk(part: Part, path: str) -> None:
            described.append(
                {
                    "key": path,
                    "title": str(part.title),
                    "explanation": str(part.explanation),
                    "fields": {f.name: part.label(f) for f in part.fields()},
                }
            )
            for child in part.children:
                walk(child, f"{path}.{child.key}")

        for part in self.parts:
            walk(part, part.key)
        return described

    def to_json(self) -> bytes:
        request = self.access_request
        document = {
            "format": FORMAT,
            "about": _(
                "Everything the municipality holds about you in its register of informal "
                "carers in Vivera, made at your request. The same data as in the PDF "
                "overview, for a computer: every part is described under 'parts', the data "
                "itself is under 'data'."
            )
            if self.is_carer
            else _(
                "Everything the municipality holds about you in Vivera, the registration "
                "system of the neighbourhood teams, made at your request. The same data "
                "as in the PDF overview, for a computer: every part is described under "
                "'parts', the data itself is under 'data'."
            ),
            "municipality": str(self.person.municipality),
            "person": {
                "kind": self.object_type,
                "number": self.person.pk,
                "name": self.person.full_name,
                "birth_date": (
                    self.person.birth_date.isoformat() if self.person.birth_date else None
                ),
            },
            "request": {
                "reference": request.reference,
                "received_on": request.received_on.isoformat(),
            },
            "generated_at": timezone.localtime(self.generated_at).isoformat(),
            "made_by": self.made_by.get_full_name() or self.made_by.get_username(),
            "parts": self.describe_parts(),
            "data": {
                section.part.key: [row.as_json() for row in section.rows]
                for section in self.sections
            },
        }
        return json.dumps(document, ensure_ascii=False, indent=2).encode()

    def to_pdf(self) -> bytes:
        html = render_to_string(
            "privacy/export_pdf.html",
            {
                "export": self,
                "person": self.person,
                "request": self.access_request,
                "made_by": self.made_by.get_full_name() or self.made_by.get_username(),
            },
        )
        return render_pdf(html)


def person_export(
    *, person: Client | Carer, access_request: AccessRequest, made_by: User
) -> PersonExport:
    """Read everything held about `person`, a client or an informal carer. Writes nothing."""
    subject: Subject | CarerSubject
    if isinstance(person, Carer):
        subject, parts = CarerSubject(carer=person, access_request=access_request), CARER_PARTS
    else:
        subject, parts = Subject(client=person, access_request=access_request), PARTS
    sections = []
    for part in parts:
        assert part.find is not None
        objects = list(part.rows(part.find(subject)))
        sections.append(Section(part, part.key, _rows(part, part.key, objects, subject)))
    return PersonExport(
        person=person,
        access_request=access_request,
        made_by=made_by,
        generated_at=timezone.now(),
        sections=sections,
        parts=parts,
    )


def _rows(
    part: Part, path: str, objects: list[models.Model], subject: Subject | CarerSubject
) -> list[Row]:
    subject.found.setdefault(part.model, []).extend(obj.pk for obj in objects)
    fields = part.fields()
    rows = [
        Row(
            heading=part.heading(obj) if part.heading else "",
            values={f.name: value_of(part, obj, f) for f in fields},
        )
        for obj in objects
    ]
    for child in part.children:
        # One query per child part for all parent rows together, not one per row.
        child_path = f"{path}.{child.key}"
        child_objects = list(
            child.rows(
                child.model._default_manager.filter(
                    **{f"{child.parent}__in": [obj.pk for obj in objects]}
                )
            )
        )
        by_parent: dict[int, list[Row]] = defaultdict(list)
        for obj, row in zip(
            child_objects, _rows(child, child_path, child_objects, subject), strict=True
        ):
            by_parent[getattr(obj, f"{child.parent}_id")].append(row)
        for obj, row in zip(objects, rows, strict=True):
            row.children.append(Section(child, child_path, by_parent.get(obj.pk, [])))
    return rows
