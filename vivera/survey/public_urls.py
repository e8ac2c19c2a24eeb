from __future__ import annotations

from django.urls import path

from . import public_views as views

app_name = "survey_public"
urlpatterns = [
    path("", views.code, name="code"),
    path("dank-u/", views.thanks, name="thanks"),
    path("niet-meedoen/", views.declined, name="declined"),
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/vraag/<int:number>/", views.question, name="question"),
    path("<str:token>/later/", views.later, name="later"),
    path("<str:token>/versturen/", views.submit, name="submit"),
    path("<str:token>/niet-meedoen/", views.decline, name="decline"),
]
