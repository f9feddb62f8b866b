from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from linli.accounts import access
from linli.audit.models import AuditLog


@require_safe
@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit log, read-only, newest first, filtered by action or actor phone."""
    if not access.can_read_audit(request.user):
        raise PermissionDenied
    rows = AuditLog.objects.filter(access.audit_station_filter(request.user)).select_related(
        "station"
    )
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        rows = rows.filter(action__startswith=action)
    if actor:
        rows = rows.filter(actor_label__contains=actor)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "action": action, "actor": actor}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "audit/audit_list.html#rows", context)
    return render(request, "audit/audit_list.html", context)
