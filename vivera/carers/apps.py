from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarersConfig(AppConfig):
    name = "vivera.carers"
    verbose_name = _("Informal carers")
