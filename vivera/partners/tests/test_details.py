"""Small things on the submission's page that a professional notices at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vivera.conftest import login

from .test_triage import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_a_quarter_past_eight_in_the_evening(monkeypatch: pytest.MonkeyPatch) -> None:
    original = timezone.localtime
    evening = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(20, 15)))

    def localtime(value: Any = None, *args: Any, **kwargs: Any) -> dt.datetime:
        return original(value if value is not None else evening, *args, **kwargs)

    monkeypatch.setattr(timezone, "localtime", localtime)


def test_an_attempt_recorded_in_the_evening_is_an_evening_attempt(
    pro, partner_user, oost_area, at_a_quarter_past_eight_in_the_evening
):
    submission = receive(partner_user)
    response = login(pro).get(reverse("partners:detail", args=[submission.pk]))
    form = response.context["attempt_form"]
    assert form["part_of_day"].value() == "evening"
    assert '<option value="evening" selected>' in response.content.decode()


def test_an_amount_shows_with_a_thousands_separator(pro, partner_user, oost_area):
    submission = receive(partner_user, amount=Decimal("12500.5"))
    response = login(pro).get(reverse("partners:detail", args=[submission.pk]))
    assert "€ 12.500,50" in response.content.decode()
