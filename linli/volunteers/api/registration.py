"""Volunteers in the API: public registration, and staff decisions along the status machine."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from linli.accounts.schemas import ErrorOut
from linli.core import throttle
from linli.core.schemas import PathId
from linli.org.models import Station
from linli.partners.models import Partner
from linli.volunteers import access
from linli.volunteers.actions import registration as actions
from linli.volunteers.forms.registration import availability_mask
from linli.volunteers.models import Volunteer
from linli.volunteers.schemas.registration import (
    OptionalReasonIn,
    RegistrationReasonIn,
    VolunteerRegisteredOut,
    VolunteerRegisterIn,
    VolunteerStatusOut,
)

router = Router(tags=["volunteers"])

DECISION_RESPONSES: dict[int, Any] = {
    200: VolunteerStatusOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _station(code: str | None) -> Station:
    """The named station, or the only one when there is exactly one; else a 422 on `station`."""
    stations = Station.objects.filter(kind=Station.Kind.STATION)
    if code:
        found = stations.filter(code=code).first()
        if found is None:
            raise ValidationError({"station": [_("没有编码为 %(code)s 的站点。") % {"code": code}]})
        return found
    only = list(stations[:2])
    if len(only) != 1:
        raise ValidationError({"station": [_("请填写要注册到的站点编码。")]})
    return only[0]


@router.post(
    "/register",
    auth=None,
    response={202: VolunteerRegisteredOut, 422: ErrorOut, 429: ErrorOut},
    summary="Register as a volunteer (no sign-in; pending until station staff approve)",
    description="The answer is the same whether the registration went through or met an "
    "existing account or record (then station staff sort it out with the person): it does "
    "not tell whether a phone number has an account or an ID number is on a registry. "
    "Sign in with the phone and password to follow the application.",
)
def volunteer_register(request: HttpRequest, payload: VolunteerRegisterIn) -> Any:
    throttle.check(request, "register", phone=payload.phone)
    station = _station(payload.station)
    try:
        _register(station, payload)
    except actions.RegistrationHeld:
        pass  # answered as received: the caller is not told an account or record exists
    return Status(202, RECEIVED)


RECEIVED = {"status": "received"}


def _partner(station: Station, partner_id: int | None) -> Partner | None:
    if partner_id is None:
        return None
    found = Partner.objects.filter(pk=partner_id, station=station).first()
    if found is None:
        raise ValidationError({"partner": [_("所属单位须是本站的共建单位。")]})
    return found


def _register(station: Station, payload: VolunteerRegisterIn) -> Volunteer:
    partner = _partner(station, payload.partner)
    return actions.volunteer_register(
        station=station,
        data=actions.RegistrationInput(
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            password=payload.password,
            gender=payload.gender or "",
            birth_date=payload.birth_date,
            skills=payload.skills,
            categories=frozenset(payload.service_categories),
            availability=availability_mask(payload.availability),
            residence_area=payload.residence_area,
            occupation=payload.occupation,
            political_status=payload.political_status,
            guardian_name=payload.guardian_name,
            consent=payload.consent,
            partner=partner,
        ),
        channel=Volunteer.Channel.SELF,
    )


def _decide(request: HttpRequest, volunteer_id: int, move: Callable[..., Volunteer]) -> Volunteer:
    """Staff only (403 for other roles); a volunteer outside their stations is a 404."""
    user = request.auth  # type: ignore[attr-defined]
    if not access.can_manage_volunteers(user):
        raise PermissionDenied
    volunteer = access.get_volunteer_for_user(user, volunteer_id, write=True)
    return move(volunteer=volunteer, actor=user)


@router.post(
    "/{volunteer_id}/approve",
    response=DECISION_RESPONSES,
    summary="Approve a pending application: a volunteer number and the volunteer role",
)
def volunteer_approve(request: HttpRequest, volunteer_id: PathId) -> Volunteer:
    return _decide(request, volunteer_id, actions.volunteer_approve)


@router.post(
    "/{volunteer_id}/reject",
    response=DECISION_RESPONSES,
    summary="Reject a pending application, with the reason the applicant is told",
)
def volunteer_reject(
    request: HttpRequest, volunteer_id: PathId, payload: RegistrationReasonIn
) -> Volunteer:
    return _decide(
        request,
        volunteer_id,
        lambda **kwargs: actions.volunteer_reject(reason=payload.reason, **kwargs),
    )


@router.post(
    "/{volunteer_id}/suspend",
    response=DECISION_RESPONSES,
    summary="Suspend an active volunteer, with a reason",
)
def volunteer_suspend(
    request: HttpRequest, volunteer_id: PathId, payload: RegistrationReasonIn
) -> Volunteer:
    return _decide(
        request,
        volunteer_id,
        lambda **kwargs: actions.volunteer_suspend(reason=payload.reason, **kwargs),
    )


@router.post(
    "/{volunteer_id}/reinstate",
    response=DECISION_RESPONSES,
    summary="Reinstate a suspended volunteer",
)
def volunteer_reinstate(request: HttpRequest, volunteer_id: PathId) -> Volunteer:
    return _decide(request, volunteer_id, actions.volunteer_reinstate)


@router.post(
    "/{volunteer_id}/leave",
    response=DECISION_RESPONSES,
    summary="Record that a volunteer leaves; their records are kept",
    description='Body `{}` or `{"reason": "..."}`.',
)
def volunteer_leave(
    request: HttpRequest, volunteer_id: PathId, payload: OptionalReasonIn
) -> Volunteer:
    return _decide(
        request,
        volunteer_id,
        lambda **kwargs: actions.volunteer_leave(reason=payload.reason, **kwargs),
    )
