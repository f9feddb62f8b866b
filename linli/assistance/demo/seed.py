"""Writing the planned requests, idempotently, with progress.

The history (requests submitted up to a week ago, all of them ended) is written in bulk by
`history.HistoryWriter`: the rows the assistance actions would have written for each step — the
request's row, its timeline, audit rows, follow-ups, ledger entries (hours, and the points of a
well-rated service) and the inbox rows, already read (the demo inboxes would otherwise hold
thousands of years-old messages) — planned in memory and inserted at once; nothing of it goes out
as a text or a group message. Today's open requests go through the assistance actions with their
`at=` argument, as it happens: the station's staff (王秀梅) enter phoned-in and pasted requests,
dispatch, confirm hours and call back for a rating; the volunteers accept, start and complete
their own; the demo resident account posts and rates its own on the web. Their notifications stay
unread. The menu is put up through the actions too.

The history and the open requests are written in one transaction, so a seed cut short leaves no
request behind, and a station that has the history's requests is left alone: a second run adds
nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.assistance.actions import (
    MenuItemInput,
    RequestInput,
    followup_close,
    menu_category_save,
    menu_item_save,
    request_accept,
    request_cancel,
    request_complete,
    request_confirm_hours,
    request_dispatch,
    request_rate,
    request_reject,
    request_start,
    request_submit,
)
from linli.assistance.demo.history import HistoryWriter
from linli.assistance.demo.menu import MENU
from linli.assistance.demo.plan import RequestPlanner
from linli.assistance.demo.steps import (
    ACCEPT,
    CANCEL,
    CLOSE_FOLLOW_UP,
    COMPLETE,
    CONFIRM,
    DISPATCH,
    OPEN,
    RATE,
    REJECT,
    START,
    SUBMIT,
    TEAM,
    Helper,
    Person,
    PlannedRequest,
    RequestPlan,
    Step,
)
from linli.assistance.demo.tables import MARKER_BEFORE
from linli.assistance.models import (
    FollowUp,
    MenuCategory,
    MenuItem,
    ServiceRequest,
    Urgency,
)
from linli.org.models import Station
from linli.people.models import Resident, ResidentTag
from linli.teams.models import Team, TeamMembership
from linli.volunteers.demo.tables import STAFF_PHONE, STATION_CODE, VOLUNTEER_PHONE
from linli.volunteers.models import Course, TrainingAttendance, Volunteer, VolunteerCategory

Progress = Callable[[str], None]
RESIDENT_PHONE = "13900000005"  # SPEC §6: 李桂英, the demo resident account


# --- the menu ---------------------------------------------------------------------------------------


@transaction.atomic
def seed_menu(station: Station, staff: User | None) -> int:
    """The station's menu: each category and item not on it yet (an existing one is kept as the
    staff left it). Returns how many categories and items were added."""
    teams = {team.name: team for team in Team.objects.filter(station=station)}
    courses = {course.name: course.pk for course in Course.objects.filter(station=station)}
    existing = {
        category.code: category for category in MenuCategory.objects.filter(station=station)
    }
    added = 0
    for spec in MENU:
        category = existing.get(spec.code)
        if category is None:
            category = menu_category_save(
                station=station,
                code=spec.code,
                response_hours=spec.response_hours,
                teams=[teams[name] for name in spec.teams if name in teams],
                actor=staff,
            )
            added += 1
        names = set(category.items.values_list("name", flat=True))
        for position, item in enumerate(spec.items):
            if item.name in names:
                continue
            menu_item_save(
                category=category,
                data=MenuItemInput(
                    name=item.name,
                    description=item.description,
                    skills=item.skills,
                    keywords=item.keywords,
                    required_course_id=courses.get(item.course),
                    response_hours=item.response_hours,
                    position=position,
                ),
                actor=staff,
            )
            added += 1
    return added


# --- reading the registry and the corps ---------------------------------------------------------------


def read_residents(station: Station) -> list[Person]:
    """The station's residents living in a household of the registry, with their tags."""
    tags: dict[int, set[str]] = defaultdict(set)
    for resident_id, tag in ResidentTag.objects.filter(resident__station=station).values_list(
        "resident_id", "tag"
    ):
        tags[resident_id].add(tag)
    rows = Resident.objects.filter(
        station=station, household__isnull=False, status=Resident.Status.LIVING
    ).values_list(
        "pk",
        "name",
        "gender",
        "birth_date",
        "household_id",
        "household__building__estate__name",
        "household__building__number",
        "household__unit",
        "household__room",
    )
    return [
        Person(
            pk=pk,
            name=name,
            gender=gender,
            birth_date=birth_date,
            household=household,
            address=f"{estate}{number}栋{unit}-{room}",
            tags=frozenset(tags[pk]),
        )
        for pk, name, gender, birth_date, household, estate, number, unit, room in rows
    ]


