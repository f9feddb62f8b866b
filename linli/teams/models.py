"""Teams (志愿服务队), their sub-groups, and who serves in them.

The models moved here from `linli.volunteers`; their tables kept the names they had there
(`volunteers_team`, `volunteers_teamcategory`, `volunteers_teammembership`, and the training rule's
`volunteers_team_required_courses`), so no row moved with them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.categories import ServiceCategory


class Team(models.Model):
    """志愿服务队, or a sub-group of one (the 文体 team's three troupes)."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="teams")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subgroups"
    )
    name = models.CharField(_("队伍名称"), max_length=100)
    description = models.TextField(_("简介"), blank=True)
    required_courses = models.ManyToManyField(
        "volunteers.Course", blank=True, related_name="required_by", verbose_name=_("必修课程")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "volunteers_team"
        ordering = ["station_id", "parent_id", "name"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="team_name_once")]
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")

    def __str__(self) -> str:
        return self.name


class TeamCategory(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=20, choices=ServiceCategory.choices)

    class Meta:
        db_table = "volunteers_teamcategory"
        constraints = [
            models.UniqueConstraint(fields=["team", "category"], name="team_category_once")
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class TeamMembership(models.Model):
    """A volunteer's place in a team: asked for, then active; leaders are members with a role."""

    class Role(models.TextChoices):
        MEMBER = "member", _("队员")
        LEADER = "leader", _("队长")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("申请中")
        ACTIVE = "active", _("在队")
        DECLINED = "declined", _("未通过")
        REMOVED = "removed", _("已移出")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "volunteers_teammembership"
        constraints = [
            models.UniqueConstraint(fields=["team", "volunteer"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.team}"


class TroupeActivityKind(models.TextChoices):
    REHEARSAL = "rehearsal", _("排练")
    PERFORMANCE = "performance", _("演出")


class TroupeActivity(models.Model):
    """A troupe's rehearsal or performance: an activity of the troupe (its sign-ups, attendance
    and hours are the activity's own), marked as which of the two it is."""

    activity = models.OneToOneField(
        "activities.Activity", on_delete=models.PROTECT, related_name="troupe_event"
    )
    troupe = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="troupe_events")
    kind = models.CharField(_("类型"), max_length=12, choices=TroupeActivityKind.choices)

    class Meta:
        ordering = ["-activity__starts_at"]
        verbose_name = _("排练与演出")
        verbose_name_plural = _("排练与演出")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.activity_id}"
