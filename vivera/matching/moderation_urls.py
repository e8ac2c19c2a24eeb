from __future__ import annotations

from django.urls import path

from . import views

app_name = "matching_moderation"
urlpatterns = [
    path("", views.moderation, name="moderation"),
    path("<int:pk>/", views.moderate, name="moderate"),
    path("opvolgen/<int:pk>/", views.followed_up, name="followed_up"),
    path("meldingen/<int:pk>/", views.reports_handled, name="reports_handled"),
]
