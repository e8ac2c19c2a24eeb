from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tooling around the product: installed for its management commands only (no models, no
    pages, no signals), so the product runs the same with or without it."""

    name = "vivera.devtools"
    verbose_name = "Devtools"  # no models, so never shown in the admin
