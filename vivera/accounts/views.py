"""The second login step (the code from the authenticator app), changing one's own password,
the activation page of a new or reset account, and the page where a second person approves or
rejects a request for a role or a team membership."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vivera.accounts.access import AuthenticatedHttpRequest, role_required
from vivera.core.errors import show_in_form

from . import services, two_factor
from .models import Role


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
        help_text=_("Six digits; a new code appears every 30 seconds."),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.required_for(user) or user.is_verified():
        return redirect(_next(request))
    if two_factor.confirmed_device(user) is None:
        # An authenticator is set up only on an activation link, never with a password alone.
        return render(request, "accounts/two_factor_missing.html", status=403)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request=request, code=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code",
            _(
                "This code is not right (or was already used). Wait for the "
                "next code and try again."
            ),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone changes their own password here, under the password policy of
    AUTH_PASSWORD_VALIDATORS (at least 12 characters, not common, not only digits, not like the
    name). The session stays signed in; the change is in the access log."""

    request: AuthenticatedHttpRequest
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=self.request.user, request=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ActivationForm(forms.Form):
    """Choose a password (under AUTH_PASSWORD_VALIDATORS) and confirm the authenticator."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=_(
            "At least 12 characters, not a common password, not only digits and not like your name."
        ),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
        help_text=_("Six digits; a new code appears every 30 seconds."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error(
                "password2",
                forms.ValidationError(
                    _("The two passwords are not the same."), code="password_mismatch"
                ),
            )
        return cleaned


@login_not_required
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """The owner of a new or reset account chooses a password and sets up the authenticator.

    Open without login (the owner has no password yet); the token is 32 random bytes, only its
    hash is stored, and an address that keeps trying wrong links gets 429."""
    if services.activation_refusals_from(request) >= settings.VIVERA_ACTIVATION_FAILURE_LIMIT:
        return render(
            request, "accounts/activation_refused.html", {"reason": "too_many"}, status=429
        )
    try:
        link = services.activation_link_find(token=token, request=request)
    except services.ActivationRefused as refused:
        return render(
            request,
            "accounts/activation_refused.html",
            {"reason": refused.reason},
            status=404 if refused.reason == "unknown" else 410,
        )
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_activate(
                token=token,
                password=form.cleaned_data["password1"],
                code=form.cleaned_data["code"],
                request=request,
            )
        except services.ActivationRefused as refused:
            return render(
                request, "accounts/activation_refused.html", {"reason": refused.reason}, status=410
            )
        except ValidationError as error:
            show_in_form(form, error)
        else:
            messages.success(
                request,
                _("Your account is ready. Log in with your password and the code from your app."),
            )
            return redirect("login")
    device = services.activation_device(link=link)
    # The link is a secret: not in a cache (core.middleware.NoStoreMiddleware marks every page
    # no-store). Another site never gets it as Referer: the whole site sends
    # `Referrer-Policy: same-origin`. `no-referrer` would make the browser send `Origin: null`
    # with the form, which the CSRF check refuses.
    return render(
        request,
        "accounts/activate.html",
        {
            "form": form,
            "account": link.user,
            "valid_until": link.expires_at,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_base32(device),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(Role.ADMIN, Role.COORDINATOR)
def grant_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests this user may approve or reject, and the recent requests around it."""
    return render(
        request,
        "accounts/grant_requests.html",
        {
            "decide": services.requests_for_decider(user=request.user),
            "recent": services.requests_recent(user=request.user),
        },
    )


@require_POST
@role_required(Role.ADMIN, Role.COORDINATOR)
def grant_request_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@require_POST
@role_required(Role.ADMIN, Role.COORDINATOR)
def grant_request_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


def _decide(request: AuthenticatedHttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    try:
        grant = services.grant_request_decide(
            pk=pk, approve=approve, by=request.user, request=request
        )
    except services.NotYours:
        # Someone else's request (or the requester's own) is not found, as a record one may
        # not see; the refusal is in the access log.
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approve:
            messages.success(request, _("Request %(request)s approved.") % {"request": grant})
        else:
            messages.success(request, _("Request %(request)s rejected.") % {"request": grant})
    return redirect("accounts:grant_requests")
