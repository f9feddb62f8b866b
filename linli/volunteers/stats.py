"""The volunteer figures of the summary (SPEC §5), counted from rows."""

from typing import Any

from linli.teams.models import Team
from linli.volunteers.models import Volunteer


def volunteer_counts(station_ids: Any) -> dict[str, int]:
    """Active volunteers, and teams (the troupes under a team are not counted as teams)."""
    return {
        "volunteers": Volunteer.objects.filter(
            station_id__in=station_ids, status=Volunteer.Status.ACTIVE
        ).count(),
        "teams": Team.objects.filter(station_id__in=station_ids, parent__isnull=True).count(),
    }
