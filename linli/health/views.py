"""The health pages under `/health/`: a person's records with the trend chart and the entry form,
the station's normal ranges, and the quarterly free checks with their slots and bookings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import in_reach, role_required, visible_stations
from linli.activities.access import seen_by
from linli.activities.models import Activity, ActivityStatus
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.elders.forms import now_local
from linli.health import access, actions
from linli.health.forms import BookForm, RecordForm, SlotsForm, ThresholdForm
from linli.health.models import CheckBooking, CheckSlot, HealthRecord, Metric
from linli.health.panels import health_panel
from linli.org.models import Station
from linli.people.models import Resident


def _checks(station_id: int) -> Any:
    """The station's free health checks: its health activities that are not cancelled."""
    return (
        Activity.objects.filter(station_id=station_id, category=ServiceCategory.HEALTH)
        .exclude(status=ActivityStatus.CANCELLED)
        .order_by("-starts_at")
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def resident_health(request: HttpRequest, resident_id: int) -> HttpResponse:
    """A person's health records, trend chart and the form to add one (staff and the caregivers
    of the person's centre; everyone else 404)."""
    resident = access.get_health_resident_for_user(request.user, resident_id)
    form = RecordForm(
        request.POST or None,
        checks=_checks(resident.station_id)[:12],
        initial={"measured_at": now_local()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.health_record_create(
                resident=resident,
                values=form.values(),
                measured_at=form.cleaned_data["measured_at"],
                check_activity=form.cleaned_data["check_activity"],
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("健康记录已保存。"))
            return redirect("health:resident", resident_id=resident.pk)
    return render(
        request,
        "health/resident.html",
        {"resident": resident, "health": health_panel(request.user, resident), "form": form},
    )


def _staff_station(request: HttpRequest) -> Station:
    stations = visible_stations(request.user, roles=access.STAFF_ROLES).filter(
        kind=Station.Kind.STATION
    )
    code = request.GET.get("station") or request.POST.get("station")
    station = stations.filter(code=code).first() if code else stations.first()
    if station is None:
        raise Http404("station")
    return station


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*access.STAFF_ROLES)
def thresholds(request: HttpRequest) -> HttpResponse:
    """The station's normal ranges; a value outside one alerts the staff."""
    station = _staff_station(request)
    form = ThresholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.threshold_set(
                station=station, metric=data["metric"], low=data["low"], high=data["high"],
                actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("指标范围已保存。"))
            return redirect("health:thresholds")
    ranges = actions.thresholds_for(station)
    rows = [(label, *ranges[code]) for code, label in Metric.choices]
    alerts = (
        HealthRecord.objects.filter(station=station, alert=True)
        .select_related("resident")
        .order_by("-measured_at")[:20]
    )
    return render(
        request,
        "health/thresholds.html",
        {"station": station, "rows": rows, "form": form, "alerts": alerts},
    )


@require_safe
@login_required
@role_required(*access.COUNT_ROLES)
def check_list(request: HttpRequest) -> HttpResponse:
    """The free health checks of the stations in reach, with bookings and records counted."""
    stations = visible_stations(request.user, roles=access.COUNT_ROLES).values("pk")
    checks = (
        Activity.objects.filter(seen_by(request.user))
        .filter(station_id__in=stations, category=ServiceCategory.HEALTH)
        .exclude(status=ActivityStatus.CANCELLED)
        .annotate(
            bookings=Count("check_slots__bookings", distinct=True),
            records=Count("health_records", distinct=True),
        )
        .order_by("-starts_at")[:40]
    )
    return render(request, "health/checks.html", {"checks": checks})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*access.COUNT_ROLES)
def check_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    """One check: its slots with the people booked (staff book people in); supervisors see the
    counts only."""
    activity = (
        in_reach(
            Activity.objects.filter(seen_by(request.user)).select_related("station"),
            request.user,
            roles=access.COUNT_ROLES,
        )
        .filter(pk=activity_id, category=ServiceCategory.HEALTH)
        .first()
    )
    if activity is None:
        raise Http404("check")
    runs = access.runs_station(request.user, activity.station)
    slots = CheckSlot.objects.filter(activity=activity).annotate(taken=Count("bookings"))
    slots_form = SlotsForm(request.POST if "minutes" in request.POST else None)
    book_form = BookForm(request.POST if "slot" in request.POST else None, slots=slots)
    if request.method == "POST":
        if not runs:
            raise PermissionDenied
        try:
            if slots_form.is_bound and slots_form.is_valid():
                actions.check_slots_create(
                    activity=activity, actor=request.user, **slots_form.cleaned_data
                )
                messages.success(request, _("时段已设好。"))
                return redirect("health:check", activity_id=activity.pk)
            if book_form.is_bound and book_form.is_valid():
                matches = list(
                    Resident.objects.filter(
                        station=activity.station,
                        name=book_form.cleaned_data["name"].strip(),
                        status=Resident.Status.LIVING,
                    )[:2]
                )
                if len(matches) != 1:
                    book_form.add_error(
                        "name",
                        _("本站没有这位居民。")
                        if not matches
                        else _("有多位同名居民，请到老人档案页预约。"),
                    )
                else:
                    actions.check_book(
                        slot=book_form.cleaned_data["slot"], resident=matches[0], actor=request.user
                    )
                    messages.success(request, _("已预约。"))
                    return redirect("health:check", activity_id=activity.pk)
        except ValidationError as error:
            (slots_form if slots_form.is_bound else book_form).attach_errors(error)
        except DomainError as error:
            messages.error(request, error.message)
    bookings = (
        CheckBooking.objects.filter(activity=activity).select_related("resident", "slot")
        if runs
        else CheckBooking.objects.none()
    )
    return render(
        request,
        "health/check.html",
        {
            "activity": activity,
            "runs": runs,
            "slots": slots,
            "bookings": bookings,
            "slots_form": slots_form,
            "book_form": book_form,
            "records": activity.health_records.count(),
        },
    )


@require_POST
@login_required
@role_required(*access.STAFF_ROLES)
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = (
        in_reach(CheckBooking.objects.select_related("activity__station"), request.user,
                 roles=access.STAFF_ROLES, station_field="activity__station")
        .filter(pk=booking_id)
        .first()
    )  # fmt: skip
    if booking is None:
        raise Http404("booking")
    actions.check_booking_cancel(booking=booking, actor=request.user)
    messages.success(request, _("已取消预约。"))
    return redirect("health:check", activity_id=booking.activity_id)
