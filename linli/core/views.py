from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.core.context_processors import CONTRAST_COOKIE, LARGE_TYPE_COOKIE

ONE_YEAR = 365 * 24 * 3600


@require_POST
def display_preferences(request: HttpRequest) -> HttpResponse:
    """Switch large type or high contrast on or off for this browser, then go back."""
    back = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    response = redirect(back)
    for field, cookie in (("large_type", LARGE_TYPE_COOKIE), ("high_contrast", CONTRAST_COOKIE)):
        if field in request.POST:
            value = "1" if request.POST[field] == "1" else "0"
            response.set_cookie(
                cookie,
                value,
                max_age=ONE_YEAR,
                samesite="Lax",
                secure=request.is_secure(),
                httponly=True,
            )
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(404, "not_found", _("对象不存在或无权查看。"))
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(403, "forbidden", _("没有权限执行此操作。"))
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(400, "bad_request", _("请求无效。"))
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(500, "server_error", _("服务器出错了，请稍后再试。"))
    # Rendered without the request: whatever broke the page may break the context processors too.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before they read the page's icon link: send them to it
    (resolved per request, as the static files' hashed names are known only once collected)."""
    return redirect(static("favicon.svg"), permanent=True)
