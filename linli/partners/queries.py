"""Reads of the partners: the activities each joined and the hours its people gave, all from
rows (the ledger's hours of the partner's volunteers, reversals included)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from linli.activities.models import Activity, ActivityStatus
from linli.ledger.models import Account, LedgerEntry
from linli.partners.models import Partner, PartnerActivity, PartnerVolunteer
from linli.volunteers.models import Volunteer
from linli.volunteers.queries import volunteer_search_condition

ZERO = Decimal("0.00")


def partner_hours(partner_ids: list[int]) -> dict[int, Decimal]:
    """Hours in the ledger of each partner's volunteers: {partner id: hours}, in one query."""
    rows = (
        LedgerEntry.objects.filter(
            account=Account.HOURS, volunteer__partner_links__partner_id__in=partner_ids
        )
        .values("volunteer__partner_links__partner_id")
        .annotate(hours=Coalesce(Sum("amount"), ZERO))
        .order_by()
    )
    return {
        row["volunteer__partner_links__partner_id"]: Decimal(row["hours"]).quantize(ZERO)
        for row in rows
    }


def with_counts(partners: QuerySet[Partner]) -> QuerySet[Partner]:
    return partners.annotate(
        activity_count=Count("activity_links", distinct=True),
        people_count=Count("people", distinct=True),
    )


@dataclass
class PersonHours:
    link: PartnerVolunteer
    hours: Decimal


def people_with_hours(partner: Partner, *, volunteer_id: int | None = None) -> list[PersonHours]:
    """The partner's people with their hours (only `volunteer_id`'s link when given)."""
    people = partner.people.select_related("volunteer__person").order_by("since", "pk")
    if volunteer_id is not None:
        people = people.filter(volunteer_id=volunteer_id)
    links = list(people)
    hours = dict(
        LedgerEntry.objects.filter(
            account=Account.HOURS, volunteer_id__in=[link.volunteer_id for link in links]
        )
        .values("volunteer_id")
        .annotate(total=Coalesce(Sum("amount"), ZERO))
        .order_by()
        .values_list("volunteer_id", "total")
    )
    return [
        PersonHours(link, Decimal(hours.get(link.volunteer_id, ZERO)).quantize(ZERO))
        for link in links
    ]


def activities_of(partner: Partner) -> Any:
    return (
        PartnerActivity.objects.filter(partner=partner)
        .select_related("activity__team")
        .order_by("-activity__starts_at")
    )


def _station_row(queryset: QuerySet[Any], station_id: int, typed: Any) -> Any:
    """The row of the partner's station whose id was typed or sent (a form's text or the API's
    bounded int), or None: anything that is not an id of at most 18 digits finds nothing."""
    text = str(typed)
    if not (text.isdigit() and len(text) <= 18):
        return None
    return queryset.filter(pk=int(text), station_id=station_id).first()


def station_volunteer(partner: Partner, typed: Any) -> Volunteer | None:
    """A volunteer of the partner's station, the only ones it may be linked to."""
    return _station_row(Volunteer.objects.select_related("person"), partner.station_id, typed)


def station_activity(partner: Partner, typed: Any) -> Activity | None:
    """An activity of the partner's station, the only ones it may be listed on."""
    return _station_row(Activity.objects.all(), partner.station_id, typed)


# How many volunteers the search-as-you-type picker offers at once.
PICKER_LIMIT = 10


def volunteer_candidates(partner: Partner, q: str) -> QuerySet[Volunteer]:
    """Volunteers of the partner's station matching `q` (name, pinyin or its initials, phone
    digits, an exact ID number, the volunteer number) who are not yet linked to it; rejected
    applications are not offered."""
    return (
        Volunteer.objects.filter(station_id=partner.station_id)
        .exclude(status=Volunteer.Status.REJECTED)
        .exclude(partner_links__partner=partner)
        .filter(volunteer_search_condition(q))
        .select_related("person")
        .order_by("person__name_pinyin", "pk")[:PICKER_LIMIT]
    )


# An activity number is a primary key: digits, at most this many.
ACTIVITY_NUMBER_MAX = 18


def activity_candidates(partner: Partner, q: str) -> QuerySet[Activity]:
    """Activities of the partner's station whose title holds `q` (or whose number is `q`) that
    the partner is not listed on yet, newest first; cancelled ones are not offered (nobody took
    part in them)."""
    condition = Q(title__icontains=q)
    if q.isdigit() and len(q) <= ACTIVITY_NUMBER_MAX:
        condition |= Q(pk=int(q))
    return (
        Activity.objects.filter(station_id=partner.station_id)
        .exclude(status=ActivityStatus.CANCELLED)
        .exclude(partner_links__partner=partner)
        .filter(condition)
        .order_by("-starts_at", "-pk")[:PICKER_LIMIT]
    )
