import base64
from datetime import datetime, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from linli.accounts import access, actions
from linli.accounts.desk import desk_for
from linli.accounts.forms import (
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    ResetCodeForm,
    ResetPasswordForm,
    ResidentSignUpForm,
    RoleGrantForm,
    UserCreateForm,
)
from linli.accounts.models import Role, RoleAssignment, User
from linli.core.errors import DomainError
from linli.core.throttle import RateLimited, posted, throttled
from linli.org.models import Station
from linli.people import actions as people_actions

PENDING_KEY = "linli_pending_2fa"
PENDING_SECONDS = 300
MAX_OTP_TRIES = 5
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    next_url = request.POST.get("next") or request.GET.get("next")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sign_in = actions.sign_in_check_password(
                request,
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                channel="web",
            )
        except RateLimited as error:
            form.add_error(None, error.message)
            response = render(
                request, "accounts/login.html", {"form": form, "next": next_url or ""}, status=429
            )
            response["Retry-After"] = str(error.retry_after)
            return response
        if sign_in.locked:
            form.add_error(None, _("密码错误次数过多，账户已暂时锁定，请 15 分钟后再试。"))
            status = 429
        elif sign_in.user is None:
            form.add_error(None, _("手机号码或密码不正确。"))
        elif actions.has_two_factor(sign_in.user):
            request.session[PENDING_KEY] = {
                "user": sign_in.user.pk,
                "since": timezone.now().isoformat(),
                "next": _safe_next(request, next_url),
                "tries": 0,
            }
            return redirect("accounts:login_otp")
        else:
            login(request, sign_in.user, backend=MODEL_BACKEND)
            actions.sign_in_succeeded(user=sign_in.user, channel="web")
            return redirect(_safe_next(request, next_url))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url or ""},
        status=status,
    )


MAX_STATION_CODE = 32


def _sign_up_station(request: HttpRequest, stations: list[Station]) -> Station | None:
    """`?station=CODE` (or the posted code) among the 站, else the only one (names and codes
    are public: they are on the door)."""
    code = (request.POST.get("station") or request.GET.get("station") or "")[:MAX_STATION_CODE]
    if code:
        found = next((station for station in stations if station.code == code), None)
        if found is None:
            raise Http404("station")
        return found
    return stations[0] if len(stations) == 1 else None


@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "HEAD", "POST"])
@throttled("register", phone=posted("phone"))
def sign_up_view(request: HttpRequest) -> HttpResponse:
    """A resident's own account by phone number. The answer is the same whether the number was
    free or already had an account (people.actions.resident_sign_up); staff link the new
    account to the resident's record at the desk."""
    if request.user.is_authenticated:
        return redirect("home")
    stations = list(Station.objects.filter(kind=Station.Kind.STATION).order_by("path", "pk"))
    station = _sign_up_station(request, stations)
    form = ResidentSignUpForm(request.POST if request.method == "POST" and station else None)
    status = 200
    if station is not None and request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                people_actions.resident_sign_up(
                    station=station,
                    phone=data["phone"],
                    name=data["name"],
                    password=data["password"],
                )
            except ValidationError as error:
                form.attach_errors(error)
                status = 422
            else:
                return redirect("accounts:sign_up_done")
        else:
            status = 422
    return render(
        request,
        "accounts/sign_up.html",
        {
            "form": form,
            "station": station,
            "stations": stations,
        },
        status=status,
    )


@require_safe
def sign_up_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sign_up_done.html", {})


