"""A service request's life (SPEC §4): every action from every state, every role for every action,
and the rules around them — reasons, scores, hours, the follow-up a poor rating opens, the ledger
credited once, re-dispatch and reopen, photos checked from their bytes.

The state table calls the actions directly (it is about the transition table); the role table
and the rest go through the API. The cast (tests/conftest.py): the resident user asked for the
help; 黄文静 (the volunteer user, in 党员志愿服务队) is the one it is dispatched to; `other_volunteer`
is an active volunteer of 焦家 it was not dispatched to; the outsider is station staff at 黄池.
"""

import io
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from linli.accounts.models import Role
from linli.assistance import actions
from linli.assistance.models import (
    REQUEST_TRANSITIONS,
    FollowUp,
    RequestEvent,
    RequestPhoto,
    RequestStatus,
    ServiceRequest,
)
from linli.core.errors import DomainError
from linli.core.workdays import add_working_days
from linli.ledger.queries import balance
from tests.conftest import api_token, bearer, make_user, make_volunteer, submit_request

S = RequestStatus
ACTIONS = [
    "dispatch",
    "accept",
    "start",
    "complete",
    "confirm",
    "rate",
    "reject",
    "cancel",
    "reopen",
]
INVALID = "invalid_transition"

# SPEC §4, written out: for each state, what each action does — the state it moves the request
# to, or the code of the 409 it answers. `confirm` keeps the state and credits the ledger.
EXPECTED: dict[str, dict[str, str]] = {
    S.SUBMITTED: {
        "dispatch": S.DISPATCHED,
        "accept": INVALID,
        "start": INVALID,
        "complete": INVALID,
        "confirm": "not_completed",
        "rate": INVALID,
        "reject": S.REJECTED,
        "cancel": S.CANCELLED,
        "reopen": INVALID,
    },
    S.DISPATCHED: {
        "dispatch": S.DISPATCHED,  # 改派
        "accept": S.ACCEPTED,
        "start": INVALID,
        "complete": INVALID,
        "confirm": "not_completed",
        "rate": INVALID,
        "reject": INVALID,
        "cancel": S.CANCELLED,
        "reopen": INVALID,
    },
    S.ACCEPTED: {
        "dispatch": S.DISPATCHED,  # the volunteer cannot come after all
        "accept": "already_taken",
        "start": S.IN_SERVICE,
        "complete": INVALID,
        "confirm": "not_completed",
        "rate": INVALID,
        "reject": INVALID,
        "cancel": S.CANCELLED,
        "reopen": INVALID,
    },
    S.IN_SERVICE: {
        "dispatch": INVALID,
        "accept": "already_taken",
        "start": INVALID,
        "complete": S.COMPLETED,
        "confirm": "not_completed",
        "rate": INVALID,
        "reject": INVALID,
        "cancel": S.CANCELLED,
        "reopen": INVALID,
    },
    S.COMPLETED: {
        "dispatch": INVALID,
        "accept": INVALID,
        "start": INVALID,
        "complete": INVALID,
        "confirm": S.COMPLETED,
        "rate": S.RATED,
        "reject": INVALID,
        "cancel": INVALID,
        "reopen": S.SUBMITTED,
    },
    S.RATED: {
        "dispatch": INVALID,
        "accept": INVALID,
        "start": INVALID,
        "complete": INVALID,
        "confirm": S.RATED,
        "rate": INVALID,
        "reject": INVALID,
        "cancel": INVALID,
        "reopen": S.SUBMITTED,
    },
    S.REJECTED: {action: INVALID for action in ACTIONS} | {"confirm": "not_completed"},
    S.CANCELLED: {action: INVALID for action in ACTIONS} | {"confirm": "not_completed"},
}
# How to bring a fresh request to each state, by the same actions.
PATHS: dict[str, list[str]] = {
    S.SUBMITTED: [],
    S.DISPATCHED: ["dispatch"],
    S.ACCEPTED: ["dispatch", "accept"],
    S.IN_SERVICE: ["dispatch", "accept", "start"],
    S.COMPLETED: ["dispatch", "accept", "start", "complete"],
    S.RATED: ["dispatch", "accept", "start", "complete", "rate"],
    S.REJECTED: ["reject"],
    S.CANCELLED: ["cancel"],
}


