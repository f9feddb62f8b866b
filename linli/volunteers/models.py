"""Volunteers (民政部令第67号 basic information) and their training (志愿者管理培训制度).

Their teams are `linli.teams`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.categories import ServiceCategory
from linli.core.importjobs import AbstractImportJob, upload_name

# Availability is a 21-bit mask: bit (weekday * 3 + slot), weekday 0 = Monday, slot 0/1/2 =
# morning / afternoon / evening. One integer, filterable with a bitwise AND on both databases.
WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))
SLOTS = (_("上午"), _("下午"), _("晚上"))


# Every time of every day: the largest valid mask (the import's 不限).
FULL_AVAILABILITY = (1 << (len(WEEKDAYS) * len(SLOTS))) - 1


def availability_bit(weekday: int, slot: int) -> int:
    return 1 << (weekday * 3 + slot)


# The public spelling of the 21 bits, shared by the pages, the API and the xlsx files:
# "mon-am" … "sun-ev" (weekday, then 上午 am / 下午 pm / 晚上 ev).
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOT_CODES = ("am", "pm", "ev")
AVAILABILITY_BITS: dict[str, int] = {
    f"{day}-{slot}": availability_bit(weekday, index)
    for weekday, day in enumerate(WEEKDAY_CODES)
    for index, slot in enumerate(SLOT_CODES)
}


def availability_codes(mask: int) -> list[str]:
    """["mon-am", "mon-pm", …] in week order."""
    return [code for code, bit in AVAILABILITY_BITS.items() if mask & bit]


class Volunteer(models.Model):
    """A registered volunteer: one person record (people.Resident) and one account (User).

    Identity (name, gender, birth date, ID number, phone) lives on the person record, so a
    resident who volunteers is one person, not two. The status walks pending → active (on staff
    approval) or rejected; an active volunteer may be suspended or leave.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACTIVE = "active", _("在册")
        REJECTED = "rejected", _("未通过")
        SUSPENDED = "suspended", _("暂停")
        LEFT = "left", _("已退出")

    class Political(models.TextChoices):
        PARTY = "party", _("中共党员")
        LEAGUE = "league", _("共青团员")
        MASSES = "masses", _("群众")
        OTHER = "other", _("其他")

    class Channel(models.TextChoices):
        SELF = "self", _("本人注册")
        STAFF = "staff", _("工作人员代为登记")
        IMPORT = "import", _("批量导入")

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="volunteers")
    person = models.OneToOneField(
        "people.Resident", on_delete=models.PROTECT, related_name="volunteer"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer"
    )
    number = models.CharField(_("志愿者编号"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    skills = models.CharField(_("专业技能"), max_length=200, blank=True)
    availability = models.PositiveIntegerField(_("可服务时间"), default=0)
    residence_area = models.CharField(_("居住区域"), max_length=100, blank=True)
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=10, choices=Political.choices, blank=True
    )
    guardian_name = models.CharField(_("监护人"), max_length=50, blank=True)
    consent_version = models.CharField(_("承诺书版本"), max_length=20)
    consent_at = models.DateTimeField(_("同意时间"))
    channel = models.CharField(_("登记方式"), max_length=10, choices=Channel.choices)
    registered_at = models.DateTimeField(_("注册时间"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["person__name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="volunteer_number_once"
            )
        ]
        # The station's active volunteers: the dispatch picker and suggestions start here.
        indexes = [models.Index(fields=["station", "status"], name="volunteer_station_status")]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self) -> str:
        return f"{self.person.name} {self.number}".strip()


class VolunteerCategory(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=20, choices=ServiceCategory.choices, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "category"], name="volunteer_category_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class VolunteerAward(models.Model):
    """荣誉: name, date, granting body (67号令), e.g. 社区优秀防疫志愿者."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="awards")
    name = models.CharField(_("荣誉名称"), max_length=100)
    awarded_on = models.DateField(_("获得日期"))
    granted_by = models.CharField(_("授予单位"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return self.name


class VolunteerEvaluation(models.Model):
    """评价: a dated evaluation of a volunteer's service (67号令)."""

    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("评价日期"))
    result = models.CharField(_("评价结果"), max_length=10, choices=Result.choices)
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-evaluated_on"]

    def __str__(self) -> str:
        return f"{self.evaluated_on} {self.get_result_display()}"


class Course(models.Model):
    """培训课程: 名称, 主要内容, 学习时长, 举办单位 (67号令); held in dated sessions."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="courses")
    name = models.CharField(_("课程名称"), max_length=100)
    content = models.TextField(_("主要内容"), blank=True)
    hours = models.DecimalField(_("学习时长（小时）"), max_digits=5, decimal_places=1)
    organizer = models.CharField(_("举办单位"), max_length=100)

    class Meta:
        ordering = ["station_id", "name"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="course_name_once")]
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    trainer = models.CharField(_("授课人"), max_length=50, blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.course.name} {self.held_on}"


class TrainingAttendance(models.Model):
    """A volunteer's attendance at a session. Training hours are kept apart from service hours."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="training")
    attended = models.BooleanField(default=True)
    hours = models.DecimalField(_("学习时长（小时）"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.session}"


def volunteer_import_path(job: VolunteerImportJob, filename: str) -> str:
    return upload_name("imports/volunteers/", filename)


class VolunteerImportJob(AbstractImportJob):
    """One uploaded volunteer sheet: every row tried through `volunteer_register` and rolled back
    (the dry run), then all registered in one transaction, or none (`volunteers.importing`).

    `approve` is the uploader's "已审核，直接在册": each row is then also approved, in the same
    transaction.
    """

    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="volunteer_import_jobs"
    )
    file = models.FileField(_("文件"), upload_to=volunteer_import_path, blank=True)
    consent_confirmed = models.BooleanField(_("已收集书面承诺书"), default=False)
    approve = models.BooleanField(_("已审核，直接在册"), default=False)

    class Meta(AbstractImportJob.Meta):
        verbose_name = _("志愿者导入")
        verbose_name_plural = _("志愿者导入")
