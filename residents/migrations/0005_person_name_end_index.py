"""An index of person names read backwards, on PostgreSQL.

A name of one or two characters typed in the search box is too short for the
trigram index. It is looked up from the start of a name (the surname: 王) and
from its end (the given name: 建国 finds 王建国): the end is the start of the
reversed name, which this index serves as a prefix.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS residents_person_name_end "
        "ON residents_person (reverse(name) text_pattern_ops)"
    )
    # Statistics of the new expression: without them the planner guesses its
    # selectivity and may walk every unit instead of the few matching names.
    schema_editor.execute("ANALYZE residents_person")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS residents_person_name_end")


class Migration(migrations.Migration):
    dependencies = [("residents", "0004_unit_code_order")]
    operations = [migrations.RunPython(create, drop)]
