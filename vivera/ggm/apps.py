from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GgmConfig(AppConfig):
    name = "vivera.ggm"
    verbose_name = _("GGM export")
