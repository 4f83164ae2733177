"""Indexes of the monthly complaint statistics, the callback queue and the weekly list.

Built concurrently: on a table of a million orders a plain CREATE INDEX would
hold up registering orders for as long as it takes.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL; a plain index on SQLite (`make run`), which
    has neither concurrent builds nor other writers to wait for."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0009_repeated_complaints_rule"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("kind", "complaint")),
                fields=["project", "created_at"],
                name="tickets_complaints_created",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status", "returned")),
                fields=["returned_at", "id"],
                name="tickets_callbacks_due",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "accepted",
                            "arrived",
                            "dispatched",
                            "done",
                            "paused",
                            "registered",
                            "returned",
                            "visited",
                        ],
                    )
                ),
                fields=["project", "created_at", "id"],
                name="tickets_open_created",
            ),
        ),
    ]
