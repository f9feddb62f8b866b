"""What the settings make of a deployment's environment: files on S3-compatible storage only when a
bucket is named, and nothing a web process keeps on its own disk once Redis and PostgreSQL are set."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "default": settings.STORAGES["default"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "tasks": settings.TASKS["default"]["BACKEND"],
    "database": settings.DATABASES["default"]["ENGINE"],
}))
"""


def settings_under(tmp_path: Path, **env: str) -> dict:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINLI_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "linli.settings", "LINLI_DATA_DIR": str(tmp_path)})
    clean.update(env)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_one_machine_keeps_files_on_its_disk(tmp_path):
    found = settings_under(tmp_path)
    assert found["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"


def test_a_named_bucket_puts_uploads_on_s3_compatible_storage(tmp_path):
    found = settings_under(
        tmp_path,
        LINLI_S3_BUCKET="linli-files",
        LINLI_S3_ENDPOINT_URL="https://minio.example.internal:9000",
        LINLI_S3_ACCESS_KEY="id",
        LINLI_S3_SECRET_KEY="secret",
    )
    storage = found["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "linli-files"
    assert storage["OPTIONS"]["endpoint_url"] == "https://minio.example.internal:9000"
    # Private files: only the pages that check who asks hand them out.
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["file_overwrite"] is False


def test_scaled_out_web_processes_keep_no_state_of_their_own(tmp_path):
    found = settings_under(
        tmp_path,
        DATABASE_URL="postgres://linli@db.internal:5432/linli",
        REDIS_URL="redis://redis.internal:6379/0",
    )
    assert found["database"] == "django.db.backends.postgresql"
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["tasks"] == "django_tasks_rq.RQBackend"
