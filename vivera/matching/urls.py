from __future__ import annotations

from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("aanmelden/", views.sign_up, name="sign_up"),
    path("bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("afmelden/", views.sign_out, name="sign_out"),
    path("plaatsen/", views.post, name="post"),
    path("mijn/", views.mine, name="mine"),
    path("contact/<int:pk>/", views.thread, name="thread"),
]
