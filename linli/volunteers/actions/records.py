"""A volunteer's record beyond registration (民政部令第67号): awards, evaluations, and the copy of
everything the station holds about them that the volunteer may download.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.people.models import Resident
from linli.teams.models import TeamMembership
from linli.volunteers.models import (
    TrainingAttendance,
    Volunteer,
    VolunteerAward,
    VolunteerEvaluation,
    availability_codes,
)

# An applicant who was never accepted has done no volunteer service to honour or evaluate.
NOT_YET_VOLUNTEERS = frozenset({Volunteer.Status.PENDING, Volunteer.Status.REJECTED})


def _refuse_applicant(volunteer: Volunteer) -> None:
    if volunteer.status in NOT_YET_VOLUNTEERS:
        raise DomainError(
            "not_a_volunteer",
            _("“%(status)s”的申请人还不是志愿者，不能记录荣誉或评价。")
            % {"status": volunteer.get_status_display()},
            status=409,
        )


def _check_date(errors: dict[str, list[str]], name: str, value: date | None) -> None:
    if value is None:
        errors.setdefault(name, []).append(_("请填写日期。"))
    elif value > timezone.localdate():
        errors.setdefault(name, []).append(_("日期不能晚于今天。"))


@transaction.atomic
def award_add(
    *, volunteer: Volunteer, name: str, awarded_on: date | None, granted_by: str, actor: Any
) -> VolunteerAward:
    """Record an honour (名称, 日期, 授予单位) of an accepted volunteer; audited."""
    _refuse_applicant(volunteer)
    errors: dict[str, list[str]] = {}
    name, granted_by = name.strip(), granted_by.strip()
    if not name or len(name) > 100:
        errors.setdefault("name", []).append(_("请填写荣誉名称（最多 100 字）。"))
    if not granted_by or len(granted_by) > 100:
        errors.setdefault("granted_by", []).append(_("请填写授予单位（最多 100 字）。"))
    _check_date(errors, "awarded_on", awarded_on)
    if errors:
        raise ValidationError(errors)
    assert awarded_on is not None  # noqa: S101 (refused above otherwise)
    award = VolunteerAward.objects.create(
        volunteer=volunteer,
        name=name,
        awarded_on=awarded_on,
        granted_by=granted_by,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="volunteer.award_add",
        target=volunteer,
        station=volunteer.station,
        after={
            "award": award.pk,
            "name": name,
            "awarded_on": awarded_on.isoformat(),
            "granted_by": granted_by,
        },
    )
    return award


@transaction.atomic
def evaluation_add(
    *,
    volunteer: Volunteer,
    evaluated_on: date | None,
    result: str,
    comment: str = "",
    actor: Any,
) -> VolunteerEvaluation:
    """Record a dated evaluation (评价) of an accepted volunteer's service; audited."""
    _refuse_applicant(volunteer)
    errors: dict[str, list[str]] = {}
    comment = comment.strip()
    if result not in VolunteerEvaluation.Result.values:
        errors.setdefault("result", []).append(_("请选择评价结果。"))
    if len(comment) > 300:
        errors.setdefault("comment", []).append(_("评语最多 300 字。"))
    _check_date(errors, "evaluated_on", evaluated_on)
    if errors:
        raise ValidationError(errors)
    assert evaluated_on is not None  # noqa: S101 (refused above otherwise)
    evaluation = VolunteerEvaluation.objects.create(
        volunteer=volunteer,
        evaluated_on=evaluated_on,
        result=result,
        comment=comment,
        evaluator=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="volunteer.evaluation_add",
        target=volunteer,
        station=volunteer.station,
        after={
            "evaluation": evaluation.pk,
            "evaluated_on": evaluated_on.isoformat(),
            "result": result,
        },
    )
    return evaluation


