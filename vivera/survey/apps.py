from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "vivera.survey"
    verbose_name = _("Client-experience survey")
