from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import SubmittedForm

if TYPE_CHECKING:
    # The user model is settings.AUTH_USER_MODEL (accounts.User); core names no app.
    from django.contrib.auth.models import AbstractBaseUser


class DuplicateSubmission(ValidationError):
    pass


def form_token_claim(*, token: uuid.UUID | None, user: AbstractBaseUser) -> None:
    """Claim a form token inside the caller's transaction; refuse a second use."""
    if token is None:
        return
    try:
        with transaction.atomic():
            SubmittedForm.objects.create(token=token, user_id=user.pk)
    except IntegrityError as exc:
        raise DuplicateSubmission(
            _("This form was already submitted. Nothing was saved a second time."),
            code="duplicate",
        ) from exc
