from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in user (or over an API token) may be kept by a browser or proxy.

    Such pages carry personal data; public pages and static files keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        personal = request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META
        if personal:
            mark_private(response)
        return response


def mark_private(response: HttpResponse) -> None:
    """The no-store rule itself; also for a response made before anyone is signed in (a token)."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
