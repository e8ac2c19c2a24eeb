from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisionsConfig(AppConfig):
    name = "vivera.provisions"
    verbose_name = _("Wmo provisions")
