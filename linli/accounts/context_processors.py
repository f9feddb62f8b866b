from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import has_role
from linli.accounts.models import Role

# (url name, label, roles that see the link): the header's sections, in order.
SECTIONS: list[tuple[str, Any, set[str]]] = [
    ("people:resident_list", _("居民"), {Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF}),
    (
        "volunteers:list",
        _("志愿者"),
        {Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF, Role.TEAM_LEADER},
    ),
    ("volunteers:team_list", _("队伍"), {str(role) for role in Role.values}),
    ("activities:list", _("活动"), {str(role) for role in Role.values}),
    ("assistance:board", _("派单台"), {Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF}),
    ("assistance:mine", _("我的需求"), {Role.RESIDENT}),
    ("assistance:tasks", _("我的任务"), {Role.VOLUNTEER}),
    ("org:station_list", _("站点"), {str(role) for role in Role.values}),
    ("audit:list", _("审计"), {Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF}),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Header links for the sections the user's roles open (the pages check again themselves)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    return {
        "nav_links": [
            (reverse(name), label) for name, label, roles in SECTIONS if has_role(user, *roles)
        ]
    }
