"""Joins the two sets of indexes of 0010: the queue's and the reports'."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_queue_indexes"),
        ("tickets", "0010_report_indexes"),
    ]

    operations: list = []
