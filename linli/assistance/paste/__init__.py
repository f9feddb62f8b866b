"""Reading a message pasted from the 民情e站 WeChat group into a request to confirm (SPEC §4).

The parser only proposes: every guess comes with a short note, and staff confirm or correct it
in the form. It reads the station's estates, buildings and menu and at most one household (or a
few residents named in the message) in a fixed number of queries, whatever the message holds,
and it never raises: a message it cannot read gives an empty proposal, not an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assistance.models import Channel, MenuCategory, MenuItem, Urgency
from linli.assistance.paste.text import (
    BUILDING,
    BUILDING_ROOM,
    DASHED_ADDRESS,
    ELDERLY_AGE,
    ESTATE_SUFFIX,
    FULL_ADDRESS,
    MAX_DESCRIPTION,
    MAX_NAME_GUESSES,
    MAX_TEXT,
    PHONE,
    SHANGHAI,
    as_digits,
    clean_message,
    found_phone,
)
from linli.assistance.paste.when import read_preferred_at
from linli.assistance.paste.words import (
    CALM,
    CATEGORY_WORDS,
    KIN,
    RELATION,
    SURNAME,
    TITLE_HINT,
    TITLES,
    URGENT,
)
from linli.core.categories import ServiceCategory
from linli.core.phone import mask_phone
from linli.org.models import Building, Estate, Station
from linli.people.actions.checks import BUILDING_SUFFIX
from linli.people.models import Household, Resident


@dataclass(frozen=True)
class PasteResult:
    """What a pasted message seems to say. Nothing here is saved: it fills a form to confirm."""

    source_text: str = ""
    estate: Estate | None = None
    building: Building | None = None
    unit: str = ""
    room: str = ""
    resident: Resident | None = None
    candidates: list[Resident] = field(default_factory=list)
    name_hint: str = ""
    phone: str = ""
    sender: str = ""
    relation: str = ""
    category: str = ""
    item: MenuItem | None = None
    urgency: str = Urgency.NORMAL
    preferred_at: datetime | None = None
    description: str = ""
    notes: list[str] = field(default_factory=list)

    def as_initial(self) -> dict[str, Any]:
        """Initial values for the staff request form (field names as in StaffRequestForm)."""
        requester_name = ""
        if self.relation and self.sender:
            requester_name = self.sender  # a relative wrote: they are the contact
        elif self.resident is None:
            requester_name = self.name_hint
        return {
            "channel": Channel.WECHAT,
            "category": self.category,
            "item": self.item.pk if self.item else None,
            "urgency": self.urgency,
            "resident": self.resident.pk if self.resident else None,
            "building": self.building.pk if self.building else None,
            "unit": self.unit,
            "room": self.room,
            "description": self.description,
            "requester_name": requester_name,
            "requester_phone": self.phone,
            "proxy_relation": self.relation,
            "preferred_at": self.preferred_at,
            "source_text": self.source_text,
        }


@dataclass(frozen=True)
class _NameHint:
    text: str  # 王阿姨
    surname: str
    gender: str  # "F", "M" or "" when the title does not say
    elderly: bool


@dataclass(frozen=True)
class _Address:
    number: str
    unit: str
    room: str
    start: int


def parse_message(text: str, station: Station, *, now: datetime | None = None) -> PasteResult:
    """Propose a request from a pasted WeChat message; never raises, whatever `text` is.

    Only the station's own estates, buildings, living residents and active menu are matched.
    The text is cut to MAX_TEXT characters first, and the queries do not depend on its length.
    """
    source = text[:MAX_TEXT] if isinstance(text, str) else ""
    now_local = timezone.localtime(now or timezone.now(), SHANGHAI)
    today = now_local.date()
    notes: list[str] = []
    description, sender = clean_message(source)
    if not description:
        return PasteResult(source_text=source, notes=[_("消息中没有可识别的文字")])
    phones = list(dict.fromkeys(found_phone(found) for found in PHONE.finditer(description)))
    # One spelling for matching: full-width digits and punctuation become ASCII. The phone
    # numbers go, so their digits are not read as a room or a time.
    plain = unicodedata.normalize("NFKC", PHONE.sub(" ", description))
    # Volunteers read the description before the contact fields are theirs to see.
    description = PHONE.sub(lambda found: mask_phone(found_phone(found)), description)
    if len(description) > MAX_DESCRIPTION:
        description = description[:MAX_DESCRIPTION]
        notes.append(_("消息较长，需求描述只保留了前 %(count)d 字") % {"count": MAX_DESCRIPTION})
    if sender:
        notes.append(_("发送人：%(name)s") % {"name": sender})
    if phones:
        notes.append(_("联系电话：%(phone)s") % {"phone": phones[0]})
    if len(phones) > 1:
        notes.append(_("消息中有多个电话号码，已取第一个"))

    estates = list(Estate.objects.filter(station=station))
    buildings = list(Building.objects.filter(estate__station=station).select_related("estate"))
    estate, building, unit, room = _address(plain, estates, buildings, notes)
    household = None
    if building is not None and unit and room:
        living = Resident.objects.filter(status=Resident.Status.LIVING)
        household = (
            Household.objects.filter(building=building, unit=unit, room=room)
            .prefetch_related(Prefetch("members", queryset=living, to_attr="living"))
            .first()
        )
        if household is None:
            notes.append(_("未找到该户，请核对地址"))
    if household is not None:
        members: list[Resident] = household.living
        hint = _name_hint(plain, members)
        resident, candidates = _choose(members, hint, plain, today, notes)
    else:
        found = _by_name_or_phone(station, plain, phones)
        hint = _name_hint(plain, found)
        candidates = _ranked(found, hint, plain, today)
        resident = found[0] if len(found) == 1 else None
        if len(found) > 1:
            notes.append(
                _("有%(count)s位居民与消息中的姓名或电话相符，请选择")
                % {"count": _count(len(found))}
            )
        home = resident.household if resident is not None else None
        if home is not None and building is None:
            estate, building = home.building.estate, home.building
            unit, room = home.unit, home.room
            notes.append(_("按姓名或电话找到住址：%(address)s") % {"address": home})
        elif home is not None and (home.building_id, home.unit, home.room) != (
            building.pk if building else None,
            unit,
            room,
        ):
            notes.append(_("该居民登记的住址是%(address)s，与消息不同，请核对") % {"address": home})
    if resident is not None:
        notes.append(_("服务对象：%(name)s") % {"name": resident.name})

    category, item = _category(plain, station, notes)
    return PasteResult(
        source_text=source,
        estate=estate,
        building=building,
        unit=unit,
        room=room,
        resident=resident,
        candidates=candidates,
        name_hint=hint.text if hint else "",
        phone=phones[0] if phones else "",
        sender=sender,
        relation=_relation(plain),
        category=category,
        item=item,
        urgency=_urgency(plain, notes),
        preferred_at=read_preferred_at(plain, now_local, notes),
        description=description,
        notes=notes,
    )


def _parse_address(plain: str) -> _Address | None:
    for pattern in (FULL_ADDRESS, DASHED_ADDRESS, BUILDING_ROOM, BUILDING):
        found = pattern.search(plain)
        if found is None:
            continue
        parts = found.groupdict()
        room = parts.get("r") or ""
        return _Address(
            number=as_digits(parts["b"]),
            unit=as_digits(parts["u"]) if parts.get("u") else "",
            room=room if room.isdecimal() else as_digits(room) if room else "",
            start=found.start(),
        )
    return None


def _named_estate(plain: str, estates: list[Estate], before: int | None) -> Estate | None:
    """An estate named in full anywhere, or by its short name (金桥) just before the address."""
    for estate in sorted(estates, key=lambda estate: -len(estate.name)):
        if estate.name and estate.name in plain:
            return estate
    if before is None:
        return None
    lead = plain[:before].rstrip().removesuffix("小区").rstrip()
    for estate in estates:
        short = ESTATE_SUFFIX.sub("", estate.name)
        if len(short) >= 2 and lead.endswith(short):
            return estate
    return None


def _building_number(number: str) -> str:
    bare = BUILDING_SUFFIX.sub("", unicodedata.normalize("NFKC", number).strip())
    return str(int(bare)) if bare.isdecimal() else bare


def _address(
    plain: str, estates: list[Estate], buildings: list[Building], notes: list[str]
) -> tuple[Estate | None, Building | None, str, str]:
    parsed = _parse_address(plain)
    estate = _named_estate(plain, estates, parsed.start if parsed else None)
    if parsed is None:
        if estate is not None:
            notes.append(_("小区：%(estate)s（未写楼栋）") % {"estate": estate.name})
        else:
            notes.append(_("未识别到地址"))
        return estate, None, "", ""
    numbered = [b for b in buildings if _building_number(b.number) == parsed.number]
    if estate is not None:
        numbered = [b for b in numbered if b.estate_id == estate.pk]
    if not numbered:
        notes.append(
            _("%(where)s没有%(number)s栋，请核对地址")
            % {"where": estate.name if estate else _("本站"), "number": parsed.number}
        )
        return estate, None, parsed.unit, parsed.room
    if len(numbered) > 1:
        notes.append(
            _("%(number)s栋在多个小区都有：%(estates)s，请选择小区")
            % {"number": parsed.number, "estates": "、".join(b.estate.name for b in numbered)}
        )
        return None, None, parsed.unit, parsed.room
    building = numbered[0]
    unit = parsed.unit
    if not unit and parsed.room and building.unit_count == 1:
        unit = "1"  # people leave out the unit of a one-unit building
    notes.append(_("楼栋：%(building)s") % {"building": building})
    if unit and parsed.room:
        notes.append(_("单元房号：%(unit)s单元%(room)s") % {"unit": unit, "room": parsed.room})
    else:
        notes.append(_("未写全单元和房号，请补充"))
    return building.estate, building, unit, parsed.room


def _name_hint(plain: str, known: list[Resident]) -> _NameHint | None:
    """The first 王阿姨 or 老王 that is not the end of a known full name (王秀梅老人)."""
    names = [(m.start(), m.end()) for r in known for m in re.finditer(re.escape(r.name), plain)]
    for found in TITLE_HINT.finditer(plain):
        if any(start < found.end() and found.start() < end for start, end in names):
            continue
        if found.group("old"):
            return _NameHint(found.group(0), found.group("old"), "", False)
        gender, elderly = TITLES[found.group("title")]
        return _NameHint(found.group(0), found.group("surname"), gender, elderly)
    return None


def _relation(plain: str) -> str:
    found = RELATION.search(plain)
    if found is None:
        return ""
    if found.group("child"):
        return _("子女")
    if found.group("grandchild"):
        return _("孙辈")
    return found.group("relation")


def _elderly(resident: Resident, today: date) -> bool:
    return resident.age(today) >= ELDERLY_AGE


def _ranked(
    residents: list[Resident], hint: _NameHint | None, plain: str, today: date
) -> list[Resident]:
    """Best fit first: named in full, the hint's surname, its gender, elderly, older."""

    def fit(resident: Resident) -> tuple[bool, bool, bool, bool, int]:
        return (
            resident.name in plain,
            hint is not None and resident.name.startswith(hint.surname),
            hint is not None and bool(hint.gender) and resident.gender == hint.gender,
            _elderly(resident, today),
            -resident.birth_date.toordinal(),
        )

    return sorted(residents, key=fit, reverse=True)


