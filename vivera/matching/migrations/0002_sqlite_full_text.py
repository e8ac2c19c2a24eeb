"""SQLite's full-text index of the listings (FTS5, an external-content table kept in step by
triggers). PostgreSQL searches with its own Dutch full-text search and needs nothing here."""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE matching_listing_fts USING fts5("
    "title, text, content='matching_listing', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER matching_listing_fts_insert AFTER INSERT ON matching_listing BEGIN "
    "INSERT INTO matching_listing_fts(rowid, title, text) VALUES (new.id, new.title, new.text); "
    "END",
    "CREATE TRIGGER matching_listing_fts_delete AFTER DELETE ON matching_listing BEGIN "
    "INSERT INTO matching_listing_fts(matching_listing_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER matching_listing_fts_update AFTER UPDATE ON matching_listing BEGIN "
    "INSERT INTO matching_listing_fts(matching_listing_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO matching_listing_fts(rowid, title, text) VALUES (new.id, new.title, new.text); "
    "END",
]
DROP = [
    "DROP TRIGGER IF EXISTS matching_listing_fts_update",
    "DROP TRIGGER IF EXISTS matching_listing_fts_delete",
    "DROP TRIGGER IF EXISTS matching_listing_fts_insert",
    "DROP TABLE IF EXISTS matching_listing_fts",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