def read_helpers(station: Station) -> tuple[list[Helper], dict[str, frozenset[str]]]:
    """The station's active volunteers (teams, categories, courses attended), and each team's
    required courses."""
    volunteers = Volunteer.objects.filter(station=station, status=Volunteer.Status.ACTIVE)
    teams: dict[int, set[str]] = defaultdict(set)
    for volunteer_id, team in TeamMembership.objects.filter(
        volunteer__in=volunteers, status=TeamMembership.Status.ACTIVE
    ).values_list("volunteer_id", "team__name"):
        teams[volunteer_id].add(team)
    categories: dict[int, set[str]] = defaultdict(set)
    for volunteer_id, code in VolunteerCategory.objects.filter(
        volunteer__in=volunteers
    ).values_list("volunteer_id", "category"):
        categories[volunteer_id].add(code)
    courses: dict[int, set[str]] = defaultdict(set)
    for volunteer_id, course in TrainingAttendance.objects.filter(
        volunteer__in=volunteers, attended=True
    ).values_list("volunteer_id", "session__course__name"):
        courses[volunteer_id].add(course)
    helpers = [
        Helper(
            pk=pk,
            skills=skills,
            teams=frozenset(teams[pk]),
            categories=frozenset(categories[pk]),
            courses=frozenset(courses[pk]),
        )
        for pk, skills in volunteers.order_by("pk").values_list("pk", "skills")
    ]
    rules: dict[str, set[str]] = defaultdict(set)
    for team, course in Course.objects.filter(required_by__station=station).values_list(
        "required_by__name", "name"
    ):
        rules[team].add(course)
    return helpers, {team: frozenset(names) for team, names in rules.items()}


