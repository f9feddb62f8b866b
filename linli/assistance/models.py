"""群众点单 (SPEC §4): the station's service menu, residents' requests, their timeline and ratings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.categories import ServiceCategory
from linli.core.messages import render


class MenuCategory(models.Model):
    """One service category on a station's menu (需求清单), the teams that serve it and how fast
    a request in it must be reviewed."""

    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="menu_categories"
    )
    code = models.CharField(_("服务类别"), max_length=20, choices=ServiceCategory.choices)
    teams = models.ManyToManyField(
        "teams.Team", blank=True, related_name="menu_categories", verbose_name=_("服务队伍")
    )
    response_hours = models.PositiveSmallIntegerField(_("响应时限（小时）"), default=24)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["station_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["station", "code"], name="menu_category_once"),
            models.CheckConstraint(
                condition=Q(response_hours__gte=1), name="menu_category_response_positive"
            ),
        ]
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")

    def __str__(self) -> str:
        return str(self.get_code_display())


class MenuItem(models.Model):
    """A service residents may order (家电维修, 陪同就医 …): the skills it wants, words that
    recognise it in a pasted message, and a course a volunteer must have attended, if any."""

    category = models.ForeignKey(MenuCategory, on_delete=models.PROTECT, related_name="items")
    name = models.CharField(_("服务项目"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    skills = models.CharField(
        _("所需技能"), max_length=200, blank=True, help_text=_("用空格或逗号分隔，如：水电 维修")
    )
    keywords = models.CharField(
        _("识别关键词"),
        max_length=200,
        blank=True,
        help_text=_("群消息中出现这些词时识别为本项目，如：漏水 水管 跳闸"),
    )
    required_course = models.ForeignKey(
        "volunteers.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="menu_items",
        verbose_name=_("须完成的培训"),
    )
    response_hours = models.PositiveSmallIntegerField(
        _("响应时限（小时）"), null=True, blank=True, help_text=_("留空则按类别的时限")
    )
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="menu_item_name_once")
        ]
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")

    def __str__(self) -> str:
        return self.name

    def words(self, field: str) -> list[str]:
        """The space- or comma-separated words of `skills` or `keywords`."""
        text = getattr(self, field).replace("，", " ").replace(",", " ").replace("、", " ")
        return [word for word in text.split() if word]


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已接单")
    IN_SERVICE = "in_service", _("服务中")
    COMPLETED = "completed", _("已完成")
    RATED = "rated", _("已评价")
    REJECTED = "rejected", _("未受理")
    CANCELLED = "cancelled", _("已取消")


# SPEC §4, the one table: from → the states a request may go to. Nothing else moves a request.
# dispatched → dispatched and accepted → dispatched are re-dispatches (to someone else).
REQUEST_TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.SUBMITTED: {
        RequestStatus.DISPATCHED,
        RequestStatus.REJECTED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.DISPATCHED: {
        RequestStatus.DISPATCHED,
        RequestStatus.ACCEPTED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.ACCEPTED: {
        RequestStatus.IN_SERVICE,
        RequestStatus.DISPATCHED,
        RequestStatus.CANCELLED,
    },
    RequestStatus.IN_SERVICE: {RequestStatus.COMPLETED, RequestStatus.CANCELLED},
    RequestStatus.COMPLETED: {RequestStatus.RATED, RequestStatus.SUBMITTED},
    RequestStatus.RATED: {RequestStatus.SUBMITTED},
    RequestStatus.REJECTED: set(),
    RequestStatus.CANCELLED: set(),
}

# States in which the station still owes the requester something.
OPEN_STATES = frozenset(
    {
        RequestStatus.SUBMITTED,
        RequestStatus.DISPATCHED,
        RequestStatus.ACCEPTED,
        RequestStatus.IN_SERVICE,
    }
)
# States in which the accepting volunteer sees the resident's phone and address.
ASSIGNED_STATES = frozenset({RequestStatus.ACCEPTED, RequestStatus.IN_SERVICE})


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    WEB = "web", _("网上点单")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门/来访")
    PROXY = "proxy", _("亲属代办")
    WECHAT = "wechat", _("民情e站群消息")


class DispatchMode(models.TextChoices):
    TEAM = "team", _("派给队伍")
    VOLUNTEER = "volunteer", _("派给志愿者")
    OPEN = "open", _("开放抢单")


class Rating(models.IntegerChoices):
    """SPEC §3 好差评."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIR = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class ServiceRequest(models.Model):
    """A resident's request for help, from 点单 to 评单.

    `requester` is the account following the request (the resident, or a relative acting for
    them); it is empty when staff enter a request for a caller without an account. `resident` is
    the person served, who may differ from the requester (a daughter orders for her mother).
    The contact fields are shown to a volunteer only while the request is theirs (access.py).
    """

    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="service_requests"
    )
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("点单人账户"),
    )
    requester_name = models.CharField(_("联系人"), max_length=50)
    requester_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    proxy_relation = models.CharField(
        _("与服务对象关系"), max_length=20, blank=True, help_text=_("代为点单时填写，如：女儿")
    )
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("服务对象"),
    )
    building = models.ForeignKey(
        "org.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("楼栋"),
    )
    unit = models.CharField(_("单元"), max_length=10, blank=True)
    room = models.CharField(_("房号"), max_length=10, blank=True)
    address_text = models.CharField(_("地址"), max_length=200, blank=True)
    # Empty while the requester left it to staff ("不知道选哪个"): staff sort it at review.
    category = models.CharField(
        _("服务类别"), max_length=20, choices=ServiceCategory.choices, blank=True
    )
    item = models.ForeignKey(
        MenuItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("服务项目"),
    )
    description = models.TextField(_("需求描述"), max_length=1000)
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    preferred_at = models.DateTimeField(_("希望服务时间"), null=True, blank=True)
    source_text = models.TextField(_("原始群消息"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
        db_index=True,
    )
    dispatch_mode = models.CharField(
        _("派单方式"), max_length=10, choices=DispatchMode.choices, blank=True
    )
    dispatch_team = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatched_requests",
        verbose_name=_("派给队伍"),
    )
    dispatch_volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispatched_requests",
        verbose_name=_("派给志愿者"),
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("接单志愿者"),
    )
    submitted_at = models.DateTimeField(_("点单时间"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始服务时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The first dispatch and acceptance after the latest submission, kept for the statistics.
    first_dispatched_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    completion_note = models.CharField(_("服务记录"), max_length=500, blank=True)
    hours_confirmed_at = models.DateTimeField(_("时长确认时间"), null=True, blank=True)
    hours_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("评价"), choices=Rating.choices, null=True, blank=True
    )
    rating_comment = models.CharField(_("评价内容"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    # Escalation marks: each timer fires once per period (reset when the period starts again).
    review_alerted_at = models.DateTimeField(null=True, blank=True)
    accept_alerted_at = models.DateTimeField(null=True, blank=True)
    rating_reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["station", "status"], name="request_station_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="request_score_range",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0), name="request_hours_positive"
            ),
        ]
        verbose_name = _("服务需求")
        verbose_name_plural = _("服务需求")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def address(self) -> str:
        """楼栋单元房号 as people write it, or the entered address."""
        if self.building_id is None:
            return self.address_text
        parts = [str(self.building)]
        if self.unit:
            parts.append(f"{self.unit}单元")
        if self.room:
            parts.append(self.room)
        return "".join(parts)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class RequestEvent(models.Model):
    """One row of a request's timeline: who, when, from which state to which, and a note.

    Alerts and reminders (kind `alert`, `reminder`) and notes keep the state (from == to).
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("状态变更")
        ALERT = "alert", _("超时提醒")
        REMINDER = "reminder", _("评价提醒")
        NOTE = "note", _("备注")
        FOLLOW_UP = "follow_up", _("回访")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TRANSITION)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=RequestStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    # A system-written note as a message code and parameters (linli.core.messages), read in the
    # reader's language; `note` keeps the Chinese words (and is all an older row has).
    note_code = models.CharField(max_length=60, blank=True)
    note_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.request_id} {self.from_status}→{self.to_status}"

    @property
    def shown_note(self) -> str:
        return render(self.note_code, self.note_params, self.note)


def request_photo_path(photo: RequestPhoto, filename: str) -> str:
    """A random name under MEDIA_ROOT/requests/: photos are served only through the request page."""
    suffix = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}.get(
        photo.content_type, ""
    )
    return f"requests/{uuid.uuid4().hex}{suffix}"


class RequestPhoto(models.Model):
    """A photo of the finished work, checked for size and type on upload."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=request_photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"#{self.request_id} photo {self.pk}"


class FollowUp(models.Model):
    """回访: opened by a rating of 2 or less; staff close it with what they found and did."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="followups")
    score = models.PositiveSmallIntegerField(choices=Rating.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("回访期限"))
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("回访情况"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(closed_at__isnull=True), name="one_open_followup"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.request_id} 回访 {self.due_on}"
