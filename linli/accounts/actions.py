"""Every write to accounts, roles, tokens and two-factor devices goes through these functions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from linli.accounts.access import forget_grants
from linli.accounts.models import (
    ApiToken,
    Authenticator,
    PasswordResetCode,
    Role,
    RoleAssignment,
    User,
)
from linli.audit.actions import audit_record
from linli.core import crypto, throttle
from linli.core.errors import DomainError
from linli.core.phone import MOBILE_RE, normalize_phone, validate_mobile
from linli.org.models import Station

TOKEN_PREFIX = "linli_"  # noqa: S105 (a marker, not a secret)
RECOVERY_CODE_COUNT = 10


class AccountError(DomainError):
    pass


# --- users and roles -------------------------------------------------------------------------------


@transaction.atomic
def user_create(*, phone: str, password: str | None, name: str = "", actor: Any) -> User:
    """Create an account. The phone is a valid mainland mobile number, unique; the password passes
    the configured validators and is stored as an argon2 hash.

    `password=None` makes an account nobody can sign in to yet (imported people, whose password
    is set later): an unusable password, not a random secret someone could be handed.
    """
    phone = normalize_phone(phone)
    validate_mobile(phone)
    if User.objects.filter(phone=phone).exists():
        raise ValidationError({"phone": _("该手机号码已注册。")}, code="duplicate_phone")
    user = User(phone=phone, name=name.strip())
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor, action="user.create", target=user, after={"phone": phone, "name": name}
    )
    return user


def _check_role_station(role: str, station: Station | None) -> None:
    if role == Role.ADMIN:
        if station is not None:
            raise AccountError("admin_has_no_station", _("系统管理员不绑定站点。"))
        return
    if station is None:
        raise AccountError("station_required", _("该角色必须绑定一个站点。"))
    if role != Role.SUPERVISOR and station.kind != Station.Kind.STATION:
        raise AccountError(
            "station_kind", _("只有中心/所工作人员可以绑定到中心或所，其他角色须绑定到站。")
        )


@transaction.atomic
def role_grant(*, user: User, role: str, station: Station | None, actor: Any) -> RoleAssignment:
    """Give `user` the `role` at `station` (none for admin). Granting a held role is refused."""
    if role not in Role.values:
        raise AccountError("unknown_role", _("未知角色：%(role)s") % {"role": role})
    _check_role_station(role, station)
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                station=station,
                granted_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as error:
        raise AccountError("role_held", _("该用户已拥有此角色。"), status=409) from error
    audit_record(
        actor=actor,
        action="role.grant",
        target=user,
        station=station,
        after={"role": role, "station": station.code if station else None},
    )
    forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: Any) -> None:
    """Take one role away; the last administrator cannot be removed (someone must hold the keys).

    Removing an admin locks every admin row, in one order, before counting: administrators
    removing each other at the same moment queue up, and the last one is refused.
    """
    if assignment.role == Role.ADMIN:
        admin_ids = list(
            RoleAssignment.objects.select_for_update()
            .filter(role=Role.ADMIN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if assignment.pk not in admin_ids:
            raise AccountError("role_gone", _("该角色已被移除。"), status=409)
        if len(admin_ids) == 1:
            raise AccountError("last_admin", _("不能移除最后一位系统管理员。"), status=409)
    locked = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("station", "user")
        .filter(pk=assignment.pk)
        .first()
    )
    if locked is None:
        raise AccountError("role_gone", _("该角色已被移除。"), status=409)
    station = locked.station
    locked.delete()
    audit_record(
        actor=actor,
        action="role.revoke",
        target=locked.user,
        station=station,
        before={"role": locked.role, "station": station.code if station else None},
    )
    forget_grants(locked.user)


@transaction.atomic
def password_change(*, user: User, new_password: str, actor: Any) -> None:
    """Set a new password (validated, argon2); every API token of the user is revoked with it."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=actor, action="password.change", target=user, after={"tokens_revoked": revoked}
    )


# --- forgotten passwords ----------------------------------------------------------------------------
# Two ways back in for someone who forgot: a code texted through the SMS gateway, or a temporary
# password from staff at the desk, which must be changed at the next sign-in.

RESET_CODE_MINUTES = 10
RESET_CODE_TRIES = 5
RESET_CODE_EVERY_SECONDS = 60
RESET_CODES_PER_DAY = 5
# Letters that cannot be mistaken for one another when read out at a desk (no 0/o, 1/l/i).
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _code_hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{code}".encode()).hexdigest()


def sms_reset_available() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


