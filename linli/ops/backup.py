"""Backups of a station's data: the database, the uploaded files and a manifest, in one folder.

SQLite is copied with its online backup API (a consistent copy while the site keeps serving);
PostgreSQL with `pg_dump -Fc`. The uploaded files go into a tar archive beside it. The
field-encryption keys are never in a backup unless asked (`with_keys`): a backup that travels
with its keys exposes every ID number it holds. Keep the keys apart (see the README).

A backup folder is created 0700 and its files 0600. `backup_restore` puts a backup back: the
database (SQLite through the same API, PostgreSQL with `pg_restore --clean`) and the files.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, with arguments, never a shell)
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections

PREFIX = "linli-backup-"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_FILE = "media.tar.gz"
KEYS_FILE = "field_keys"


def default_backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def row_counts() -> dict[str, int]:
    """Rows per model of the project's own apps: what a restore must give back."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("linli.")
    }


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)
    target.commit()


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    settings_dict = connection.settings_dict
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return arguments, environment


def backup_create(target_dir: Path | None = None, *, with_keys: bool = False) -> Path:
    """A new backup folder under `target_dir` (default: LINLI_BACKUP_DIR); its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = _private_dir(Path(target_dir or default_backup_dir()) / f"{PREFIX}{stamp}")
    connection.ensure_connection()
    if _is_sqlite():
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            _sqlite_copy(connection.connection, target)
        finally:
            target.close()
        database_file = SQLITE_FILE
    else:
        arguments, environment = _pg_environment()
        subprocess.run(  # noqa: S603
            ["pg_dump", "-Fc", "--no-owner", *arguments, "--file", str(folder / PG_FILE)]
            + [str(connection.settings_dict["NAME"])],
            check=True,
            env=environment,
        )
        database_file = PG_FILE
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    if with_keys:
        (folder / KEYS_FILE).write_text(",".join(settings.FIELD_KEYS))
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": database_file,
        "vendor": connection.vendor,
        "media": MEDIA_FILE,
        "keys_included": with_keys,
        "counts": row_counts(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    for path in folder.iterdir():
        path.chmod(0o600)
    return folder


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text())


def backup_restore(folder: Path, *, with_keys: bool = False) -> dict[str, Any]:
    """Put the backup in `folder` back in place of the current data; its manifest.

    The database is replaced whole and the uploaded files are replaced by the archived ones.
    The keys are written only when asked and present: the restored rows need the keys they
    were encrypted with (LINLI_FIELD_KEYS, or the key file).
    """
    manifest = read_manifest(folder)
    if manifest["vendor"] != connection.vendor:
        raise ValueError(
            f"this backup is of a {manifest['vendor']} database, not {connection.vendor}"
        )
    connection.ensure_connection()
    if _is_sqlite():
        source = sqlite3.connect(folder / manifest["database"])
        try:
            _sqlite_copy(source, connection.connection)
        finally:
            source.close()
    else:
        arguments, environment = _pg_environment()
        for alias in connections:
            connections[alias].close()
        subprocess.run(  # noqa: S603
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
            + [*arguments, "--dbname", str(connection.settings_dict["NAME"])]
            + [str(folder / manifest["database"])],
            check=True,
            env=environment,
        )
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / manifest["media"], "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("media")]
        if media_root.exists():
            shutil.rmtree(media_root)
        _private_dir(media_root)
        archive.extractall(media_root.parent, members=members, filter="data")
    if with_keys and (folder / KEYS_FILE).exists():
        key_file = Path(settings.FIELD_KEY_FILE)
        _private_dir(key_file.parent)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write((folder / KEYS_FILE).read_text())
    return manifest


def backup_prune(target_dir: Path | None = None, *, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups under `target_dir`; the removed folders."""
    folder = Path(target_dir or default_backup_dir())
    if not folder.exists():
        return []
    backups = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.startswith(PREFIX))
    removed = backups[: max(len(backups) - keep, 0)]
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- the nightly backup ------------------------------------------------------------------------
# Scheduled like the audit log's prune: at 02:30 station time, by the task worker.


def next_backup_time(now: datetime | None = None) -> datetime:
    from datetime import time, timedelta

    from django.utils import timezone

    local_now = timezone.localtime(now)
    run_at = timezone.make_aware(datetime.combine(local_now.date(), time(2, 30)))
    return run_at if run_at > local_now else run_at + timedelta(days=1)


def schedule_nightly_backup(now: datetime | None = None) -> bool:
    """Queue the next night's backup unless one is queued already (or nightly backups are off)."""
    from django.core.cache import cache
    from django.db import transaction

    from linli.ops.tasks import nightly_backup

    if not settings.BACKUP_NIGHTLY:
        return False
    run_at = next_backup_time(now)
    if not cache.add(f"nightly-backup:{run_at:%Y%m%d}", True, timeout=3 * 24 * 3600):
        return False
    transaction.on_commit(lambda: nightly_backup.using(run_after=run_at).enqueue())
    return True
