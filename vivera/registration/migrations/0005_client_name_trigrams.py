"""PostgreSQL: trigram indexes (pg_trgm) on the upper-cased names of a client, so the team's
client search (`icontains` on first name, last name and prefix: Django writes
`UPPER(col::text) LIKE UPPER('%term%')`) finds the matching clients through the index instead of
reading every client of the municipality (590 ms over a region's 250,000 clients a
municipality, docs/benchmarks.md "The professional's pages"). pg_trgm is a trusted extension
(PostgreSQL 13 and later): the database's owner may create it. SQLite has no such index; its
databases are a municipality's demo size."""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "name_prefix")
FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    *(
        f"CREATE INDEX IF NOT EXISTS registration_client_{column}_trgm ON registration_client "
        f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        for column in COLUMNS
    ),
]
BACKWARDS = [f"DROP INDEX IF EXISTS registration_client_{column}_trgm" for column in COLUMNS]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registration", "0004_open_dossiers_by_director")]
    operations = [migrations.RunPython(forwards, backwards)]
