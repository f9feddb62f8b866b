"""Schemas of the inbox API (`/api/v1/notifications`)."""

from ninja import Schema
from pydantic import Field

from linli.core.schemas import LocalDateTime


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="What happened, e.g. `request.dispatched`.")
    title: str = Field(description="In the caller's language (Accept-Language or their choice).")
    body: str
    url: str = Field(description="The page it is about (a path on this site), or empty.")
    station: str | None = Field(description="Station code, when it concerns one.")
    created_at: LocalDateTime
    read_at: LocalDateTime | None
    unread: bool

    @staticmethod
    def resolve_title(notification: object) -> str:
        return str(getattr(notification, "shown_title", ""))

    @staticmethod
    def resolve_body(notification: object) -> str:
        return str(getattr(notification, "shown_body", ""))

    @staticmethod
    def resolve_station(notification: object) -> str | None:
        station = getattr(notification, "station", None)
        return station.code if station is not None else None

    @staticmethod
    def resolve_unread(notification: object) -> bool:
        return getattr(notification, "read_at", None) is None


class InboxQuery(Schema):
    unread: bool | None = Field(
        None, description="true: only unread; false: only read; absent: all."
    )


class ReadAllOut(Schema):
    updated: int = Field(description="How many notifications were marked read.")


class UnreadCountOut(Schema):
    unread: int
