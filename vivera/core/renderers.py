"""The form renderer (settings.FORM_RENDERER): Django's widgets through Jinja2, the rest as
before.

Django renders every option of a select and every radio button through an include of its
template engine; its Jinja2 copies of the same widget templates give the same HTML in about
two thirds of the time (issue 19, docs/benchmarks.md). Widgets that bring only Django templates
— the admin's, for one — are rendered with Django's engine as they were."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms import renderers
from django.template import TemplateDoesNotExist


class WidgetRenderer(renderers.Jinja2):
    def get_template(self, template_name: str) -> Any:
        if template_name not in self.django_only:
            try:
                return super().get_template(template_name)
            except TemplateDoesNotExist:
                # Jinja2 caches what it found, not what it did not: remember, so an admin
                # form does not search the disk again for every widget.
                self.django_only.add(template_name)
        return self.django.get_template(template_name)

    @cached_property
    def django_only(self) -> set[str]:
        return set()

    @cached_property
    def django(self) -> renderers.DjangoTemplates:
        return renderers.DjangoTemplates()
