"""共建单位 (SPEC §1: 团县委, 安徽工业大学商学院, 县中医院): partner organisations of a station.

A partner has contacts, joins activities (an activity may list several partners) and sends
people who register as volunteers; the hours those volunteers gave are read from the ledger,
never stored here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    GOVERNMENT = "government", _("机关群团")
    SCHOOL = "school", _("高校院校")
    HOSPITAL = "hospital", _("医疗机构")
    ENTERPRISE = "enterprise", _("企业")
    OTHER = "other", _("其他")


class Partner(models.Model):
    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=PartnerKind.choices)
    description = models.CharField(_("共建内容"), max_length=500, blank=True)
    since = models.DateField(_("共建起始"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="partner_name_once")
        ]
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("联系人"), max_length=50)
    role = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["partner_id", "id"]
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")

    def __str__(self) -> str:
        return self.name


class PartnerActivity(models.Model):
    """The partner joined this activity (co-organised it, sent people, gave the venue …)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="activity_links")
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, related_name="partner_links"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-activity__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "activity"], name="partner_activity_once")
        ]
        verbose_name = _("共建活动")
        verbose_name_plural = _("共建活动")

    def __str__(self) -> str:
        return f"{self.partner_id} @ {self.activity_id}"


class PartnerVolunteer(models.Model):
    """A volunteer who came through the partner (a student, a doctor)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="people")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="partner_links"
    )
    since = models.DateField(_("加入日期"))

    class Meta:
        ordering = ["partner_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "volunteer"], name="partner_volunteer_once")
        ]
        verbose_name = _("共建单位志愿者")
        verbose_name_plural = _("共建单位志愿者")

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.partner_id}"
