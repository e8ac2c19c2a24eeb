from django.urls import path

from . import views

app_name = "monitor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rapport/", views.report, name="report"),
    path("export/<str:fmt>/", views.export, name="export"),
    path("kerncijfers/", views.key_figures, name="key_figures"),
    path("vergelijking/", views.benchmark, name="benchmark"),
]
