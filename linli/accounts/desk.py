"""The staff home as a working desk: what waits for the signed-in user, counted live from the
rows each app's own gate lets them reach, each count a link to the page where it is dealt with.

A count shows only for a user whose roles reach that work (the same gates the linked pages use),
so a team leader sees the activities to verify and not the volunteer applications. The number of
queries is fixed: one or two per line, never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import in_reach
from linli.activities import access as activity_access
from linli.activities import queries as activity_queries
from linli.activities.actions import lifecycle
from linli.activities.models import Activity, ActivityStatus
from linli.assistance import access as request_access
from linli.assistance.models import FollowUp, RequestStatus, ServiceRequest
from linli.assistance.views.board import Deadlines, board_stations
from linli.ledger import access as ledger_access
from linli.people import access as people_access
from linli.volunteers import access as volunteer_access
from linli.volunteers.models import Volunteer

UPCOMING_LIMIT = 8


@dataclass(frozen=True)
class DeskLine:
    """One kind of waiting work: how many, and how many of them are late."""

    key: str
    label: str
    count: int
    url: str
    overdue: int = 0
    overdue_url: str = ""


@dataclass(frozen=True)
class Desk:
    lines: list[DeskLine]
    upcoming: list[Activity]

    @property
    def waiting(self) -> int:
        return sum(line.count for line in self.lines)


def _request_lines(user: Any, now: datetime, today: date) -> list[DeskLine]:
    if not request_access.can_read_board(user):
        return []
    board = reverse("assistance:board")
    requests = in_reach(ServiceRequest.objects.all(), user, roles=request_access.READ_ROLES)
    overdue_ids = Deadlines(board_stations(user)).overdue_ids(requests, now)
    to_review = requests.filter(status=RequestStatus.SUBMITTED).count()
    dispatched = requests.filter(status=RequestStatus.DISPATCHED).count()
    followups = FollowUp.objects.filter(closed_at__isnull=True, request__in=requests)
    return [
        DeskLine(
            key="review",
            label=str(_("待审核的点单")),
            count=to_review,
            url=f"{board}?status={RequestStatus.SUBMITTED}",
            overdue=len(overdue_ids),
            overdue_url=f"{board}?overdue=on",
        ),
        DeskLine(
            key="dispatched",
            label=str(_("已派出待接单")),
            count=dispatched,
            url=f"{board}?status={RequestStatus.DISPATCHED}",
        ),
        DeskLine(
            key="followups",
            label=str(_("待回访")),
            count=followups.count(),
            url=f"{board}?followup=on",
            overdue=followups.filter(due_on__lt=today).count(),
            overdue_url=f"{board}?followup=on",
        ),
    ]


def _volunteer_lines(user: Any) -> list[DeskLine]:
    if not volunteer_access.can_manage_volunteers(user):
        return []
    pending = volunteer_access.volunteers_managed_by(user).filter(status=Volunteer.Status.PENDING)
    return [
        DeskLine(
            key="volunteers",
            label=str(_("待审核的志愿者")),
            count=pending.count(),
            url=reverse("volunteers:pending"),
        )
    ]


def _account_lines(user: Any) -> list[DeskLine]:
    """Residents' own accounts (signed up by phone) waiting to be matched to their records."""
    if not people_access.can_write_registry(user):
        return []
    return [
        DeskLine(
            key="accounts",
            label=str(_("待关联的居民账号")),
            count=people_access.unlinked_resident_accounts(user).count(),
            url=reverse("people:unlinked_accounts"),
        )
    ]


def _activity_lines(user: Any, today: date) -> list[DeskLine]:
    if not activity_access.can_create_activities(user):
        return []
    overdue_url = reverse("activities:overdue")
    closed = list(
        activity_access.activities_managed_by(user)
        .filter(status=ActivityStatus.CLOSED)
        .only("pk", "status", "ends_at")
    )
    late = sum(1 for activity in closed if lifecycle.is_overdue(activity, today))
    lines = [
        DeskLine(
            key="verify",
            label=str(_("待核定时长的活动")),
            count=len(closed),
            url=overdue_url,
            overdue=late,
            overdue_url=overdue_url,
        )
    ]
    if ledger_access.can_keep_records(user):
        lines.append(
            DeskLine(
                key="corrections",
                label=str(_("待处理的更正申请")),
                count=activity_queries.pending_corrections(user).count(),
                url=reverse("activities:corrections"),
            )
        )
    return lines


def upcoming_activities(user: Any, now: datetime) -> QuerySet[Activity]:
    """The next activities the user runs, soonest first, with their sign-up counts."""
    if not activity_access.can_create_activities(user):
        return Activity.objects.none()
    return activity_queries.with_counts(
        activity_access.activities_managed_by(user).filter(
            status__in=[ActivityStatus.PUBLISHED, ActivityStatus.ONGOING], ends_at__gte=now
        )
    ).order_by("starts_at", "id")[:UPCOMING_LIMIT]


def desk_for(user: Any, *, now: datetime | None = None) -> Desk | None:
    """The user's desk, or None when none of their roles has work of this kind (residents,
    volunteers, the canteen and day-care staff have their own cards)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    lines = [
        *_request_lines(user, now, today),
        *_volunteer_lines(user),
        *_account_lines(user),
        *_activity_lines(user, today),
    ]
    if not lines:
        return None
    return Desk(lines=lines, upcoming=list(upcoming_activities(user, now)))
