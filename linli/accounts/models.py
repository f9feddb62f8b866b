from __future__ import annotations

import secrets
import time
from base64 import b32encode
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from linli.core import crypto
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


class User(AbstractBaseUser):  # type: ignore[django-manager-missing]  # (django-otp: untyped)
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
    if TYPE_CHECKING:  # the reverse of Authenticator.user, a model mypy cannot see (django-otp)
        authenticator_set: Any

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


def new_totp_secret() -> str:
    """A fresh shared secret (20 random bytes, RFC 4226's length), encrypted for storage."""
    return crypto.encrypt(secrets.token_hex(20))


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) for two-step sign-in. Its shared secret is kept
    encrypted with the field keys, as ID numbers are: a copy of the database alone cannot make
    anyone's codes. django-otp's own TOTP device keeps the secret in clear hex, so Linli uses this
    one; both django-otp's checks (throttling, last use) and its TOTP arithmetic are reused.

    `last_t` is the time step of the last code accepted: a code is good once, and the next must
    come from a later step. `drift` follows a phone whose clock runs a step fast or slow.
    """

    # django-otp has no type hints, so mypy cannot tell this is a model: the fields say their types.
    secret_cipher: models.TextField[str, str] = models.TextField(default=new_totp_secret)
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6
    )
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        default=1
    )
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("身份验证器")
        verbose_name_plural = _("身份验证器")

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(crypto.decrypt(self.secret_cipher))

    def _totp(self) -> TOTP:
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token: Any) -> bool:
        """Is `token` the code of this step (or one step either side), not yet used? Wrong codes
        make the next try wait longer (django-otp's throttle)."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            code = int(token)
        except (TypeError, ValueError):
            code = None
        totp = self._totp()
        if code is not None and totp.verify(code, self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save(
                update_fields=[
                    "last_t",
                    "drift",
                    "throttling_failure_timestamp",
                    "throttling_failure_count",
                    "last_used_at",
                ]
            )
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app scans (Google's Key URI format)."""
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        label = str(self.user.get_username())
        params = {
            "secret": b32encode(self.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        if issuer:
            label = f"{issuer}:{label}"
            params["issuer"] = issuer
        return f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"
