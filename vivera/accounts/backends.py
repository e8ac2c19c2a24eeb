"""Login with username and password: Django's own, reading the user's municipality with the
user (every page shows it in the header, which cost a query a page; issue 19)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends

from .models import User


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("municipality").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
