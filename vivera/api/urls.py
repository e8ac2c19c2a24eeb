"""API v1 for machine clients. The partner API (referrals, early signals) follows in its own
issue; for now the code lists, which clients need to send valid codes."""

from django.urls import path

from vivera.monitor import api as monitor_api

from . import views

urlpatterns = [
    path("codes/<str:kind>/", views.code_list, name="code_list"),
    path("monitor/", monitor_api.monitor_indicators, name="monitor"),
]
