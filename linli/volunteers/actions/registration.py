"""Registering volunteers and walking their status: pending → active / rejected; suspended, left.

One path for every way in: the public sign-up page, the API's register endpoint, a signed-in
resident applying, staff registering someone at the desk, and the xlsx import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import actions as account_actions
from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.actions import audit_record
from linli.core import crypto
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.core.idcard import parse_id_number
from linli.core.masking import mask_name
from linli.core.phone import mask_phone, normalize_phone, validate_mobile
from linli.org.models import Station
from linli.partners.actions import partner_volunteer_add
from linli.partners.models import Partner
from linli.people import actions as people_actions
from linli.people.models import Consent, Resident
from linli.teams.models import TeamMembership
from linli.volunteers.consent import CONSENT_VERSION
from linli.volunteers.models import FULL_AVAILABILITY, Volunteer, VolunteerCategory

# The status machine: from → the states it may go to.
TRANSITIONS: dict[str, set[str]] = {
    Volunteer.Status.PENDING: {Volunteer.Status.ACTIVE, Volunteer.Status.REJECTED},
    Volunteer.Status.ACTIVE: {Volunteer.Status.SUSPENDED, Volunteer.Status.LEFT},
    Volunteer.Status.SUSPENDED: {Volunteer.Status.ACTIVE, Volunteer.Status.LEFT},
    Volunteer.Status.REJECTED: set(),
    Volunteer.Status.LEFT: set(),
}
ADULT_AGE = 18
MIN_AGE_ALONE = 14


@dataclass(frozen=True)
class RegistrationInput:
    """What a person gives when registering (67号令 basic information) and their consent."""

    name: str
    id_number: str
    phone: str = ""
    password: str = ""
    gender: str = ""
    birth_date: date | None = None
    skills: str = ""
    categories: frozenset[str] = field(default_factory=frozenset)
    availability: int = 0
    residence_area: str = ""
    occupation: str = ""
    political_status: str = ""
    guardian_name: str = ""
    consent: bool = False
    # 所属单位: the station's partner organisation the person came through, if any.
    partner: Partner | None = None


class RegistrationHeld(Exception):  # noqa: N818 (an outcome, not a fault)
    """An anonymous registration that meets an existing account or record. The answer to the
    caller is the same as for a registration that went through (nobody learns from it whether a
    phone has an account or an ID number is on a registry); station staff see it in the audit
    log (`volunteer.register_held`) and sort it out with the person."""

    def __init__(self, station: Station, details: dict[str, Any]) -> None:
        super().__init__("registration held for staff")
        self.station = station
        self.details = details


# What a public registration may not be told, by field: these refusals are held instead.
HELD_REFUSALS = {
    "phone": {"phone_taken"},
    "id_number": {"id_volunteer", "id_registered"},
}


def _age(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - int((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def _existing_person(id_number: str) -> Resident | None:
    return (
        Resident.objects.select_related("user")
        .filter(id_number_hash__in=crypto.lookup_hashes(id_number))
        .first()
    )


def volunteer_register(
    *,
    station: Station,
    data: RegistrationInput,
    channel: str,
    actor: Any = None,
    user: User | None = None,
) -> Volunteer:
    """`_volunteer_register`; a held registration is audited (outside its rolled-back
    transaction) before `RegistrationHeld` reaches the caller."""
    try:
        return _volunteer_register(
            station=station, data=data, channel=channel, actor=actor, user=user
        )
    except RegistrationHeld as held:
        audit_record(
            actor=None, action="volunteer.register_held", station=held.station, after=held.details
        )
        raise


@transaction.atomic
def _volunteer_register(
    *,
    station: Station,
    data: RegistrationInput,
    channel: str,
    actor: Any = None,
    user: User | None = None,
) -> Volunteer:
    """Register a volunteer (status pending) with their consent to the volunteer-record rules.

    Rules: explicit consent to the current undertaking; a valid ID number (GB 11643) agreeing with
    any birth date and gender given; under 14 never alone (only staff, with a guardian); under 18
    with a guardian's consent; one account per phone and one person per ID number — a resident
    already in the registry becomes a volunteer as the same person, keeping their account.
    `user` is the signed-in account applying for itself; otherwise an account is created.
    """
    errors: dict[str, list[str]] = {}
    held: list[str] = []
    anonymous = channel == Volunteer.Channel.SELF and user is None

    def refuse(name: str, message: str, reason: str = "") -> None:
        if anonymous and reason:
            held.append(reason)
            return
        errors.setdefault(name, []).append(str(message))

    today = timezone.localdate()
    if not data.consent:
        refuse("consent", _("请阅读并同意《志愿者注册承诺书及个人信息处理告知》。"))
    parsed = None
    try:
        parsed = parse_id_number(data.id_number, today=today)
    except ValidationError as error:
        refuse("id_number", error.messages[0])
    if parsed is not None:
        if data.birth_date and data.birth_date != parsed.birth_date:
            refuse("birth_date", _("出生日期与身份证号码不符。"))
        if data.gender and data.gender != parsed.gender:
            refuse("gender", _("性别与身份证号码不符。"))
        age = _age(parsed.birth_date, today)
        if age < MIN_AGE_ALONE and channel == Volunteer.Channel.SELF:
            refuse("birth_date", _("未满 14 周岁不能自行注册，请由监护人陪同到站点登记。"))
        elif age < ADULT_AGE and not data.guardian_name.strip():
            refuse("guardian_name", _("未满 18 周岁须经监护人同意，请填写监护人姓名。"))
    unknown = set(data.categories) - set(ServiceCategory.values)
    if unknown:
        refuse("categories", _("未知服务类别：%(codes)s") % {"codes": "、".join(sorted(unknown))})
    if not 0 <= data.availability <= FULL_AVAILABILITY:
        refuse("availability", _("可服务时间不正确。"))

    phone = normalize_phone(user.phone if user else data.phone)
    if user is None:
        try:
            validate_mobile(phone)
        except ValidationError as error:
            refuse("phone", error.messages[0])
        else:
            if User.objects.filter(phone=phone).exists():
                refuse(
                    "phone", _("该手机号码已注册账户，请先登录，再申请成为志愿者。"), "phone_taken"
                )

    staff_path = channel != Volunteer.Channel.SELF
    own_person = getattr(user, "resident", None) if user is not None else None
    person = _existing_person(parsed.number) if parsed else None
    if own_person is not None:
        # The account already stands for a person: that is who becomes the volunteer.
        if person is not None and person.pk != own_person.pk:
            refuse("id_number", _("该身份证号码与您账户登记的身份不一致，请到站点核对。"))
        elif own_person.id_number_hash and person is None and parsed is not None:
            refuse("id_number", _("该身份证号码与您账户登记的身份不一致，请到站点核对。"))
        person = own_person
    elif person is not None:
        if hasattr(person, "volunteer"):
            refuse("id_number", _("该身份证号码已注册为志愿者，请勿重复注册。"), "id_volunteer")
        elif not staff_path:
            # Online, nobody proves they are the person on record: never link a stranger to
            # someone's record (and an anonymous caller is not even told the number is known).
            refuse(
                "id_number",
                _("该身份证号码已在站点登记。请持身份证到站点办理志愿者注册。"),
                "id_registered",
            )
        elif person.user_id and (user is None or person.user_id != user.pk):
            refuse("id_number", _("该身份证号码已关联其他账户，请用该账户登录后申请。"))
        elif person.name != data.name.strip():
            refuse("name", _("姓名与该身份证号码登记的姓名不一致。"))
    if (
        person is not None
        and hasattr(person, "volunteer")
        and "id_number" not in errors
        and "id_volunteer" not in held
    ):
        refuse("id_number", _("该身份证号码已注册为志愿者，请勿重复注册。"), "id_volunteer")
    if data.political_status and data.political_status not in Volunteer.Political.values:
        refuse("political_status", _("政治面貌不正确。"))
    if data.partner is not None and data.partner.station_id != station.pk:
        refuse("partner", _("所属单位须是本站的共建单位。"))
    if user is not None and hasattr(user, "volunteer"):
        refuse("name", _("您已经注册为志愿者。"))
    if errors:
        raise ValidationError(errors)
    if held:
        raise RegistrationHeld(
            station,
            {
                "reasons": sorted(set(held)),
                "name": mask_name(data.name.strip()),
                "phone": mask_phone(phone),
            },
        )
    assert parsed is not None  # noqa: S101 (refused above otherwise)

    if user is None:
        # Imported volunteers may come without a password: they sign in once one is set.
        password = data.password or (None if channel == Volunteer.Channel.IMPORT else "")
        try:
            user = account_actions.user_create(
                phone=phone, password=password, name=data.name.strip(), actor=actor
            )
        except ValidationError as error:
            raise ValidationError(
                {name: messages for name, messages in error.message_dict.items()}
            ) from error
    guardian = data.guardian_name.strip()
    consent = people_actions.ConsentInput(
        method=Consent.Method.ONLINE if channel == Volunteer.Channel.SELF else Consent.Method.PAPER,
        given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.SELF,
        guardian_name=data.guardian_name.strip(),
        sensitive=True,
    )
    if person is None:
        person = people_actions.resident_create(
            station=station,
            data=people_actions.ResidentInput(
                name=data.name,
                gender=parsed.gender,
                birth_date=parsed.birth_date,
                id_number=parsed.number,
                phone=phone,
            ),
            consent=consent,
            actor=actor or user,
            status=Resident.Status.EXTERNAL,
        )
    else:
        people_actions.consent_record(resident=person, consent=consent, actor=actor or user)
        if not person.id_number_hash:
            people_actions.resident_update(
                resident=person, changes={"id_number": parsed.number}, actor=actor or user
            )
    if person.user_id is None:
        Resident.objects.filter(pk=person.pk).update(user=user)
    now = timezone.now()
    try:
        with transaction.atomic():
            volunteer = _create_volunteer(station, person, user, data, channel, actor, now)
    except IntegrityError as error:
        # Two registrations of one person at the same moment: the second meets the constraint.
        raise ValidationError(
            {"id_number": [_("该身份证号码已注册为志愿者，请勿重复注册。")]}
        ) from error
    if data.partner is not None:
        # The registration is the authority here: the person names the organisation they came
        # through (the partner's own audit row is the system's; this one names the actor).
        partner_volunteer_add(partner=data.partner, volunteer=volunteer, actor=None)
    audit_record(
        actor=actor or user,
        action="volunteer.register",
        target=volunteer,
        station=station,
        after={
            "channel": channel,
            "person": person.pk,
            "consent_version": CONSENT_VERSION,
            "partner": data.partner.pk if data.partner is not None else None,
        },
    )
    return volunteer


def _create_volunteer(
    station: Station,
    person: Resident,
    user: User,
    data: RegistrationInput,
    channel: str,
    actor: Any,
    now: Any,
) -> Volunteer:
    volunteer = Volunteer.objects.create(
        station=station,
        person=person,
        user=user,
        skills=data.skills.strip(),
        availability=data.availability,
        residence_area=data.residence_area.strip(),
        occupation=data.occupation.strip(),
        political_status=data.political_status,
        guardian_name=data.guardian_name.strip(),
        consent_version=CONSENT_VERSION,
        consent_at=now,
        channel=channel,
        registered_at=now,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    VolunteerCategory.objects.bulk_create(
        VolunteerCategory(volunteer=volunteer, category=code) for code in sorted(data.categories)
    )
    return volunteer


def _move(
    volunteer: Volunteer, target: str, *, source: str | None = None, actor: Any, reason: str = ""
) -> Volunteer:
    """Change status along TRANSITIONS with the row locked; refuse anything else with a 409.

    `source` pins the one state an action starts from: approving starts from pending and
    reinstating from suspended, though both end in active.
    """
    locked = (
        Volunteer.objects.select_for_update().select_related("station", "user").get(pk=volunteer.pk)
    )
    if target not in TRANSITIONS[locked.status] or (source is not None and locked.status != source):
        raise DomainError(
            "invalid_transition",
            _("志愿者当前状态为“%(status)s”，不能进行此操作。")
            % {"status": locked.get_status_display()},
            status=409,
        )
    before = locked.status
    locked.status = target
    locked.status_reason = reason
    locked.decided_at = timezone.now()
    locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["status", "status_reason", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action=f"volunteer.{target}",
        target=locked,
        station=locked.station,
        before={"status": before},
        after={"status": target, "reason": reason},
    )
    return locked


def _next_number(station: Station, year: int) -> str:
    """JIAOJIA202600001: station code, year of approval, a sequence per station and year.

    The station row is locked while numbering, so two approvals never draw the same number.
    """
    Station.objects.select_for_update().get(pk=station.pk)
    prefix = f"{station.code}{year}"
    taken = (
        Volunteer.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(taken[len(prefix) :]) + 1 if taken else 1
    return f"{prefix}{sequence:05d}"


def _grant_volunteer_role(volunteer: Volunteer, actor: Any) -> None:
    held = RoleAssignment.objects.filter(
        user=volunteer.user, role=Role.VOLUNTEER, station=volunteer.station
    )
    if not held.exists():
        account_actions.role_grant(
            user=volunteer.user, role=Role.VOLUNTEER, station=volunteer.station, actor=actor
        )


def _end_leadership(volunteer: Volunteer, actor: Any) -> None:
    """A volunteer who stops serving stops leading: each team they lead loses them as leader."""
    from linli.teams.actions import leader_unset  # teams build on registration

    led = TeamMembership.objects.filter(
        volunteer=volunteer, role=TeamMembership.Role.LEADER, status=TeamMembership.Status.ACTIVE
    ).select_related("team")
    for membership in led:
        leader_unset(team=membership.team, actor=actor)


def _revoke_volunteer_role(volunteer: Volunteer, actor: Any) -> None:
    for assignment in RoleAssignment.objects.filter(
        user=volunteer.user, role=Role.VOLUNTEER, station=volunteer.station
    ):
        account_actions.role_revoke(assignment=assignment, actor=actor)


@transaction.atomic
def volunteer_approve(*, volunteer: Volunteer, actor: Any) -> Volunteer:
    """pending → active: the volunteer gets their number and the `volunteer` role at the station."""
    volunteer = _move(
        volunteer, Volunteer.Status.ACTIVE, source=Volunteer.Status.PENDING, actor=actor
    )
    if not volunteer.number:
        volunteer.number = _next_number(volunteer.station, timezone.localdate().year)
        volunteer.save(update_fields=["number"])
    _grant_volunteer_role(volunteer, actor)
    from linli.incentives.actions.points import points_reward_recruiter

    points_reward_recruiter(volunteer=volunteer, actor=actor)
    return volunteer


@transaction.atomic
def volunteer_reject(*, volunteer: Volunteer, reason: str, actor: Any) -> Volunteer:
    """pending → rejected, with the reason the applicant is told."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写不通过的原因。")]})
    return _move(volunteer, Volunteer.Status.REJECTED, actor=actor, reason=reason.strip())


