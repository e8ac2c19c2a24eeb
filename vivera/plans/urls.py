from __future__ import annotations

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/overzicht.<str:fmt>", views.plan_document, name="document"),
    path("<int:pk>/cluster/", views.cluster_add, name="cluster_add"),
    path("cluster/<int:pk>/", views.cluster_edit, name="cluster_edit"),
    path("cluster/<int:pk>/activiteit/", views.activity_add, name="activity_add"),
    path("cluster/<int:pk>/doel/", views.target_add, name="target_add"),
    path("activiteit/<int:pk>/", views.activity_detail, name="activity"),
    path("doel/<int:pk>/", views.target_detail, name="target"),
    path("inlezen/", views.import_overview, name="import"),
    path("voorstellen/", views.proposals, name="proposals"),
    path("voorstellen/<int:pk>/", views.decide, name="decide"),
]
