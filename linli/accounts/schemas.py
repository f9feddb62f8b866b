from ninja import Schema
from pydantic import Field

from linli.core.schemas import LocalDateTime, Phone, Secret


class StationOut(Schema):
    code: str
    name: str
    kind: str


class RoleOut(Schema):
    role: str
    role_name: str
    station: StationOut | None


class UserOut(Schema):
    id: int
    phone: str
    name: str
    roles: list[RoleOut]
    stations: list[StationOut] = Field(description="Every station the user's roles reach.")
    two_factor: bool
    two_factor_required: bool


class TokenIn(Schema):
    phone: Phone = Field(examples=["13900000002"])
    password: Secret
    otp: Secret | None = Field(
        None, description="TOTP code or a recovery code, once 2FA is set up."
    )
    name: str = Field("", max_length=100, description="A label for the token, e.g. the device.")


class TokenOut(Schema):
    token: str = Field(description="Shown once. Send as `Authorization: Bearer <token>`.")
    expires_at: LocalDateTime
    user: UserOut


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: LocalDateTime
    expires_at: LocalDateTime
    last_used_at: LocalDateTime | None
    revoked_at: LocalDateTime | None
    current: bool


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail
