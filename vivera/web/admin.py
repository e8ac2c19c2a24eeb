"""The admin site itself: who enters (vivera.accounts.admin_rules.is_functional_admin, not
Django's `is_active and is_staff`), a refused entry in the access log, and the titles.

Set on the default `admin.site` when the admin's autodiscovery imports this module; every app's
own `admin.py` registers its models on that site with the classes of
`vivera.accounts.admin_rules`.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vivera.accounts.admin_rules import is_functional_admin
from vivera.audit.services import log_refused_page


def admin_site_has_permission(request: HttpRequest) -> bool:
    allowed = is_functional_admin(request.user)
    if not allowed and request.user.is_authenticated and not _on_admin_login_page(request):
        # A signed-in user of another role tried the admin: a refused line in the access log
        # (the admin answers with its login page, not a 403). Not on the login page itself,
        # where the refused user lands next.
        log_refused_page(request)
    return allowed


def _on_admin_login_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in ("admin:login", "admin:logout")


# The default site, with the role check instead of Django's `is_active and is_staff`.
admin.site.has_permission = admin_site_has_permission  # type: ignore[method-assign]
admin.site.site_header = "Vivera beheer"
admin.site.site_title = "Vivera beheer"
admin.site.index_title = _("Configuration")
