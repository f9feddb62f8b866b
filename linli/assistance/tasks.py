"""Background work for service requests: the escalation timers (see timers.py)."""

from django_tasks import task

from linli.assistance.timers import check_timer


@task()
def request_timer(request_id: int, kind: str) -> bool:
    return check_timer(kind, request_id)
