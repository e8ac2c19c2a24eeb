from __future__ import annotations

from django.urls import path

from . import public_views as views

app_name = "carers_public"
urlpatterns = [
    path("aanmelden/", views.register, name="register"),
    path("link/<str:token>/", views.link, name="link"),
    path("mijn/", views.mine, name="mine"),
    path("mijn/wijzigen/", views.mine_edit, name="edit"),
    path("mijn/stoppen/", views.mine_leave, name="leave"),
    path("mijn/zorg/", views.mine_relation_add, name="relation_add"),
    path("mijn/waardering/", views.mine_apply, name="apply"),
    path("mijn/uitloggen/", views.sign_out, name="sign_out"),
]