def plan_requests(station: Station, *, now: datetime | None = None) -> RequestPlan:
    """The history and today's open requests, the same on every call for the same community
    and day."""
    helpers, rules = read_helpers(station)
    account = User.objects.filter(phone=RESIDENT_PHONE).first()
    account_person = (
        Resident.objects.filter(station=station, name=account.name, household__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
        if account is not None
        else None
    )
    account_helper = (
        Volunteer.objects.filter(user__phone=VOLUNTEER_PHONE, station=station)
        .values_list("pk", flat=True)
        .first()
    )
    return RequestPlanner(
        read_residents(station),
        helpers,
        rules,
        now=now or timezone.now(),
        account_person=account_person,
        account_helper=account_helper,
    ).plan()


# --- writing ----------------------------------------------------------------------------------------


class RequestWriter:
    def __init__(self, station: Station, plan: RequestPlan) -> None:
        self.station = station
        self.staff = User.objects.filter(phone=STAFF_PHONE).first()
        self.account = User.objects.filter(phone=RESIDENT_PHONE).first()
        self.items = {
            (item.category.code, item.name): item
            for item in MenuItem.objects.filter(category__station=station).select_related(
                "category"
            )
        }
        self.teams = {team.name: team for team in Team.objects.filter(station=station)}
        wanted = {
            step.volunteer
            for planned in [*plan.history, *plan.open_now]
            for step in planned.steps
            if step.volunteer is not None
        }
        self.volunteers = Volunteer.objects.select_related("user", "person").in_bulk(wanted)

    def replay(self, planned_list: list[PlannedRequest]) -> list[ServiceRequest]:
        """Every step of every request, in time order (a request's own steps in their order)."""
        steps = sorted(
            (
                (step.at, index, order, step)
                for index, planned in enumerate(planned_list)
                for order, step in enumerate(planned.steps)
            ),
            key=lambda row: row[:3],
        )
        requests: dict[int, ServiceRequest] = {}
        for _at, index, _order, step in steps:
            planned = planned_list[index]
            if step.action == SUBMIT:  # every plan starts with it
                requests[index] = self.submit(planned, step.at)
            else:
                requests[index] = self.advance(planned, step, requests[index])
        return [requests[index] for index in sorted(requests)]

    def advance(
        self, planned: PlannedRequest, step: Step, service_request: ServiceRequest
    ) -> ServiceRequest:
        """One step after submission, by whoever takes it in life."""
        staff, moment = self.staff, step.at
        requester = self.account if planned.account else None
        assignee = (
            self.volunteers[service_request.volunteer_id].user
            if service_request.volunteer_id in self.volunteers
            else None
        )
        by_requester = requester if step.by_requester and requester is not None else staff
        if step.action == DISPATCH:
            volunteer = self.volunteers[step.volunteer] if step.volunteer is not None else None
            return request_dispatch(
                service_request=service_request,
                actor=staff,
                team=self.teams[step.team] if step.mode == TEAM else None,
                volunteer=volunteer if step.mode not in (TEAM, OPEN) else None,
                open_to_all=step.mode == OPEN,
                note=step.text,
                at=moment,
            )
        if step.action == ACCEPT:
            user = self.volunteers[step.volunteer or 0].user
            return request_accept(service_request=service_request, actor=user, at=moment)
        if step.action == START:
            return request_start(service_request=service_request, actor=assignee, at=moment)
        if step.action == COMPLETE:
            return request_complete(
                service_request=service_request,
                actor=assignee,
                hours=step.hours,
                note=step.text,
                at=moment,
            )
        if step.action == CONFIRM:
            return request_confirm_hours(service_request=service_request, actor=staff, at=moment)
        if step.action == RATE:
            return request_rate(
                service_request=service_request,
                actor=by_requester,
                score=step.score,
                comment=step.text,
                at=moment,
            )
        if step.action == CLOSE_FOLLOW_UP:
            followup = FollowUp.objects.get(request=service_request, closed_at__isnull=True)
            followup_close(followup=followup, actor=staff, outcome=step.text, at=moment)
            return service_request
        if step.action == REJECT:
            return request_reject(
                service_request=service_request, actor=staff, reason=step.text, at=moment
            )
        if step.action == CANCEL:
            return request_cancel(
                service_request=service_request, actor=by_requester, reason=step.text, at=moment
            )
        raise ValueError(step.action)

    def submit(self, planned: PlannedRequest, moment: datetime) -> ServiceRequest:
        """Posted on the web by the account itself; else entered by staff (a call, a visit, a
        relative, a message pasted from the 民情e站 group)."""
        requester = self.account if planned.account else None
        item = self.items[(planned.category, planned.item.name)]
        return request_submit(
            station=self.station,
            data=RequestInput(
                category=planned.category,
                description=planned.description,
                item_id=item.pk,
                urgency=Urgency.URGENT if planned.urgent else Urgency.NORMAL,
                resident_id=planned.resident,
                requester_name=planned.requester_name,
                requester_phone=planned.requester_phone,
                proxy_relation=planned.proxy_relation,
                preferred_at=planned.preferred_at,
                source_text=planned.source_text,
            ),
            channel=planned.channel,
            actor=requester or self.staff,
            requester=requester,
            at=moment,
        )


def has_history(station: Station) -> bool:
    """The marker: requests submitted before MARKER_BEFORE are the demo's history."""
    cutoff = timezone.make_aware(datetime.combine(MARKER_BEFORE, time.min))
    return ServiceRequest.objects.filter(station=station, submitted_at__lt=cutoff).exists()


def describe_history(history: list[PlannedRequest]) -> list[str]:
    by_year: dict[int, Counter[str]] = defaultdict(Counter)
    for planned in history:
        year = timezone.localdate(planned.submitted_at).year
        actions = {step.action for step in planned.steps}
        by_year[year]["requests"] += 1
        for action in (RATE, CLOSE_FOLLOW_UP, REJECT, CANCEL):
            by_year[year][action] += action in actions
    return [
        f"    {year} 年：点单 {counts['requests']}，已评价 {counts[RATE]}，"
        f"差评回访 {counts[CLOSE_FOLLOW_UP]}，未受理 {counts[REJECT]}，取消 {counts[CANCEL]}"
        for year, counts in sorted(by_year.items())
    ]


def seed_requests(progress: Progress | None = None) -> int:
    """焦家社区's service menu, its requests since 2022 and today's open ones; returns how many
    requests were added (0 when the station has the history already)."""
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    staff = User.objects.filter(phone=STAFF_PHONE).first()
    added = seed_menu(station, staff)
    if added:
        report(f"    服务清单：新增类别和项目 {added}")
    if has_history(station):
        return 0
    plan = plan_requests(station)
    writer = RequestWriter(station, plan)
    with transaction.atomic():
        HistoryWriter(writer).write(plan.history)
        for line in describe_history(plan.history):
            report(line)
        today = writer.replay(plan.open_now)
    states = Counter(str(service_request.get_status_display()) for service_request in today)
    report("    今日：" + "，".join(f"{label} {count}" for label, count in states.items()))
    return len(plan.history) + len(today)
