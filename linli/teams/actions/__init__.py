"""Teams (志愿服务队) and their rosters: every write to a team or a membership goes through here.

A team belongs to one station; a sub-group (the 文体 team's 舞龙队, 腰鼓队, 民歌合唱队) hangs under a
top-level team of the same station, one level deep only.

A membership is one row per team and volunteer, reused when someone comes back; its status walks
MEMBERSHIP_TRANSITIONS. A team has at most one leader: an active member whose membership has the
leader role, and who holds the `team_leader` role at the station while they lead any team there.

Permission is checked by the callers through linli.teams.access (leaders manage only their
own teams; only staff create teams and set leaders); these functions keep the data's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import actions as account_actions
from linli.accounts.models import Role, RoleAssignment
from linli.audit.actions import audit_record
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.teams.models import Team, TeamCategory, TeamMembership
from linli.volunteers.models import Course, Volunteer

Status = TeamMembership.Status
NO_ROW = ""

# The membership machine: from → the states it may go to ("" is "no row yet").
MEMBERSHIP_TRANSITIONS: dict[str, set[str]] = {
    NO_ROW: {Status.REQUESTED, Status.ACTIVE},
    Status.REQUESTED: {Status.ACTIVE, Status.DECLINED},
    Status.ACTIVE: {Status.REMOVED},
    Status.DECLINED: {Status.REQUESTED, Status.ACTIVE},
    Status.REMOVED: {Status.REQUESTED, Status.ACTIVE},
}

NAME_MAX = 100
TEAM_FIELDS = ("name", "description", "parent")


# --- teams -----------------------------------------------------------------------------------------


def _clean_categories(categories: Iterable[str]) -> list[str]:
    wanted = sorted(set(categories))
    unknown = set(wanted) - set(ServiceCategory.values)
    if unknown:
        raise ValidationError(
            {"categories": [_("未知服务类别：%(codes)s") % {"codes": "、".join(sorted(unknown))}]}
        )
    return wanted


def _clean_name(station: Station, name: str, *, team: Team | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写队伍名称。")]})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": [_("队伍名称不能超过 100 个字。")]})
    same = Team.objects.filter(station=station, name=name)
    if team is not None:
        same = same.exclude(pk=team.pk)
    if same.exists():
        raise ValidationError({"name": [_("本站已有同名的服务队。")]})
    return name


def _check_parent(station: Station, parent: Team | None, *, team: Team | None = None) -> None:
    """A sub-group's parent is a top-level team of the same station; a team with sub-groups
    cannot become a sub-group itself (one level only)."""
    if parent is None:
        return
    if parent.station_id != station.pk:
        raise ValidationError({"parent": [_("上级队伍必须属于同一站点。")]})
    if parent.parent_id is not None:
        raise ValidationError({"parent": [_("上级队伍必须是一级服务队，分队下不能再设分队。")]})
    if team is not None and parent.pk == team.pk:
        raise ValidationError({"parent": [_("队伍不能作为自己的上级。")]})
    if team is not None and team.subgroups.exists():
        raise ValidationError({"parent": [_("该队下设分队，不能再归入其他队伍。")]})


@transaction.atomic
def team_create(
    *,
    station: Station,
    name: str,
    parent: Team | None = None,
    description: str = "",
    categories: Iterable[str] = (),
    actor: Any,
) -> Team:
    """Create a team (or, with `parent`, a sub-group) at a 站; names are unique per station."""
    if station.kind != Station.Kind.STATION:
        raise ValidationError({"station": [_("服务队只能设在实践站。")]})
    name = _clean_name(station, name)
    _check_parent(station, parent)
    codes = _clean_categories(categories)
    team = Team.objects.create(
        station=station, parent=parent, name=name, description=description.strip()
    )
    TeamCategory.objects.bulk_create(TeamCategory(team=team, category=code) for code in codes)
    audit_record(
        actor=actor,
        action="team.create",
        target=team,
        station=station,
        after={"name": name, "parent": parent.pk if parent else None, "categories": codes},
    )
    return team


def _team_state(team: Team) -> dict[str, Any]:
    return {
        "name": team.name,
        "description": team.description,
        "parent": team.parent_id,
        "categories": sorted(team.categories.values_list("category", flat=True)),
    }


@transaction.atomic
def team_update(*, team: Team, changes: dict[str, Any], actor: Any) -> Team:
    """Change a team's name, description, parent or service categories; audited before/after."""
    unknown = set(changes) - {*TEAM_FIELDS, "categories"}
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    locked = Team.objects.select_for_update().select_related("station").get(pk=team.pk)
    before = _team_state(locked)
    fields: list[str] = []
    if "name" in changes:
        locked.name = _clean_name(locked.station, changes["name"], team=locked)
        fields.append("name")
    if "description" in changes:
        locked.description = (changes["description"] or "").strip()
        fields.append("description")
    if "parent" in changes:
        _check_parent(locked.station, changes["parent"], team=locked)
        locked.parent = changes["parent"]
        fields.append("parent")
    if fields:
        locked.save(update_fields=fields)
    if "categories" in changes:
        wanted = set(_clean_categories(changes["categories"]))
        TeamCategory.objects.filter(team=locked).exclude(category__in=wanted).delete()
        have = set(TeamCategory.objects.filter(team=locked).values_list("category", flat=True))
        TeamCategory.objects.bulk_create(
            TeamCategory(team=locked, category=code) for code in sorted(wanted - have)
        )
    audit_record(
        actor=actor,
        action="team.update",
        target=locked,
        station=locked.station,
        before=before,
        after=_team_state(locked),
    )
    return locked


