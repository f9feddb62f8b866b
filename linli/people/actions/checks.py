"""What the registry accepts: the inputs and the one check behind every way in."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import crypto
from linli.core.idcard import normalize_id_number, parse_id_number
from linli.org.models import Building, Estate, Station
from linli.people.models import Consent, Gender, Relation, Resident, Tag

CONSENT_TEXT_VERSION = "2026-11"
# `minor` is derived from the birth date, never stored: a child turns 18 without anyone's edit.
STORED_TAGS = frozenset(Tag.values) - {Tag.MINOR}
# The choices' values, read once: `Gender.values` builds a new list each time it is read.
GENDERS = frozenset(Gender.values)
TAGS = frozenset(Tag.values)
RELATIONS = frozenset(Relation.values)
CONSENT_METHODS = frozenset(Consent.Method.values)
NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z·•． ]{2,30}$")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
BUILDING_SUFFIX = re.compile(r"(号楼|栋|幢|号)$")


@dataclass(frozen=True)
class AddressInput:
    estate: str
    building: str
    unit: str
    room: str


@dataclass(frozen=True)
class ResidentInput:
    """What a person tells the station about a resident; every field but the name may be blank."""

    name: str
    gender: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    address: AddressInput | None = None
    relation: str = Relation.HEAD
    tags: frozenset[str] = frozenset()
    note: str = ""
    disability_type: str = ""
    disability_grade: str = ""
    health_notes: str = ""

    @property
    def has_sensitive(self) -> bool:
        return bool(
            self.id_number or self.disability_type or self.disability_grade or self.health_notes
        )


@dataclass(frozen=True)
class ConsentInput:
    method: str
    given_by: str = Consent.GivenBy.SELF
    guardian_name: str = ""
    sensitive: bool = False  # the separate consent that sensitive data needs


@dataclass
class CheckedResident:
    """A resident input that passed every check, with what was derived and resolved."""

    data: ResidentInput
    gender: str
    birth_date: date
    id_number: str
    building: Building | None
    unit: str
    room: str
    tags: frozenset[str] = field(default_factory=frozenset)


def _age(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - int((on.month, on.day) < (birth_date.month, birth_date.day))


def normalize_address(address: AddressInput) -> AddressInput:
    return AddressInput(
        estate=address.estate.strip(),
        building=BUILDING_SUFFIX.sub("", address.building.strip()),
        unit=address.unit.strip().removesuffix("单元"),
        room=address.room.strip().removesuffix("室").removesuffix("号"),
    )


class AddressBook:
    """The station's estates and buildings, read once, for checking many rows (an import)."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.estates = {estate.name: estate for estate in Estate.objects.filter(station=station)}
        self.buildings = {
            (building.estate.name, building.number): building
            for building in Building.objects.filter(estate__station=station).select_related(
                "estate"
            )
        }

    def building(self, address: AddressInput) -> Building:
        if address.estate not in self.estates:
            known = "、".join(sorted(self.estates)) or _("（本站尚未登记小区）")
            raise ValidationError(
                {"address": _("没有名为“%(estate)s”的小区。本站的小区：%(known)s")
                 % {"estate": address.estate, "known": known}}
            )  # fmt: skip
        found = self.buildings.get((address.estate, address.building))
        if found is None:
            raise ValidationError(
                {"address": _("%(estate)s没有 %(number)s 栋。")
                 % {"estate": address.estate, "number": address.building}}
            )  # fmt: skip
        return found


def registered_hashes(id_numbers: Iterable[str]) -> set[str]:
    """Which lookup hashes of these ID numbers the registry holds already, in one query: for a
    caller checking many new residents at once (`resident_check(registered=...)`)."""
    digests = {
        digest
        for number in id_numbers
        if number
        for digest in crypto.lookup_hashes(normalize_id_number(number))
    }
    return set(
        Resident.objects.filter(id_number_hash__in=digests).values_list("id_number_hash", flat=True)
    )


