from __future__ import annotations

from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "vivera.backup"
    # No models, so Django never shows this name; hence no translated string.
    verbose_name = "Backup"
