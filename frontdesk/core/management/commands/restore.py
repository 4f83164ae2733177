"""`manage.py restore FOLDER`: load a backup made by `manage.py backup`, then verify it.

    manage.py restore /srv/backups/2026-12-01                     # into the configured database
    manage.py restore /srv/backups/2026-12-01 --database-url postgres://postgres@127.0.0.1/copy
    manage.py restore /srv/backups/2026-12-01 --force            # replace a database's content

The target database must exist and be empty unless --force is given. After
loading, every table's row count and checksum are compared with the backup's
manifest; any difference is listed and the command fails.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.core.backup import BackupError, Database, restore


class Command(BaseCommand):
    help = "Restore a backup folder into a database and MEDIA_ROOT, and verify every table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--database-url", help="Restore into this database instead.")
        parser.add_argument("--media-root", type=Path, help="Unpack the files here instead.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the content of a database in use."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database = (
                Database.from_url(options["database_url"])
                if options["database_url"]
                else Database.configured()
            )
            problems = restore(
                options["folder"],
                database=database,
                media_root=options["media_root"],
                force=options["force"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("Restored, but the verification failed:\n" + "\n".join(problems))
        self.stdout.write(f"Restored into {database.label()}; every table verified.")
