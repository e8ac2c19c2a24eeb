from __future__ import annotations

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.index, name="index"),
    path("persoon/<int:pk>/", views.person, name="person"),
    path("persoon/<int:pk>/export/", views.export, name="export"),
    path("mantelzorger/<int:pk>/", views.carer, name="carer"),
    path("mantelzorger/<int:pk>/export/", views.carer_export, name="carer_export"),
]
