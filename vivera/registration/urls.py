from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("mijn-werk/", views.my_work, name="my_work"),
    path("mijn-werk/<slug:kind>/", views.my_list, name="my_list"),
    path("wachtlijst/", views.waiting_list, name="waiting_list"),
    path("kort-contact/", views.shortcontact_create, name="shortcontact_create"),
    path("inwoners/", views.client_search, name="client_search"),
    path("inwoners/nieuw/", views.client_create, name="client_create"),
    path("inwoners/<int:pk>/", views.client_detail, name="client_detail"),
    path("inwoners/<int:pk>/wijzigen/", views.client_edit, name="client_edit"),
    path("inwoners/<int:pk>/bsn/", views.client_reveal_bsn, name="client_reveal_bsn"),
    path("inwoners/<int:client_pk>/dossier/nieuw/", views.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/wijzigen/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/status/", views.dossier_status, name="dossier_status"),
    path("dossiers/<int:pk>/casusregisseur/", views.dossier_assign, name="dossier_assign"),
    path("dossiers/<int:pk>/vraag/", views.question_add, name="question_add"),
    path("vragen/<int:pk>/afsluiten/", views.question_close, name="question_close"),
    path("dossiers/<int:pk>/contact/", views.contact_add, name="contact_add"),
    path("dossiers/<int:pk>/verwijzing/", views.referral_add, name="referral_add"),
    path("dossiers/<int:pk>/zrm/", views.zrm_add, name="zrm_add"),
    path("dossiers/<int:pk>/toestemming/", views.consent_add, name="consent_add"),
    path("toestemmingen/<int:pk>/intrekken/", views.consent_withdraw, name="consent_withdraw"),
    path("inwoners/toegang-vragen/", views.access_request_create, name="access_request_create"),
    path("verzoeken/", views.access_requests, name="access_requests"),
    path("verzoeken/<int:pk>/", views.access_request_decide, name="access_request_decide"),
    path("verzoeken/<int:pk>/delen-stoppen/", views.access_share_end, name="access_share_end"),
    path("outreach/", views.outreach_list, name="outreach_list"),
]