def resident_check(
    *,
    station: Station,
    data: ResidentInput,
    consent: ConsentInput | None,
    addresses: AddressBook | None = None,
    existing: Resident | None = None,
    today: date | None = None,
    registered: Container[str] | None = None,
) -> CheckedResident:
    """Check one resident completely; raise one ValidationError holding every problem found.

    Rules: a name; an ID number that passes GB 11643 and agrees with any birth date and gender
    given; a birth date and gender (from the ID number when not given); a known estate and
    building; a phone that looks like one; known tags; consent for a new resident, a separate
    consent for sensitive data, and a guardian's for a child under 14.

    `registered`: for a new resident, the registry's hashes of the ID numbers being checked,
    read once for many rows (`registered_hashes`); without it the registry is asked here.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(str(message))

    name = data.name.strip()
    if not NAME_RE.match(name):
        refuse("name", _("请填写姓名（2–30 个汉字或字母）。"))
    gender, birth_date, id_number = data.gender, data.birth_date, ""
    if data.id_number:
        try:
            parsed = parse_id_number(data.id_number, today=today)
        except ValidationError as error:
            refuse("id_number", error.messages[0])
        else:
            id_number = parsed.number
            if birth_date and birth_date != parsed.birth_date:
                refuse(
                    "birth_date",
                    _("出生日期 %(given)s 与身份证号码中的 %(derived)s 不符。")
                    % {"given": birth_date.isoformat(), "derived": parsed.birth_date.isoformat()},
                )
            if gender and gender != parsed.gender:
                refuse("gender", _("性别与身份证号码不符（号码第 17 位单数为男，双数为女）。"))
            gender, birth_date = gender or parsed.gender, birth_date or parsed.birth_date
    if not gender:
        refuse("gender", _("请选择性别，或填写身份证号码。"))
    elif gender not in GENDERS:
        refuse("gender", _("性别只能是“男”或“女”。"))
    if birth_date is None:
        refuse("birth_date", _("请填写出生日期，或填写身份证号码。"))
    elif birth_date > today or birth_date.year < 1900:
        refuse("birth_date", _("出生日期不合理。"))
    if data.phone and not PHONE_RE.match(data.phone.replace(" ", "")):
        refuse("phone", _("联系电话应为 11 位手机号码或带区号的固定电话。"))
    if len(data.note) > 200:
        refuse("note", _("备注最多 200 字。"))
    if (
        len(data.health_notes) > 500
        or len(data.disability_type) > 50
        or len(data.disability_grade) > 20
    ):
        refuse("health_notes", _("健康或残疾信息过长。"))
    unknown_tags = set(data.tags) - TAGS
    if unknown_tags:
        refuse("tags", _("未知标签：%(tags)s") % {"tags": "、".join(sorted(unknown_tags))})
    if data.relation not in RELATIONS:
        refuse("relation", _("与户主关系不正确。"))

    building, unit, room = None, "", ""
    if data.address is not None:
        address = normalize_address(data.address)
        if not (address.estate and address.building and address.unit and address.room):
            refuse("address", _("住址须包含小区、楼栋、单元和房号。"))
        elif len(address.building) > 20 or len(address.unit) > 10 or len(address.room) > 10:
            refuse("address", _("楼栋号最多 20 个字符，单元和房号最多 10 个字符。"))
        else:
            try:
                building = (addresses or AddressBook(station)).building(address)
            except ValidationError as error:
                for message in error.message_dict["address"]:
                    refuse("address", message)
            unit, room = address.unit, address.room

    if id_number:
        digests = crypto.lookup_hashes(id_number)
        if registered is not None and existing is None:
            taken = any(digest in registered for digest in digests)
        else:
            digest_matches = Resident.objects.filter(id_number_hash__in=digests)
            if existing is not None:
                digest_matches = digest_matches.exclude(pk=existing.pk)
            taken = digest_matches.exists()
        if taken:
            refuse("id_number", _("该身份证号码已经登记过，请勿重复登记。"))

    child = birth_date is not None and _age(birth_date, today) < 14
    if existing is None:
        if consent is None or consent.method not in CONSENT_METHODS:
            refuse("consent", _("登记居民信息须先取得同意，请选择同意方式。"))
        else:
            if (data.has_sensitive or child) and not consent.sensitive:
                refuse(
                    "consent",
                    _(
                        "身份证号、健康、残疾信息和未满 14 周岁儿童的信息属于敏感个人信息，须另行取得单独同意。"
                    ),
                )
            if child and (
                consent.given_by != Consent.GivenBy.GUARDIAN or not consent.guardian_name.strip()
            ):
                refuse("consent", _("未满 14 周岁的儿童须由监护人同意，请填写监护人姓名。"))
    if errors:
        raise ValidationError(errors)
    assert birth_date is not None  # noqa: S101 (refused above otherwise)
    return CheckedResident(
        data=replace(data, name=name, phone=data.phone.replace(" ", "")),
        gender=gender,
        birth_date=birth_date,
        id_number=id_number,
        building=building,
        unit=unit,
        room=room,
        tags=frozenset(data.tags) & STORED_TAGS,
    )