def _when(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _person_data(person: Resident) -> dict[str, Any]:
    household = person.household
    return {
        "name": person.name,
        "gender": person.gender,
        "birth_date": _when(person.birth_date),
        "id_number_masked": person.id_number_masked,
        "phone": person.phone,
        "address": {
            "estate": household.building.estate.name,
            "building": household.building.number,
            "unit": household.unit,
            "room": household.room,
        }
        if household is not None
        else None,
        "relation": person.relation,
        "status": person.status,
        "note": person.note,
        "tags": sorted(tag.tag for tag in person.tags.all()),
        # Health and disability details stay encrypted: the download says only that they exist.
        "health_or_disability_details_on_file": bool(person.sensitive_cipher),
        "created_at": _when(person.created_at),
        "updated_at": _when(person.updated_at),
    }


def volunteer_data(volunteer: Volunteer) -> dict[str, Any]:
    """Everything the station holds about a volunteer, for their own copy; the ID number masked."""
    volunteer = (
        Volunteer.objects.select_related(
            "person__household__building__estate", "station", "user", "decided_by", "registered_by"
        )
        .prefetch_related("categories", "awards", "evaluations", "person__tags", "person__consents")
        .get(pk=volunteer.pk)
    )
    person = volunteer.person
    memberships = TeamMembership.objects.filter(volunteer=volunteer).select_related("team")
    training = TrainingAttendance.objects.filter(volunteer=volunteer).select_related(
        "session__course"
    )
    return {
        "exported_at": _when(timezone.now()),
        "account": {
            "phone": volunteer.user.phone,
            "name": volunteer.user.name,
            "date_joined": _when(volunteer.user.date_joined),
        },
        "person": _person_data(person),
        "volunteer": {
            "id": volunteer.pk,
            "station": {"code": volunteer.station.code, "name": volunteer.station.name},
            "number": volunteer.number,
            "status": volunteer.status,
            "status_reason": volunteer.status_reason,
            "skills": volunteer.skills,
            "service_categories": sorted(row.category for row in volunteer.categories.all()),
            "availability": availability_codes(volunteer.availability),
            "availability_mask": volunteer.availability,
            "residence_area": volunteer.residence_area,
            "occupation": volunteer.occupation,
            "political_status": volunteer.political_status,
            "guardian_name": volunteer.guardian_name,
            "consent_version": volunteer.consent_version,
            "consent_at": _when(volunteer.consent_at),
            "channel": volunteer.channel,
            "registered_at": _when(volunteer.registered_at),
            "registered_by": volunteer.registered_by.name if volunteer.registered_by else None,
            "decided_at": _when(volunteer.decided_at),
            "decided_by": volunteer.decided_by.name if volunteer.decided_by else None,
        },
        "teams": [
            {
                "team": membership.team.name,
                "role": membership.role,
                "status": membership.status,
                "requested_at": _when(membership.requested_at),
                "decided_at": _when(membership.decided_at),
            }
            for membership in memberships
        ],
        "training": [
            {
                "course": row.session.course.name,
                "content": row.session.course.content,
                "hours": str(row.hours),
                "organizer": row.session.course.organizer,
                "date": _when(row.session.held_on),
                "place": row.session.place,
                "attended": row.attended,
            }
            for row in training
        ],
        "awards": [
            {
                "name": award.name,
                "awarded_on": _when(award.awarded_on),
                "granted_by": award.granted_by,
            }
            for award in volunteer.awards.all()
        ],
        "evaluations": [
            {
                "evaluated_on": _when(evaluation.evaluated_on),
                "result": evaluation.result,
                "comment": evaluation.comment,
            }
            for evaluation in volunteer.evaluations.all()
        ],
        "consents": [
            {
                "scope": consent.scope,
                "given_by": consent.given_by,
                "guardian_name": consent.guardian_name,
                "method": consent.method,
                "text_version": consent.text_version,
                "recorded_at": _when(consent.recorded_at),
                "withdrawn_at": _when(consent.withdrawn_at),
            }
            for consent in person.consents.all()
        ],
    }


@transaction.atomic
def volunteer_data_export(*, volunteer: Volunteer, actor: Any) -> dict[str, Any]:
    """The volunteer's own copy of their data (个人信息保护法 §45); every export is audited."""
    data = volunteer_data(volunteer)
    audit_record(
        actor=actor,
        action="volunteer.data_export",
        target=volunteer,
        station=volunteer.station,
        after={"sections": sorted(data)},
    )
    return data
