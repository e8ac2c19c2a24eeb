"""Public forms against bots, without a third-party captcha: a honeypot field that people never
see (a template puts it in a `hidden` block) and a signed start time. A form sent back within
`MIN_SECONDS` of being shown, or with the honeypot filled in, is refused and changes nothing.
Used by the survey's code page and the voor-elkaar pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy

MIN_SECONDS = 2
# A start time older than this is refused too: a stamp copied once is not good for ever (a
# person who left the form open that long sends it again with a new one).
MAX_SECONDS = 4 * 60 * 60


class BotGuardForm(forms.Form):
    """Subclass and set `salt` (one per form) and, if wanted, `refusal`."""

    salt = "vivera-public-form"
    refusal = gettext_lazy("Something went wrong. Wait a moment and send the form again.")
    # Filled in by bots only: hidden from people and from screen readers.
    website = forms.CharField(required=False, max_length=200)
    started = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = self.stamp()

    def stamp(self) -> str:
        return signing.dumps(timezone.now().timestamp(), salt=self.salt)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            started = float(signing.loads(str(cleaned.get("started") or ""), salt=self.salt))
        except (signing.BadSignature, ValueError, TypeError):
            started = None
        age = None if started is None else timezone.now().timestamp() - started
        too_fast = age is None or not MIN_SECONDS <= age <= MAX_SECONDS
        if cleaned.get("website") or too_fast:
            raise ValidationError(str(self.refusal), code="bot")
        return cleaned

    def restamp(self) -> None:
        """A new start time for the next try, after a refused submission."""
        if self.is_bound:
            data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            data["started"] = self.stamp()
            self.data = data