@transaction.atomic
def password_reset_code_send(*, phone: str) -> bool:
    """Text a six-digit code to `phone` if an active account has it (at most one a minute and
    five a day). The answer to the person asking is the same whether or not the number is
    registered; the return value (sent or not) is for tests and the audit log only."""
    if not sms_reset_available():
        raise AccountError("sms_unavailable", _("本站未开通短信验证码，请联系社区工作人员。"))
    phone = normalize_phone(phone)
    user = User.objects.select_for_update().filter(phone=phone, is_active=True).first()
    if user is None:
        return False
    now = timezone.now()
    recent = PasswordResetCode.objects.filter(user=user, created_at__gte=now - timedelta(days=1))
    if (
        recent.count() >= RESET_CODES_PER_DAY
        or recent.filter(created_at__gte=now - timedelta(seconds=RESET_CODE_EVERY_SECONDS)).exists()
    ):
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    PasswordResetCode.objects.create(
        user=user,
        code_hash=_code_hash(code),
        created_at=now,
        expires_at=now + timedelta(minutes=RESET_CODE_MINUTES),
    )
    audit_record(actor=None, action="password.reset_code", target=user)
    text = _(
        "【邻里】您的重置密码验证码是%(code)s，%(minutes)d分钟内有效。如非本人操作请忽略。"
    ) % {
        "code": code,
        "minutes": RESET_CODE_MINUTES,
    }
    transaction.on_commit(lambda: _text_code(phone, text))
    return True


def _text_code(phone: str, text: str) -> None:
    from linli.notifications.channels import DeliveryError, send_sms

    try:
        send_sms(phone=phone, text=text)
    except DeliveryError:
        # The person sees no difference (no enumeration); they can ask again in a minute.
        return


def password_reset_with_code(*, phone: str, code: str, new_password: str) -> User:
    """Set a new password with the newest unused code texted to `phone`. A wrong code counts
    against that code's five tries (the count is kept although the attempt fails); every API
    token is revoked as with any password change."""
    refused = AccountError("bad_code", _("验证码不正确或已过期，请重新获取。"))
    user = User.objects.filter(phone=normalize_phone(phone), is_active=True).first()
    if user is None:
        raise refused
    with transaction.atomic():
        now = timezone.now()
        latest = (
            PasswordResetCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if latest is None or latest.tries >= RESET_CODE_TRIES:
            raise refused
        matches = secrets.compare_digest(latest.code_hash, _code_hash(code.strip()))
        if not matches:
            latest.tries += 1
            latest.save(update_fields=["tries"])
    if not matches:
        raise refused
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    with transaction.atomic():
        used = PasswordResetCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not used:
            raise refused
        password_change(user=user, new_password=new_password, actor=user)
        audit_record(actor=user, action="password.reset", target=user, after={"by": "sms"})
    return user


@transaction.atomic
def password_set_temporary(*, user: User, actor: Any) -> str:
    """Staff give `user` a temporary password (shown once to be read out or written down); the
    user must choose their own at the next sign-in, and every API token is revoked."""
    from linli.accounts.access import may_set_temporary_password

    if not may_set_temporary_password(actor, user):
        raise PermissionDenied("temporary_password")
    temporary = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(10))
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="password.temporary",
        target=user,
        after={"tokens_revoked": revoked},
    )
    return temporary


# --- signing in -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked: bool = False


