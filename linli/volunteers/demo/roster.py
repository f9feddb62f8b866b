"""The roster import of the demo, written in bulk: the rows `volunteer_register` and then
`volunteer_approve`, `volunteer_reject` or `volunteer_leave` write, for many people at once.

Registering 670 people one by one through the actions costs some forty queries each; here a
batch costs a few dozen queries in all. What each registration leaves is the same as through the
actions (tests/demo/test_volunteers.py writes a few both ways and compares the rows):

- the account (`user.create`, unusable password: imported people set one later), unless the
  registration is for an existing account (a demo login);
- the person: a registry resident found by the ID number gets the two consent rows and
  `consent.record`; someone the registry does not know is created by the people app's own
  `resident_create` (a handful: its rows and `resident.create` audit are that action's); the
  person record is linked to the account;
- the volunteer row in its final state (number, decision, reason), its service categories and
  `volunteer.register`, then each status step's audit row (`volunteer.active`, `volunteer.rejected`,
  `volunteer.left`); an approval grants the `volunteer` role at the station (`role.grant`) and a
  leaving takes it back (`role.revoke`, the assignment gone).

The actions' refusals are checked where the plan could break them (an ID number that does not
parse or disagrees with the plan, a person already a volunteer or linked to another account, a
minor without a guardian, a taken phone): the seed stops with the person's name rather than write
what the actions would have refused. Not repeated here: the recruiter's reward of an approval (a
new volunteer has no recruiter yet) and the monthly figures' stale marks (the seed marks every
station once at its end). Timestamps are one moment per batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.context import current_origin
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.core.categories import ServiceCategory
from linli.core.idcard import IdNumber, parse_id_number
from linli.core.phone import normalize_phone, validate_mobile
from linli.core.rows import insert_rows, reserve_ids
from linli.org.models import Station
from linli.people import actions as people_actions
from linli.people.actions.checks import CONSENT_TEXT_VERSION
from linli.people.models import Consent, Resident
from linli.teams.models import Team, TeamMembership
from linli.volunteers.actions.registration import (
    ADULT_AGE,
    RegistrationInput,
    volunteer_approve,
    volunteer_leave,
    volunteer_register,
    volunteer_reject,
)
from linli.volunteers.consent import CONSENT_VERSION
from linli.volunteers.models import FULL_AVAILABILITY, Volunteer, VolunteerCategory

CHILD_AGE = 14
AUDIT_COLUMNS = ["at", "actor_id", "actor_label", "action", "target_type", "target_id",
                 "target_repr", "station_id", "before", "after", "ip", "user_agent"]  # fmt: skip
FINAL = {"pending", "rejected", "active", "left"}


@dataclass(frozen=True)
class Registration:
    """One person of the roster: what they gave, the account they register with (None: one is
    created), and the status the station's staff then brought them to."""

    data: RegistrationInput
    user: User | None = None
    status: str = "active"
    reason: str = ""


@dataclass
class _Entry:
    registration: Registration
    parsed: IdNumber
    phone: str
    user_id: int = 0
    user_label: str = ""  # str(user): what an audit row naming the account shows
    person_id: int = 0
    person_name: str = ""
    volunteer_id: int = 0
    number: str = ""


class _Audit:
    """Audit rows as `audit_record` writes them, gathered to be inserted together."""

    def __init__(self, station: Station, now: datetime) -> None:
        origin = current_origin.get()
        self.ip = origin.ip if origin else None
        self.user_agent = origin.user_agent if origin else ""
        self.station = station
        self.now = now
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        action: str,
        *,
        actor: _Entry | None,
        target: tuple[str, int, str],
        station: bool = True,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        target_type, target_id, target_repr = target
        self.rows.append(
            (
                self.now,
                actor.user_id if actor else None,
                actor.phone if actor else "system",
                action,
                target_type,
                str(target_id),
                target_repr[:200],
                self.station.pk if station else None,
                before,
                after,
                self.ip,
                self.user_agent,
            )
        )

    def write(self) -> None:
        insert_rows(AuditLog, AUDIT_COLUMNS, self.rows)
        self.rows = []


def register_through_actions(*, station: Station, registration: Registration) -> Volunteer:
    """One registration the way staff would enter it, action by action: what `register_in_bulk`
    writes for many at once (the tests hold the two to the same rows)."""
    volunteer = volunteer_register(
        station=station,
        data=registration.data,
        channel=Volunteer.Channel.IMPORT,
        actor=None,
        user=registration.user,
    )
    if registration.status == "rejected":
        return volunteer_reject(volunteer=volunteer, reason=registration.reason, actor=None)
    if registration.status == "pending":
        return volunteer
    volunteer = volunteer_approve(volunteer=volunteer, actor=None)
    if registration.status == "left":
        volunteer = volunteer_leave(volunteer=volunteer, reason=registration.reason, actor=None)
    return volunteer


