from django.apps import AppConfig


class WebConfig(AppConfig):
    """The site as a whole: the menu, the start page per role and the admin site's rules of
    entry. It sits on top of the other apps; none of them imports it."""

    name = "vivera.web"
    verbose_name = "Web"  # no models, so never shown in the admin