class Cast:
    """Everyone in the role table, with the request's story told through the actions."""

    def __init__(self, world: Any, corps: Any, menu: Any) -> None:
        self.world = world
        self.corps = corps
        self.menu = menu
        self.staff = world.user(Role.STATION_STAFF)
        self.requester = world.user(Role.RESIDENT)
        self.volunteer = world.user(Role.VOLUNTEER)
        self.other_volunteer = make_user("13600000021", Role.VOLUNTEER, world.jiaojia, name="赵磊")
        make_volunteer(world.jiaojia, self.other_volunteer, "赵磊", date(1990, 1, 1), 16)
        self.other_resident = make_user("13600000022", Role.RESIDENT, world.jiaojia, name="孙丽")
        self.people = {
            "admin": world.user(Role.ADMIN),
            "supervisor": world.user(Role.SUPERVISOR),
            "station_staff": self.staff,
            "team_leader": world.user(Role.TEAM_LEADER),
            "volunteer": self.volunteer,
            "other_volunteer": self.other_volunteer,
            "requester": self.requester,
            "other_resident": self.other_resident,
            "outsider": world.outsider,
            "outside_supervisor": world.outside_supervisor,
        }

    def new_request(self) -> ServiceRequest:
        return submit_request(self.world.jiaojia, self.requester, item_id=self.menu.repair.pk)

    def do(
        self, service_request: ServiceRequest, action: str, *, by: Any = None, **arguments: Any
    ) -> Any:
        """One action by the person who would normally do it; `by` starts or completes the
        service in someone else's stead (staff recording it)."""
        staff, volunteer = self.staff, by or self.volunteer
        steps: dict[str, Callable[[], Any]] = {
            "dispatch": lambda: actions.request_dispatch(
                service_request=service_request,
                actor=staff,
                **(arguments or {"volunteer": self.corps.volunteer}),
            ),
            "accept": lambda: actions.request_accept(
                service_request=service_request, actor=volunteer
            ),
            "start": lambda: actions.request_start(
                service_request=service_request, actor=volunteer
            ),
            "complete": lambda: actions.request_complete(
                service_request=service_request,
                actor=volunteer,
                hours=Decimal("1.5"),
                note="更换了厨房水龙头",
            ),
            "confirm": lambda: actions.request_confirm_hours(
                service_request=service_request, actor=staff
            ),
            "rate": lambda: actions.request_rate(
                service_request=service_request,
                actor=self.requester,
                **(arguments or {"score": 5, "comment": "很及时"}),
            ),
            "reject": lambda: actions.request_reject(
                service_request=service_request, actor=staff, reason="不属于服务范围"
            ),
            "cancel": lambda: actions.request_cancel(
                service_request=service_request, actor=staff, reason="已自行修好"
            ),
            "reopen": lambda: actions.request_reopen(
                service_request=service_request, actor=staff, reason="水管又漏了"
            ),
        }
        return steps[action]()

    def request_in(self, state: str) -> ServiceRequest:
        service_request = self.new_request()
        for step in PATHS[state]:
            self.do(service_request, step)
        service_request.refresh_from_db()
        assert service_request.status == state
        return service_request


@pytest.fixture
def cast(world, corps, menu) -> Cast:
    return Cast(world, corps, menu)


