"""Imports whose worker died are queued again, and sheets no one finished are deleted after a day
(issue: hardening). The periodic sweep runs over both imports' jobs."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.people.models import ImportJob, Resident
from linli.volunteers.models import Volunteer, VolunteerImportJob
from tests import test_resident_import as residents
from tests import test_volunteer_xlsx as volunteers

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def sweep(capture: Any, **when: Any) -> dict[str, dict[str, list[int]]]:
    from linli.ops.tasks import import_jobs_sweep

    with capture(execute=True):
        return import_jobs_sweep(**when)


def as_if_the_worker_died(job: Any, status: str, *, minutes_ago: int) -> Any:
    """The job left in `status`, last heard of `minutes_ago`: what a killed worker leaves."""
    type(job).objects.filter(pk=job.pk).update(
        status=status, heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    job.refresh_from_db()
    return job


def resident_sheet(count: int = 6) -> bytes:
    return residents.workbook_bytes(residents.template_rows(*residents.family_rows(count)))


def uploaded_only(client: Any, capture: Any) -> ImportJob:
    """An uploaded sheet whose check was never run (its queued task is dropped)."""
    with capture(execute=False):
        response = residents.upload(client, resident_sheet())
    assert response.status_code == 302
    return ImportJob.objects.latest("pk")


def test_a_check_whose_worker_died_runs_again(registry, world, django_capture_on_commit_callbacks):
    client = residents.staff(world)
    stuck = as_if_the_worker_died(
        uploaded_only(client, django_capture_on_commit_callbacks), Status.CHECKING, minutes_ago=60
    )
    # A check that is still stirring is left alone.
    alive = as_if_the_worker_died(
        uploaded_only(client, django_capture_on_commit_callbacks), Status.CHECKING, minutes_ago=2
    )
    swept = sweep(django_capture_on_commit_callbacks)
    assert swept["residents"]["requeued"] == [stuck.pk]
    stuck.refresh_from_db()
    alive.refresh_from_db()
    assert (stuck.status, stuck.valid_rows, stuck.bad_rows) == (Status.CHECKED, 6, 0)
    assert stuck.file  # checked and importable: the sheet waits for the confirmation
    assert alive.status == Status.CHECKING
    # A second sweep finds nothing to do.
    assert sweep(django_capture_on_commit_callbacks)["residents"]["requeued"] == []


def test_an_import_whose_worker_died_is_committed_once(
    registry, world, django_capture_on_commit_callbacks
):
    client = residents.staff(world)
    job = residents.upload_and_check(client, resident_sheet(), django_capture_on_commit_callbacks)
    assert job.can_commit
    before = Resident.objects.count()
    # The worker died inside the import's transaction: nothing of it was kept.
    job = as_if_the_worker_died(job, Status.COMMITTING, minutes_ago=30)
    sheet = Path(job.file.path)
    swept = sweep(django_capture_on_commit_callbacks)
    assert swept["residents"]["requeued"] == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.DONE, job.report
    assert Resident.objects.count() - before == 6
    assert not job.file and not sheet.exists()
    assert sweep(django_capture_on_commit_callbacks)["residents"]["requeued"] == []
    assert Resident.objects.count() - before == 6


def test_a_volunteer_import_whose_worker_died_is_committed(
    corps, world, django_capture_on_commit_callbacks
):
    client = volunteers.staff(world)
    rows = volunteers.template_rows(
        volunteers.person("赵兰芳", date(1962, 7, 15), 31, "13955550001"),
        volunteers.person("孙浩", date(1990, 9, 9), 50, "13955550002"),
    )
    job = volunteers.upload_and_check(
        client, volunteers.workbook_bytes(rows), django_capture_on_commit_callbacks
    )
    assert job.can_commit, job.report
    before = Volunteer.objects.count()
    job = as_if_the_worker_died(job, VolunteerImportJob.Status.COMMITTING, minutes_ago=30)
    assert sweep(django_capture_on_commit_callbacks)["volunteers"]["requeued"] == [job.pk]
    job.refresh_from_db()
    assert job.status == VolunteerImportJob.Status.DONE, job.report
    assert Volunteer.objects.count() - before == 2


def test_a_sheet_no_one_confirmed_is_deleted_after_a_day(
    registry, world, django_capture_on_commit_callbacks
):
    client = residents.staff(world)
    job = residents.upload_and_check(client, resident_sheet(), django_capture_on_commit_callbacks)
    sheet = Path(job.file.path)
    assert sheet.exists()
    # Half a day on, the sheet still waits for its confirmation.
    assert sweep(django_capture_on_commit_callbacks, now=timezone.now() + timedelta(hours=12)) == {
        "residents": {"discarded": [], "abandoned": [], "requeued": []},
        "volunteers": {"discarded": [], "abandoned": [], "requeued": []},
    }
    assert sheet.exists()
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert sweep(django_capture_on_commit_callbacks, now=later)["residents"]["abandoned"] == [
        job.pk
    ]
    job.refresh_from_db()
    assert job.status == Status.FAILED and "超过一天" in job.report["message"]
    assert not job.file and not sheet.exists()
    # The job's page says so; nothing can be imported from it any more.
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "超过一天" in page


def test_a_finished_job_left_with_its_sheet_loses_it(
    registry, world, django_capture_on_commit_callbacks
):
    client = residents.staff(world)
    job = residents.upload_and_check(client, resident_sheet(), django_capture_on_commit_callbacks)
    sheet = Path(job.file.path)
    # The worker died after the import's transaction, before deleting the sheet.
    ImportJob.objects.filter(pk=job.pk).update(status=Status.DONE)
    assert sweep(django_capture_on_commit_callbacks)["residents"]["discarded"] == [job.pk]
    job.refresh_from_db()
    assert not job.file and not sheet.exists()


def test_the_sweep_is_scheduled_every_ten_minutes(db, django_capture_on_commit_callbacks):
    from linli.ops.tasks import next_import_sweep_time, schedule_import_sweep

    now = timezone.now().replace(minute=3, second=0, microsecond=0)
    assert next_import_sweep_time(now) == now.replace(minute=10)
    with django_capture_on_commit_callbacks() as queued:
        assert schedule_import_sweep(now)
        assert not schedule_import_sweep(now)  # one per slot
    assert len(queued) == 1
