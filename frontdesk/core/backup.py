"""Backup and restore of a deployment: the database and the uploaded files, verified.

A backup is a folder holding three files:

- `database.dump`: PostgreSQL's custom format from `pg_dump` (or, on SQLite,
  `database.sqlite3` made with SQLite's online backup);
- `media.tar.gz`: every uploaded file under MEDIA_ROOT;
- `manifest.json`: when it was made, from which database, and the row count
  and checksum of every table at that moment.

A restore loads the dump into a database (the configured one, or another named
by URL), unpacks the files, then computes the same counts and checksums there
and compares them with the manifest: a restore that does not match is reported
as failed, table by table.

The checksum of a table does not depend on the physical order of its rows (the
md5 of each row's text, sorted, hashed together), so a dump restored with its
rows in another order still matches.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection
from django.utils import timezone

DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why."""


@dataclass(frozen=True)
class Database:
    """Connection settings of one database, as Django's DATABASES entry holds them."""

    vendor: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, entry: dict[str, Any]) -> Database:
        engine = entry["ENGINE"]
        if "postgresql" in engine:
            vendor = "postgresql"
        elif "sqlite3" in engine:
            vendor = "sqlite"
        else:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")
        return cls(
            vendor=vendor,
            name=str(entry["NAME"]),
            user=entry.get("USER") or "",
            password=entry.get("PASSWORD") or "",
            host=entry.get("HOST") or "",
            port=str(entry.get("PORT") or ""),
        )

    @classmethod
    def configured(cls) -> Database:
        return cls.from_settings(connection.settings_dict)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls.from_settings(dj_database_url.parse(url))

    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return [*args, "--dbname", self.name]

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name)
        import psycopg2

        return psycopg2.connect(
            dbname=self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
        )

    def label(self) -> str:
        """The database without its password, for the manifest and messages."""
        if self.vendor == "sqlite":
            return f"sqlite:{Path(self.name).name}"
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.name}"


# --- Checksums ------------------------------------------------------------------------------


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    return sorted(row[0] for row in cursor.fetchall())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_checksums(database: Database) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "checksum": md5}} of every table of a database."""
    result: dict[str, dict[str, Any]] = {}
    conn = database.connect()
    try:
        cursor = conn.cursor()
        for table in _tables(cursor, database.vendor):
            if database.vendor == "postgresql":
                from psycopg2 import sql

                cursor.execute(
                    sql.SQL(
                        "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
                        "FROM (SELECT md5(t::text) AS h FROM {} t) rows"
                    ).format(sql.Identifier(table))
                )
                count, checksum = cursor.fetchone()
            else:
                # A table name read from SQLite's catalogue, quoted.
                cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608
                hashes = sorted(
                    hashlib.md5(repr(row).encode(), usedforsecurity=False).hexdigest()
                    for row in cursor.fetchall()
                )
                count = len(hashes)
                checksum = hashlib.md5("".join(hashes).encode(), usedforsecurity=False).hexdigest()
            result[table] = {"rows": int(count), "checksum": checksum}
    finally:
        conn.close()
    return result


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """The differences between two sets of table checksums, one line each; empty if equal."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"{table}: missing after restore")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif expected[table] != actual[table]:
            same = expected[table]["checksum"] == actual[table]["checksum"]
            problems.append(
                f"{table}: {expected[table]['rows']} rows backed up, "
                f"{actual[table]['rows']} restored, checksums {'equal' if same else 'differ'}"
            )
    return problems


# --- Backup and restore ----------------------------------------------------------------------


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def backup(folder: Path, *, database: Database | None = None) -> dict[str, Any]:
    """Write a backup of the database and the uploaded files into `folder`; return the manifest."""
    database = database or Database.configured()
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup goes into a new folder.")
    # The checksums are taken first and the dump after: on a live system rows
    # written in between make the verification fail rather than pass wrongly.
    checksums = table_checksums(database)
    if database.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / DUMP)]
            + database.pg_args(),
            database.pg_env(),
        )
    else:
        source = sqlite3.connect(database.name)
        target = sqlite3.connect(folder / SQLITE_COPY)
        with target:
            source.backup(target)
        source.close()
        target.close()
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    manifest = {
        "made_at": timezone.now().isoformat(),
        "database": database.label(),
        "vendor": database.vendor,
        "tables": checksums,
        "media_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _is_empty(database: Database) -> bool:
    conn = database.connect()
    try:
        return not _tables(conn.cursor(), database.vendor)
    finally:
        conn.close()


def restore(
    folder: Path, *, database: Database | None = None, media_root: Path | None = None, force: bool
) -> list[str]:
    """Load a backup into a database and MEDIA_ROOT, then verify it; return the differences.

    Refuses a database that has tables unless `force`: a restore replaces what is there.
    """
    database = database or Database.configured()
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{folder} holds no backup ({MANIFEST} is missing).")
    manifest = json.loads(manifest_path.read_text())
    if manifest["vendor"] != database.vendor:
        raise BackupError(
            f"The backup is of {manifest['vendor']}; the target database is {database.vendor}."
        )
    if not force and not _is_empty(database):
        raise BackupError(
            f"{database.label()} is not empty: restore into a new database, or pass --force "
            "to replace its content."
        )
    if database.vendor == "postgresql":
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
            + database.pg_args()
            + [str(folder / DUMP)],
            database.pg_env(),
        )
    else:
        source = sqlite3.connect(folder / SQLITE_COPY)
        target = sqlite3.connect(database.name)
        with target:
            source.backup(target)
        source.close()
        target.close()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        staging = media_root.parent / f".{media_root.name}.restoring"
        shutil.rmtree(staging, ignore_errors=True)
        archive.extractall(staging, filter="data")
        restored = staging / "media"
        if restored.exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(restored, media_root, dirs_exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    return compare(manifest["tables"], table_checksums(database))
