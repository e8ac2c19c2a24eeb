"""The second login step (enter the code from the authenticator app, or set the app up) and
changing one's own password."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from vivera.audit.models import Action
from vivera.audit.services import log_access

from . import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "pattern": "[0-9 ]*"}),
        help_text=_("Six digits; a new code appears every 30 seconds."),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.required_for(user) or user.is_verified():
        return redirect(_next(request))
    if two_factor.confirmed_device(user) is None:
        return redirect(f"{reverse('two_factor_setup')}?next={quote(_next(request))}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("This code is not right (or was already used). Wait for the "
                                 "next code and try again."))
    return render(request, "accounts/two_factor_verify.html",
                  {"form": form, "next": _next(request)}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.required_for(user) or user.is_verified():
        return redirect(_next(request))
    if two_factor.confirmed_device(user) is not None:
        # Replacing an app needs the administrator (a reset); a stolen password alone must not.
        return redirect(f"{reverse('two_factor_verify')}?next={quote(_next(request))}")
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.enrol(request=request, code=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", _("This code is not right. Check that the app shows Vivera and "
                                 "try the next code."))
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": _next(request), "qr": two_factor.qr_svg(device),
        "secret": two_factor.secret_base32(device),
    }, status=400 if form.errors else 200)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone changes their own password here, under the password policy of
    AUTH_PASSWORD_VALIDATORS (at least 12 characters, not common, not only digits, not like the
    name). The session stays signed in; the change is in the access log."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log_access(user=self.request.user, action=Action.UPDATE, object_type="account",
                   object_id=self.request.user.pk, request=self.request,
                   detail={"password": "changed"})
        messages.success(self.request, _("Your password has been changed."))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
