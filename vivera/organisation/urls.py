from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("formatie/", views.formation, name="formation"),
]
