"""银龄关爱 (SPEC §7.1): a care profile for every resident aged 60 and over, and the visit log.

Age, 高龄 (80+) and the living situation (独居/孤寡, 空巢, 留守, 失独, 残疾, 低保) are read from the
registry each time, never copied here. What the profile adds is what the registry does not know:
the care level, emergency contacts, how often the elder should be visited and by which team.

`last_visit_at` and `next_visit_due` are kept beside the visits by the actions that write either
(visit_log, elder_profile_update, elder_profiles_sync) in the same transaction, like a cached
balance; `elder_profiles_sync` recomputes them from the visits, so they never drift for long.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.people.models import Tag

ELDER_AGE = 60
OLDEST_AGE = 80  # 高龄
CLOSE_INTERVAL_DAYS = 7  # living alone or dependent: visited every week
USUAL_INTERVAL_DAYS = 30
MAX_INTERVAL_DAYS = 365
MAX_EMERGENCY_CONTACTS = 5
# Registry tags that bear on an elder's care; the list page filters by them.
CARE_TAGS = (
    Tag.LIVING_ALONE,
    Tag.EMPTY_NEST,
    Tag.LEFT_BEHIND,
    Tag.BEREAVED_PARENT,
    Tag.DISABLED,
    Tag.LOW_INCOME,
)
# What a volunteer on a visit needs to know of the elder's situation, and no more: 残疾 and 低保
# are sensitive or private and stay with the staff.
VISIT_TAGS = (Tag.LIVING_ALONE, Tag.EMPTY_NEST, Tag.LEFT_BEHIND, Tag.BEREAVED_PARENT)


class CareLevel(models.TextChoices):
    SELF_CARE = "self_care", _("自理")
    PARTIAL = "partial", _("半失能")
    DEPENDENT = "dependent", _("失能")


def default_interval(care_level: str, tags: set[str] | frozenset[str]) -> int:
    """SPEC §7.1: every 7 days for those living alone or dependent, every 30 days otherwise."""
    if care_level == CareLevel.DEPENDENT or Tag.LIVING_ALONE in tags:
        return CLOSE_INTERVAL_DAYS
    return USUAL_INTERVAL_DAYS


def elder_born_by(today: date) -> date:
    """The latest birth date of someone aged ELDER_AGE or more on `today`."""
    return _years_before(today, ELDER_AGE)


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def oldest_born_by(today: date) -> date:
    return _years_before(today, OLDEST_AGE)


class ElderProfile(models.Model):
    """An elder's care profile: one per resident aged 60+, made by `elder_profiles_sync`."""

    resident = models.OneToOneField(
        "people.Resident", on_delete=models.PROTECT, related_name="elder_profile"
    )
    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="elder_profiles"
    )
    care_level = models.CharField(
        _("自理能力"), max_length=10, choices=CareLevel.choices, default=CareLevel.SELF_CARE
    )
    visit_interval_days = models.PositiveSmallIntegerField(_("走访间隔（天）"))
    # False: the interval follows the default rule (and changes with the tags and care level);
    # True: staff set it and it stays.
    interval_set_by_staff = models.BooleanField(default=False)
    visit_team = models.ForeignKey(
        "teams.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="elder_profiles",
        verbose_name=_("走访队伍"),
    )
    last_visit_at = models.DateTimeField(_("上次走访"), null=True, blank=True)
    next_visit_due = models.DateField(_("下次走访"), db_index=True)
    # The due date the overdue alert was raised for: one alert per overdue period.
    overdue_alerted_for = models.DateField(null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_visit_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit_interval_days__gte=1)
                & Q(visit_interval_days__lte=MAX_INTERVAL_DAYS),
                name="elder_visit_interval_in_range",
            )
        ]
        indexes = [models.Index(fields=["station", "next_visit_due"], name="elder_station_due")]
        verbose_name = _("老人关爱档案")
        verbose_name_plural = _("老人关爱档案")

    def __str__(self) -> str:
        return str(self.resident)

    def due_after(self, last_visit: date | None) -> date:
        """When the next visit is due after a visit on `last_visit` (none yet: at once)."""
        if last_visit is None:
            return timezone.localdate(self.created_at)
        return last_visit + timedelta(days=self.visit_interval_days)

    def is_overdue(self, today: date | None = None) -> bool:
        return self.next_visit_due < (today or timezone.localdate())


class EmergencyContact(models.Model):
    profile = models.ForeignKey(
        ElderProfile, on_delete=models.CASCADE, related_name="emergency_contacts"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20)
    relation = models.CharField(_("关系"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("紧急联系人")
        verbose_name_plural = _("紧急联系人")

    def __str__(self) -> str:
        return f"{self.name} {self.relation}".strip()


class VisitMethod(models.TextChoices):
    HOME = "home", _("上门走访")
    PHONE = "phone", _("电话问候")
    CENTRE = "centre", _("来站/照料中心")


class Visit(models.Model):
    """One visit to an elder: who, when, what was found; a follow-up becomes a service request."""

    profile = models.ForeignKey(ElderProfile, on_delete=models.PROTECT, related_name="visits")
    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("走访时间"), db_index=True)
    method = models.CharField(
        _("方式"), max_length=10, choices=VisitMethod.choices, default=VisitMethod.HOME
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("走访人"),
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="elder_visits",
    )
    # Kept beside the key: the log still names the visitor after an account is gone.
    visitor_name = models.CharField(_("走访人"), max_length=50)
    note = models.CharField(_("走访情况"), max_length=1000)
    follow_up = models.BooleanField(_("需要跟进"), default=False)
    service_request = models.OneToOneField(
        "assistance.ServiceRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="elder_visit",
        verbose_name=_("跟进需求"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["profile", "visited_at"], name="visit_profile_at")]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")

    def __str__(self) -> str:
        return f"{self.profile} {self.visited_at:%Y-%m-%d}"
