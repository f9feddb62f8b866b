"""A centre's pages: the list, the centre's page (today, the year's person-times as a chart, its
activities), attendance by day, month and year, and the caregivers' list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import has_role, visible_stations
from linli.accounts.models import User
from linli.activities.access import seen_by
from linli.activities.models import Activity, ActivityStatus
from linli.core.errors import DomainError
from linli.core.phone import normalize_phone
from linli.daycare import access, queries
from linli.daycare.actions.centres import (
    CentreInput,
    centre_create,
    centre_staff_add,
    centre_staff_remove,
)
from linli.daycare.forms import CentreForm, StaffForm
from linli.daycare.models import CentreAttendance, CentreStaff
from linli.org.models import Station


@require_safe
@login_required
def centre_list(request: HttpRequest) -> HttpResponse:
    centres = access.centres_for_user(request.user).select_related("station")
    if not has_role(request.user, *access.CENTRE_ROLES):
        raise PermissionDenied  # a caregiver not yet at a centre is told so on the page
    counts = queries.member_counts(centres)
    rows = [(centre, counts.get(centre.pk, 0)) for centre in centres.order_by("opened_on")]
    can_create = visible_stations(request.user, roles=access.RUN_ROLES).exists()
    return render(request, "daycare/centres.html", {"rows": rows, "can_create": can_create})


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    return year if 1990 <= year <= 2100 else timezone.localdate().year


def _month_chart(year: int, by_month: list[tuple[int, int]]) -> dict[str, Any]:
    return {
        "kind": "bar",
        "title": _("%(year)d 年各月服务人次") % {"year": year},
        "labels": [_("%(month)d月") % {"month": month} for month, _count in by_month],
        "values": [count for _month, count in by_month],
    }


@require_safe
@login_required
def centre_detail(request: HttpRequest, centre_id: int) -> HttpResponse:
    """The centre: its facts, today's count, the year's person-times by month, its activities."""
    centre, standing = access.get_centre_for_user(request.user, centre_id)
    year = _year(request)
    by_month = queries.monthly_person_times(centre, year)
    chart = _month_chart(year, by_month)
    activities = (
        Activity.objects.filter(seen_by(request.user), station=centre.station, place=centre.name)
        .exclude(status=ActivityStatus.CANCELLED)
        .order_by("-starts_at")[:8]
    )
    today_stays = CentreAttendance.objects.filter(centre=centre, day=timezone.localdate())
    return render(
        request,
        "daycare/centre.html",
        {
            "centre": centre,
            "standing": standing,
            "year": year,
            "chart": chart,
            "chart_rows": list(zip(chart["labels"], chart["values"], strict=True)),
            "year_total": sum(count for _month, count in by_month),
            "by_year": queries.yearly_person_times(centre),
            "members": queries.member_counts(
                access.centres_for_user(request.user).filter(pk=centre.pk)
            ).get(centre.pk, 0),
            "today_count": queries.person_times(today_stays),
            "activities": activities,
        },
    )


@require_safe
@login_required
def attendance_page(request: HttpRequest, centre_id: int) -> HttpResponse:
    """Attendance by day (who came, for staff and caregivers), month and year (counts)."""
    centre, standing = access.get_centre_for_user(request.user, centre_id)
    year = _year(request)
    raw_month = request.GET.get("month", "")
    month = int(raw_month) if raw_month.isdigit() and 1 <= int(raw_month) <= 12 else None
    raw_day = request.GET.get("day", "")
    try:
        day = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        day = None
    if day is not None and not 1990 <= day.year <= 2100:
        day = None
    context: dict[str, Any] = {
        "centre": centre,
        "standing": standing,
        "year": year,
        "month": month,
        "day": day,
        "by_month": queries.monthly_person_times(centre, year),
        "by_year": queries.yearly_person_times(centre),
    }
    if month is not None:
        context["by_day"] = queries.daily_person_times(centre, year, month)
    if day is not None and standing.keeps_attendance:
        context["stays"] = queries.attendance_on(centre, day)
    return render(request, "daycare/attendance.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def staff_page(request: HttpRequest, centre_id: int) -> HttpResponse:
    """The caregivers who work at the centre: station staff add and remove them."""
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="manage")
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(phone=normalize_phone(form.cleaned_data["phone"])).first()
        try:
            if user is None:
                raise ValidationError({"phone": [_("没有这个手机号的账户。")]})
            centre_staff_add(centre=centre, user=user, actor=request.user)
        except ValidationError as error:
            form.attach_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已添加护理员。"))
            return redirect("daycare:staff", centre_id=centre.pk)
    posts = CentreStaff.objects.filter(centre=centre, active=True).select_related("user")
    return render(request, "daycare/staff.html", {"centre": centre, "posts": posts, "form": form})


@require_POST
@login_required
def staff_remove(request: HttpRequest, centre_id: int, post_id: int) -> HttpResponse:
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="manage")
    post = CentreStaff.objects.filter(centre=centre, pk=post_id).first()
    if post is None:
        raise Http404("post")
    try:
        centre_staff_remove(post=post, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已移出本中心。"))
    return redirect("daycare:staff", centre_id=centre.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def centre_new(request: HttpRequest) -> HttpResponse:
    """A new centre at a station the user runs (station staff, admin)."""
    stations = visible_stations(request.user, roles=access.RUN_ROLES).filter(
        kind=Station.Kind.STATION
    )
    station = stations.filter(code=request.GET.get("station", "")).first() or stations.first()
    if station is None:
        raise PermissionDenied
    form = CentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            centre = centre_create(
                station=station, data=CentreInput(**form.cleaned_data), actor=request.user
            )
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("照料中心已建立。"))
            return redirect("daycare:centre", centre_id=centre.pk)
    return render(request, "daycare/centre_new.html", {"form": form, "station": station})
