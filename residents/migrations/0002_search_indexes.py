"""Trigram indexes for the search box on PostgreSQL.

`name LIKE '%…%'` and `phone LIKE '%…%'` use a GIN trigram index there; SQLite,
the embedded default for small desks, has no such index and scans.
"""

from django.db import migrations

INDEXES = [
    ("residents_person_name_trgm", "residents_person", "name"),
    ("residents_person_phone_trgm", "residents_person", "phone"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS residents_unit_code_prefix "
        "ON residents_unit (code varchar_pattern_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP INDEX IF EXISTS residents_unit_code_prefix")


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
