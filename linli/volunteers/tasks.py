"""The volunteer import's two background steps, run by the task worker.

Each is queued by its action in `volunteers.importing` once the job row is committed: the dry run
writes only the job's report, the import writes volunteers through `volunteer_register` (and
`volunteer_approve`) and nothing else.
"""

from django_tasks import task

from linli.volunteers.importing import run_volunteer_import_check, run_volunteer_import_commit


@task()
def check_volunteer_import(job_id: int) -> str:
    return run_volunteer_import_check(job_id).status


@task()
def commit_volunteer_import(job_id: int) -> str:
    return run_volunteer_import_commit(job_id).status
