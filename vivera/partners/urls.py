from __future__ import annotations

from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/poging/", views.attempt_add, name="attempt_add"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/dossier/", views.to_dossier, name="to_dossier"),
    path("<int:pk>/oppakken/", views.take, name="take"),
]
