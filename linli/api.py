"""The public JSON API v1 (SPEC §5): one NinjaAPI, token auth, one error format.

Each app contributes its routers from its own `api.py` (or `api/` package); this module only
assembles them.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from linli.accounts import actions as account_actions
from linli.accounts.access import needs_two_factor
from linli.core.errors import DomainError
from linli.core.throttle import RateLimited


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; a missing, revoked, expired or malformed token is a 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = account_actions.token_user(token)
        if found is None:
            return None
        user, api_token = found
        if needs_two_factor(user) and not account_actions.has_two_factor(user):
            raise AuthorizationError(message="2fa_setup_required")
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        return user


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as itself, not as \\u escapes: smaller, and readable in logs and curl."""

    json_dumps_params = {"ensure_ascii": False}


# An operation id is `<module>_<function>`, and a client generated from the OpenAPI document names
# its methods after them: a router module that moves keeps the ids it was published with.
PUBLISHED_MODULES = {
    "linli.ledger.api.hours": "linli.ledger.api",
    "linli.ledger.api.public": "linli.ledger.api_public",
    "linli.assistance.api.requests": "linli.assistance.api",
    "linli.assistance.api.actions": "linli.assistance.api_actions",
    "linli.volunteers.api.list": "linli.volunteers.api_list",
    "linli.volunteers.api.registration": "linli.volunteers.api_registration",
    "linli.teams.api": "linli.volunteers.api_teams",
    "linli.studyroom.api.pupils": "linli.studyroom.api",
}


class LinliAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        module = PUBLISHED_MODULES.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(*args, **kwargs)
        document_common_errors(document)
        return document


# The answers any operation can give besides its own, in the one error shape: a 422 for any input
# out of bounds (even a NUL character in the query string), a 400 for a body that cannot be
# read, a 401 and a 403 where a token is
# needed (a missing one; staff without two-factor sign-in), a 404 where the caller names an object:
# in the path, or by a station code or an id in the query or the body.
COMMON_ERRORS = {
    "400": "请求体无法解析 (a body that is not JSON, or not of the declared content type).",
    "401": "需要有效的访问令牌 (a missing, revoked or expired token).",
    "403": "没有权限 (the caller's roles do not reach it, or staff must enable two-factor first).",
    "404": "对象不存在或无权查看 (also for an object of a station the caller does not see).",
    "422": "输入有误: a field missing, malformed or out of bounds (`fields` says which).",
}


# Query parameters and body fields that name an object to look up (a code or an id).
OBJECT_NAMES = {"station", "code", "number"}


def _names_an_object(name: str, schema: dict[str, Any], components: dict[str, Any]) -> bool:
    """Is this field a station code or a database id (an integer bounded by 64 bits)?"""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].split("/")[-1], {})
    if name in OBJECT_NAMES:
        return True
    parts = [schema, *schema.get("anyOf", []), schema.get("items", {})]
    return any(part.get("type") == "integer" and part.get("maximum") == 2**63 - 1 for part in parts)


def names_an_object(operation: dict[str, Any], document: dict[str, Any]) -> bool:
    """Does the caller name an object the operation looks up (which may not be there, or not be
    theirs: a 404)? A path parameter does; so does a station code or an id in the query or body."""
    components = document.get("components", {}).get("schemas", {})
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "path":
            return True
        if _names_an_object(parameter["name"], parameter.get("schema", {}), components):
            return True
    for content in operation.get("requestBody", {}).get("content", {}).values():
        body = content.get("schema", {})
        if "$ref" in body:
            body = components.get(body["$ref"].split("/")[-1], {})
        for name, field in body.get("properties", {}).items():
            if _names_an_object(name, field, components):
                return True
    return False


def document_common_errors(document: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            codes = ["422"]
            if "requestBody" in operation:
                codes.append("400")
            if operation.get("security"):
                codes += ["401", "403"]
            if names_an_object(operation, document):
                codes.append("404")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": COMMON_ERRORS[code],
                        "content": {"application/json": {"schema": error_ref}},
                    },
                )


