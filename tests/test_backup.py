"""`linli backup` and `linli restore`: a round trip gives back the same rows, the same ledger sums
and fields that still decrypt; the keys stay out of a backup unless asked (issue: backups)."""

import os
import stat
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from linli.core import crypto
from linli.ledger.actions import ledger_credit
from linli.ledger.models import LedgerEntry
from linli.ops.backup import KEYS_FILE, backup_prune, read_manifest, row_counts
from linli.people.models import Resident
from tests.conftest import WANG_ID


def credit(volunteer: Any, hours: str, key: str) -> None:
    ledger_credit(
        volunteer=volunteer,
        account="hours",
        amount=Decimal(hours),
        kind="adjustment",
        served_on=timezone.localdate(),
        description="补录",
        source_key=key,
        actor=None,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db(transaction=True)
def test_a_backup_round_trip_gives_back_rows_sums_files_and_decryptable_fields(
    corps: Any, registry: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = Path(settings.MEDIA_ROOT) / "requests" / "photo.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\x89PNG photo of the work")
    credit(corps.volunteer, "3.5", "backup:1")
    credit(corps.leader, "2", "backup:2")
    counts = row_counts()
    total = LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]

    out = StringIO()
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=out)
    (folder,) = (tmp_path / "backups").iterdir()
    assert mode(folder) == 0o700
    assert all(mode(path) == 0o600 for path in folder.iterdir())
    assert not (folder / KEYS_FILE).exists()
    assert read_manifest(folder)["counts"] == counts
    for path in folder.iterdir():
        assert settings.FIELD_KEYS[0].encode() not in path.read_bytes()

    # Life goes on after the backup ...
    credit(corps.volunteer, "8", "backup:3")
    Resident.objects.filter(pk=registry.li.pk).delete()
    upload.unlink()

    call_command("restore", str(folder), "--yes", stdout=out)
    assert row_counts() == counts
    assert LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] == total
    wang = Resident.objects.get(pk=registry.wang.pk)
    assert crypto.decrypt(wang.id_number_cipher) == WANG_ID
    assert Resident.objects.filter(pk=registry.li.pk).exists()
    assert upload.read_bytes() == b"\x89PNG photo of the work"


@pytest.mark.django_db(transaction=True)
def test_keys_go_into_a_backup_only_when_asked(world: Any, tmp_path: Path) -> None:
    call_command("backup", "--to", str(tmp_path), "--with-keys", stdout=StringIO())
    (folder,) = tmp_path.iterdir()
    assert (folder / KEYS_FILE).read_text() == ",".join(settings.FIELD_KEYS)
    assert mode(folder / KEYS_FILE) == 0o600


def test_old_backups_are_pruned_to_the_newest(tmp_path: Path) -> None:
    for day in range(1, 6):
        (tmp_path / f"linli-backup-2026120{day}T000000Z").mkdir()
    removed = backup_prune(tmp_path, keep=2)
    assert [path.name[13:21] for path in removed] == ["20261201", "20261202", "20261203"]
    assert sorted(path.name for path in tmp_path.iterdir())[0].startswith("linli-backup-20261204")


def test_the_nightly_backup_is_scheduled_once_a_night(db: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from linli.ops.backup import next_backup_time, schedule_nightly_backup

    now = timezone.make_aware(timezone.datetime(2026, 12, 7, 23, 0))  # type: ignore[attr-defined]
    assert timezone.localtime(next_backup_time(now)).date() == date(2026, 12, 8)
    with pytest.MonkeyPatch.context():
        assert schedule_nightly_backup(now) is True
        assert schedule_nightly_backup(now) is False
    assert DBTaskResult.objects.count() <= 1


def test_the_key_file_lives_apart_from_the_data_with_private_modes() -> None:
    key_file = Path(settings.FIELD_KEY_FILE)
    assert not key_file.resolve().is_relative_to(Path(settings.DATA_DIR))
    assert mode(key_file) == 0o600
    assert mode(key_file.parent) == 0o700
    assert mode(Path(settings.DATA_DIR)) == 0o700
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert os.path.basename(key_file) == "field_keys"


def test_dumpdata_works_without_flags(corps: Any, registry: Any) -> None:
    out = StringIO()
    call_command("dumpdata", stdout=out)
    assert '"model": "ledger.' in out.getvalue() or '"model": "people.resident"' in out.getvalue()


def test_serve_refuses_a_key_inside_the_data_folder_unless_told(settings: Any) -> None:
    from django.core.management.base import CommandError

    settings.FIELD_KEY_FILE = Path(settings.DATA_DIR) / "field_keys"
    settings.FIELD_KEYS_FROM_ENVIRONMENT = False
    with pytest.raises(CommandError, match="--allow-key-in-data-dir"):
        call_command("serve", "--no-migrate")
