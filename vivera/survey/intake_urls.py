from __future__ import annotations

from django.urls import URLPattern, path

app_name = "survey_intake"
urlpatterns: list[URLPattern] = []
del path  # filled in as the pages come