api = LinliAPI(
    renderer=Utf8JSONRenderer(),
    title="邻里 Linli API",
    version="1",
    description="新时代文明实践站 community volunteer-service platform. Times are ISO 8601 with offset.",
    auth=BearerToken(),
    urls_namespace="api-v1",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, **extra}}, status=status
    )


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [
        {"loc": [str(part) for part in error.get("loc", ())], "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return error_response(
        request, 422, "validation_error", _("输入有误，请检查后重试。"), fields=fields
    )


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    fields: list[dict[str, Any]]
    if hasattr(exc, "error_dict"):
        fields = [
            {"loc": [name], "message": " ".join(str(m) for m in messages)}
            for name, messages in exc.message_dict.items()
        ]
    else:
        fields = [{"loc": [], "message": message} for message in exc.messages]
    message = str(fields[0]["message"]) if fields else _("输入有误。")
    return error_response(request, 422, "validation_error", message, fields=fields)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthorized", _("需要有效的访问令牌。"))


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    if exc.message == "2fa_setup_required":
        return error_response(
            request, 403, "2fa_setup_required", _("工作人员须先在网页上启用两步验证。")
        )
    return error_response(request, 403, "forbidden", _("没有权限执行此操作。"))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("没有权限执行此操作。"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("对象不存在或无权查看。"))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database cannot hold (a text longer than its column, a number out of range)
    that a schema did not bound: the write was rolled back, and the client hears it is too big."""
    return error_response(request, 422, "validation_error", _("输入超出允许的范围。"), fields=[])


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    return error_response(request, 422, "validation_error", _("输入超出允许的范围。"), fields=[])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, f"http_{exc.status_code}", str(exc))


def _add_routers() -> None:
    from linli.accounts.api import router as accounts_router
    from linli.activities.api import router as activities_router
    from linli.assistance.api.requests import menu_router, requests_router
    from linli.canteen.api import router as canteen_router
    from linli.daycare.api import router as daycare_router
    from linli.elders.api import router as elders_router
    from linli.health.api import resident_router as resident_health_router
    from linli.health.api import router as health_router
    from linli.ledger.api.hours import router as hours_router
    from linli.ledger.api.public import router as certificates_router
    from linli.notifications.api import router as notifications_router
    from linli.org.api import estates_router as org_estates_router
    from linli.org.api import router as org_router
    from linli.partners.api import router as partners_router
    from linli.people.api import router as people_router
    from linli.reports.api import router as reports_router
    from linli.stats.api import router as stats_router
    from linli.studyroom.api import router as studyroom_router
    from linli.teams.api import router as teams_router
    from linli.volunteers.api.list import router as volunteer_list_router
    from linli.volunteers.api.registration import router as volunteer_registration_router

    api.add_router("/", accounts_router)
    api.add_router("/stations", org_router)
    api.add_router("/residents", people_router)
    api.add_router("/stats", stats_router)
    api.add_router("/volunteers", volunteer_registration_router)
    api.add_router("/volunteers", volunteer_list_router)
    api.add_router("/teams", teams_router)
    api.add_router("/activities", activities_router)
    api.add_router("/volunteers", hours_router)
    api.add_router("/certificates", certificates_router)
    api.add_router("/service-menu", menu_router)
    api.add_router("/service-requests", requests_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/elders", elders_router)
    api.add_router("/daycare", daycare_router)
    api.add_router("/health", health_router)
    api.add_router("/residents", resident_health_router)
    api.add_router("/canteen", canteen_router)
    api.add_router("/study-room", studyroom_router)
    api.add_router("/partners", partners_router)
    api.add_router("/estates", org_estates_router)
    api.add_router("/reports", reports_router)
    _add_incentive_routers()


def _add_incentive_routers() -> None:
    from linli.incentives.api.accounts import router as accounts_router
    from linli.incentives.api.honours import router as honours_router
    from linli.incentives.api.shop import router as shop_router
    from linli.incentives.api.timebank import router as timebank_router

    api.add_router("/volunteers", accounts_router)
    api.add_router("/shop", shop_router)
    api.add_router("/timebank", timebank_router)
    api.add_router("/honours", honours_router)


_add_routers()
