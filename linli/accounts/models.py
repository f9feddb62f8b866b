from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.phone import normalize_phone, validate_mobile


class Role(models.TextChoices):
    """The eight fixed role codes of SPEC §2; one person may hold several."""

    ADMIN = "admin", _("系统管理员")
    SUPERVISOR = "supervisor", _("中心/所工作人员")
    STATION_STAFF = "station_staff", _("站点社工")
    TEAM_LEADER = "team_leader", _("志愿服务队队长")
    VOLUNTEER = "volunteer", _("志愿者")
    RESIDENT = "resident", _("居民")
    CANTEEN_OPERATOR = "canteen_operator", _("食堂工作人员")
    CAREGIVER = "caregiver", _("照料中心护理员")


# Roles that see other people's personal data: two-factor sign-in is required for them.
STAFF_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})


class UserManager(BaseUserManager["User"]):
    def create_user(self, phone: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(phone=normalize_phone(phone), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who signs in, by mainland mobile number and password. Roles say what they may do."""

    phone = models.CharField(
        _("手机号码"), max_length=11, unique=True, validators=[validate_mobile]
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    # Set when staff hand out a temporary password: every page leads to 修改密码 until it changes.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.phone

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name or self.phone


class RoleAssignment(models.Model):
    """One role held by one user at one station (a supervisor's station stands for its subtree).

    `admin` alone is bound to no station: it reaches all of them.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    station = models.ForeignKey(
        "org.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("站点"),
    )
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "station"], name="role_once_per_station"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(station__isnull=True),
                name="global_role_once",
            ),
            models.CheckConstraint(
                condition=(Q(role="admin") & Q(station__isnull=True))
                | (~Q(role="admin") & Q(station__isnull=False)),
                name="role_station_binding",
            ),
        ]
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self) -> str:
        where = self.station.name if self.station_id and self.station else _("全部站点")
        return f"{self.get_role_display()} @ {where}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class PasswordResetCode(models.Model):
    """A six-digit code texted to a phone to set a new password (忘记密码). Only its hash is kept;
    it expires, allows a few tries and works once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("密码重置验证码")
        verbose_name_plural = _("密码重置验证码")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
