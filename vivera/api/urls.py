"""API v1 for machine clients: the code lists, the monitor and the partner API
(docs/partner-api.md)."""

from django.urls import path

from vivera.monitor import api as monitor_api
from vivera.partners import api as partner_api

from . import views

urlpatterns = [
    path("codes/<str:kind>/", views.code_list, name="code_list"),
    path("monitor/", monitor_api.monitor_indicators, name="monitor"),
    path("partner/aanmeldingen/", partner_api.referral_create, name="partner_referral_create"),
    path("partner/vroegsignalen/", partner_api.signal_create, name="partner_signal_create"),
    path("partner/meldingen/", partner_api.submission_list, name="partner_submission_list"),
    path(
        "partner/meldingen/<str:public_id>/",
        partner_api.submission_detail,
        name="partner_submission_detail",
    ),
]
