from __future__ import annotations

from django.urls import path

from . import views

app_name = "matching_staff"
urlpatterns = [
    path("<int:pk>/voor-elkaar/", views.for_client, name="for_client"),
    path("<int:pk>/voor-elkaar/gesprek/<int:connection>/", views.team_thread, name="team_thread"),
]
