"""午间微学堂 (SPEC §7.1): a station's midday study room, its pupils and their guardians, the
noon check-in and pick-up, the tutors' rota and the interest classes.

A pupil's data is a child's data (个人信息保护法 §28, §31): a pupil exists only with a guardian's
separate consent (`GuardianConsent`), the allergies and health notes are stored only encrypted
(`health_cipher`), and every clear read is audited (`studyroom.actions.pupils.pupil_health_read`).
A pupil who left is kept `StudyRoom.retention_days` and then anonymised by the nightly sweep:
what remains is a row without a name that still counts its attendance days.

Pick-up is by a listed guardian only: `Guardian` rows are never deleted while the pupil is
known; removing one sets `removed_at`, and from then on that person is refused.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StudyRoom(models.Model):
    """One station's study room, with its day: open at noon, and when a pupil still in is late."""

    station = models.OneToOneField(
        "org.Station", on_delete=models.PROTECT, related_name="study_room"
    )
    name = models.CharField(_("名称"), max_length=100)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    opens_at = models.TimeField(_("开始时间"), default=time(11, 30))
    closes_at = models.TimeField(_("结束时间"), default=time(13, 30))
    # A pupil still in at this time raises an alert to staff and the pupil's guardians.
    still_in_alert_at = models.TimeField(_("未接走提醒时间"), default=time(13, 45))
    # Days a pupil's data is kept after leaving, before the sweep anonymises it.
    retention_days = models.PositiveSmallIntegerField(_("离开后保留天数"), default=180)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="study_room_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(retention_days__gte=1) & Q(retention_days__lte=3650),
                name="study_room_retention_bounded",
            ),
        ]
        verbose_name = _("午间微学堂")
        verbose_name_plural = _("午间微学堂")

    def __str__(self) -> str:
        return self.name


class PupilStatus(models.TextChoices):
    ACTIVE = "active", _("在读")
    LEFT = "left", _("已离开")
    ANONYMISED = "anonymised", _("已匿名化")


class Channel(models.TextChoices):
    ONLINE = "online", _("监护人线上报名")
    PAPER = "paper", _("工作人员据纸质报名表登记")


class Pupil(models.Model):
    room = models.ForeignKey(StudyRoom, on_delete=models.PROTECT, related_name="pupils")
    # Null once anonymised: the row then names nobody but keeps its attendance days.
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pupil_places",
    )
    school = models.CharField(_("学校"), max_length=100, blank=True)
    grade = models.PositiveSmallIntegerField(_("年级"), null=True, blank=True)
    # {"allergies": ..., "health_notes": ...}, encrypted with the project's field keys.
    health_cipher = models.TextField(blank=True, editable=False)
    photo_consent = models.BooleanField(_("同意拍照"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=PupilStatus.choices, default=PupilStatus.ACTIVE
    )
    channel = models.CharField(_("报名方式"), max_length=8, choices=Channel.choices)
    enrolled_on = models.DateField(_("报名日期"))
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    purge_on = models.DateField(_("匿名化日期"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room_id", "resident__name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "resident"],
                condition=Q(status="active"),
                name="pupil_active_once",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | (Q(grade__gte=1) & Q(grade__lte=12)),
                name="pupil_grade_bounded",
            ),
            models.CheckConstraint(
                condition=Q(status="anonymised") | Q(resident__isnull=False),
                name="pupil_named_until_anonymised",
            ),
        ]
        indexes = [models.Index(fields=["status", "purge_on"], name="pupil_purge_due")]
        verbose_name = _("学生")
        verbose_name_plural = _("学生")

    def __str__(self) -> str:
        return self.resident.name if self.resident else f"#{self.pk}"


class GuardianRelation(models.TextChoices):
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    OTHER = "other", _("其他亲属")


