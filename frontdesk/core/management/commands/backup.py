"""`manage.py backup FOLDER`: the database and the uploaded files, with a manifest to verify.

    manage.py backup /srv/backups/2026-12-01

The folder must be new or empty. It receives `database.dump` (pg_dump's
custom format; `database.sqlite3` on SQLite), `media.tar.gz` and
`manifest.json` with the row count and checksum of every table.
Restore with `manage.py restore FOLDER`.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(options["folder"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Backed up {manifest['database']}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{manifest['media_files']} uploaded files, into {options['folder']}."
        )
