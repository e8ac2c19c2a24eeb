"""PostgreSQL: the Dutch text-search vector of a listing as a stored generated column
`document`, with the GIN index on it (in place of 0005's index on the expression).

Computing `to_tsvector` at query time made every row a search looked at expensive: a common word
walked the overview's order and a capped count recomputed it thousands of times
(docs/benchmarks.md, "Voor elkaar"). Stored, the database keeps it in step with the title and
description itself (also when retention clears them). Django's model does not know the column;
`selectors.search` reads it. SQLite has its FTS5 table (0002) instead."""

from django.db import migrations

FORWARDS = [
    "DROP INDEX IF EXISTS matching_listing_document",
    "ALTER TABLE matching_listing ADD COLUMN document tsvector GENERATED ALWAYS AS "
    "(to_tsvector('dutch'::regconfig, title || ' ' || text)) STORED",
    "CREATE INDEX matching_listing_document ON matching_listing USING gin (document)",
]
BACKWARDS = [
    "ALTER TABLE matching_listing DROP COLUMN IF EXISTS document",
    "CREATE INDEX matching_listing_document ON matching_listing USING gin "
    "((to_tsvector('dutch'::regconfig, title || ' ' || text)))",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("matching", "0007_newest_index")]
    operations = [migrations.RunPython(forwards, backwards)]