@transaction.atomic
def team_require_course(*, team: Team, course: Course, actor: Any) -> None:
    """Add a course to the team's training rule (see linli.teams.qualification)."""
    locked = Team.objects.select_for_update().select_related("station").get(pk=team.pk)
    if course.station_id != locked.station_id:
        raise ValidationError({"course": [_("只能要求本站开设的培训课程。")]})
    if locked.required_courses.filter(pk=course.pk).exists():
        raise DomainError(
            "already_required", _("该队已要求“%(course)s”。") % {"course": course.name}, status=409
        )
    locked.required_courses.add(course)
    audit_record(
        actor=actor,
        action="team.require_course",
        target=locked,
        station=locked.station,
        after={"course": course.pk, "name": course.name},
    )


@transaction.atomic
def team_unrequire_course(*, team: Team, course: Course, actor: Any) -> None:
    """Take a course out of the team's training rule."""
    locked = Team.objects.select_for_update().select_related("station").get(pk=team.pk)
    if not locked.required_courses.filter(pk=course.pk).exists():
        raise DomainError(
            "not_required", _("该队没有要求“%(course)s”。") % {"course": course.name}, status=409
        )
    locked.required_courses.remove(course)
    audit_record(
        actor=actor,
        action="team.unrequire_course",
        target=locked,
        station=locked.station,
        before={"course": course.pk, "name": course.name},
    )


# --- memberships -----------------------------------------------------------------------------------


def _lock_team(team: Team) -> Team:
    """Every roster change locks the team row first: one roster change per team at a time."""
    return Team.objects.select_for_update().select_related("station").get(pk=team.pk)


def _locked_membership(team: Team, volunteer_id: int) -> TeamMembership | None:
    return (
        TeamMembership.objects.select_for_update()
        .filter(team=team, volunteer_id=volunteer_id)
        .first()
    )


def _check_volunteer(team: Team, volunteer: Volunteer) -> Volunteer:
    """The volunteer, re-read: of the team's station, and active (在册)."""
    fresh = Volunteer.objects.select_related("person").get(pk=volunteer.pk)
    if fresh.station_id != team.station_id:
        raise ValidationError({"volunteer": [_("只能加入本站的服务队。")]})
    if fresh.status != Volunteer.Status.ACTIVE:
        raise DomainError(
            "volunteer_not_active",
            _("志愿者当前状态为“%(status)s”，只有在册志愿者可以加入服务队。")
            % {"status": fresh.get_status_display()},
            status=409,
        )
    return fresh


def _refuse_taken(membership: TeamMembership | None) -> None:
    """The two conflicts a person meets most, worded for them."""
    if membership is None:
        return
    if membership.status == Status.ACTIVE:
        raise DomainError("already_member", _("已经是该队队员。"), status=409)
    if membership.status == Status.REQUESTED:
        raise DomainError("request_open", _("已申请加入该队，正在等待队长审核。"), status=409)


