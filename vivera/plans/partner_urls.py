from __future__ import annotations

from django.urls import path

from . import views

app_name = "plans_partner"
urlpatterns = [
    path("", views.partner_activities, name="list"),
    path("<int:pk>/", views.partner_propose, name="propose"),
]
