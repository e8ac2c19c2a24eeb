from __future__ import annotations

from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/importeren/", views.import_confirm, name="confirm"),
    path("import/annuleren/", views.import_cancel_view, name="cancel"),
]
