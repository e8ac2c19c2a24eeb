from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("overzicht/", views.policy_overview, name="policy_overview"),
]