def _refuse(registration: Registration, problem: str) -> ValueError:
    return ValueError(f"演示志愿者 {registration.data.name}：{problem}")


def _age(born: date, today: date) -> int:
    return today.year - born.year - int((today.month, today.day) < (born.month, born.day))


def _check(registration: Registration, today: date) -> IdNumber:
    """What `volunteer_register` would refuse of a staff import, short of the database."""
    data = registration.data
    if not data.consent:
        raise _refuse(registration, "未同意承诺书")
    try:
        parsed = parse_id_number(data.id_number, today=today)
    except Exception as error:
        raise _refuse(registration, f"身份证号码无效（{error}）") from error
    if (data.birth_date and data.birth_date != parsed.birth_date) or (
        data.gender and data.gender != parsed.gender
    ):
        raise _refuse(registration, "出生日期或性别与身份证号码不符")
    if _age(parsed.birth_date, today) < ADULT_AGE and not data.guardian_name.strip():
        raise _refuse(registration, "未满 18 周岁，须填写监护人")
    if set(data.categories) - set(ServiceCategory.values):
        raise _refuse(registration, "未知服务类别")
    if not 0 <= data.availability <= FULL_AVAILABILITY:
        raise _refuse(registration, "可服务时间不正确")
    if data.political_status and data.political_status not in Volunteer.Political.values:
        raise _refuse(registration, "政治面貌不正确")
    if data.partner is not None:
        raise _refuse(registration, "所属单位的登记请经 volunteer_register")
    if registration.status not in FINAL:
        raise _refuse(registration, f"未知状态 {registration.status}")
    if registration.status in {"rejected", "left"} and not registration.reason.strip():
        raise _refuse(registration, "须填写原因")
    return parsed


def _next_numbers(station: Station, year: int) -> Iterator[str]:
    """JIAOJIA202600001 onwards, after the largest of the year, as `_next_number` draws them."""
    Station.objects.select_for_update().get(pk=station.pk)
    prefix = f"{station.code}{year}"
    taken = (
        Volunteer.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(taken[len(prefix) :]) if taken else 0
    while True:
        sequence += 1
        yield f"{prefix}{sequence:05d}"


def _update_people(links: list[tuple[int, int]]) -> None:
    """Link each person record to its account: (user id, resident id) pairs."""
    if not links:
        return
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Resident._meta.db_table)} SET {quote('user_id')} = %s "  # noqa: S608
        f"WHERE {quote('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, links)