def _move(
    team: Team,
    volunteer: Volunteer,
    membership: TeamMembership | None,
    target: str,
    *,
    action: str,
    actor: Any,
    note: str = "",
) -> TeamMembership:
    """Walk a (locked) membership along MEMBERSHIP_TRANSITIONS, creating the row when new."""
    current = membership.status if membership is not None else NO_ROW
    if target not in MEMBERSHIP_TRANSITIONS[current]:
        raise DomainError(
            "invalid_transition",
            _("队员当前状态为“%(status)s”，不能进行此操作。")
            % {"status": membership.get_status_display() if membership else _("未加入")},
            status=409,
        )
    now = timezone.now()
    decider = actor if getattr(actor, "is_authenticated", False) else None
    if membership is None:
        membership = TeamMembership(team=team, volunteer=volunteer, requested_at=now)
    membership.status = target
    membership.note = note.strip()[:200]
    if target == Status.REQUESTED:
        membership.requested_at = now
        membership.decided_at = None
        membership.decided_by = None
    else:
        membership.decided_at = now
        membership.decided_by = decider
    if target != Status.ACTIVE:
        membership.role = TeamMembership.Role.MEMBER
    if membership.pk is None:
        membership.save()
    else:
        membership.save(
            update_fields=["status", "role", "note", "requested_at", "decided_at", "decided_by"]
        )
    audit_record(
        actor=actor,
        action=action,
        target=membership,
        station=team.station,
        before={"status": current},
        after={"status": target, "volunteer": volunteer.pk, "team": team.pk, "note": note},
    )
    return membership


@transaction.atomic
def membership_request(
    *, team: Team, volunteer: Volunteer, actor: Any, note: str = ""
) -> TeamMembership:
    """A volunteer asks to join a team of their station: active volunteers only, one open
    request (or membership) per team. Missing training does not stop a request — the training
    rule is checked when work is assigned — but the page tells them what is missing."""
    locked_team = _lock_team(team)
    volunteer = _check_volunteer(locked_team, volunteer)
    membership = _locked_membership(locked_team, volunteer.pk)
    _refuse_taken(membership)
    return _move(
        locked_team,
        volunteer,
        membership,
        Status.REQUESTED,
        action="team.member_request",
        actor=actor,
        note=note,
    )


@transaction.atomic
def membership_decide(
    *, membership: TeamMembership, approve: bool, actor: Any, note: str = ""
) -> TeamMembership:
    """The team's leader or staff approve (→ active) or decline (→ declined) an open request.
    Approval re-checks that the volunteer is still active."""
    locked_team = _lock_team(membership.team)
    locked = _locked_membership(locked_team, membership.volunteer_id)
    if locked is None or locked.status != Status.REQUESTED:
        raise DomainError("not_requested", _("该申请已处理或已撤回。"), status=409)
    volunteer = locked.volunteer
    if approve:
        volunteer = _check_volunteer(locked_team, volunteer)
    target = Status.ACTIVE if approve else Status.DECLINED
    action = "team.member_approve" if approve else "team.member_decline"
    return _move(locked_team, volunteer, locked, target, action=action, actor=actor, note=note)


@transaction.atomic
def member_add(*, team: Team, volunteer: Volunteer, actor: Any, note: str = "") -> TeamMembership:
    """The leader or staff put an active volunteer of the station straight into the team (an
    open request of theirs is thereby granted). Already a member: 409."""
    locked_team = _lock_team(team)
    volunteer = _check_volunteer(locked_team, volunteer)
    membership = _locked_membership(locked_team, volunteer.pk)
    if membership is not None and membership.status == Status.ACTIVE:
        raise DomainError("already_member", _("已经是该队队员。"), status=409)
    return _move(
        locked_team,
        volunteer,
        membership,
        Status.ACTIVE,
        action="team.member_add",
        actor=actor,
        note=note,
    )


