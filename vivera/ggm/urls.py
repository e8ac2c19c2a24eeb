from __future__ import annotations

from django.urls import path

from . import views

app_name = "ggm"
urlpatterns = [
    path("", views.ggm_export, name="export"),
]
