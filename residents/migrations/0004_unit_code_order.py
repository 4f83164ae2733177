"""An index of unit codes in their sort order, on PostgreSQL.

The search box lists current households in unit-code order and stops after
the first page. For a user of one project the (project, code) unique index
gives that order; for a user of several projects (a supervisor, a manager)
only an index on the code alone does, and without it a common surname sorts
every matching household of every project first. The prefix index of 0002
uses pattern operators, which serve LIKE but not ORDER BY.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS residents_unit_code_order ON residents_unit (code)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS residents_unit_code_order")


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_constraint_messages")]
    operations = [migrations.RunPython(create, drop)]
