from __future__ import annotations

from django.urls import path

from . import views

app_name = "survey"
urlpatterns = [
    path("enquetes/", views.survey_list, name="list"),
    path("enquetes/nieuw/", views.survey_create, name="create"),
    path("enquetes/<int:pk>/", views.survey_detail, name="detail"),
    path("enquetes/<int:pk>/vraag-toevoegen/", views.question_add, name="question_add"),
    path(
        "enquetes/<int:pk>/vragen/<int:question_pk>/wijzigen/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "enquetes/<int:pk>/vragen/<int:question_pk>/verwijderen/",
        views.question_remove,
        name="question_remove",
    ),
    path(
        "enquetes/<int:pk>/vragen/<int:question_pk>/omhoog/",
        views.question_move,
        {"up": True},
        name="question_up",
    ),
    path(
        "enquetes/<int:pk>/vragen/<int:question_pk>/omlaag/",
        views.question_move,
        {"up": False},
        name="question_down",
    ),
    path("enquetes/<int:pk>/openen/", views.survey_open, name="open"),
    path("enquetes/<int:pk>/sluiten/", views.survey_close, name="close"),
    path("enquetes/<int:pk>/steekproef/", views.sample, name="sample"),
    path("enquetes/<int:pk>/resultaten/", views.survey_results, name="results"),
    path("inwoners/<int:pk>/geen-enquetes/", views.objection, name="objection"),
    path("enquetes/brieven/", views.letters, name="letters"),
    path("enquetes/<int:pk>/brieven/", views.letters_download, name="letters_download"),
    path("enquetes/open-antwoorden/", views.screening, name="screening"),
    path("enquetes/open-antwoorden/<int:answer_pk>/", views.screen, name="screen"),
]
