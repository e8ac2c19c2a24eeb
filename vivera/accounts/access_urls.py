"""The activation page (open without login) and the page where requests for a role or a team
membership are approved or rejected."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("activeren/<str:token>/", views.activate, name="activate"),
    path("toegang/aanvragen/", views.grant_requests, name="grant_requests"),
    path(
        "toegang/aanvragen/<int:pk>/goedkeuren/",
        views.grant_request_approve,
        name="grant_request_approve",
    ),
    path(
        "toegang/aanvragen/<int:pk>/afwijzen/",
        views.grant_request_reject,
        name="grant_request_reject",
    ),
]
