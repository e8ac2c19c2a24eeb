from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import SubmittedForm

if TYPE_CHECKING:
    from vivera.accounts.models import User


class DuplicateSubmission(ValidationError):
    pass


def form_token_claim(*, token: uuid.UUID | None, user: User) -> None:
    """Claim a form token inside the caller's transaction; refuse a second use."""
    if token is None:
        return
    try:
        with transaction.atomic():
            SubmittedForm.objects.create(token=token, user=user)
    except IntegrityError as exc:
        raise DuplicateSubmission(
            _("This form was already submitted. Nothing was saved a second time."),
            code="duplicate",
        ) from exc