@sensitive_post_parameters("new_password", "new_password_again", "code")
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """忘记密码: a code texted through the SMS gateway (`op=send`, then `op=reset`), or, without
    a gateway, whom to ask for a temporary password. The answer to `send` is the same whether
    the number is registered or not."""
    if request.user.is_authenticated:
        return redirect("accounts:password_change")
    sms = actions.sms_reset_available()
    op = request.POST.get("op", "")
    send_form = ResetCodeForm(request.POST if op == "send" else None)
    reset_form = ResetPasswordForm(request.POST if op == "reset" else None)
    sent = False
    status = 200
    if sms and op == "send" and send_form.is_valid():
        actions.password_reset_code_send(phone=send_form.cleaned_data["phone"])
        sent = True
        reset_form = ResetPasswordForm(initial={"phone": send_form.cleaned_data["phone"]})
    elif sms and op == "reset":
        sent = True
        if reset_form.is_valid():
            data = reset_form.cleaned_data
            try:
                actions.password_reset_with_code(
                    phone=data["phone"], code=data["code"], new_password=data["new_password"]
                )
            except ValidationError as error:
                reset_form.add_error("new_password", error.message_dict.get("new_password", []))
            except DomainError as error:
                reset_form.add_error("code", error.message)
            else:
                messages.success(request, _("密码已重新设置，请用新密码登录。"))
                return redirect("accounts:login")
        status = 422
    elif op:
        status = 422 if op in {"send", "reset"} and sms else 400
    return render(
        request,
        "accounts/password_reset.html",
        {
            "sms": sms,
            "sent": sent,
            "send_form": send_form,
            "reset_form": reset_form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def login_otp(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in for users with a TOTP device: a code, or one recovery code."""
    pending = request.session.get(PENDING_KEY)
    if not pending or timezone.now() - datetime.fromisoformat(pending["since"]) > timedelta(
        seconds=PENDING_SECONDS
    ):
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("请重新输入手机号码和密码。"))
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = actions.otp_verify(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            del request.session[PENDING_KEY]
            login(request, user, backend=MODEL_BACKEND)
            otp_login(request, check.device)
            actions.sign_in_succeeded(user=user, channel="web")
            return redirect(pending["next"])
        pending["tries"] += 1
        if pending["tries"] >= MAX_OTP_TRIES:
            del request.session[PENDING_KEY]
            messages.error(request, _("验证码错误次数过多，请重新登录。"))
            return redirect("accounts:login")
        request.session[PENDING_KEY] = pending
        if check.wait_seconds:
            form.add_error(
                "code",
                _("尝试过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": check.wait_seconds},
            )
        else:
            form.add_error("code", _("验证码不正确。"))
    return render(request, "accounts/login_otp.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        actions.sign_out(user=request.user)
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: scan, confirm with a first code, keep the recovery codes."""
    user: User = request.user  # type: ignore[assignment]
    if actions.has_two_factor(user) and request.method == "GET":
        return render(request, "accounts/2fa_status.html", {"verified": user.is_verified()})  # type: ignore[attr-defined]
    device = actions.totp_device_start(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.totp_device_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            return render(request, "accounts/2fa_codes.html", {"codes": codes})
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return render(
        request,
        "accounts/2fa_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308  (segno's own SVG of our URL)
            "secret": base64.b32encode(device.bin_key).decode(),
            "required": access.needs_two_factor(user),
        },
    )


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@throttled("password", phone=lambda request: getattr(request.user, "phone", ""))
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.password_change(
                user=request.user,  # type: ignore[arg-type]
                new_password=form.cleaned_data["new_password"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


# --- administrators: people and their roles --------------------------------------------------------
# Only administrators grant and revoke roles: a role is a key to other people's data.


def _user_rows(search: str) -> Any:
    users = User.objects.order_by("phone").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("station"))
    )
    if search:
        users = users.filter(Q(phone__contains=search) | Q(name__contains=search))
    return users


@login_required
@access.role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def user_list(request: HttpRequest) -> HttpResponse:
    """Everyone with an account, their roles, and a form that adds an account with a first role."""
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = _create_with_role(request, data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已创建账户 %(phone)s。") % {"phone": user.phone})
            return redirect("accounts:user_detail", user_id=user.pk)
    search = request.GET.get("q", "").strip()
    page = Paginator(_user_rows(search), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "search": search}
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render(request, "accounts/user_list.html#user-table", context)
    return render(request, "accounts/user_list.html", context)


def _create_with_role(request: HttpRequest, data: dict[str, Any]) -> User:
    with transaction.atomic():
        user = actions.user_create(
            phone=data["phone"], password=data["password"], name=data["name"], actor=request.user
        )
        actions.role_grant(
            user=user, role=data["role"], station=data["station"], actor=request.user
        )
    return user


@login_required
@access.role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access.get_user_for_user(request.user, user_id)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.role_grant(
                user=person,
                role=form.cleaned_data["role"],
                station=form.cleaned_data["station"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            form = RoleGrantForm()
    context = {
        "person": person,
        "assignments": person.role_assignments.select_related("station"),
        "form": form,
        "has_two_factor": actions.has_two_factor(person),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "accounts/user_detail.html#roles", context)
    return render(request, "accounts/user_detail.html", context)


@login_required
@access.role_required(Role.ADMIN)
@require_POST
def role_revoke_view(request: HttpRequest, user_id: int, assignment_id: int) -> HttpResponse:
    person = access.get_user_for_user(request.user, user_id)
    assignment = get_object_or_404(RoleAssignment, pk=assignment_id, user=person)
    try:
        actions.role_revoke(assignment=assignment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("accounts:user_detail", user_id=person.pk)


@login_required
@access.role_required(Role.ADMIN)
@require_POST
def two_factor_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access.get_user_for_user(request.user, user_id)
    actions.two_factor_reset(user=person, actor=request.user)
    messages.success(
        request, _("已重置 %(name)s 的两步验证，对方下次登录时重新绑定。") % {"name": person}
    )
    return redirect("accounts:user_detail", user_id=person.pk)


@login_required
@access.role_required(Role.ADMIN, Role.STATION_STAFF)
@require_POST
def account_unlock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift someone's lock-out after wrong passwords (admin, or staff for people in reach)."""
    person = access.get_user_for_user(request.user, user_id)
    actions.account_unlock(user=person, actor=request.user)
    messages.success(request, _("已解除 %(name)s 的登录锁定。") % {"name": person})
    return redirect(
        _safe_next(request, request.POST.get("next"))
        if request.POST.get("next")
        else reverse("accounts:user_detail", args=[person.pk])
    )


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What each of the user's roles can do next, one card per role held; for staff first the
    desk of waiting work (`?part=desk` is that panel alone, refreshed by the page)."""
    user: User = request.user  # type: ignore[assignment]
    desk = desk_for(user)
    if request.GET.get("part") == "desk":
        return render(request, "home.html#desk", {"desk": desk})
    assignments = list(user.role_assignments.select_related("station"))
    return render(
        request,
        "home.html",
        {
            "desk": desk,
            "assignments": assignments,
            "roles": {row.role for row in assignments},
            "suggest_two_factor": access.has_role(user, *access.STAFF_ROLES)
            and not actions.has_two_factor(user),
        },
    )
