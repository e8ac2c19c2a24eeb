"""The partner's own pages (/partner/): send a referral or signal, follow its status."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.portal, name="home"),
    path("aanmelden/", views.send_referral, name="send_referral"),
    path("vroegsignaal/", views.send_signal, name="send_signal"),
]
