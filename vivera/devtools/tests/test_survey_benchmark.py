"""`vivera survey_benchmark` runs and prints its figures beside the target (small size here)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_benchmark_prints_every_indicator_and_the_target() -> None:
    out = StringIO()
    call_command(
        "survey_benchmark",
        "--deze-database",
        "--antwoorden",
        "500",
        "--herhalingen",
        "1",
        stdout=out,
    )
    text = out.getvalue()
    for code in ("survey_statements", "survey_choices", "survey_walk_in_points"):
        assert code in text
    assert "doel: onder 0,5 s" in text and "teruggedraaid" in text
    assert "antwoorden in een jaar" in text
