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
