"""Strings Django itself shows but its Dutch catalogue does not translate yet.

Marked here so `makemessages` puts them in Vivera's catalogue, which takes precedence.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS_MISSING_IN_NL = [
    gettext_noop("- Select an option -"),  # Django 6's blank choice label
]
