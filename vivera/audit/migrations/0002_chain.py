"""The hash chain on the access log, computed for the lines already there (in primary-key order).

The hash function is copied here rather than imported, so this migration keeps computing what it
computed when it was written (vivera/audit/chain.py)."""

import datetime as dt
import hashlib
import json

import django.utils.timezone
from django.db import migrations, models

GENESIS = "0" * 64
CONTENT_FIELDS = (
    "timestamp", "user_id", "username", "on_behalf_of", "role", "municipality_id", "action",
    "result", "object_type", "object_id", "client_id", "ip_address", "user_agent", "path",
    "detail",
)


def _hash(prev_hash, row):
    content = {name: row[name] for name in CONTENT_FIELDS}
    content["timestamp"] = content["timestamp"].astimezone(dt.UTC).isoformat(
        timespec="microseconds")
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def chain_existing(apps, schema_editor):
    entry_model = apps.get_model("audit", "AccessLogEntry")
    previous = GENESIS
    rows = entry_model.objects.order_by("pk").values("id", *CONTENT_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        current = _hash(previous, row)
        entry_model.objects.filter(pk=row["id"]).update(prev_hash=previous, entry_hash=current)
        previous = current


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64,
                                   verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64,
                                   verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="timestamp",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                       editable=False, verbose_name="time"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="action",
            field=models.CharField(
                choices=[("create", "Create"), ("read", "Read"), ("update", "Change"),
                         ("delete", "Delete"), ("search", "Search"), ("print", "Print or copy"),
                         ("export", "Export"), ("merge", "Merge"),
                         ("break_glass", "Break-glass access"), ("reveal", "Show BSN"),
                         ("login", "Log in"), ("logout", "Log out")],
                max_length=12, verbose_name="action"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
    ]
