from typing import Any

from django.http import HttpRequest

from linli.notifications import access


class _UnreadCount:
    """Counted on first use and then remembered: a page that never shows the header (an htmx
    fragment) costs no query, and one that shows the count twice costs one."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            unread = access.notifications_for_user(self.user).filter(read_at__isnull=True)
            self.value = unread.count()
        return self.value


def unread_count(request: HttpRequest) -> dict[str, Any]:
    """`unread_count` for the header's inbox badge: 0 for anyone not signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0}
    return {"unread_count": _UnreadCount(user)}