def api_post(user: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return Client().post(
        f"/api/v1/service-requests{path}",
        body or {},
        content_type="application/json",
        **bearer(api_token(user)),
    )


def png_bytes(size: int = 16) -> bytes:
    """A real PNG; noisy pixels, so that its size in bytes grows with its size in pixels."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- every state × every action ------------------------------------------------------------------


def test_the_expected_table_agrees_with_the_transition_table():
    assert set(EXPECTED) == set(PATHS) == set(S.values)
    moves = {"dispatch", "accept", "start", "complete", "rate", "reject", "cancel", "reopen"}
    for state, row in EXPECTED.items():
        assert set(row) == set(ACTIONS)
        reached = {row[action] for action in moves if row[action] in S.values}
        assert reached == REQUEST_TRANSITIONS[state], state


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_from_each_state(cast, state, action):
    service_request = cast.request_in(state)
    expected = EXPECTED[state][action]
    events_before = service_request.events.count()

    # Staff may start and complete any request of the station, so the state alone answers.
    by = cast.staff if action in {"start", "complete"} else None
    if expected in S.values:
        cast.do(service_request, action, by=by)
        service_request.refresh_from_db()
        assert service_request.status == expected
        assert service_request.events.count() > events_before
    else:
        with pytest.raises(DomainError) as refused:
            cast.do(service_request, action, by=by)
        assert refused.value.status == 409
        assert refused.value.code == expected
        service_request.refresh_from_db()
        assert service_request.status == state
        assert service_request.events.count() == events_before


# --- every action × every role, through the API --------------------------------------------------

ROLES = [
    "admin",
    "supervisor",
    "station_staff",
    "team_leader",
    "volunteer",
    "other_volunteer",
    "requester",
    "other_resident",
    "outsider",
    "outside_supervisor",
]
NOBODY_ELSE = {"team_leader": 404, "other_volunteer": 404, "other_resident": 404}
STRANGERS = {"outsider": 404, "outside_supervisor": 404}
# action → (the state it is tried from, the body, then the answer each role gets). The request
# is dispatched to 黄文静 alone, so the team leader and the other volunteer never see it.
ROLE_TABLE: dict[str, tuple[str, dict[str, Any], dict[str, int]]] = {
    "dispatch": (
        S.SUBMITTED,
        {"open": True},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 404, "requester": 403},
    ),
    "reject": (
        S.SUBMITTED,
        {"reason": "不属于服务范围"},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 404, "requester": 403},
    ),
    "accept": (
        S.DISPATCHED,
        {},
        {"admin": 403, "supervisor": 403, "station_staff": 403, "volunteer": 200, "requester": 403},
    ),
    "start": (
        S.ACCEPTED,
        {},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 200, "requester": 403},
    ),
    "complete": (
        S.IN_SERVICE,
        {"hours": "1.5", "note": "修好了"},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 200, "requester": 403},
    ),
    "confirm": (
        S.COMPLETED,
        {},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 403, "requester": 403},
    ),
    "rate": (
        S.COMPLETED,
        {"score": 5},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 403, "requester": 200},
    ),
    "cancel": (
        S.DISPATCHED,
        {"reason": "已自行修好"},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 403, "requester": 200},
    ),
    "reopen": (
        S.COMPLETED,
        {"reason": "水管又漏了"},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 403, "requester": 200},
    ),
    "follow-up": (  # after a rating of 1
        S.COMPLETED,
        {"outcome": "电话回访，已重新上门"},
        {"admin": 200, "supervisor": 403, "station_staff": 200, "volunteer": 403, "requester": 403},
    ),
}


@pytest.mark.parametrize("action", ROLE_TABLE)
def test_who_may_do_each_action(cast, action):
    state, body, answers = ROLE_TABLE[action]
    expected = {**NOBODY_ELSE, **STRANGERS, **answers}
    assert set(expected) == set(ROLES)

    got = {}
    for role in ROLES:
        service_request = cast.request_in(state)
        if action == "follow-up":
            cast.do(service_request, "rate", score=1, comment="没修好")
        response = api_post(cast.people[role], f"/{service_request.pk}/{action}", body)
        got[role] = response.status_code
        if response.status_code != 200:
            assert response.json()["error"]["code"] in {"forbidden", "not_found"}, role

    assert got == expected


def test_who_may_add_photos(cast):
    expected = {
        **NOBODY_ELSE,
        **STRANGERS,
        "admin": 200,
        "supervisor": 403,
        "station_staff": 200,
        "volunteer": 200,
        "requester": 403,
    }
    got = {}
    for role in ROLES:
        service_request = cast.request_in(S.IN_SERVICE)
        upload = SimpleUploadedFile("work.png", png_bytes(), content_type="image/png")
        response = Client().post(
            f"/api/v1/service-requests/{service_request.pk}/photos",
            {"photos": [upload]},
            **bearer(api_token(cast.people[role])),
        )
        got[role] = response.status_code
    assert got == expected


# --- the rules around the moves ------------------------------------------------------------------


def test_reopen_clears_the_assignment_and_the_request_can_go_round_again(cast, corps):
    service_request = cast.request_in(S.RATED)
    cast.do(service_request, "confirm")

    response = api_post(cast.requester, f"/{service_request.pk}/reopen", {"reason": "又漏了"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["volunteer"] is None and body["dispatch_mode"] == ""
    assert body["hours"] is None and body["hours_confirmed"] is False
    assert body["timeline"][-1]["text"] == "重新处理，等待工作人员审核"
    assert body["timeline"][-1]["note"] == "重新处理：又漏了"
    assert balance(corps.volunteer) == Decimal("1.5")  # the service given stays in the ledger
    # Round two, with someone else.
    redispatch = api_post(cast.staff, f"/{service_request.pk}/dispatch", {"open": True})
    assert redispatch.json()["dispatch_mode"] == "open"
    taken = api_post(cast.other_volunteer, f"/{service_request.pk}/accept")
    assert taken.status_code == 200, taken.content
    assert taken.json()["volunteer"]["name"] == "赵磊"


def test_redispatch_moves_the_request_to_someone_else(cast):
    service_request = cast.request_in(S.ACCEPTED)
    other = cast.other_volunteer.volunteer

    response = api_post(cast.staff, f"/{service_request.pk}/dispatch", {"volunteer": other.pk})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "dispatched"
    assert body["volunteer"] is None
    assert body["dispatch_volunteer"] == {"id": other.pk, "name": "赵磊"}
    assert body["timeline"][-1]["text"] == "工作人员已派单，等待志愿者接单"
    # 黄文静 no longer holds it, nor is it dispatched to her: it is out of her reach.
    assert api_post(cast.volunteer, f"/{service_request.pk}/start").status_code == 404
    again = api_post(
        cast.staff, f"/{service_request.pk}/dispatch", {"team": cast.corps.party_team.pk}
    )
    assert again.json()["timeline"][-1]["text"] == "已改派"
    assert api_post(cast.volunteer, f"/{service_request.pk}/accept").status_code == 200


def test_dispatch_names_exactly_one_target(cast):
    service_request = cast.new_request()
    path = f"/{service_request.pk}/dispatch"

    nothing = api_post(cast.staff, path, {})
    two = api_post(cast.staff, path, {"open": True, "team": cast.corps.party_team.pk})
    unknown = api_post(cast.staff, path, {"team": 999999})
    elsewhere = api_post(cast.staff, path, {"team": cast.corps.outsider_team.pk})

    for response in (nothing, two, unknown, elsewhere):
        assert response.status_code == 422, response.content
    assert unknown.json()["error"]["fields"][0]["loc"] == ["team"]
    assert elsewhere.json()["error"]["message"] == "只能派给本站的队伍。"


def test_cancel_and_reject_need_a_reason(cast):
    service_request = cast.new_request()

    no_reason = api_post(cast.requester, f"/{service_request.pk}/cancel", {"reason": "  "})
    no_reject_reason = api_post(cast.staff, f"/{service_request.pk}/reject", {})
    cancelled = api_post(cast.requester, f"/{service_request.pk}/cancel", {"reason": "已修好"})

    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["fields"] == [{"loc": ["reason"], "message": "请填写原因。"}]
    assert no_reject_reason.status_code == 422
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["reason"] == "已修好"
    assert api_post(cast.staff, f"/{service_request.pk}/reject", {"reason": "x"}).status_code == 409


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_the_five_levels_is_refused(cast, score):
    service_request = cast.request_in(S.COMPLETED)

    response = api_post(cast.requester, f"/{service_request.pk}/rate", {"score": score})

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["score"]
    service_request.refresh_from_db()
    assert service_request.status == S.COMPLETED


def test_a_poor_rating_opens_a_follow_up_that_staff_close(cast):
    service_request = cast.request_in(S.COMPLETED)
    path = f"/{service_request.pk}"

    rated = api_post(cast.requester, f"{path}/rate", {"score": 2, "comment": "来晚了两个小时"})

    assert rated.status_code == 200, rated.content
    assert rated.json()["rating"]["label"] == "不满意"
    followup = FollowUp.objects.get(request=service_request)
    assert followup.due_on == add_working_days(timezone.localdate(), 15)
    assert rated.json()["follow_up"]["due_on"] == followup.due_on.isoformat()
    assert rated.json()["timeline"][-1]["kind"] == "follow_up"
    assert api_post(cast.staff, f"{path}/follow-up", {"outcome": ""}).status_code == 422
    closed = api_post(cast.staff, f"{path}/follow-up", {"outcome": "上门致歉，重新约了时间"})
    assert closed.status_code == 200, closed.content
    assert closed.json()["follow_up"]["outcome"] == "上门致歉，重新约了时间"
    assert closed.json()["timeline"][-1]["note"] == "回访完成：上门致歉，重新约了时间"
    followup.refresh_from_db()
    assert followup.closed_at is not None and followup.closed_by == cast.staff
    again = api_post(cast.staff, f"{path}/follow-up", {"outcome": "再次回访"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "no_open_follow_up"


def test_a_good_rating_opens_no_follow_up(cast):
    service_request = cast.request_in(S.COMPLETED)
    api_post(cast.requester, f"/{service_request.pk}/rate", {"score": 3})
    assert not FollowUp.objects.filter(request=service_request).exists()


def test_confirm_credits_the_ledger_once(cast, corps):
    service_request = cast.request_in(S.COMPLETED)
    path = f"/{service_request.pk}/confirm"

    first = api_post(cast.staff, path)
    second = api_post(cast.staff, path)

    assert first.status_code == 200, first.content
    assert first.json()["hours_confirmed"] is True
    assert balance(corps.volunteer) == Decimal("1.5")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_confirmed"
    assert balance(corps.volunteer) == Decimal("1.5")


@pytest.mark.parametrize("hours", ["0", "25", "-1"])
def test_completion_hours_must_be_real(cast, hours):
    service_request = cast.request_in(S.IN_SERVICE)

    response = api_post(
        cast.volunteer, f"/{service_request.pk}/complete", {"hours": hours, "note": "修好了"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["hours"]
    service_request.refresh_from_db()
    assert service_request.status == S.IN_SERVICE


def test_completion_needs_a_note(cast):
    service_request = cast.request_in(S.IN_SERVICE)
    response = api_post(cast.volunteer, f"/{service_request.pk}/complete", {"hours": "1"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["note"]


def test_the_action_itself_refuses_whoever_may_not(cast):
    """The gate is in the action, not only in the API: a page or a command calling it is held
    to the same rule."""
    service_request = cast.request_in(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        actions.request_dispatch(
            service_request=service_request, actor=cast.requester, open_to_all=True
        )
    with pytest.raises(ValidationError):
        actions.request_cancel(service_request=service_request, actor=cast.requester, reason="")


# --- photos ------------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_photos(user: Any, service_request: ServiceRequest, *files: SimpleUploadedFile) -> Any:
    return Client().post(
        f"/api/v1/service-requests/{service_request.pk}/photos",
        {"photos": list(files)},
        **bearer(api_token(user)),
    )


def test_a_real_photo_is_stored_and_shown_to_the_requester(cast):
    service_request = cast.request_in(S.IN_SERVICE)
    content = png_bytes()

    response = post_photos(cast.volunteer, service_request, upload("水龙头.png", content))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["photo_count"] == 1
    photo = RequestPhoto.objects.get(request=service_request)
    assert photo.content_type == "image/png" and photo.size == len(content)
    assert photo.file.name.startswith("requests/") and photo.file.name.endswith(".png")
    requester_view = Client().get(
        f"/api/v1/service-requests/{service_request.pk}", **bearer(api_token(cast.requester))
    )
    url = requester_view.json()["photos"][0]["url"]
    fetched = Client().get(url, **bearer(api_token(cast.requester)))
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == "image/png"
    assert fetched.getvalue() == content
    assert Client().get(url, **bearer(api_token(cast.world.outsider))).status_code == 404


def test_a_text_file_named_jpg_is_refused(cast):
    service_request = cast.request_in(S.IN_SERVICE)

    response = post_photos(
        cast.volunteer,
        service_request,
        upload("photo.jpg", "我不是图片".encode() * 20, "image/jpeg"),
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["photos"]
    assert not RequestPhoto.objects.exists()


def test_an_oversize_photo_is_refused_and_none_of_the_batch_is_kept(cast, settings):
    settings.REQUEST_PHOTO_MAX_BYTES = 2000
    service_request = cast.request_in(S.IN_SERVICE)
    small, large = png_bytes(8), png_bytes(64)
    assert len(small) < 2000 < len(large)

    response = post_photos(
        cast.volunteer, service_request, upload("a.png", small), upload("b.png", large)
    )

    assert response.status_code == 422
    assert "照片不能超过" in response.json()["error"]["message"]
    assert not RequestPhoto.objects.exists()


def test_photos_wait_until_the_service_has_started(cast):
    service_request = cast.request_in(S.ACCEPTED)
    response = post_photos(cast.volunteer, service_request, upload("a.png", png_bytes()))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_in_service"


def test_every_change_is_one_timeline_row(cast):
    service_request = cast.request_in(S.RATED)
    transitions = RequestEvent.objects.filter(
        request=service_request, kind=RequestEvent.Kind.TRANSITION
    )
    assert list(transitions.values_list("from_status", "to_status")) == [
        ("", S.SUBMITTED),
        (S.SUBMITTED, S.DISPATCHED),
        (S.DISPATCHED, S.ACCEPTED),
        (S.ACCEPTED, S.IN_SERVICE),
        (S.IN_SERVICE, S.COMPLETED),
        (S.COMPLETED, S.RATED),
    ]
