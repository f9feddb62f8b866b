"""The station's service menu (需求清单): categories with their teams and response time, items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.assistance import access
from linli.assistance.models import MenuCategory, MenuItem
from linli.audit.actions import audit_record
from linli.core.categories import ServiceCategory
from linli.org.models import Station
from linli.teams.models import Team
from linli.volunteers.models import Course


@transaction.atomic
def menu_category_save(
    *,
    station: Station,
    code: str,
    response_hours: int,
    teams: list[Team],
    active: bool = True,
    actor: Any,
) -> MenuCategory:
    """Put a category on the station's menu, or change it: its teams and response time.
    Only the station's staff (or admin) may; `actor` None is the system (the demo seed)."""
    if actor is not None and not access.runs_station(actor, station):
        raise PermissionDenied("menu")
    if code not in ServiceCategory.values:
        raise ValidationError({"code": [_("服务类别无效。")]})
    if not 1 <= response_hours <= 24 * 30:
        raise ValidationError({"response_hours": [_("响应时限应在 1 到 720 小时之间。")]})
    if any(team.station_id != station.pk for team in teams):
        raise ValidationError({"teams": [_("只能选择本站的队伍。")]})
    category, created = MenuCategory.objects.select_for_update().get_or_create(
        station=station, code=code, defaults={"response_hours": response_hours, "active": active}
    )
    if not created:
        category.response_hours = response_hours
        category.active = active
        category.save(update_fields=["response_hours", "active"])
    category.teams.set(teams)
    audit_record(
        actor=actor,
        action="menu_category.save",
        target=category,
        station=station,
        after={
            "code": code,
            "response_hours": response_hours,
            "teams": [team.pk for team in teams],
            "active": active,
        },
    )
    return category


@dataclass(frozen=True)
class MenuItemInput:
    name: str
    description: str = ""
    skills: str = ""
    keywords: str = ""
    required_course_id: int | None = None
    response_hours: int | None = None
    active: bool = True
    position: int = 0


@transaction.atomic
def menu_item_save(
    *,
    category: MenuCategory,
    data: MenuItemInput,
    actor: Any,
    item: MenuItem | None = None,
) -> MenuItem:
    """Add an item to a menu category, or change one (`item`). Names are unique per category.
    Only the station's staff (or admin) may; `actor` None is the system (the demo seed)."""
    if actor is not None and not access.runs_station(actor, category.station_id):
        raise PermissionDenied("menu")
    name = data.name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写服务项目名称。")]})
    if data.response_hours is not None and not 1 <= data.response_hours <= 24 * 30:
        raise ValidationError({"response_hours": [_("响应时限应在 1 到 720 小时之间。")]})
    course = None
    if data.required_course_id is not None:
        course = Course.objects.filter(
            pk=data.required_course_id, station_id=category.station_id
        ).first()
        if course is None:
            raise ValidationError({"required_course": [_("本站没有这门课程。")]})
    duplicate = MenuItem.objects.filter(category=category, name=name)
    if item is not None:
        duplicate = duplicate.exclude(pk=item.pk)
    if duplicate.exists():
        raise ValidationError({"name": [_("这个类别里已有同名的服务项目。")]})
    values = {
        "name": name[:50],
        "description": data.description.strip()[:200],
        "skills": data.skills.strip()[:200],
        "keywords": data.keywords.strip()[:200],
        "required_course": course,
        "response_hours": data.response_hours,
        "active": data.active,
        "position": data.position,
    }
    if item is None:
        item = MenuItem.objects.create(category=category, **values)
    else:
        if item.category_id != category.pk:
            raise ValidationError({"category": [_("服务项目不属于这个类别。")]})
        for field, value in values.items():
            setattr(item, field, value)
        item.save(update_fields=list(values))
    audit_record(
        actor=actor,
        action="menu_item.save",
        target=item,
        station=category.station,
        after={"name": item.name, "active": item.active},
    )
    return item


@transaction.atomic
def menu_copy(*, source: Station, target: Station, actor: Any) -> int:
    """Copy a station's service menu onto another (a new station's menu from a template).

    Categories the target already has are left as they are; the copies take the source's
    response times and items but no teams and no required course (both belong to the source
    station). The caller's gate decides who may (`accounts.access.get_station_for_places`).
    Returns the number of items copied.
    """
    if target.is_closed:
        raise ValidationError({"station": [_("站点已关闭，不能再添加或修改。")]})
    have = set(MenuCategory.objects.filter(station=target).values_list("code", flat=True))
    copied = 0
    categories = MenuCategory.objects.filter(station=source, active=True).prefetch_related("items")
    for category in categories.order_by("code"):
        if category.code in have:
            continue
        twin = MenuCategory.objects.create(
            station=target, code=category.code, response_hours=category.response_hours
        )
        items = [
            MenuItem(
                category=twin,
                name=item.name,
                description=item.description,
                skills=item.skills,
                keywords=item.keywords,
                response_hours=item.response_hours,
                active=item.active,
                position=item.position,
            )
            for item in category.items.all()
        ]
        MenuItem.objects.bulk_create(items)
        copied += len(items)
    audit_record(
        actor=actor,
        action="menu.copy",
        target=target,
        station=target,
        after={"source": source.code, "items": copied},
    )
    return copied
