from __future__ import annotations

from django.urls import URLPattern, path

app_name = "survey"
urlpatterns: list[URLPattern] = []
del path  # filled in as the pages come
