"""The resident import's two background steps, run by the task worker.

Each is queued by its action in `people.importing` once the job row is committed, and does its
work through that module's functions: the check writes only the job's report, the commit writes
residents through `people.actions.residents_bulk_create` and nothing else.
"""

from django_tasks import task

from linli.people.importing import run_import_check, run_import_commit


@task()
def check_resident_import(job_id: int) -> str:
    return run_import_check(job_id).status


@task()
def commit_resident_import(job_id: int) -> str:
    return run_import_commit(job_id).status
