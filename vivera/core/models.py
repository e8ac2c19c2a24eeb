"""Small shared building blocks."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SubmittedForm(models.Model):
    """A create form's one-time token, claimed in the same transaction as the write.

    A form that is submitted twice (double click, browser back and resend) finds its token taken
    and saves nothing the second time.
    """

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