@transaction.atomic
def member_remove(*, membership: TeamMembership, actor: Any, note: str = "") -> TeamMembership:
    """Take an active member off the roster (the row stays, as `removed`). A leader is removed
    only after staff unset them as leader, so a team never loses its leader by accident."""
    locked_team = _lock_team(membership.team)
    locked = _locked_membership(locked_team, membership.volunteer_id)
    if locked is None or locked.status != Status.ACTIVE:
        raise DomainError("not_member", _("该志愿者不在队中。"), status=409)
    if locked.role == TeamMembership.Role.LEADER:
        raise DomainError(
            "is_leader", _("该队员是队长，请先由工作人员撤销其队长职务。"), status=409
        )
    return _move(
        locked_team,
        locked.volunteer,
        locked,
        Status.REMOVED,
        action="team.member_remove",
        actor=actor,
        note=note,
    )


# --- leaders ---------------------------------------------------------------------------------------


def _leads_elsewhere(volunteer: Volunteer, station_id: int, *, besides: int) -> bool:
    return (
        TeamMembership.objects.filter(
            volunteer=volunteer,
            role=TeamMembership.Role.LEADER,
            status=Status.ACTIVE,
            team__station_id=station_id,
        )
        .exclude(team_id=besides)
        .exists()
    )


def _demote(membership: TeamMembership, team: Team, *, actor: Any) -> None:
    """Leader → member; the `team_leader` role at the station goes when they lead no other team
    there (the role is what opens the leader's pages, so it must not outlive the leading)."""
    membership.role = TeamMembership.Role.MEMBER
    membership.save(update_fields=["role"])
    volunteer = (
        Volunteer.objects.select_for_update().select_related("user").get(pk=membership.volunteer_id)
    )
    if not _leads_elsewhere(volunteer, team.station_id, besides=team.pk):
        for assignment in RoleAssignment.objects.filter(
            user=volunteer.user, role=Role.TEAM_LEADER, station_id=team.station_id
        ):
            account_actions.role_revoke(assignment=assignment, actor=actor)
    audit_record(
        actor=actor,
        action="team.leader_unset",
        target=membership,
        station=team.station,
        before={"volunteer": volunteer.pk, "team": team.pk, "role": TeamMembership.Role.LEADER},
    )


@transaction.atomic
def leader_set(*, team: Team, volunteer: Volunteer, actor: Any) -> TeamMembership:
    """Staff make an active member the team's leader: the membership gets the leader role, the
    person the `team_leader` role at the station (granted if not held). A previous leader steps
    back to member (losing the role if they lead nothing else there): one leader per team."""
    locked_team = _lock_team(team)
    membership = _locked_membership(locked_team, volunteer.pk)
    if membership is None or membership.status != Status.ACTIVE:
        raise DomainError("not_member", _("只能任命本队在队队员为队长。"), status=409)
    if membership.role == TeamMembership.Role.LEADER:
        raise DomainError("already_leader", _("该队员已经是队长。"), status=409)
    fresh = _check_volunteer(locked_team, volunteer)
    for previous in TeamMembership.objects.select_for_update().filter(
        team=locked_team, role=TeamMembership.Role.LEADER, status=Status.ACTIVE
    ):
        _demote(previous, locked_team, actor=actor)
    membership.role = TeamMembership.Role.LEADER
    membership.save(update_fields=["role"])
    person = Volunteer.objects.select_for_update().select_related("user").get(pk=fresh.pk)
    held = RoleAssignment.objects.filter(
        user=person.user, role=Role.TEAM_LEADER, station=locked_team.station
    ).exists()
    if not held:
        account_actions.role_grant(
            user=person.user, role=Role.TEAM_LEADER, station=locked_team.station, actor=actor
        )
    audit_record(
        actor=actor,
        action="team.leader_set",
        target=membership,
        station=locked_team.station,
        after={"volunteer": person.pk, "team": locked_team.pk, "role_granted": not held},
    )
    return membership


@transaction.atomic
def leader_unset(*, team: Team, actor: Any) -> TeamMembership:
    """Staff take the leader role off the team's leader, who stays a member; the `team_leader`
    role at the station is revoked when they lead no other team there."""
    locked_team = _lock_team(team)
    membership = (
        TeamMembership.objects.select_for_update()
        .filter(team=locked_team, role=TeamMembership.Role.LEADER, status=Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise DomainError("no_leader", _("该队目前没有队长。"), status=409)
    _demote(membership, locked_team, actor=actor)
    return membership
