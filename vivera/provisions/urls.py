from __future__ import annotations

from django.urls import path

from . import views

app_name = "provisions"
urlpatterns = [
    path("", views.deliveries, name="deliveries"),
]
