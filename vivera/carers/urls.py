from __future__ import annotations

from django.urls import path

from . import appreciation_views, views

app_name = "carers"
urlpatterns = [
    path("", views.register, name="register"),
    path("nieuw/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/wijzigen/", views.edit, name="edit"),
    path("<int:pk>/bevestigen/", views.confirm, name="confirm"),
    path("<int:pk>/stoppen/", views.leave, name="leave"),
    path("<int:pk>/zorgrelatie/", views.relation_add, name="relation_add"),
    path("<int:pk>/steun/", views.support_add, name="support_add"),
    path("<int:pk>/aanvraag/", appreciation_views.application_add, name="application_add"),
    path("zorgrelatie/<int:pk>/beeindigen/", views.relation_end, name="relation_end"),
    path("steun/<int:pk>/opgevolgd/", views.followed_up, name="followed_up"),
    path("dossier/<int:pk>/", views.for_client, name="for_client"),
    path("waardering/", appreciation_views.schemes, name="schemes"),
    path("waardering/<int:pk>/", appreciation_views.scheme_detail, name="scheme"),
    path("waardering/<int:pk>/wijzigen/", appreciation_views.scheme_edit, name="scheme_edit"),
    path(
        "waardering/<int:pk>/uitbetaling.<str:fmt>",
        appreciation_views.payout,
        name="payout",
    ),
    path("aanvraag/<int:pk>/besluit/", appreciation_views.decide, name="decide"),
]
