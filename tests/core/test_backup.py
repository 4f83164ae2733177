"""Backup and restore: the demo's database and uploaded files round-trip, verified per table."""

import json
import sqlite3
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from frontdesk.core.backup import Database, backup, compare, restore, table_checksums
from residents.models import Attachment, Household


def _restore_url(name: str) -> str:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER'] or 'postgres'}@{host}/{name}"


@pytest.fixture
def restore_database():
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_demo_round_trips_through_backup_and_restore(tmp_path, settings, restore_database):
    """The demo plus an uploaded file restore into a new database with every table's rows equal."""
    call_command("seed_demo")
    household = Household.objects.order_by("id").first()
    Attachment.objects.create(
        project=household.project,
        household=household,
        file=ContentFile(b"%PDF-1.4 move-in form", name="move-in.pdf"),
        title="入伙单",
        size=21,
        uploaded_by=household.project.memberships.first().user,
    )
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["residents_household"]["rows"] == Household.objects.count()
    # The demo's own files (photos and signatures in the registers) and the upload above.
    media = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert manifest["media_files"] == len(media) and len(media) > 1

    media_copy = tmp_path / "restored-media"
    call_command(
        "restore",
        str(folder),
        "--database-url",
        _restore_url(restore_database),
        "--media-root",
        str(media_copy),
    )
    restored = Database.from_url(_restore_url(restore_database))
    assert compare(manifest["tables"], table_checksums(restored)) == []
    assert table_checksums(restored) == table_checksums(Database.configured())
    files = {
        p.relative_to(media_copy): p.read_bytes() for p in media_copy.rglob("*") if p.is_file()
    }
    originals = {p.relative_to(settings.MEDIA_ROOT): p.read_bytes() for p in media}
    assert files == originals and b"%PDF-1.4 move-in form" in files.values()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_and_reports_a_mismatch(
    tmp_path, restore_database, project
):
    """A non-empty target needs --force; a manifest that does not match fails the restore."""
    folder = tmp_path / "backup"
    backup(folder)
    url = _restore_url(restore_database)
    call_command("restore", str(folder), "--database-url", url, "--media-root", str(tmp_path / "m"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder), "--database-url", url)

    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["tables"]["core_project"]["rows"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="core_project"):
        call_command(
            "restore",
            str(folder),
            "--database-url",
            url,
            "--force",
            "--media-root",
            str(tmp_path / "m"),
        )


def test_backup_goes_into_a_new_folder(tmp_path):
    """A folder that already holds files is refused: a backup never overwrites another."""
    (tmp_path / "old.dump").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path))


def test_sqlite_database_round_trips(tmp_path, settings):
    """On SQLite (make run's default) the copy restores with equal counts and checksums."""
    settings.MEDIA_ROOT = tmp_path / "media"
    source = tmp_path / "source.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE unit (id INTEGER PRIMARY KEY, code TEXT)")
        conn.executemany("INSERT INTO unit (code) VALUES (?)", [("1-101",), ("=1+2",), ("3-1502",)])
    manifest = backup(tmp_path / "b", database=Database("sqlite", str(source)))
    assert manifest["tables"]["unit"]["rows"] == 3
    target = Database("sqlite", str(tmp_path / "target.sqlite3"))
    assert restore(tmp_path / "b", database=target, force=False) == []
    assert table_checksums(target) == manifest["tables"]
