from __future__ import annotations

from django.urls import path

from . import views

app_name = "research"
urlpatterns = [
    path("onderzoek/", views.home, name="home"),
    path("onderzoek/<int:pk>/extract/", views.download, name="download"),
    path("beheer/onderzoek/", views.grants, name="grants"),
    path("beheer/onderzoek/<int:pk>/intrekken/", views.revoke, name="revoke"),
]
