"""PostgreSQL's full-text index of the listings: a GIN index over the Dutch text search vector
of title and description, the expression `selectors.search` queried until 0008 stored it. SQLite
has its FTS5 table (0002) instead."""

from django.db import migrations

INDEX = (
    "CREATE INDEX matching_listing_document ON matching_listing USING gin "
    "((to_tsvector('dutch'::regconfig, title || ' ' || text)))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS matching_listing_document")


class Migration(migrations.Migration):
    dependencies = [("matching", "0004_alter_connection_followed_up_at_and_more")]
    operations = [migrations.RunPython(forwards, backwards)]
