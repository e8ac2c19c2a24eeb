from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "vivera.monitor"
    verbose_name = _("Monitor")

    def ready(self) -> None:
        from . import signals

        signals.connect()