@transaction.atomic
def register_in_bulk(*, station: Station, registrations: list[Registration]) -> list[int]:
    """Register the roster (channel import, the system as actor) and bring each volunteer to
    their status; returns the volunteers' keys, in the order given. All or nothing."""
    now = timezone.now()
    today = timezone.localdate()
    entries = []
    for registration in registrations:
        parsed = _check(registration, today)
        user = registration.user
        phone = normalize_phone(user.phone if user else registration.data.phone)
        entry = _Entry(registration, parsed, phone)
        if user is not None:
            entry.user_id, entry.user_label = user.pk, str(user)
        else:
            try:
                validate_mobile(phone)
            except Exception as error:
                raise _refuse(registration, f"手机号码无效：{phone}") from error
        entries.append(entry)

    new_accounts = [entry for entry in entries if entry.registration.user is None]
    phones = [entry.phone for entry in new_accounts]
    if len(set(phones)) != len(phones) or User.objects.filter(phone__in=phones).exists():
        raise ValueError("演示志愿者：登录手机号码重复或已被占用")
    given_users = [entry.user_id for entry in entries if entry.registration.user is not None]
    if Volunteer.objects.filter(user_id__in=given_users).exists():
        raise ValueError("演示志愿者：演示账户已注册为志愿者")
    own_person = dict(Resident.objects.filter(user_id__in=given_users).values_list("user_id", "pk"))

    # The person: the registry's record of the ID number (as `_existing_person` finds it).
    by_hash = {
        digest: entry for entry in entries for digest in crypto.lookup_hashes(entry.parsed.number)
    }
    people = Resident.objects.filter(id_number_hash__in=by_hash).values_list(
        "pk", "id_number_hash", "name", "birth_date", "user_id"
    )
    known: dict[int, tuple[str, Any]] = {}
    for pk, digest, name, birth_date, user_id in people:
        entry = by_hash[digest]
        if user_id and user_id != entry.user_id:
            raise _refuse(entry.registration, "该身份证号码已关联其他账户")
        if name != entry.registration.data.name.strip():
            raise _refuse(entry.registration, "姓名与登记的姓名不一致")
        entry.person_id, entry.person_name = pk, name
        known[pk] = (name, birth_date)
    for entry in entries:
        mine = own_person.get(entry.user_id)
        if mine is not None and mine != entry.person_id:
            raise _refuse(entry.registration, "该身份证号码与账户登记的身份不一致")
    if Volunteer.objects.filter(person_id__in=known).exists():
        raise ValueError("演示志愿者：有人已注册为志愿者")

    audit = _Audit(station, now)
    for entry, user_id in zip(new_accounts, reserve_ids(User, len(new_accounts)), strict=True):
        entry.user_id = user_id
        entry.user_label = entry.registration.data.name.strip() or entry.phone
    insert_rows(
        User,
        ["id", "password", "phone", "name", "is_active", "date_joined", "must_change_password"],
        [
            (e.user_id, make_password(None), e.phone, e.registration.data.name.strip(), True, now,
             False)
            for e in new_accounts
        ],
    )  # fmt: skip
    for entry in new_accounts:
        audit.add(
            "user.create",
            actor=None,
            target=(User._meta.label_lower, entry.user_id, entry.user_label),
            station=False,
            after={"phone": entry.phone, "name": entry.registration.data.name.strip()},
        )
    audit.write()

    consents: list[tuple[Any, ...]] = []
    links: list[tuple[int, int]] = []
    strangers = [entry for entry in entries if not entry.person_id]
    users = User.objects.in_bulk([entry.user_id for entry in strangers])
    for entry in entries:
        data = entry.registration.data
        guardian = data.guardian_name.strip()
        given_by = Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.SELF
        if not entry.person_id:
            # Someone the registry does not know: the people app's own action records them.
            person = people_actions.resident_create(
                station=station,
                data=people_actions.ResidentInput(
                    name=data.name,
                    gender=entry.parsed.gender,
                    birth_date=entry.parsed.birth_date,
                    id_number=entry.parsed.number,
                    phone=entry.phone,
                ),
                consent=people_actions.ConsentInput(
                    method=Consent.Method.PAPER,
                    given_by=given_by,
                    guardian_name=guardian,
                    sensitive=True,
                ),
                actor=users[entry.user_id],
                status=Resident.Status.EXTERNAL,
            )
            entry.person_id, entry.person_name = person.pk, person.name
            links.append((entry.user_id, person.pk))
            continue
        name, birth_date = known[entry.person_id]
        if _age(birth_date, today) < CHILD_AGE and not guardian:
            raise _refuse(entry.registration, "未满 14 周岁的儿童须由监护人同意")
        for scope in (Consent.Scope.PERSONAL, Consent.Scope.SENSITIVE):
            consents.append(
                (entry.person_id, scope, given_by, guardian, Consent.Method.PAPER,
                 CONSENT_TEXT_VERSION, entry.user_id, now)
            )  # fmt: skip
        audit.add(
            "consent.record",
            actor=entry,
            target=(Resident._meta.label_lower, entry.person_id, name),
            after={
                "scopes": [Consent.Scope.PERSONAL, Consent.Scope.SENSITIVE],
                "given_by": given_by,
                "method": Consent.Method.PAPER,
            },
        )
        if entry.user_id not in own_person:
            links.append((entry.user_id, entry.person_id))
    insert_rows(
        Consent,
        ["resident_id", "scope", "given_by", "guardian_name", "method", "text_version",
         "recorded_by_id", "recorded_at"],
        consents,
    )  # fmt: skip
    _update_people(links)

    _write_volunteers(station, entries, audit, now, today)
    audit.write()
    return [entry.volunteer_id for entry in entries]


