from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vivera.audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from django.contrib.auth import signals

        from . import signals as receivers

        signals.user_logged_in.connect(receivers.logged_in, dispatch_uid="audit_logged_in")
        signals.user_logged_out.connect(receivers.logged_out, dispatch_uid="audit_logged_out")
        signals.user_login_failed.connect(receivers.login_failed, dispatch_uid="audit_login_failed")
