"""The effect report's PDF: every table fits the width of its page.

A table wider than the page is not shrunk by WeasyPrint: its right-hand columns run off the paper
and are lost. So the report prints wide tables in parts (`Panel.printed_tables`), and this test
lays out the report with WeasyPrint and measures every piece of text against its page.
"""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.urls import reverse
from pypdf import PdfReader

from vivera.conftest import login
from vivera.monitor.pdf import PdfUnavailable, render_pdf
from vivera.organisation.models import LifeDomain
from vivera.registration.models import Question

pytestmark = pytest.mark.django_db
YEAR = {"van": "2017-01-01", "tot": "2017-12-31"}


@pytest.fixture
def weasyprint():
    try:
        render_pdf("<p>x</p>")
    except PdfUnavailable:
        if os.environ.get("VIVERA_REQUIRE_BROWSER"):
            raise
        pytest.skip("WeasyPrint cannot load Pango here: PDF NOT TESTED")
    import weasyprint

    return weasyprint


@pytest.fixture
def a_year_of_questions(make_dossier, team_oost, pro):
    """A question in every life domain in every month of 2017: "new questions per month" has
    a column for every domain and a row for every month, wider than an A4 page."""
    domains = list(LifeDomain.objects.all())
    for month in range(1, 13):
        dossier = make_dossier(team_oost, dt.date(2017, month, 2))
        Question.objects.bulk_create(
            Question(
                dossier=dossier, domain=domain, opened_on=dt.date(2017, month, 3), created_by=pro
            )
            for domain in domains
        )
    return domains


def text_boxes(box):
    if hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", ()):
        yield from text_boxes(child)


def test_every_table_of_the_report_fits_its_page(coordinator, a_year_of_questions, weasyprint):
    html = login(coordinator).get(reverse("monitor:report"), YEAR).content.decode()
    document = weasyprint.HTML(string=html).render()
    overflowing = []
    for number, page in enumerate(document.pages, 1):
        for box in text_boxes(page._page_box):
            if box.text.strip() and box.position_x + box.width > page.width + 0.5:
                overflowing.append((number, box.text, round(box.position_x + box.width)))
    assert not overflowing, f"text beyond the page edge ({page.width:.0f}px): {overflowing[:5]}"
    # The widest table is there, in parts, every domain in it.
    assert "Nieuwe vragen per maand, deel 1 van" in html
    pdf = login(coordinator).get(reverse("monitor:report"), {**YEAR, "formaat": "pdf"})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for domain in a_year_of_questions:
        assert domain.name.split()[0] in text, domain.name