def _write_volunteers(
    station: Station, entries: list[_Entry], audit: _Audit, now: datetime, today: date
) -> None:
    numbers = _next_numbers(station, today.year)
    held = set(
        RoleAssignment.objects.filter(
            user_id__in=[entry.user_id for entry in entries], role=Role.VOLUNTEER, station=station
        ).values_list("user_id", flat=True)
    )
    rows: list[tuple[Any, ...]] = []
    categories: list[tuple[int, str]] = []
    grants: list[int] = []
    revoked: list[int] = []
    ids = reserve_ids(Volunteer, len(entries))
    role = {"role": Role.VOLUNTEER, "station": station.code}
    for entry, volunteer_id in zip(entries, ids, strict=True):
        registration, data = entry.registration, entry.registration.data
        entry.volunteer_id = volunteer_id
        status = registration.status
        approved = status in {"active", "left"}
        entry.number = next(numbers) if approved else ""
        reason = registration.reason.strip() if status in {"rejected", "left"} else ""
        rows.append(
            (volunteer_id, station.pk, entry.person_id, entry.user_id, entry.number, status,
             data.skills.strip(), data.availability, data.residence_area.strip(),
             data.occupation.strip(), data.political_status, data.guardian_name.strip(),
             CONSENT_VERSION, now, Volunteer.Channel.IMPORT, now,
             now if status != "pending" else None, reason)
        )  # fmt: skip
        categories.extend((volunteer_id, code) for code in sorted(data.categories))
        volunteer = (Volunteer._meta.label_lower, volunteer_id, entry.person_name)
        audit.add(
            "volunteer.register",
            actor=entry,
            target=volunteer,
            after={
                "channel": Volunteer.Channel.IMPORT,
                "person": entry.person_id,
                "consent_version": CONSENT_VERSION,
                "partner": None,
            },
        )
        if status == "pending":
            continue
        first = Volunteer.Status.REJECTED if status == "rejected" else Volunteer.Status.ACTIVE
        audit.add(
            f"volunteer.{first}",
            actor=None,
            target=volunteer,
            before={"status": Volunteer.Status.PENDING},
            after={"status": first, "reason": reason if first == "rejected" else ""},
        )
        if not approved:
            continue
        account = (User._meta.label_lower, entry.user_id, entry.user_label)
        if entry.user_id not in held:
            audit.add("role.grant", actor=None, target=account, after=role)
            grants.append(entry.user_id)
        if status == "left":
            audit.add(
                "volunteer.left",
                actor=None,
                target=(
                    Volunteer._meta.label_lower,
                    volunteer_id,
                    f"{entry.person_name} {entry.number}",
                ),
                before={"status": Volunteer.Status.ACTIVE},
                after={"status": Volunteer.Status.LEFT, "reason": reason},
            )
            audit.add("role.revoke", actor=None, target=account, before=role)
            revoked.append(entry.user_id)
    insert_rows(
        Volunteer,
        ["id", "station_id", "person_id", "user_id", "number", "status", "skills", "availability",
         "residence_area", "occupation", "political_status", "guardian_name", "consent_version",
         "consent_at", "channel", "registered_at", "decided_at", "status_reason"],
        rows,
    )  # fmt: skip
    insert_rows(VolunteerCategory, ["volunteer_id", "category"], categories)
    left = set(revoked)
    insert_rows(
        RoleAssignment,
        ["user_id", "role", "station_id", "granted_at"],
        [(user_id, Role.VOLUNTEER, station.pk, now) for user_id in grants if user_id not in left],
    )
    RoleAssignment.objects.filter(
        user_id__in=left & held, role=Role.VOLUNTEER, station=station
    ).delete()


@transaction.atomic
def members_add_in_bulk(*, team: Team, volunteer_ids: list[int]) -> int:
    """Put active volunteers of the team's station straight into the team, as `member_add` does
    for one (a new membership row, active, and its `team.member_add` audit row); someone with
    any membership row of the team already is left out. Returns how many were added."""
    Team.objects.select_for_update().get(pk=team.pk)
    had = set(
        TeamMembership.objects.filter(team=team, volunteer_id__in=volunteer_ids).values_list(
            "volunteer_id", flat=True
        )
    )
    wanted = [pk for pk in dict.fromkeys(volunteer_ids) if pk not in had]
    found = {
        pk: f"{name} {number}".strip()
        for pk, name, number in Volunteer.objects.filter(
            pk__in=wanted, station_id=team.station_id, status=Volunteer.Status.ACTIVE
        ).values_list("pk", "person__name", "number")
    }
    if len(found) != len(wanted):
        raise ValueError(f"{team.name}：只有本站在册志愿者可以入队")
    now = timezone.now()
    audit = _Audit(team.station, now)
    ids = reserve_ids(TeamMembership, len(wanted))
    for membership_id, volunteer_id in zip(ids, wanted, strict=True):
        audit.add(
            "team.member_add",
            actor=None,
            target=(
                TeamMembership._meta.label_lower,
                membership_id,
                f"{found[volunteer_id]} @ {team.name}",
            ),
            before={"status": ""},
            after={
                "status": TeamMembership.Status.ACTIVE,
                "volunteer": volunteer_id,
                "team": team.pk,
                "note": "",
            },
        )
    insert_rows(
        TeamMembership,
        ["id", "team_id", "volunteer_id", "role", "status", "requested_at", "decided_at", "note"],
        [
            (membership_id, team.pk, volunteer_id, TeamMembership.Role.MEMBER,
             TeamMembership.Status.ACTIVE, now, now, "")
            for membership_id, volunteer_id in zip(ids, wanted, strict=True)
        ],
    )  # fmt: skip
    audit.write()
    return len(wanted)