def _narrow(residents: list[Resident], gender: str, elderly: bool, today: date) -> list[Resident]:
    """Keep those of the gender, then the elderly, unless that would leave nobody."""
    if gender:
        residents = [r for r in residents if r.gender == gender] or residents
    if elderly:
        residents = [r for r in residents if _elderly(r, today)] or residents
    return residents


def _choose(
    members: list[Resident],
    hint: _NameHint | None,
    plain: str,
    today: date,
    notes: list[str],
) -> tuple[Resident | None, list[Resident]]:
    """The one living member the message is about, if it says so; all of them, best fit first."""
    ordered = _ranked(members, hint, plain, today)
    if not members:
        notes.append(_("该户没有在住居民，请核对"))
        return None, ordered
    named = [member for member in members if member.name in plain]
    if len(named) == 1:
        return named[0], ordered
    if hint is not None:
        # 王阿姨 is a woman surnamed 王; whether she counts as elderly is a softer guess.
        same = [
            member
            for member in members
            if member.name.startswith(hint.surname) and hint.gender in ("", member.gender)
        ]
        if not same:
            notes.append(_("该户在住居民中没有与“%(hint)s”相符的，请核对") % {"hint": hint.text})
            return None, ordered
        fitting = _narrow(same, "", hint.elderly, today)
        if len(fitting) == 1:
            return fitting[0], ordered
        notes.append(
            _("同一地址有%(count)s位%(surname)s姓居民，请选择")
            % {"count": _count(len(fitting)), "surname": hint.surname}
        )
        return None, ordered
    kin = next((gender for word, gender in KIN.items() if word in plain), None)
    if kin is not None and len(members) > 1:
        elders = [m for m in _narrow(members, kin, True, today) if _elderly(m, today)]
        if len(elders) == 1:
            return elders[0], ordered
    if len(members) == 1:
        return members[0], ordered
    notes.append(_("该户有%(count)s位在住居民，请选择服务对象") % {"count": _count(len(members))})
    return None, ordered


