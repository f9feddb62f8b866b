from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.request import RawPostDataException
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _


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


# How a NUL arrives: as itself, percent-encoded (a query string, a form) or escaped in JSON.
ENCODED_NUL = "%00"
JSON_NUL = "\\u0000"


class RefuseNulMiddleware:
    """No request carrying a NUL character goes further (PostgreSQL refuses it in text: a 500).

    The query string, the path and a JSON or form body are read as sent; of a multipart body the
    text fields are read once parsed, while an uploaded file may hold NUL bytes and is left alone
    (its name is cleaned by Django's parser). The API answers with its error shape.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            return nul_refused(request)
        return self.get_response(request)


def carries_nul(request: HttpRequest) -> bool:
    raw_query = request.META.get("QUERY_STRING", "")
    if ENCODED_NUL in raw_query or "\x00" in raw_query or "\x00" in request.path:
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.split(";")[0].strip() == "multipart/form-data":
        # Parsing here is what the view would do first; a malformed body raises as it would there.
        fields = request.POST.lists()
        return any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in fields
        )
    marks = {
        "application/json": ("\x00", JSON_NUL),
        "application/x-www-form-urlencoded": ("\x00", ENCODED_NUL),
    }.get(content_type.split(";")[0].strip())
    if not marks:
        return False
    try:
        body = request.body.decode("utf-8", errors="replace")
    except RawPostDataException:
        return False
    return any(mark in body for mark in marks)


def nul_refused(request: HttpRequest) -> HttpResponse:
    message = _("输入含有不允许的空字符（NUL）。")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "validation_error", "message": message, "fields": []}},
            status=422,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponseBadRequest(message)


class ApiHeadMiddleware:
    """HEAD on the API is answered as GET is, without the body (the API's router knows GET
    only). Pages answer HEAD themselves (`require_safe`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or not request.path.startswith("/api/"):
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
