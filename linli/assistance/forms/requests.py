"""Forms for the service request pages. They read input; the actions keep the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from linli.assistance.actions import MenuItemInput, RequestInput
from linli.assistance.models import (
    Channel,
    DispatchMode,
    MenuCategory,
    MenuItem,
    Rating,
    RequestStatus,
    Urgency,
)
from linli.core.categories import ServiceCategory
from linli.core.forms import BaseForm
from linli.org.models import Building, Station
from linli.people.models import Resident
from linli.teams.models import Team
from linli.volunteers.models import Course, Volunteer

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


# --- the board ---------------------------------------------------------------------------------


class BoardFilterForm(BaseForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *RequestStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("服务类别"), required=False, choices=[("", _("全部类别")), *ServiceCategory.choices]
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), required=False, choices=[("", _("全部")), *Urgency.choices]
    )
    station = forms.ModelChoiceField(
        label=_("站点"),
        required=False,
        queryset=Station.objects.none(),
        empty_label=_("全部站点"),
        to_field_name="code",
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("需求内容、联系人或单号")}
        ),
    )
    overdue = forms.BooleanField(label=_("只看超时"), required=False)
    followup = forms.BooleanField(label=_("只看待回访"), required=False)

    def __init__(self, *args: Any, stations: QuerySet[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations  # type: ignore[attr-defined]


# --- actions on one request ---------------------------------------------------------------------


class ActionForm(BaseForm):
    """An action's input; `service_request` gives the choices that depend on its station."""

    def __init__(self, *args: Any, service_request: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_request = service_request


class DispatchForm(ActionForm):
    mode = forms.ChoiceField(
        label=_("派单方式"),
        choices=DispatchMode.choices,
        initial=DispatchMode.TEAM,
        widget=forms.RadioSelect,
    )
    team = forms.ModelChoiceField(
        label=_("队伍"), required=False, queryset=Team.objects.none(), empty_label=_("请选择")
    )
    volunteer = forms.ModelChoiceField(
        required=False, queryset=Volunteer.objects.none(), widget=forms.HiddenInput
    )
    who = forms.CharField(
        label=_("志愿者编号或姓名"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label=_("派单说明"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        station_id = self.service_request.station_id
        teams = Team.objects.filter(station_id=station_id).order_by("name")
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["volunteer"].queryset = Volunteer.objects.filter(  # type: ignore[attr-defined]
            station_id=station_id, status=Volunteer.Status.ACTIVE
        )
        serving = self.service_request.dispatch_team_id or (
            teams.filter(
                menu_categories__station_id=station_id,
                menu_categories__code=self.service_request.category,
            )
            .values_list("pk", flat=True)
            .first()
        )
        self.fields["team"].initial = serving

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        if mode == DispatchMode.TEAM and data.get("team") is None:
            self.add_error("team", _("请选择队伍。"))
        if mode == DispatchMode.VOLUNTEER and data.get("volunteer") is None:
            who = (data.get("who") or "").strip()
            if not who:
                self.add_error("who", _("请填写志愿者编号或姓名。"))
            else:
                data["volunteer"] = self._find(who)
        return data

    def _find(self, who: str) -> Volunteer | None:
        """One active volunteer of the station by number or exact name."""
        queryset = self.fields["volunteer"].queryset  # type: ignore[attr-defined]
        found = list(queryset.filter(Q(number=who) | Q(person__name=who))[:2])
        if len(found) != 1:
            self.add_error(
                "who", _("没有找到唯一的在册志愿者“%(who)s”，请输入志愿者编号。") % {"who": who}
            )
            return None
        return found[0]

    def choice(self) -> dict[str, Any]:
        """The keyword arguments of `request_dispatch` for the chosen mode."""
        data = self.cleaned_data
        mode = data["mode"]
        return {
            "team": data["team"] if mode == DispatchMode.TEAM else None,
            "volunteer": data["volunteer"] if mode == DispatchMode.VOLUNTEER else None,
            "open_to_all": mode == DispatchMode.OPEN,
            "note": data["note"],
        }


class EmptyForm(ActionForm):
    """Accept, start, confirm: the button is the whole input."""


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("原因"), max_length=200)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input. The view hands `request.FILES.getlist` to the action, which
    checks every file itself (type read from the content, size, count)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> None:
        return None


class CompleteForm(ActionForm):
    hours = forms.DecimalField(
        label=_("服务时长（小时）"),
        min_value=Decimal("0.1"),
        max_value=Decimal("24"),
        max_digits=5,
        decimal_places=2,
        help_text=_("实际服务的时间，不含路上往返。"),
        # step 0.1 from min 0.1 accepts 0.5, 1.5 … (a step of 0.5 from 0.1 would refuse them).
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("服务记录"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("做了什么，结果如何")}),
    )
    photos = PhotosField(
        label=_("照片（可选，最多 6 张）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class PhotosForm(ActionForm):
    photos = PhotosField(
        label=_("照片"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class RateForm(ActionForm):
    score = forms.TypedChoiceField(
        label=_("您对这次服务满意吗？"),
        coerce=int,
        choices=Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("想说的话（可选）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(ActionForm):
    outcome = forms.CharField(
        label=_("回访情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- staff entry on behalf of a caller ----------------------------------------------------------

STAFF_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.VISIT.value, Channel.VISIT.label),
    (Channel.PROXY.value, Channel.PROXY.label),
    (Channel.WECHAT.value, Channel.WECHAT.label),
]


class PasteForm(BaseForm):
    message = forms.CharField(
        label=_("粘贴群消息"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("例如：3栋2单元502王秀梅家水管漏水，急")}
        ),
        help_text=_(
            "把民情e站群里的求助消息粘贴到这里，系统会尽量识别并填好下面的表单，请核对后提交。"
        ),
    )


class StaffRequestForm(BaseForm):
    """A request taken by phone, at the counter or from the WeChat group, for `station`."""

    channel = forms.ChoiceField(label=_("来源"), choices=STAFF_CHANNELS, initial=Channel.PHONE)
    requester_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    requester_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    proxy_relation = forms.CharField(
        label=_("与服务对象关系"),
        max_length=20,
        required=False,
        help_text=_("代为点单时填写，如：女儿"),
    )
    resident = forms.ModelChoiceField(
        label=_("服务对象（本站居民）"),
        required=False,
        queryset=Resident.objects.none(),
        empty_label=_("不是登记居民 / 未选择"),
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"), required=False, queryset=Building.objects.none(), empty_label=_("未选择")
    )
    unit = forms.CharField(label=_("单元"), max_length=10, required=False)
    room = forms.CharField(label=_("房号"), max_length=10, required=False)
    address_text = forms.CharField(
        label=_("其他地址"),
        max_length=200,
        required=False,
        help_text=_("不在登记楼栋时填写。选了居民而不填地址，则用居民的住址。"),
    )
    category = forms.ChoiceField(label=_("服务类别"), choices=[])
    item = forms.ModelChoiceField(
        label=_("服务项目"),
        required=False,
        queryset=MenuItem.objects.none(),
        empty_label=_("其他 / 未确定"),
    )
    description = forms.CharField(
        label=_("需求描述"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    preferred_at = forms.DateTimeField(
        label=_("希望服务时间"),
        required=False,
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
    )
    source_text = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, station: Station, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.station = station
        menus = MenuCategory.objects.filter(station=station, active=True)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("请选择")),
            *((menu.code, menu.get_code_display()) for menu in menus),
        ]
        self.fields["item"].queryset = MenuItem.objects.filter(  # type: ignore[attr-defined]
            category__in=menus, active=True
        ).select_related("category")
        self.fields["resident"].queryset = Resident.objects.filter(  # type: ignore[attr-defined]
            station=station
        ).select_related("household__building__estate")
        self.fields["resident"].label_from_instance = resident_label  # type: ignore[attr-defined]
        self.fields["building"].queryset = Building.objects.filter(  # type: ignore[attr-defined]
            estate__station=station
        ).select_related("estate")

    def narrow(self, *, residents: list[Resident], category: str) -> None:
        """Show only these residents and the category's items in the selects (the full sets
        stay the valid choices: this form was already cleaned, or is being shown unbound)."""
        self.fields["resident"].choices = [  # type: ignore[attr-defined]
            ("", self.fields["resident"].empty_label),  # type: ignore[attr-defined]
            *((resident.pk, resident_label(resident)) for resident in residents),
        ]
        items = self.fields["item"].queryset.filter(  # type: ignore[attr-defined]
            category__code=category
        )
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", self.fields["item"].empty_label),  # type: ignore[attr-defined]
            *((item.pk, item.name) for item in items),
        ]

    def request_input(self) -> RequestInput:
        data = self.cleaned_data
        return RequestInput(
            category=data["category"],
            description=data["description"],
            item_id=data["item"].pk if data["item"] else None,
            urgency=data["urgency"],
            resident_id=data["resident"].pk if data["resident"] else None,
            requester_name=data["requester_name"],
            requester_phone=data["requester_phone"],
            proxy_relation=data["proxy_relation"],
            building_id=data["building"].pk if data["building"] else None,
            unit=data["unit"],
            room=data["room"],
            address_text=data["address_text"],
            preferred_at=data["preferred_at"],
            source_text=data["source_text"],
        )


def resident_label(resident: Resident) -> str:
    household = resident.household
    if household is None:
        return resident.name
    return f"{resident.name}（{household.building}{household.unit}单元{household.room}）"


# --- the service menu ---------------------------------------------------------------------------


class MenuCategoryForm(BaseForm):
    code = forms.ChoiceField(label=_("服务类别"), choices=ServiceCategory.choices)
    response_hours = forms.IntegerField(
        label=_("响应时限（小时）"),
        min_value=1,
        max_value=720,
        initial=24,
        help_text=_("从点单到派单的时限；紧急需求减半。"),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("服务队伍"),
        required=False,
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, station: Station, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            station=station
        ).order_by("name")


class MenuItemForm(BaseForm):
    name = forms.CharField(label=_("服务项目"), max_length=50)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    skills = forms.CharField(
        label=_("所需技能"),
        max_length=200,
        required=False,
        help_text=_("用空格或逗号分隔，如：水电 维修"),
    )
    keywords = forms.CharField(
        label=_("识别关键词"),
        max_length=200,
        required=False,
        help_text=_("群消息中出现这些词时识别为本项目，如：漏水 水管 跳闸"),
    )
    required_course = forms.ModelChoiceField(
        label=_("须完成的培训"),
        required=False,
        queryset=Course.objects.none(),
        empty_label=_("不要求"),
    )
    response_hours = forms.IntegerField(
        label=_("响应时限（小时）"),
        required=False,
        min_value=1,
        max_value=720,
        help_text=_("留空则按类别的时限"),
    )
    position = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=999)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, station: Station, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required_course"].queryset = Course.objects.filter(  # type: ignore[attr-defined]
            station=station
        ).order_by("name")

    def item_input(self) -> MenuItemInput:
        data = self.cleaned_data
        return MenuItemInput(
            name=data["name"],
            description=data["description"],
            skills=data["skills"],
            keywords=data["keywords"],
            required_course_id=data["required_course"].pk if data["required_course"] else None,
            response_hours=data["response_hours"],
            active=data["active"],
            position=data["position"] or 0,
        )


def item_initial(item: MenuItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "description": item.description,
        "skills": item.skills,
        "keywords": item.keywords,
        "required_course": item.required_course_id,
        "response_hours": item.response_hours,
        "position": item.position,
        "active": item.active,
    }


class ClassifyForm(ActionForm):
    """归类: the station's active categories and items for a request left to staff."""

    category = forms.ChoiceField(label=_("服务类别"))
    item = forms.TypedChoiceField(label=_("服务项目"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        menus = (
            MenuCategory.objects.filter(station_id=self.service_request.station_id, active=True)
            .prefetch_related("items")
            .order_by("code")
        )
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("请选择")),
            *((menu.code, str(menu)) for menu in menus),
        ]
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", _("不限")),
            *(
                (item.pk, f"{menu}·{item.name}")
                for menu in menus
                for item in menu.items.all()
                if item.active
            ),
        ]
        self.initial.setdefault("category", self.service_request.category)
        self.initial.setdefault("item", self.service_request.item_id)
