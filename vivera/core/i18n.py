"""Strings Django itself shows but its Dutch catalogue does not translate yet.

Marked here so `makemessages` puts them in Vivera's catalogue, which takes precedence.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_STRINGS_MISSING_IN_NL = [
    gettext_noop("- Select an option -"),  # Django 6's blank choice label
    # The password policy's minimum length (MinimumLengthValidator, Django 6.1's wording).
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        12,
    ),
]