def _count(number: int) -> str:
    return "一两三四五六七八九十"[number - 1] if 1 <= number <= 10 else str(number)


def _by_name_or_phone(station: Station, plain: str, phones: list[str]) -> list[Resident]:
    """Without a household: the station's living residents named in full or by phone."""
    names = _name_guesses(plain)
    if not names and not phones:
        return []
    return list(
        Resident.objects.filter(station=station, status=Resident.Status.LIVING)
        .filter(Q(name__in=names) | Q(phone__in=phones))
        .select_related("household__building__estate")[:20]
    )


def _name_guesses(plain: str) -> list[str]:
    """Every 2- to 4-character run of Chinese that starts with a surname: names it may hold."""
    guesses: dict[str, None] = {}
    for found in SURNAME.finditer(plain):
        for length in (2, 3, 4):
            guess = plain[found.start() : found.start() + length]
            if len(guess) == length and all("\u4e00" <= char <= "\u9fff" for char in guess):
                guesses[guess] = None
        if len(guesses) >= MAX_NAME_GUESSES:
            break
    return list(guesses)


def _category(plain: str, station: Station, notes: list[str]) -> tuple[str, MenuItem | None]:
    """The active menu item whose name and keywords match most (then longest), else a
    category from the built-in words if it is on the station's menu."""
    items = Prefetch("items", queryset=MenuItem.objects.filter(active=True), to_attr="live_items")
    menus = list(MenuCategory.objects.filter(station=station, active=True).prefetch_related(items))
    best: tuple[tuple[int, int], MenuItem] | None = None
    for menu in menus:
        for item in menu.live_items:
            hits = [word for word in {item.name, *item.words("keywords")} if word in plain]
            score = (len(hits), sum(len(word) for word in hits))
            if hits and (best is None or score > best[0]):
                best = (score, item)
    if best is not None:
        item = best[1]
        label = ServiceCategory(item.category.code).label
        notes.append(
            _("服务项目：%(category)s · %(item)s") % {"category": label, "item": item.name}
        )
        return item.category.code, item
    counts: dict[str, int] = {}
    for word, code in CATEGORY_WORDS:
        if word in plain:
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        notes.append(_("未识别到服务类别，请选择"))
        return "", None
    code = max(counts, key=counts.__getitem__)  # on a tie, the first listed
    label = ServiceCategory(code).label
    if code not in {menu.code for menu in menus}:
        notes.append(_("像是“%(category)s”，但本站服务清单未开设这一类") % {"category": label})
        return "", None
    notes.append(_("服务类别：%(category)s（未对应到具体项目）") % {"category": label})
    return code, None


def _urgency(plain: str, notes: list[str]) -> str:
    found = URGENT.search(CALM.sub(" ", plain))
    if found is None:
        return Urgency.NORMAL
    notes.append(_("紧急：消息中有“%(word)s”") % {"word": found.group(0)})
    return Urgency.URGENT


def recognise_need(text: str, station: Station) -> tuple[str, MenuItem | None, str]:
    """The category and item a resident's own words point to, as the paste box reads them (the
    same matching, without the address and people parts): for the 点单 form as they type.
    Returns (category code or "", item or None, a note for the reader)."""
    source = text[:MAX_TEXT] if isinstance(text, str) else ""
    description, _sender = clean_message(source)
    if not description:
        return "", None, ""
    plain = unicodedata.normalize("NFKC", PHONE.sub(" ", description))
    notes: list[str] = []
    category, item = _category(plain, station, notes)
    return category, item, notes[-1] if notes and category else ""
