"""Indexes of the monthly complaint statistics, the callback queue and the weekly list.

Built concurrently: on a table of a million orders a plain CREATE INDEX would
hold up registering orders for as long as it takes.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("tickets", "0009_repeated_complaints_rule"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("kind", "complaint")),
                fields=["project", "created_at"],
                name="tickets_complaints_created",
            ),
        ),
        AddIndexConcurrently(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status", "returned")),
                fields=["returned_at", "id"],
                name="tickets_callbacks_due",
            ),
        ),
        AddIndexConcurrently(
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
