from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from linli.accounts.access import needs_two_factor

# Pages a staff user without two-factor may still open: enrolment itself and the page furniture.
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/prefs/", "/api/")


class TwoFactorEnforcementMiddleware:
    """Under LINLI_REQUIRE_2FA, a signed-in staff user who has not passed TOTP is sent to enrol.

    After django_otp's OTPMiddleware, which tells whether this session was verified with a device.
    The API checks the same rule on its own (bearer tokens carry no session).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and needs_two_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            target = reverse("accounts:2fa_setup")
            if getattr(request, "htmx", False):
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return self.get_response(request)


class TemporaryPasswordMiddleware:
    """A user signed in with a temporary password set by staff is sent to 修改密码 from every
    page until they choose their own (the API refuses them the same way: tokens need a password
    the user chose)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        target = reverse("accounts:password_change")
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and request.path != target
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if getattr(request, "htmx", False):
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return self.get_response(request)
