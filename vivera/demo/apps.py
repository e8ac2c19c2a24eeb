from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vivera.demo"
    verbose_name = "Demo"
