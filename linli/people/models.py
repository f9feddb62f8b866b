from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.importjobs import AbstractImportJob, upload_name


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Tag(models.TextChoices):
    """SPEC §5's resident tags: who needs the community's attention."""

    LIVING_ALONE = "living_alone", _("独居")
    EMPTY_NEST = "empty_nest", _("空巢")
    LEFT_BEHIND = "left_behind", _("留守")
    BEREAVED_PARENT = "bereaved_parent", _("失独")
    DISABLED = "disabled", _("残疾")
    LOW_INCOME = "low_income", _("低收入")
    MINOR = "minor", _("未成年")


class Relation(models.TextChoices):
    """与户主关系: a member's relation to the head of the household."""

    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    GRANDCHILD = "grandchild", _("孙辈")
    PARENT = "parent", _("父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Household(models.Model):
    """户: the people living at one room of one unit of one building."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="households")
    building = models.ForeignKey(
        "org.Building", on_delete=models.PROTECT, related_name="households", verbose_name=_("楼栋")
    )
    unit = models.CharField(_("单元"), max_length=10)
    room = models.CharField(_("房号"), max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["building_id", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="household_once")
        ]
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return f"{self.building}{self.unit}单元{self.room}"


class Resident(models.Model):
    """A person living in the community (SPEC §5).

    The ID number is never stored in clear: `id_number_cipher` (Fernet, LINLI_FIELD_KEYS),
    `id_number_hash` (keyed hash, for exact lookup and uniqueness) and `id_number_masked` (what
    every list shows). Health and disability details are encrypted together in `sensitive_cipher`.
    Reading either in clear goes through `people.actions.resident_reveal_*`, which audit the read.
    """

    class Status(models.TextChoices):
        LIVING = "living", _("在住")
        MOVED_OUT = "moved_out", _("已迁出")
        DECEASED = "deceased", _("已故")
        # A person the station knows who does not live in the community: a volunteer from a
        # partner university, say. Not counted among the residents.
        EXTERNAL = "external", _("非本社区人员")

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="residents")
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("户"),
    )
    relation = models.CharField(
        _("与户主关系"), max_length=16, choices=Relation.choices, default=Relation.HEAD
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), db_index=True)
    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    sensitive_cipher = models.TextField(blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.LIVING
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # The printed resident card (people/card.py) carries this number; reissuing a lost card
    # raises it, so the old card stops working.
    card_serial = models.PositiveIntegerField(_("居民卡卡号序次"), default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="resident_id_number_once",
            )
        ]
        indexes = [models.Index(fields=["station", "status"], name="resident_station_status")]
        verbose_name = _("居民")
        verbose_name_plural = _("居民")

    def __str__(self) -> str:
        return self.name

    def age(self, on: date | None = None) -> int:
        on = on or timezone.localdate()
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - int(before_birthday)

    @property
    def is_child(self) -> bool:
        """Under 14: the law treats all of a child's data as sensitive (个人信息保护法 §28, §31)."""
        return self.age() < 14


class ResidentTag(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=20, choices=Tag.choices, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resident", "tag"], name="tag_once")]

    def __str__(self) -> str:
        return self.get_tag_display()


class Consent(models.Model):
    """Consent to process a resident's data (个人信息保护法): what, when, by whom, how.

    Sensitive data (ID number, health, disability, anything of a child under 14) needs its own,
    separate consent; for a child under 14 it is given by a guardian.
    """

    class Scope(models.TextChoices):
        PERSONAL = "personal", _("基本个人信息")
        SENSITIVE = "sensitive", _("敏感个人信息（身份证号、健康、残疾、未成年人信息）")

    class GivenBy(models.TextChoices):
        SELF = "self", _("本人")
        GUARDIAN = "guardian", _("监护人")

    class Method(models.TextChoices):
        PAPER = "paper", _("纸质签字")
        VERBAL = "verbal", _("口头（工作人员记录）")
        ONLINE = "online", _("线上勾选")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("同意范围"), max_length=12, choices=Scope.choices)
    given_by = models.CharField(_("同意人"), max_length=10, choices=GivenBy.choices)
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    text_version = models.CharField(_("告知书版本"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by="self") | ~Q(guardian_name=""),
                name="guardian_consent_names_guardian",
            )
        ]
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")

    def __str__(self) -> str:
        return f"{self.resident} {self.get_scope_display()}"


def import_upload_path(job: ImportJob, filename: str) -> str:
    return upload_name("imports/", filename)


class ImportJob(AbstractImportJob):
    """One uploaded resident sheet: checked row by row (a dry run), then imported all or nothing
    (`people.importing`). Its progress is kept on the row: `processed_rows`.
    """

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="import_jobs")
    file = models.FileField(_("文件"), upload_to=import_upload_path, blank=True)
    consent_confirmed = models.BooleanField(_("已收集书面同意书"), default=False)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)

    class Meta(AbstractImportJob.Meta):
        verbose_name = _("居民导入")
        verbose_name_plural = _("居民导入")
