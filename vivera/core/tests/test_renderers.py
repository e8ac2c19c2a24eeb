"""The form renderer gives the HTML Django's own renderer gives (up to whitespace), renders
Django's widgets through Jinja2 (the reason it exists: issue 19) and falls back to Django's
engine for widgets that bring only Django templates, such as the admin's."""

from __future__ import annotations

import re

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.forms.renderers import DjangoTemplates
from django.template.backends.jinja2 import Template as JinjaTemplate

from vivera.core.renderers import WidgetRenderer
from vivera.core.widgets import ComboboxSelect

CHOICES = [("", "---"), ("a", "Aap & co"), ("b", "<b>Beer</b>"), ("c", "Cavia")]


class Sample(forms.Form):
    text = forms.CharField(max_length=5, help_text="Hulp")
    number = forms.IntegerField(min_value=1)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    pick = forms.ChoiceField(choices=CHOICES)
    combo = forms.ChoiceField(choices=CHOICES, widget=ComboboxSelect(submit_on_enter=True))
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple)
    many = forms.MultipleChoiceField(choices=CHOICES[1:])
    flag = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def html(form: forms.Form) -> list[str]:
    parts = [str(form[name]) for name in form.fields]
    parts += [str(choice.tag()) for choice in form["radio"]]
    parts += [str(form[name].errors) for name in form.fields]
    parts.append(str(form.non_field_errors()))
    return [re.sub(r"\s+", " ", p).replace("> <", "><").strip() for p in parts]


def test_the_widgets_look_as_with_djangos_own_renderer():
    data = {"text": "te lang", "number": "0", "pick": "c", "radio": "b", "boxes": ["a", "c"]}
    ours = Sample(data, renderer=WidgetRenderer())
    django = Sample(data, renderer=DjangoTemplates())
    assert not ours.is_valid() and not django.is_valid()
    assert html(ours) == html(django)
    # Escaped labels, the chosen option, the combobox's attributes, the errors: all there.
    page = "".join(html(ours))
    assert "&lt;b&gt;Beer&lt;/b&gt;" in page and "Aap &amp; co" in page
    assert 'value="c" selected' in page
    assert "data-vivera-combobox" in page and "data-submit-on-enter" in page
    assert page.count("errorlist") == 5  # text, number, date, combo, many


def test_djangos_widgets_go_through_jinja2_and_the_admins_through_django():
    renderer = WidgetRenderer()
    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), JinjaTemplate)
    for _ in range(2):  # the second time from what the first found out
        admin = AdminDateWidget().render("day", None, renderer=renderer)
        assert 'class="vDateField' in admin
    assert "admin/widgets/date.html" in renderer.django_only
