"""Writing the demo's history of requests in bulk: the rows the assistance actions would have
written, planned in memory and inserted at once (`linli.core.rows`).

Replaying several hundred requests through the actions (a row lock, the access gate, a save, a
timeline row, an audit row and the inbox rows per step) took most of the step's time; the history
is laid down by the seed alone, in a transaction nobody else writes in, so it needs neither the
locks nor the gate. Each step here does what its action does to the rows, in the action's words:

- the request's row, written once in its final state (status, times, dispatch, hours, rating,
  reason);
- its timeline (`RequestEvent`): each move, the hours confirmed, a follow-up opened and closed;
- an audit row for each move, confirmation and closed follow-up (`AuditLog`, at the moment the
  seed writes it, as `audit_record` stamps it);
- the follow-ups of poor ratings, closed when the plan closes them;
- the ledger: the hours confirmed (`ledger_credit_many`, which keeps the hash chain) and the
  points of a well-rated service (`ledger_post_many`, which also sets the points balances), as
  `request_confirm_hours` and `points_reward_well_rated` post them;
- the inbox rows `tell` writes for each step, to the same people, already read at the moment they
  are written. Their outgoing texts and group messages are not written: a text about a years-old
  step must not reach a phone (with `LINLI_SMS_URL` set it would go to generated numbers).

The checks the actions make (permissions, transitions, eligibility) are not repeated: the plan
only holds steps that pass them, and tests/demo/test_request_history.py writes a small plan both ways and
compares the rows. Bulk inserts send no signals: the summary rollups are recounted after the seed
(`rollups_paused`), and the ledger's bulk API marks its monthly figures stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.assistance import access
from linli.assistance.actions.requests import set_dispatched
from linli.assistance.actions.tell import _what, station_staff
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
    PlannedRequest,
    Step,
)
from linli.assistance.models import (
    Channel,
    FollowUp,
    Rating,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    Urgency,
)
from linli.audit.models import AuditLog
from linli.core.messages import Message, as_stored, choice, words
from linli.core.rows import insert_rows, reserve_ids
from linli.core.workdays import add_working_days
from linli.incentives.rules import rule_for
from linli.ledger.actions import Credit, ledger_credit_many, ledger_post_many
from linli.ledger.models import Account, EntryKind
from linli.notifications.models import Notification
from linli.people.models import Resident
from linli.teams.models import TeamMembership
from linli.volunteers.models import Volunteer

if TYPE_CHECKING:
    from linli.assistance.demo.seed import RequestWriter

INBOX_COLUMNS = [
    "user_id",
    "station_id",
    "kind",
    "title",
    "body",
    "title_code",
    "body_code",
    "params",
    "url",
    "created_at",
    "read_at",
]


def _values(instance: models.Model, columns: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(instance, column) for column in columns)


def _columns(model: type[models.Model], *, with_pk: bool) -> list[str]:
    return [
        field.attname for field in model._meta.concrete_fields if with_pk or not field.primary_key
    ]


class HistoryWriter:
    """The history's rows, planned step by step in time order, then inserted at once."""

    def __init__(self, writer: RequestWriter) -> None:
        # What the seed's writer has read once: the station, its staff, the demo accounts, the
        # menu items, teams and volunteers.
        self.station = writer.station
        self.staff: User | None = writer.staff
        self.account: User | None = writer.account
        self.items = writer.items
        self.teams = writer.teams
        self.volunteers: dict[int, Volunteer] = writer.volunteers
        self.now = timezone.now()
        self.events: list[RequestEvent] = []
        self.audits: list[AuditLog] = []
        self.inbox: list[tuple[Any, ...]] = []  # in the order of INBOX_COLUMNS
        self.urls: dict[int, str] = {}
        self.reprs: dict[int, str] = {}
        self.texts: dict[tuple[str, ...], tuple[str, str, dict[str, Any]]] = {}
        self.followups: dict[int, FollowUp] = {}  # by request id, the open one
        self.all_followups: list[FollowUp] = []
        self.followup_ids: list[int] = []
        self.hours: list[Credit] = []
        self.points: dict[int | None, list[Credit]] = defaultdict(list)  # by acting user id
        self.point_actors: dict[int | None, Any] = {}
        self.well_rated = rule_for(self.station.pk).well_rated_points
        self.staff_users = [
            user for user in station_staff(ServiceRequest(station=self.station)) if user.is_active
        ]
        self.team_users: dict[int, list[User]] = {}
        self.category_users: dict[str, list[User]] = {}

    # --- who hears about it (tell.py) -------------------------------------------------------------

    def members(self, team_id: int) -> list[User]:
        if team_id not in self.team_users:
            self.team_users[team_id] = list(
                User.objects.filter(
                    volunteer__memberships__team_id=team_id,
                    volunteer__memberships__status=TeamMembership.Status.ACTIVE,
                    volunteer__status=Volunteer.Status.ACTIVE,
                ).distinct()
            )
        return self.team_users[team_id]

    def fitting(self, category: str) -> list[User]:
        if category not in self.category_users:
            self.category_users[category] = list(
                User.objects.filter(
                    volunteer__station_id=self.station.pk,
                    volunteer__status=Volunteer.Status.ACTIVE,
                    volunteer__categories__category=category,
                ).distinct()
            )
        return self.category_users[category]

    def send(
        self,
        service_request: ServiceRequest,
        users: Iterable[Any],
        kind: str,
        title: Message | str,
        body: Message | str = "",
    ) -> None:
        """`notify`'s inbox rows, read when written; no delivery (the past is not sent)."""
        seen: set[int] = set()
        title_text, title_code, title_params = self.stored(title)
        body_text, body_code, body_params = self.stored(body)
        row = (
            self.station.pk,
            f"request.{kind}",
            title_text[:100],
            body_text[:500],
            title_code,
            body_code,
            {**body_params, **title_params},
            self.url(service_request),
            self.now,
            self.now,
        )
        for user in users:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            self.inbox.append((user.pk, *row))

    def stored(self, text: Message | str) -> tuple[str, str, dict[str, Any]]:
        """`as_stored`, once for each distinct message (most recur: the same item, the same
        step); the parameters are copied for each row."""
        key = ("message", text.code, repr(text.params)) if isinstance(text, Message) else (text,)
        if key not in self.texts:
            self.texts[key] = as_stored(text)
        chinese, code, params = self.texts[key]
        return chinese, code, dict(params)

    def shown(self, service_request: ServiceRequest) -> str:
        """The request as its audit rows name it (`#12 社区服务`: its category does not change)."""
        if service_request.pk not in self.reprs:
            self.reprs[service_request.pk] = str(service_request)[:200]
        return self.reprs[service_request.pk]

    def url(self, service_request: ServiceRequest) -> str:
        """The request's page, the link of its notifications."""
        if service_request.pk not in self.urls:
            self.urls[service_request.pk] = reverse("assistance:detail", args=[service_request.pk])
        return self.urls[service_request.pk]

    def requester(self, service_request: ServiceRequest) -> list[Any]:
        return [self.account] if service_request.requester_id else []

    def assignee(self, service_request: ServiceRequest) -> list[Any]:
        volunteer = service_request.volunteer
        return [volunteer.user] if volunteer is not None else []

    # --- timeline and audit (actions/base.py) -----------------------------------------------------

    def audit(
        self,
        actor: Any,
        action: str,
        service_request: ServiceRequest,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        user = _user(actor)
        self.audits.append(
            AuditLog(
                at=self.now,
                actor=user,
                actor_label=str(user.phone) if user else "system",
                action=action,
                target_type=service_request._meta.label_lower,
                target_id=str(service_request.pk),
                target_repr=self.shown(service_request),
                station_id=self.station.pk,
                before=before,
                after=after,
                ip=None,
                user_agent="",
            )
        )

    def event(
        self,
        service_request: ServiceRequest,
        actor: Any,
        moment: datetime,
        note: Message | str,
        *,
        kind: str = RequestEvent.Kind.TRANSITION,
        from_status: str = "",
        to_status: str = "",
    ) -> None:
        text, code, params = self.stored(note)
        self.events.append(
            RequestEvent(
                request_id=service_request.pk,
                kind=kind,
                actor=_user(actor),
                at=moment,
                from_status=from_status,
                to_status=to_status,
                note=text[:500],
                note_code=code,
                note_params=params,
            )
        )

    def move(
        self,
        service_request: ServiceRequest,
        to: str,
        actor: Any,
        moment: datetime,
        note: Message | str = "",
    ) -> None:
        before = service_request.status
        service_request.status = to
        self.event(service_request, actor, moment, note, from_status=before, to_status=to)
        text = self.stored(note)[0]
        self.audit(
            actor,
            f"service_request.{to}",
            service_request,
            before={"status": before},
            after={"status": to, **({"note": text[:200]} if text else {})},
        )

    # --- the steps ------------------------------------------------------------------------------

    def write(self, planned_list: list[PlannedRequest]) -> list[ServiceRequest]:
        """Every step of every request, in time order as the replay takes them; then the rows."""
        residents = Resident.objects.select_related("household__building").in_bulk(
            {planned.resident for planned in planned_list if planned.resident is not None}
        )
        ids = reserve_ids(ServiceRequest, len(planned_list))
        # Follow-ups are pointed at by their closing audit rows: their keys come first too.
        poor = sum(
            step.action == RATE and step.score <= 2
            for planned in planned_list
            for step in planned.steps
        )
        self.followup_ids = reserve_ids(FollowUp, poor)
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
            if step.action == SUBMIT:
                requests[index] = self.submit(planned, step.at, ids[index], residents)
            else:
                self.advance(planned, step, requests[index])
        written = [requests[index] for index in sorted(requests)]
        self.flush(written)
        return written

    def submit(
        self,
        planned: PlannedRequest,
        moment: datetime,
        pk: int,
        residents: dict[int, Resident],
    ) -> ServiceRequest:
        """request_submit."""
        requester = self.account if planned.account else None
        actor = requester or self.staff
        item = self.items[(planned.category, planned.item.name)]
        resident = residents[planned.resident] if planned.resident is not None else None
        building, unit, room = None, "", ""
        if resident is not None and resident.household is not None:
            building = resident.household.building
            unit, room = resident.household.unit, resident.household.room
        name = planned.requester_name.strip()
        phone = planned.requester_phone.strip()
        if requester is not None:
            name = name or requester.name or requester.phone
            phone = phone or requester.phone
        if resident is not None:
            name = name or resident.name
            phone = phone or resident.phone
        urgency = Urgency.URGENT if planned.urgent else Urgency.NORMAL
        service_request = ServiceRequest(
            pk=pk,
            station=self.station,
            channel=planned.channel,
            requester=requester,
            requester_name=name[:50],
            requester_phone=phone[:20],
            proxy_relation=planned.proxy_relation.strip()[:20],
            resident=resident,
            building=building,
            unit=unit[:10],
            room=room[:10],
            address_text="",
            category=planned.category,
            item=item,
            description=planned.description.strip(),
            urgency=urgency,
            preferred_at=planned.preferred_at,
            source_text=planned.source_text[:2000],
            submitted_at=moment,
            created_by=_user(actor),
        )
        self.event(
            service_request,
            actor,
            moment,
            Message("request.via", {"channel": words(Channel(planned.channel).label)}),
            to_status=RequestStatus.SUBMITTED,
        )
        self.audit(
            actor,
            "service_request.submitted",
            service_request,
            after={"category": planned.category, "channel": planned.channel, "urgency": urgency},
        )
        what = _what(service_request)
        urgent = urgency == Urgency.URGENT
        self.send(
            service_request,
            self.staff_users,
            "submitted",
            Message("request.new_urgent" if urgent else "request.new", {"what": what}),
            service_request.description[:200],
        )
        self.send(
            service_request,
            self.requester(service_request),
            "received",
            Message("request.received"),
            Message("request.what", {"what": what}),
        )
        return service_request

    def advance(self, planned: PlannedRequest, step: Step, service_request: ServiceRequest) -> None:
        """One step after submission, by whoever takes it (RequestWriter.advance)."""
        staff, moment = self.staff, step.at
        requester = self.account if planned.account else None
        by_requester = requester if step.by_requester and requester is not None else staff
        if step.action == DISPATCH:
            self.dispatch(service_request, step)
        elif step.action == ACCEPT:
            volunteer = self.volunteers[step.volunteer or 0]
            service_request.volunteer = volunteer
            service_request.accepted_at = moment
            self.move(
                service_request,
                RequestStatus.ACCEPTED,
                volunteer.user,
                moment,
                Message("request.took_it", {"name": volunteer.person.name}),
            )
            what = _what(service_request)
            self.send(
                service_request,
                self.requester(service_request),
                "accepted",
                Message("request.accepted_by", {"name": volunteer.person.name}),
            )
            self.send(
                service_request,
                self.staff_users,
                "accepted",
                Message("request.took", {"name": volunteer.person.name, "what": what}),
            )
        elif step.action == START:
            service_request.started_at = moment
            self.move(
                service_request, RequestStatus.IN_SERVICE, self.assigned(service_request), moment
            )
            self.send(
                service_request,
                self.requester(service_request),
                "started",
                Message("request.started"),
            )
        elif step.action == COMPLETE:
            self.complete(service_request, step)
        elif step.action == CONFIRM:
            self.confirm(service_request, moment)
        elif step.action == RATE:
            self.rate(service_request, step, by_requester)
        elif step.action == CLOSE_FOLLOW_UP:
            self.close_followup(service_request, step)
        elif step.action in (REJECT, CANCEL):
            to = RequestStatus.REJECTED if step.action == REJECT else RequestStatus.CANCELLED
            self.close(service_request, to, staff if step.action == REJECT else by_requester, step)
        else:
            raise ValueError(step.action)

    def assigned(self, service_request: ServiceRequest) -> User | None:
        volunteer = service_request.volunteer
        return volunteer.user if volunteer is not None else None

    def dispatch(self, service_request: ServiceRequest, step: Step) -> None:
        """request_dispatch and tell.dispatched."""
        moment = step.at
        team = self.teams[step.team] if step.mode == TEAM else None
        chosen = self.volunteers[step.volunteer] if step.volunteer is not None else None
        volunteer = chosen if step.mode not in (TEAM, OPEN) else None
        whom = set_dispatched(service_request, team=team, volunteer=volunteer, at=moment)
        note = step.text
        self.move(
            service_request,
            RequestStatus.DISPATCHED,
            self.staff,
            moment,
            Message(
                "request.dispatched_to_with_note" if note else "request.dispatched_to",
                {"whom": whom, "note": note} if note else {"whom": whom},
            ),
        )
        what = {"what": _what(service_request)}
        body = access.visible_description(service_request, contact=False)[:200]
        if volunteer is not None:
            self.send(
                service_request,
                [volunteer.user],
                "dispatched",
                Message("request.dispatched_to_you", what),
                body,
            )
        elif team is not None:
            self.send(
                service_request,
                self.members(team.pk),
                "dispatched",
                Message("request.can_take", what),
                body,
            )
        else:
            self.send(
                service_request,
                self.fitting(service_request.category),
                "dispatched",
                Message("request.grab", what),
                body,
            )
        self.send(
            service_request,
            self.requester(service_request),
            "dispatched",
            Message("request.dispatched"),
        )

    def complete(self, service_request: ServiceRequest, step: Step) -> None:
        """request_complete (no photos) and tell.completed."""
        note = step.text.strip()
        service_request.hours = step.hours.quantize(Decimal("0.01"))
        service_request.completion_note = note[:500]
        service_request.completed_at = step.at
        service_request.rating_reminded_at = None
        self.move(
            service_request,
            RequestStatus.COMPLETED,
            self.assigned(service_request),
            step.at,
            Message("request.served", {"hours": str(service_request.hours), "note": note[:300]}),
        )
        what = _what(service_request)
        self.send(
            service_request,
            self.requester(service_request),
            "completed",
            Message("request.completed"),
            Message("request.what", {"what": what}),
        )
        self.send(
            service_request,
            self.staff_users,
            "completed",
            Message(
                "request.hours_to_confirm", {"what": what, "hours": str(service_request.hours)}
            ),
        )

    def confirm(self, service_request: ServiceRequest, moment: datetime) -> None:
        """request_confirm_hours: one ledger entry of the hours served."""
        volunteer, hours = service_request.volunteer, service_request.hours
        completed = service_request.completed_at
        if volunteer is None or hours is None or completed is None:
            raise ValueError(f"request {service_request.pk} confirmed before it was completed")
        served = service_request.started_at or completed
        self.hours.append(
            Credit(
                volunteer_id=volunteer.pk,
                account=Account.HOURS,
                amount=hours,
                kind=EntryKind.REQUEST,
                served_on=timezone.localdate(served),
                description=_("群众点单：%(what)s")
                % {"what": service_request.item or service_request.get_category_display()},
                source_key=f"request:{service_request.pk}:{int(completed.timestamp())}",
            )
        )
        service_request.hours_confirmed_at = moment
        service_request.hours_confirmed_by = _user(self.staff)
        self.event(
            service_request,
            self.staff,
            moment,
            Message("request.hours_recorded", {"hours": str(hours)}),
            kind=RequestEvent.Kind.NOTE,
            from_status=service_request.status,
            to_status=service_request.status,
        )
        self.audit(
            self.staff,
            "service_request.hours_confirmed",
            service_request,
            after={"hours": str(hours), "volunteer": volunteer.pk},
        )

    def rate(self, service_request: ServiceRequest, step: Step, actor: Any) -> None:
        """request_rate: the rating, a well-rated service's points, a poor one's follow-up."""
        moment, score = step.at, step.score
        service_request.score = score
        service_request.rating_comment = step.text.strip()[:500]
        service_request.rated_at = moment
        service_request.rated_by = _user(actor)
        by_staff = actor is not None and not access.is_requester(actor, service_request)
        label = Rating(score).label
        comment = service_request.rating_comment
        self.move(
            service_request,
            RequestStatus.RATED,
            actor,
            moment,
            Message(
                ("request.rating_by_staff" if by_staff else "request.rating")
                + ("_comment" if comment else ""),
                {"label": words(str(label)), "comment": comment}
                if comment
                else {"label": words(str(label))},
            ),
        )
        volunteer = service_request.volunteer
        if score >= 4 and volunteer is not None and self.well_rated > 0:
            # points_reward_well_rated: posted on the day the seed runs, as the action does.
            user = _user(actor)
            key = user.pk if user is not None else None
            self.point_actors[key] = actor
            self.points[key].append(
                Credit(
                    volunteer_id=volunteer.pk,
                    account=Account.POINTS,
                    amount=self.well_rated,
                    kind=EntryKind.REWARD,
                    served_on=timezone.localdate(),
                    description=_("服务获群众好评（%(score)s 分）：%(number)s")
                    % {"score": score, "number": service_request.pk},
                    source_key=f"points:well_rated:{service_request.pk}",
                )
            )
        if score <= 2:
            due = add_working_days(timezone.localdate(moment), settings.FOLLOWUP_WORKING_DAYS)
            followup = FollowUp(
                pk=self.followup_ids[len(self.all_followups)],
                request_id=service_request.pk,
                score=score,
                opened_at=moment,
                due_on=due,
            )
            self.followups[service_request.pk] = followup
            self.all_followups.append(followup)
            self.event(
                service_request,
                None,
                moment,
                Message("request.followup_opened", {"due": due.isoformat()}),
                kind=RequestEvent.Kind.FOLLOW_UP,
                from_status=service_request.status,
                to_status=service_request.status,
            )
        self.send(
            service_request,
            self.assignee(service_request),
            "rated",
            Message("request.rated", {"label": choice(service_request, "score")}),
            comment,
        )
        if score <= 2:
            self.send(
                service_request,
                self.staff_users,
                "poor_rating",
                Message("request.poor_rating", {"what": _what(service_request)}),
                comment,
            )

    def close_followup(self, service_request: ServiceRequest, step: Step) -> None:
        """followup_close."""
        followup = self.followups.pop(service_request.pk)
        outcome = step.text.strip()
        followup.closed_at = step.at
        followup.closed_by = _user(self.staff)
        followup.outcome = outcome[:500]
        self.event(
            service_request,
            self.staff,
            step.at,
            Message("request.followup_done", {"outcome": outcome[:400]}),
            kind=RequestEvent.Kind.FOLLOW_UP,
            from_status=service_request.status,
            to_status=service_request.status,
        )
        self.audit(
            self.staff,
            "service_request.follow_up_closed",
            service_request,
            after={"followup": followup.pk},
        )

    def close(self, service_request: ServiceRequest, to: str, actor: Any, step: Step) -> None:
        """request_reject and request_cancel (`_close`), and tell.closed."""
        reason = step.text.strip()
        service_request.reason = reason[:200]
        service_request.closed_at = step.at
        self.move(service_request, to, actor, step.at, reason)
        people = [*self.requester(service_request), *self.assignee(service_request)]
        if service_request.dispatch_volunteer is not None:
            people.append(service_request.dispatch_volunteer.user)
        self.send(
            service_request,
            people,
            service_request.status,
            Message(
                "request.closed",
                {"status": choice(service_request, "status"), "what": _what(service_request)},
            ),
            service_request.reason,
        )

    # --- the rows -------------------------------------------------------------------------------

    def flush(self, written: list[ServiceRequest]) -> None:
        columns = _columns(ServiceRequest, with_pk=True)
        insert_rows(ServiceRequest, columns, [_values(row, columns) for row in written])
        columns = _columns(FollowUp, with_pk=True)
        insert_rows(FollowUp, columns, [_values(row, columns) for row in self.all_followups])
        insert_rows(Notification, INBOX_COLUMNS, self.inbox)
        for model, rows in ((RequestEvent, self.events), (AuditLog, self.audits)):
            columns = _columns(model, with_pk=False)
            insert_rows(model, columns, [_values(row, columns) for row in rows])
        ledger_credit_many(credits=self.hours, actor=self.staff)
        for key, credits in self.points.items():
            ledger_post_many(credits=credits, actor=self.point_actors[key])


def _user(actor: Any) -> Any:
    """stored_user: a signed-in user, else None (the system)."""
    return actor if getattr(actor, "is_authenticated", False) else None