class Guardian(models.Model):
    """A person who may pick the pupil up; removing one stamps `removed_at` (a refusal from then)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardians")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(
        _("关系"), max_length=12, choices=GuardianRelation.choices, default=GuardianRelation.PARENT
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pupil_id", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "resident"],
                condition=Q(removed_at__isnull=True),
                name="guardian_listed_once",
            )
        ]
        verbose_name = _("接送人")
        verbose_name_plural = _("接送人")

    def __str__(self) -> str:
        return f"{self.resident_id} → {self.pupil_id}"


class GuardianConsent(models.Model):
    """The guardian's separate consent to the pupil's data (a child's data is sensitive)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="consents")
    guardian = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    text_version = models.CharField(_("告知书版本"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("监护人同意")
        verbose_name_plural = _("监护人同意")

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.recorded_at:%Y-%m-%d}"


class PickupMethod(models.TextChoices):
    CHOSEN = "chosen", _("从名单中选择")
    QR = "qr", _("扫接送人居民卡")
    API = "api", _("接口登记")


class Stay(models.Model):
    """A pupil's day at the study room: check-in at noon, and the pick-up by a guardian."""

    room = models.ForeignKey(StudyRoom, on_delete=models.PROTECT, related_name="stays")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="stays")
    day = models.DateField(_("日期"))
    in_at = models.DateTimeField(_("到达时间"))
    out_at = models.DateTimeField(_("接走时间"), null=True, blank=True)
    picked_up_by = models.ForeignKey(
        "people.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    out_method = models.CharField(max_length=8, choices=PickupMethod.choices, blank=True)
    in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    still_in_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "day"], name="stay_once_a_day"),
            models.CheckConstraint(
                condition=Q(out_at__isnull=True) | Q(out_at__gte=F("in_at")),
                name="stay_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["room", "day"], name="stay_room_day")]
        verbose_name = _("到离记录")
        verbose_name_plural = _("到离记录")

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.day}"


class PickupRefusal(models.Model):
    """Someone not listed tried to take a pupil: refused, kept, and the staff were told."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="refusals")
    presented = models.ForeignKey(
        "people.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("拒绝接走记录")
        verbose_name_plural = _("拒绝接走记录")

    def __str__(self) -> str:
        return f"{self.stay_id} {self.at:%H:%M}"


class Shift(models.Model):
    """A tutor's turn on the rota: a volunteer (支教助学) on duty at the room one noon. Once
    served, the hours go to the ledger once (`ledger_entry`)."""

    room = models.ForeignKey(StudyRoom, on_delete=models.PROTECT, related_name="shifts")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="study_shifts"
    )
    day = models.DateField(_("日期"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    ledger_entry = models.OneToOneField(
        "ledger.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_shift",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["room", "volunteer", "day"], name="shift_once_a_day"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_later"
            ),
        ]
        verbose_name = _("值班")
        verbose_name_plural = _("值班")

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.day}"


class ClassKind(models.TextChoices):
    CALLIGRAPHY = "calligraphy", _("书法")
    PAINTING = "painting", _("绘画")
    CHESS = "chess", _("象棋")
    MUSIC = "music", _("乐器")


class InterestClass(models.Model):
    room = models.ForeignKey(StudyRoom, on_delete=models.PROTECT, related_name="classes")
    kind = models.CharField(_("类别"), max_length=12, choices=ClassKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    weekday = models.PositiveSmallIntegerField(_("星期"))  # 0 Monday … 6 Sunday
    starts = models.TimeField(_("开始"))
    ends = models.TimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("名额"))
    tutor = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_classes",
        verbose_name=_("老师"),
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["room_id", "weekday", "starts", "id"]
        constraints = [
            models.UniqueConstraint(fields=["room", "name"], name="class_name_once"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="class_weekday_bounded"),
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="class_ends_later"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="class_capacity_positive"),
        ]
        verbose_name = _("兴趣班")
        verbose_name_plural = _("兴趣班")

    def __str__(self) -> str:
        return self.name


class ClassEnrolment(models.Model):
    interest_class = models.ForeignKey(
        InterestClass, on_delete=models.PROTECT, related_name="enrolments"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="class_enrolments")
    enrolled_on = models.DateField(_("报名日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        ordering = ["interest_class_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interest_class", "pupil"],
                condition=Q(left_on__isnull=True),
                name="class_enrolment_once",
            )
        ]
        verbose_name = _("兴趣班报名")
        verbose_name_plural = _("兴趣班报名")

    def __str__(self) -> str:
        return f"{self.pupil_id} @ {self.interest_class_id}"


class ClassAttendance(models.Model):
    """Whether an enrolled pupil came to one session of a class."""

    interest_class = models.ForeignKey(
        InterestClass, on_delete=models.PROTECT, related_name="attendance"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="class_attendance")
    day = models.DateField(_("日期"))
    present = models.BooleanField(_("出勤"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "pupil_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interest_class", "pupil", "day"], name="class_attendance_once"
            )
        ]
        verbose_name = _("兴趣班出勤")
        verbose_name_plural = _("兴趣班出勤")

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.day}"
