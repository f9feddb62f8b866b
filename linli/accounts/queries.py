from typing import Any

from linli.accounts import access
from linli.accounts.actions import has_two_factor
from linli.accounts.models import RoleAssignment, User


def station_dict(station: Any) -> dict[str, str]:
    return {"code": station.code, "name": station.name, "kind": station.kind}


def user_profile(user: User) -> dict[str, Any]:
    """The signed-in user as the API's `/me` and the pages show them: roles and reachable stations."""
    assignments = RoleAssignment.objects.filter(user=user).select_related("station")
    return {
        "id": user.pk,
        "phone": user.phone,
        "name": user.name,
        "roles": [
            {
                "role": row.role,
                "role_name": str(row.get_role_display()),
                "station": station_dict(row.station) if row.station else None,
            }
            for row in assignments
        ],
        "stations": [station_dict(station) for station in access.visible_stations(user)],
        "two_factor": has_two_factor(user),
        "two_factor_required": access.needs_two_factor(user),
    }
