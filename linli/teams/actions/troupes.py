"""A troupe's rehearsals and performances (the 文体 team's 舞龙队, 腰鼓队, 民歌合唱队).

A troupe is a sub-team: its own roster and its own leader (the team actions). A rehearsal or a
performance is an activity of the troupe, created and published through the activities'
actions, so sign-ups, check-ins and verified hours work as for any activity; a rehearsal is for
the troupe's members only, a performance is open to the station's volunteers. The troupe's
leader or the station's staff create them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.activities.actions.lifecycle import ActivityInput, activity_create, activity_publish
from linli.audit.actions import audit_record
from linli.core.categories import ServiceCategory
from linli.teams.access import can_manage_team
from linli.teams.models import Team, TeamMembership, TroupeActivity, TroupeActivityKind


@dataclass(frozen=True)
class TroupeEventInput:
    kind: str
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    description: str = ""


@transaction.atomic
def troupe_event_create(*, troupe: Team, data: TroupeEventInput, actor: Any) -> TroupeActivity:
    """A published rehearsal or performance of a troupe (a sub-team); its leader or staff."""
    if actor is not None and not can_manage_team(actor, troupe):
        raise PermissionDenied("troupe")
    if troupe.parent_id is None:
        raise ValidationError({"troupe": [_("排练和演出属于分队，请在分队页面安排。")]})
    if data.kind not in TroupeActivityKind.values:
        raise ValidationError({"kind": [_("请选择排练或演出。")]})
    leading = (
        TeamMembership.objects.filter(
            team=troupe, role=TeamMembership.Role.LEADER, status=TeamMembership.Status.ACTIVE
        )
        .select_related("volunteer__person")
        .first()
    )
    leader = leading.volunteer if leading else None
    activity = activity_create(
        station=troupe.station,
        data=ActivityInput(
            title=data.title,
            category=ServiceCategory.CULTURE,
            place=data.place,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            capacity=data.capacity,
            responsible_name=leader.person.name if leader else troupe.name,
            responsible_phone=leader.person.phone if leader else "",
            team=troupe,
            description=data.description,
            members_only=data.kind == TroupeActivityKind.REHEARSAL,
        ),
        actor=actor,
    )
    activity = activity_publish(activity=activity, actor=actor)
    event = TroupeActivity.objects.create(activity=activity, troupe=troupe, kind=data.kind)
    audit_record(
        actor=actor, action="troupe.event_create", target=troupe, station=troupe.station,
        after={"activity": activity.pk, "kind": data.kind},
    )  # fmt: skip
    return event
