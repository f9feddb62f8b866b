"""The resident's request form (群众点单): few fields, plain words. It reads input and turns it
into a RequestInput; `request_submit` keeps the rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.assistance.actions import RequestInput
from linli.assistance.forms.requests import LOCAL_FORMAT, BaseForm
from linli.assistance.models import Channel, MenuCategory, MenuItem, Urgency
from linli.org.models import Building, Estate, Station
from linli.people.models import Resident

MAX_DESCRIPTION = 1000
# The category choice that leaves it to staff ("不知道选哪个"), and the prefix of a first-level
# tile that stands for one menu item (its category follows from it).
UNSURE = "unsure"
ITEM_TILE = "item-"
QUICK_TILES = 6


class When:
    """希望什么时候: simple choices an elder can tap; `other` opens a date-and-time input."""

    ASAP = "asap"
    TODAY = "today"
    TOMORROW_MORNING = "tomorrow_am"
    TOMORROW_AFTERNOON = "tomorrow_pm"
    OTHER = "other"

    CHOICES = [
        (ASAP, gettext_lazy("尽快")),
        (TODAY, gettext_lazy("今天")),
        (TOMORROW_MORNING, gettext_lazy("明天上午")),
        (TOMORROW_AFTERNOON, gettext_lazy("明天下午")),
        (OTHER, gettext_lazy("其他时间")),
    ]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def preferred_moment(when: str, other: datetime | None, now: datetime) -> datetime | None:
    """The moment a choice stands for: 尽快 is none; 今天 the next full hour; 明天上午 9:00 and
    明天下午 14:00 (local time); 其他时间 what was entered."""
    today = timezone.localtime(now).date()
    if when == When.TODAY:
        return timezone.localtime(now).replace(minute=0, second=0, microsecond=0) + timedelta(
            hours=1
        )
    if when == When.TOMORROW_MORNING:
        return _at(today + timedelta(days=1), 9)
    if when == When.TOMORROW_AFTERNOON:
        return _at(today + timedelta(days=1), 14)
    if when == When.OTHER:
        return other
    return None


class RequestForm(BaseForm):
    """点单. `categories` are the station's active menu (items prefetched); `needs_address` is
    true when the resident's own household is not known, so the address must be asked."""

    description = forms.CharField(
        label=gettext_lazy("您需要什么帮助？"),
        max_length=MAX_DESCRIPTION,
        error_messages={"required": gettext_lazy("请说一说需要什么帮助。")},
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": gettext_lazy("例如：厨房水管漏水了，想请人来修一下"),
                "autocomplete": "off",
                "enterkeyhint": "done",
                "data-testid": "request-description",
            }
        ),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("是哪方面的事？"),
        error_messages={"required": gettext_lazy("请选一个服务类别。")},
    )
    item = forms.TypedChoiceField(label=gettext_lazy("具体是"), required=False, coerce=int)
    urgency = forms.ChoiceField(
        label=gettext_lazy("是否着急"),
        choices=[
            (Urgency.NORMAL, gettext_lazy("不着急")),
            (Urgency.URGENT, gettext_lazy("着急")),
        ],
        initial=Urgency.NORMAL,
    )
    when = forms.ChoiceField(
        label=gettext_lazy("希望什么时候来"), choices=When.CHOICES, initial=When.ASAP
    )
    preferred_at = forms.DateTimeField(
        label=gettext_lazy("具体时间"),
        required=False,
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
    )
    for_family = forms.BooleanField(label=gettext_lazy("为家人点单"), required=False)
    family_name = forms.CharField(label=gettext_lazy("家人姓名"), max_length=50, required=False)
    proxy_relation = forms.CharField(
        label=gettext_lazy("您是TA的"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：女儿、儿子")}),
    )
    estate = forms.TypedChoiceField(label=gettext_lazy("小区"), required=False, coerce=int)
    building = forms.CharField(
        label=gettext_lazy("楼栋"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": gettext_lazy("如：3")}
        ),
    )
    unit = forms.CharField(
        label=gettext_lazy("单元"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": gettext_lazy("如：2")}
        ),
    )
    room = forms.CharField(
        label=gettext_lazy("房号"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": gettext_lazy("如：502")}
        ),
    )
    address_text = forms.CharField(label=gettext_lazy("详细地址"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        categories: Iterable[MenuCategory],
        estates: Iterable[Estate],
        needs_address: bool,
        quick_items: Iterable[MenuItem] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.quick_items = list(quick_items)
        # As they type, the words choose the tile (views.public.recognise).
        self.fields["description"].widget.attrs.update(
            {
                "hx-post": reverse("assistance:recognise"),
                "hx-trigger": "input changed delay:500ms",
                "hx-target": "#need-tiles",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
            }
        )
        self.estates = list(estates)
        self.needs_address = needs_address
        self.building_found: Building | None = None
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            *((f"{ITEM_TILE}{item.pk}", item.name) for item in self.quick_items),
            *((menu.code, str(menu)) for menu in self.categories),
            (UNSURE, _("不知道选哪个")),
        ]
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", _("都可以")),
            *((item.pk, item.name) for menu in self.categories for item in menu.items.all()),
        ]
        self.fields["estate"].choices = [  # type: ignore[attr-defined]
            ("", _("请选择小区")),
            *((estate.pk, estate.name) for estate in self.estates),
        ]

    # --- what the template shows -------------------------------------------------------------

    def quick_tiles(self) -> list[tuple[MenuItem, bool]]:
        """The most asked-for items as first-level tiles, with whether each is chosen."""
        chosen = self["category"].value()
        return [(item, chosen == f"{ITEM_TILE}{item.pk}") for item in self.quick_items]

    def unsure_chosen(self) -> bool:
        return self["category"].value() == UNSURE

    def tiles(self) -> list[tuple[MenuCategory, bool, list[tuple[Any, bool]]]]:
        """Each category with whether it is chosen, and its items with whether each is chosen."""
        chosen_category = self["category"].value()
        chosen_item = str(self["item"].value() or "")
        return [
            (
                menu,
                menu.code == chosen_category,
                [(item, str(item.pk) == chosen_item) for item in menu.items.all()],
            )
            for menu in self.categories
        ]

    def asks_address(self) -> bool:
        return self.needs_address or bool(self["for_family"].value())

    # --- checks ------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        category = cleaned.get("category")
        if category == UNSURE:
            cleaned["category"], cleaned["item"] = "", None
            category = ""
        elif category and category.startswith(ITEM_TILE):
            quick = next(i for i in self.quick_items if f"{ITEM_TILE}{i.pk}" == category)
            category = cleaned["category"] = quick.category.code
            cleaned["item"] = quick.pk
        item_id = cleaned.get("item")
        # An item hidden under another category (chosen, then the category changed) is dropped.
        menu = next((menu for menu in self.categories if menu.code == category), None)
        if item_id is not None and (
            menu is None or item_id not in {item.pk for item in menu.items.all()}
        ):
            cleaned["item"] = None
        if cleaned.get("when") == When.OTHER:
            moment = cleaned.get("preferred_at")
            if moment is None:
                self.add_error("preferred_at", _("请选择希望的日期和时间。"))
            elif moment < timezone.now() - timedelta(hours=1):
                self.add_error("preferred_at", _("这个时间已经过去了。"))
        if cleaned.get("for_family"):
            if not cleaned.get("family_name", "").strip():
                self.add_error("family_name", _("请填写家人的姓名。"))
            if not cleaned.get("proxy_relation", "").strip():
                self.add_error("proxy_relation", _("请填写您和家人的关系。"))
        if self.asks_address():
            self._clean_address(cleaned)
        return cleaned

    def _clean_address(self, cleaned: dict[str, Any]) -> None:
        if not self.estates:
            if not cleaned.get("address_text", "").strip():
                self.add_error("address_text", _("请填写服务地址。"))
            return
        estate = next((e for e in self.estates if e.pk == cleaned.get("estate")), None)
        if estate is None:
            self.add_error("estate", _("请选择小区。"))
            return
        number = cleaned.get("building", "").strip().removesuffix("栋").removesuffix("号楼")
        if not number:
            self.add_error("building", _("请填写楼栋号。"))
            return
        self.building_found = Building.objects.filter(estate=estate, number=number).first()
        if self.building_found is None:
            self.add_error(
                "building",
                _("%(estate)s没有%(number)s栋，请核对楼号。")
                % {"estate": estate.name, "number": number},
            )

    # --- the action's input ------------------------------------------------------------------

    def channel(self) -> str:
        return Channel.PROXY if self.cleaned_data.get("for_family") else Channel.WEB

    def request_input(self, *, station: Station, own: Resident | None) -> RequestInput:
        """What the form says, for `request_submit`. `own` is the signed-in resident's own record
        at the station (their household gives the address unless ordering for family)."""
        cleaned = self.cleaned_data
        description = cleaned["description"].strip()
        preferred_at = preferred_moment(
            cleaned["when"], cleaned.get("preferred_at"), timezone.now()
        )
        address: dict[str, Any] = {}
        if self.asks_address():
            unit = cleaned.get("unit", "").strip().removesuffix("单元")
            address = {
                "building_id": self.building_found.pk if self.building_found else None,
                "unit": unit,
                "room": cleaned.get("room", "").strip(),
                "address_text": "" if self.building_found else cleaned.get("address_text", ""),
            }
        if not cleaned.get("for_family"):
            return RequestInput(
                category=cleaned["category"],
                description=description,
                item_id=cleaned.get("item"),
                urgency=cleaned["urgency"],
                resident_id=own.pk if own is not None and not self.needs_address else None,
                preferred_at=preferred_at,
                **address,
            )
        family_name = cleaned["family_name"].strip()
        served = self._registered_family_member(station, family_name, address)
        if served is None:
            # Not in the station's registry (or not found at that address): the name must still
            # reach the staff and the volunteer, so it leads the description.
            line = _("服务对象：%(name)s") % {"name": family_name}
            description = f"{line}\n{description}"[:MAX_DESCRIPTION]
        return RequestInput(
            category=cleaned["category"],
            description=description,
            item_id=cleaned.get("item"),
            urgency=cleaned["urgency"],
            resident_id=served.pk if served is not None else None,
            proxy_relation=cleaned["proxy_relation"].strip(),
            preferred_at=preferred_at,
            **address,
        )

    def _registered_family_member(
        self, station: Station, name: str, address: dict[str, Any]
    ) -> Resident | None:
        """The registered resident of that name living at that address, if there is exactly one."""
        if address.get("building_id") is None:
            return None
        found = list(
            Resident.objects.filter(
                station=station,
                name=name,
                household__building_id=address["building_id"],
                household__unit=address["unit"],
                household__room=address["room"],
            )[:2]
        )
        return found[0] if len(found) == 1 else None
