from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import can_read_audit, can_read_stats, has_role, role_codes
from linli.accounts.models import Role
from linli.assistance import access as assistance_access
from linli.canteen.views import index as canteen_index
from linli.daycare import access as daycare_access
from linli.elders import access as elders_access
from linli.incentives import access as incentives_access
from linli.people import access as people_access
from linli.volunteers import access as volunteers_access


def _holds(*roles: str) -> Callable[[Any], bool]:
    return lambda user: has_role(user, *roles)


def _any_role(user: Any) -> bool:
    return bool(role_codes(user))


# (url name, label, who sees the link): the header's sections, in order. Each test is the one its
# page uses, from that app's access module, so a link shows exactly where the page opens.
SECTIONS: list[tuple[str, Any, Callable[[Any], bool]]] = [
    ("people:resident_list", _("居民"), _holds(*people_access.READ_ROLES)),
    ("volunteers:list", _("志愿者"), volunteers_access.can_browse_volunteers),
    ("teams:team_list", _("队伍"), _any_role),
    ("activities:list", _("活动"), _any_role),
    ("assistance:board", _("派单台"), assistance_access.can_read_board),
    ("elders:list", _("老人"), elders_access.can_read_list),
    ("daycare:list", _("照料中心"), daycare_access.can_open_daycare),
    ("assistance:mine", _("我的点单"), _holds(Role.RESIDENT)),
    ("assistance:tasks", _("我的任务"), _holds(Role.VOLUNTEER)),
    ("canteen:index", _("食堂"), canteen_index.shows_canteen),
    ("org:station_list", _("站点"), _any_role),
    ("audit:list", _("审计"), can_read_audit),
    ("reports:index", _("统计"), can_read_stats),
    ("incentives:points", _("积分"), _holds(Role.VOLUNTEER)),
    ("incentives:manage", _("爱心超市"), incentives_access.can_run_any),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Header links for the sections the user's roles open (the pages check again themselves)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    return {"nav_links": [(reverse(name), label) for name, label, shows in SECTIONS if shows(user)]}