def sign_in_check_password(
    request: HttpRequest, *, phone: str, password: str, channel: str
) -> SignIn:
    """Check a phone and password, through django-axes so that failures count towards a lock-out.

    Every failure is audited, and the attempt that locks the account (or hits a lock) as well.
    """
    phone = normalize_phone(phone)
    throttle.check(request, "signin", phone=phone)
    user = authenticate(request, username=phone, password=password)
    if user is not None:
        return SignIn(user=user)
    locked = bool(getattr(request, "axes_locked_out", False))
    account = User.objects.filter(phone=phone).first()
    if (
        locked
        and account is not None
        and account.is_active
        and has_two_factor(account)
        and account.check_password(password)
    ):
        # Lock-out is by phone number, so anyone could lock anyone out, the administrator too.
        # A locked account with a second factor still gets in with its password and its code:
        # the caller asks for the code next (the per-phone rate limit bounds the guessing).
        audit_record(actor=None, action="login.locked_second_factor", target=account)
        return SignIn(user=account)
    # What was typed as the phone is kept only if it is one: a password typed into the wrong
    # box (the API does not validate the field) must not land in the audit log.
    phone = phone if MOBILE_RE.match(phone) else "(not a mobile number)"
    audit_record(
        actor=None,
        action="login.failed",
        target=account,
        after={"phone": phone, "channel": channel, "locked": locked},
    )
    if locked:
        audit_record(
            actor=None,
            action="login.locked",
            target=account,
            after={
                "phone": phone,
                "channel": channel,
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )
    return SignIn(user=None, locked=locked)


@transaction.atomic
def account_unlock(*, user: User, actor: Any) -> int:
    """Lift a lock-out after wrong passwords (staff or admin, for someone locked out by another's
    typing); the failures counted so far are forgotten. Audited."""
    from axes.utils import reset

    from linli.accounts.lockout import lockout_key

    removed = reset(username=lockout_key(user.phone))
    audit_record(actor=actor, action="login.unlock", target=user, after={"attempts": removed})
    return removed


def has_two_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


@dataclass(frozen=True)
class OtpCheck:
    device: Any = None
    wait_seconds: int = 0


def otp_verify(*, user: User, code: str) -> OtpCheck:
    """Check a TOTP code or an unused recovery code; the matching device, or why not.

    A recovery code is used up by a match. After wrong codes the authenticator waits 1, 2, 4 …
    seconds before it accepts another try; a try during that wait is refused without a check.
    """
    code = (code or "").strip().replace(" ", "")
    if not code:
        return OtpCheck()
    totp = Authenticator.objects.filter(user=user, confirmed=True).first()
    if totp is not None and code.isdigit():
        allowed, info = totp.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            wait = int((info["locked_until"] - timezone.now()).total_seconds()) + 1
            return OtpCheck(wait_seconds=max(wait, 1))
    device = match_token(user, code)
    action = "login.otp_ok" if device is not None else "login.otp_failed"
    audit_record(
        actor=user,
        action=action,
        target=user,
        after={"device": type(device).__name__ if device else None},
    )
    return OtpCheck(device=device)


def sign_in_succeeded(*, user: User, channel: str) -> None:
    audit_record(actor=user, action="login.success", target=user, after={"channel": channel})


def sign_out(*, user: User) -> None:
    audit_record(actor=user, action="logout", target=user)


# --- API tokens -------------------------------------------------------------------------------------


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str = "", actor: Any) -> tuple[str, ApiToken]:
    """Issue a bearer token; returns the secret (shown once) and the stored row (hash only)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=token_hash(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit_record(
        actor=actor,
        action="token.create",
        target=user,
        after={
            "token": token.pk,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return secret, token


def token_user(secret: str) -> tuple[User, ApiToken] | None:
    """The active user behind a usable token, or None. Marks the token used (at most once a minute)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Any) -> None:
    """Revoke a token for good; a revoked token is refused from then on (revoking twice is a no-op)."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit_record(
            actor=actor, action="token.revoke", target=token.user, before={"token": token.pk}
        )


# --- two-factor devices -----------------------------------------------------------------------------


@transaction.atomic
def totp_device_start(*, user: User) -> Authenticator:
    """An unconfirmed TOTP device for enrolment (reused while enrolment is unfinished)."""
    device = Authenticator.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = Authenticator.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: Authenticator, code: str) -> list[str]:
    """Confirm enrolment with a first valid code; returns fresh recovery codes (shown once).

    Invariant: a user has at most one confirmed TOTP device and one set of recovery codes.
    """
    device = Authenticator.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token((code or "").strip()):
        raise AccountError("otp_invalid", _("验证码不正确，请查看验证器中最新的 6 位数字。"))
    Authenticator.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_reset(user=user)
    audit_record(actor=user, action="2fa.enable", target=user)
    return codes


def recovery_codes_reset(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [secrets.token_hex(4) + "-" + secrets.token_hex(2) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def authenticators_rotate_keys() -> int:
    """Re-encrypt every authenticator's secret under the newest field key (`linli
    rotate_field_keys`); old keys still decrypt, so it is safe to run again."""
    done = 0
    with transaction.atomic():
        for device in Authenticator.objects.select_for_update().only("pk", "secret_cipher"):
            device.secret_cipher = crypto.rotate(device.secret_cipher)
            device.save(update_fields=["secret_cipher"])
            done += 1
    audit_record(actor=None, action="keys.rotate", after={"authenticators": done})
    return done


@transaction.atomic
def two_factor_reset(*, user: User, actor: Any) -> None:
    """Remove a user's TOTP device and recovery codes (a lost phone); they enrol again at next sign-in."""
    Authenticator.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="2fa.reset", target=user)
