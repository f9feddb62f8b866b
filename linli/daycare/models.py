"""日间照料中心 (SPEC §7.1): centres, their caregivers, members, attendance, care plans and care
sessions, and the equipment and beds they lend.

A member walks applied → assessed → active (the agreement is signed) → left, or is declined
(MEMBER_TRANSITIONS; nothing else moves a membership). Attendance is one row per stay: a check-in
and, later, its check-out; a second check-in while a stay is open is refused by the action and by
a partial unique constraint. Person-times (人次) are counted from these rows, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.elders.models import CareLevel


class CentreKind(models.TextChoices):
    ELDERLY = "elderly", _("老年人日间照料中心")
    DISABLED = "disabled", _("残疾人日间照料中心")


class Centre(models.Model):
    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="centres")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=CentreKind.choices)
    opened_on = models.DateField(_("开办日期"))
    capacity = models.PositiveSmallIntegerField(_("床位/托位"))
    opening_hours = models.CharField(_("开放时间"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # Volunteers must have attended this course to give care sessions here (助残帮困).
    volunteer_course = models.ForeignKey(
        "volunteers.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("志愿者须完成的培训"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "opened_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="centre_name_once"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="centre_capacity_positive"),
        ]
        verbose_name = _("日间照料中心")
        verbose_name_plural = _("日间照料中心")

    def __str__(self) -> str:
        return self.name


class CentreStaff(models.Model):
    """A caregiver's place at a centre, kept by the station's staff. The `caregiver` role gives a
    station; this row says which of its centres the caregiver works at (and so whose care and
    health records they may read)."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="centre_posts"
    )
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "user"], name="centre_staff_once")]
        verbose_name = _("中心护理员")
        verbose_name_plural = _("中心护理员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.centre}"


class FeeTier(models.TextChoices):
    FREE = "free", _("无偿")
    LOW = "low", _("低偿")
    PAID = "paid", _("有偿")


class MemberStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    ASSESSED = "assessed", _("已评估")
    ACTIVE = "active", _("在托")
    LEFT = "left", _("已离托")
    DECLINED = "declined", _("未接收")


# A membership's life: from → the states it may go to. A person who left applies again anew.
MEMBER_TRANSITIONS: dict[str, set[str]] = {
    MemberStatus.APPLIED: {MemberStatus.ASSESSED, MemberStatus.DECLINED},
    MemberStatus.ASSESSED: {MemberStatus.ACTIVE, MemberStatus.DECLINED},
    MemberStatus.ACTIVE: {MemberStatus.LEFT},
    MemberStatus.LEFT: set(),
    MemberStatus.DECLINED: set(),
}
OPEN_MEMBER_STATES = (MemberStatus.APPLIED, MemberStatus.ASSESSED, MemberStatus.ACTIVE)


class Membership(models.Model):
    """A resident's place at a centre: application, assessment, agreement, leaving."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="members")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="centre_memberships"
    )
    status = models.CharField(_("状态"), max_length=10, choices=MemberStatus.choices, db_index=True)
    applied_on = models.DateField(_("申请日期"))
    application_note = models.CharField(_("申请说明"), max_length=300, blank=True)
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    care_level = models.CharField(
        _("评估结果"), max_length=10, choices=CareLevel.choices, blank=True
    )
    needs = models.CharField(_("照料需求"), max_length=300, blank=True)
    fee_tier = models.CharField(_("收费档次"), max_length=5, choices=FeeTier.choices, blank=True)
    agreement_number = models.CharField(_("协议编号"), max_length=30, blank=True)
    joined_on = models.DateField(_("入托日期"), null=True, blank=True)
    left_on = models.DateField(_("离托日期"), null=True, blank=True)
    status_reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["centre_id", "resident__name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "resident"],
                condition=Q(status__in=["applied", "assessed", "active"]),
                name="membership_open_once",
            )
        ]
        verbose_name = _("托管对象")
        verbose_name_plural = _("托管对象")

    def __str__(self) -> str:
        return f"{self.resident} @ {self.centre}"


class AttendanceMethod(models.TextChoices):
    CARD = "card", _("扫居民卡")
    ROSTER = "roster", _("名单点选")
    MANUAL = "manual", _("手工登记")
    API = "api", _("接口登记")


class CentreAttendance(models.Model):
    """One stay at a centre: check-in, and its check-out once the member goes home."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    in_at = models.DateTimeField(_("签到时间"))
    out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    in_method = models.CharField(max_length=8, choices=AttendanceMethod.choices)
    out_method = models.CharField(max_length=8, choices=AttendanceMethod.choices, blank=True)
    in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-in_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "resident"],
                condition=Q(out_at__isnull=True),
                name="attendance_one_open_stay",
            ),
            models.CheckConstraint(
                condition=Q(out_at__isnull=True) | Q(out_at__gte=F("in_at")),
                name="attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["centre", "day"], name="attendance_centre_day")]
        verbose_name = _("照料中心出勤")
        verbose_name_plural = _("照料中心出勤")

    def __str__(self) -> str:
        return f"{self.resident_id} {self.day}"


class CarePlan(models.Model):
    """A member's care plan: goals, services, when to review it. The newest one is in force."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="plans")
    goals = models.CharField(_("照护目标"), max_length=500)
    services = models.CharField(_("服务内容"), max_length=500)
    starts_on = models.DateField(_("开始日期"))
    review_on = models.DateField(_("复评日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__gte=F("starts_on")), name="care_plan_review_after_start"
            )
        ]
        verbose_name = _("照护计划")
        verbose_name_plural = _("照护计划")

    def __str__(self) -> str:
        return f"{self.membership} {self.starts_on}"


class SessionKind(models.TextChoices):
    NURSING = "nursing", _("生活护理")
    REHABILITATION = "rehabilitation", _("康复训练")
    COMPANIONSHIP = "companionship", _("陪伴关怀")
    HAIRCUT = "haircut", _("理发")
    BATHING = "bathing", _("助浴助洁")
    OTHER = "other", _("其他")


class CareSession(models.Model):
    """Care given to a member, by a caregiver of the centre or by a trained volunteer; a
    volunteer's session is service time, credited once to the ledger (`ledger_entry`)."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(_("服务类型"), max_length=16, choices=SessionKind.choices)
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"))
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_sessions",
    )
    note = models.CharField(_("记录"), max_length=300, blank=True)
    ledger_entry = models.OneToOneField(
        "ledger.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_session",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=720), name="care_session_minutes"
            ),
            models.CheckConstraint(
                condition=Q(caregiver__isnull=True) | Q(volunteer__isnull=True),
                name="care_session_one_giver",
            ),
        ]
        verbose_name = _("照料服务记录")
        verbose_name_plural = _("照料服务记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class EquipmentKind(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("轮椅")
    WALKER = "walker", _("助行器")
    CRUTCHES = "crutches", _("拐杖")
    COMMODE = "commode", _("坐便椅")
    BED = "bed", _("护理床")
    REHAB = "rehab", _("康复器材")
    OTHER = "other", _("其他")


class Equipment(models.Model):
    """One piece of rehabilitation equipment or a bed; whether it is out is read from its loans."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="equipment")
    kind = models.CharField(_("类别"), max_length=12, choices=EquipmentKind.choices)
    label = models.CharField(_("编号"), max_length=30)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    retired = models.BooleanField(_("已报废"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["centre_id", "kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "label"], name="equipment_label_once")
        ]
        verbose_name = _("康复器材")
        verbose_name_plural = _("康复器材")

    def __str__(self) -> str:
        return self.label


class EquipmentLoan(models.Model):
    """Who has a piece of equipment, since when, until when; returned or still out."""

    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="loans")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="equipment_loans"
    )
    lent_on = models.DateField(_("借出日期"))
    due_on = models.DateField(_("应还日期"))
    returned_on = models.DateField(_("归还日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-lent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment"],
                condition=Q(returned_on__isnull=True),
                name="equipment_one_open_loan",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("lent_on")), name="loan_due_after_lent"
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("lent_on")),
                name="loan_returned_after_lent",
            ),
        ]
        verbose_name = _("器材借用")
        verbose_name_plural = _("器材借用")

    def __str__(self) -> str:
        return f"{self.equipment} → {self.resident_id}"
