from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from linli.accounts import access, actions
from linli.accounts.models import ApiToken
from linli.accounts.queries import user_profile
from linli.accounts.schemas import ErrorOut, TokenIn, TokenInfo, TokenOut, UserOut
from linli.core.errors import DomainError
from linli.core.middleware import mark_private
from linli.core.schemas import PathId

router = Router(tags=["auth"])


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="Exchange phone, password (and OTP) for a bearer token",
)
def token_obtain(request: HttpRequest, response: HttpResponse, payload: TokenIn) -> dict:
    sign_in = actions.sign_in_check_password(
        request, phone=payload.phone, password=payload.password, channel="api"
    )
    if sign_in.locked:
        raise DomainError(
            "locked_out", _("密码错误次数过多，账户已暂时锁定，请稍后再试。"), status=429
        )
    user = sign_in.user
    if user is None:
        raise DomainError("invalid_credentials", _("手机号码或密码不正确。"), status=401)
    if actions.has_two_factor(user):
        if not payload.otp:
            raise DomainError("otp_required", _("请提供两步验证码。"), status=401)
        check = actions.otp_verify(user=user, code=payload.otp)
        if check.wait_seconds:
            raise DomainError(
                "otp_throttled",
                _("尝试过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": check.wait_seconds},
                status=429,
            )
        if check.device is None:
            raise DomainError("otp_invalid", _("两步验证码不正确。"), status=401)
    elif access.needs_two_factor(user):
        raise DomainError("2fa_setup_required", _("工作人员须先在网页上启用两步验证。"), status=403)
    if user.must_change_password:
        raise DomainError(
            "password_change_required", _("请先在网页上登录并修改临时密码。"), status=403
        )
    secret, token = actions.token_create(user=user, name=payload.name, actor=user)
    actions.sign_in_succeeded(user=user, channel="api")
    # The secret and the profile are personal, but this request carried no session or token.
    mark_private(response)
    return {"token": secret, "expires_at": token.expires_at, "user": user_profile(user)}


@router.get("/me", response=UserOut, tags=["me"], summary="The signed-in user, roles and stations")
def me(request: HttpRequest) -> dict:
    return user_profile(request.auth)  # type: ignore[attr-defined]


@router.get("/auth/tokens", response=list[TokenInfo], summary="The caller's own tokens")
def token_list(request: HttpRequest) -> list[dict]:
    current = request.api_token.pk  # type: ignore[attr-defined]
    return [
        {**_token_fields(token), "current": token.pk == current}
        for token in ApiToken.objects.filter(user=request.auth)  # type: ignore[attr-defined]
    ]


@router.delete("/auth/token", response={204: None}, summary="Revoke the token of this request")
def token_revoke_current(request: HttpRequest) -> Status[None]:
    actions.token_revoke(token=request.api_token, actor=request.auth)  # type: ignore[attr-defined]
    return Status(204, None)


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, 404: ErrorOut},
    summary="Revoke one of the caller's tokens",
)
def token_revoke(request: HttpRequest, token_id: PathId) -> Status[None]:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)  # type: ignore[attr-defined]
    actions.token_revoke(token=token, actor=request.auth)  # type: ignore[attr-defined]
    return Status(204, None)


def _token_fields(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }
