"""The point rules of a station, read with their defaults (SPEC §3: 10 an hour, 5 for a no-show)."""

from __future__ import annotations

from typing import Any

from linli.incentives.models import PointRule


def rule_for(station_id: int) -> PointRule:
    """The station's saved rules, or the defaults (unsaved) when staff never changed them."""
    found = PointRule.objects.filter(station_id=station_id).first()
    return found if found is not None else PointRule(station_id=station_id)


def rules_for(station_ids: Any) -> dict[int, PointRule]:
    saved = {rule.station_id: rule for rule in PointRule.objects.filter(station_id__in=station_ids)}
    return {pk: saved.get(pk) or PointRule(station_id=pk) for pk in station_ids}