@transaction.atomic
def volunteer_suspend(*, volunteer: Volunteer, reason: str, actor: Any) -> Volunteer:
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写暂停的原因。")]})
    volunteer = _move(volunteer, Volunteer.Status.SUSPENDED, actor=actor, reason=reason.strip())
    _end_leadership(volunteer, actor)
    _revoke_volunteer_role(volunteer, actor)
    return volunteer


@transaction.atomic
def volunteer_reinstate(*, volunteer: Volunteer, actor: Any) -> Volunteer:
    volunteer = _move(
        volunteer, Volunteer.Status.ACTIVE, source=Volunteer.Status.SUSPENDED, actor=actor
    )
    _grant_volunteer_role(volunteer, actor)
    return volunteer


@transaction.atomic
def volunteer_leave(*, volunteer: Volunteer, reason: str, actor: Any) -> Volunteer:
    """The volunteer leaves (their own wish, or staff recording it); their records are kept."""
    volunteer = _move(volunteer, Volunteer.Status.LEFT, actor=actor, reason=reason.strip())
    _end_leadership(volunteer, actor)
    _revoke_volunteer_role(volunteer, actor)
    return volunteer


PROFILE_FIELDS = ("skills", "availability", "residence_area", "occupation", "political_status")


@transaction.atomic
def volunteer_profile_update(
    *, volunteer: Volunteer, changes: dict[str, Any], actor: Any
) -> Volunteer:
    """The volunteer (or staff) changes profile fields and service categories; audited."""
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    unknown = set(changes) - {*PROFILE_FIELDS, "categories"}
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in unknown})
    if "availability" in changes and not 0 <= int(changes["availability"]) <= FULL_AVAILABILITY:
        raise ValidationError({"availability": [_("可服务时间不正确。")]})
    if "political_status" in changes and changes["political_status"] not in {
        "",
        *Volunteer.Political.values,
    }:
        raise ValidationError({"political_status": [_("政治面貌不正确。")]})
    before = {name: getattr(locked, name) for name in PROFILE_FIELDS}
    before["categories"] = sorted(locked.categories.values_list("category", flat=True))
    for name in PROFILE_FIELDS:
        if name in changes:
            setattr(locked, name, changes[name])
    locked.save(update_fields=[name for name in PROFILE_FIELDS if name in changes] or ["skills"])
    if "categories" in changes:
        wanted = set(changes["categories"])
        unknown_codes = wanted - set(ServiceCategory.values)
        if unknown_codes:
            raise ValidationError({"categories": [_("未知服务类别。")]})
        VolunteerCategory.objects.filter(volunteer=locked).exclude(category__in=wanted).delete()
        have = set(
            VolunteerCategory.objects.filter(volunteer=locked).values_list("category", flat=True)
        )
        VolunteerCategory.objects.bulk_create(
            VolunteerCategory(volunteer=locked, category=code) for code in sorted(wanted - have)
        )
    after = {name: getattr(locked, name) for name in PROFILE_FIELDS}
    after["categories"] = sorted(locked.categories.values_list("category", flat=True))
    audit_record(
        actor=actor,
        action="volunteer.update",
        target=locked,
        station=locked.station,
        before=before,
        after=after,
    )
    return locked
