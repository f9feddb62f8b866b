"""What the service-request API answers: one request as the caller may see it.

Shared by the read endpoints (api/requests.py) and the action endpoints (api/actions.py).
Whether the contact fields and photos are filled is asked of the one gate (`access.Standing`); a
caller who may not see them gets nulls and the estate's name.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from linli.accounts.schemas import ErrorOut
from linli.assistance import access
from linli.assistance.models import ServiceRequest
from linli.assistance.timeline import timeline

ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def reload(service_request: ServiceRequest) -> ServiceRequest:
    """The request as it is now, after an action; the caller was let through the gate before."""
    queryset = ServiceRequest.objects.select_related(*access.REQUEST_RELATED)
    return queryset.get(pk=service_request.pk)


def _person(volunteer: Any) -> dict[str, Any] | None:
    return None if volunteer is None else {"id": volunteer.pk, "name": volunteer.person.name}


def _address(service_request: ServiceRequest) -> dict[str, str] | None:
    building = service_request.building
    if building is None and not service_request.address_text:
        return None
    return {
        "estate": building.estate.name if building is not None else "",
        "building": building.number if building is not None else "",
        "unit": service_request.unit,
        "room": service_request.room,
        "text": service_request.address_text,
    }


def _photos(service_request: ServiceRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": photo.pk,
            "url": reverse(
                "api-v1:service_request_photo",
                kwargs={"request_id": service_request.pk, "photo_id": photo.pk},
            ),
            "content_type": photo.content_type,
            "size": photo.size,
            "uploaded_at": photo.uploaded_at,
        }
        for photo in service_request.photos.all()
    ]


def _follow_up(service_request: ServiceRequest) -> dict[str, Any] | None:
    latest = service_request.followups.order_by("-opened_at", "-id").first()
    if latest is None:
        return None
    return {
        "id": latest.pk,
        "score": latest.score,
        "due_on": latest.due_on,
        "opened_at": latest.opened_at,
        "closed_at": latest.closed_at,
        "outcome": latest.outcome,
    }


def request_out(user: Any, service_request: ServiceRequest) -> dict[str, Any]:
    """One request for `user`: contact fields only when the gate says they see them."""
    standing = access.standing_of(user, service_request)
    contact = standing.sees_contact
    building = service_request.building
    item = service_request.item
    team = service_request.dispatch_team
    shows_photos = standing.sees_photos
    photos = _photos(service_request) if shows_photos else []
    steps = timeline(service_request, show_names=contact, viewer=user)
    rated = service_request.score is not None
    return {
        "id": service_request.pk,
        "station": service_request.station.code,
        "station_name": service_request.station.name,
        "channel": service_request.channel,
        "category": service_request.category,
        "category_label": service_request.get_category_display(),
        "item": None if item is None else {"id": item.pk, "name": item.name},
        "description": access.visible_description(service_request, contact),
        "urgency": service_request.urgency,
        "preferred_at": service_request.preferred_at,
        "status": service_request.status,
        "status_label": service_request.get_status_display(),
        "reason": service_request.reason,
        "dispatch_mode": service_request.dispatch_mode,
        "dispatch_team": None if team is None else {"id": team.pk, "name": team.name},
        "dispatch_volunteer": _person(service_request.dispatch_volunteer),
        "volunteer": _person(service_request.volunteer),
        "submitted_at": service_request.submitted_at,
        "dispatched_at": service_request.dispatched_at,
        "accepted_at": service_request.accepted_at,
        "started_at": service_request.started_at,
        "completed_at": service_request.completed_at,
        "closed_at": service_request.closed_at,
        "hours": None if service_request.hours is None else float(service_request.hours),
        "completion_note": service_request.completion_note,
        "hours_confirmed": service_request.hours_confirmed_at is not None,
        "rating": {
            "score": service_request.score,
            "label": service_request.get_score_display(),
            "comment": service_request.rating_comment,
            "rated_at": service_request.rated_at,
        }
        if rated
        else None,
        "follow_up": _follow_up(service_request) if contact else None,
        "estate": building.estate.name if building is not None else None,
        "contact_visible": contact,
        "requester_name": service_request.requester_name if contact else None,
        "requester_phone": service_request.requester_phone if contact else None,
        "proxy_relation": service_request.proxy_relation if contact else None,
        "resident": (
            {"id": service_request.resident.pk, "name": service_request.resident.name}
            if contact and service_request.resident is not None
            else None
        ),
        "address": _address(service_request) if contact else None,
        "photo_count": len(photos) if shows_photos else service_request.photos.count(),
        "photos": photos,
        "timeline": [
            {
                "at": step.at,
                "kind": step.kind,
                "from_status": step.from_status,
                "to_status": step.to_status,
                "who": step.who,
                "who_role": step.who_role,
                "text": step.text,
                "note": step.note,
            }
            for step in steps
        ],
    }
