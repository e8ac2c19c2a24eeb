from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from vivera.accounts import views as account_views
from vivera.api import views as api_views
from vivera.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path(
        "inloggen/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("inloggen/code/", include("vivera.accounts.urls")),
    path("", include("vivera.accounts.access_urls")),
    path("", include("vivera.registration.urls")),
    path("organisatie/", include("vivera.organisation.urls")),
    path("monitor/", include("vivera.monitor.urls")),
    # Kerncijfers moved into the monitor; a bookmark of its old address still arrives there.
    path("overzicht/", RedirectView.as_view(pattern_name="monitor:key_figures", query_string=True)),
    path("meldingen/", include("vivera.partners.urls")),
    path("partner/", include("vivera.partners.portal_urls")),
    path("beheer/", include("vivera.audit.urls")),
    path("beheer/ggm-export/", include("vivera.ggm.urls")),
    path("beheer/", include("vivera.imports.urls")),
    path("beheer/inzage/", include("vivera.privacy.urls")),
    path("", include("vivera.research.urls")),
    # The client-experience survey: the policy advisor's and coordinator's pages, the
    # administrator's paper entry and bureau import, and the resident's public pages.
    path("", include("vivera.survey.urls")),
    path("beheer/enquete/", include("vivera.survey.intake_urls")),
    path("beheer/toewijzingen/", include("vivera.provisions.urls")),
    path("beleid/", include("vivera.plans.urls")),
    path("voor-elkaar/", include("vivera.matching.urls")),
    path("beheer/voor-elkaar/", include("vivera.matching.moderation_urls")),
    path("dossiers/", include("vivera.matching.staff_urls")),
    path("partner/activiteiten/", include("vivera.plans.partner_urls")),
    path("enquete/", include("vivera.survey.public_urls")),
    # The carers' register: the carer's public pages and the consultant's (docs/carers.md).
    path("mantelzorg/", include("vivera.carers.public_urls")),
    path("mantelzorgers/", include("vivera.carers.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("vivera.api.urls", "api"), namespace="v1")),
    path(
        "api/v1/schema/",
        login_not_required(SpectacularAPIView.as_view(api_version="v1")),
        name="schema",
    ),
    # After every API route: an unknown address under /api/ answers in the API's JSON shape.
    re_path(r"^api/(?P<rest>.*)$", api_views.not_found),
]
