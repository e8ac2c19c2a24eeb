from __future__ import annotations

from django.urls import path

from . import intake_views as views

app_name = "survey_intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/papier/", views.paper, name="paper"),
    path("<int:pk>/import/", views.bureau_upload, name="bureau"),
    path("<int:pk>/kolommen.csv", views.column_template, name="columns"),
]
