"""API v1 for machine clients. The partner API (referrals, early signals) follows in its own
issue; for now the code lists, which clients need to send valid codes."""

from django.urls import path

from . import views

urlpatterns = [
    path("codes/<str:kind>/", views.code_list, name="code_list"),
]
