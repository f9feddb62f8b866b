"""Every incentives endpoint, every role: who gets in, who is refused (403) and who cannot even
see the thing (404). The cast: 黄文静 (the volunteer), 张志强 (a team leader, also a volunteer),
焦家's station staff, the institute's supervisor, and 黄池's staff (an outsider)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.assistance.models import ServiceRequest
from linli.incentives.actions.honours import honour_create, nomination_create
from linli.incentives.actions.points import points_adjust
from linli.incentives.actions.shop import redemption_reserve, shop_item_create
from linli.incentives.actions.timebank import timebank_deposit, timebank_donate
from tests.incentives.conftest import Api, serve

ROLES = ("self", "leader", "staff", "supervisor", "outsider", "resident")


@pytest.fixture
def scene(world, corps):
    serve(corps.volunteer, "10")
    points_adjust(volunteer=corps.volunteer, amount=Decimal("1000"), reason="测试", actor=None)
    item = shop_item_create(station=world.jiaojia, name="大米", points=50, stock=20, actor=None)
    redemption = redemption_reserve(item=item, volunteer=corps.volunteer, quantity=1, actor=None)
    honour = honour_create(
        station=world.jiaojia, title="优秀志愿者", year=2026, kind="volunteer", actor=None
    )
    nomination = nomination_create(honour=honour, volunteer=corps.leader, reason="带队", actor=None)
    # Five hours in the time bank, two of them given to the station's pool; an elder's request.
    timebank_deposit(volunteer=corps.volunteer, hours=Decimal("5"), actor=None)
    timebank_donate(volunteer=corps.volunteer, hours=Decimal("2"), actor=None)
    elder = ServiceRequest.objects.create(
        station=world.jiaojia,
        channel="phone",
        requester_name="王秀梅",
        category="community",
        description="代买药品",
    )
    clients = {
        "self": Api(world.user(Role.VOLUNTEER)),
        "leader": Api(world.user(Role.TEAM_LEADER)),
        "staff": Api(world.user(Role.STATION_STAFF)),
        "supervisor": Api(world.user(Role.SUPERVISOR)),
        "outsider": Api(world.outsider),
        "resident": Api(world.user(Role.RESIDENT)),
    }
    return {
        "v": corps.volunteer.pk,
        "item": item.pk,
        "r": redemption.pk,
        "code": redemption.pickup_code,
        "h": honour.pk,
        "n": nomination.pk,
        "leader": corps.leader.pk,
        "sr": elder.pk,
        "clients": clients,
    }


# (method, path, body, expected status by role): the volunteer's own accounts are theirs and
# their station's staff's (supervisors read); everyone else: 404.
CASES = [
    ("get", "/volunteers/{v}/points", None,
     {"self": 200, "leader": 404, "staff": 200, "supervisor": 200, "outsider": 404, "resident": 404}),
    ("get", "/volunteers/{v}/timebank", None,
     {"self": 200, "leader": 404, "staff": 200, "supervisor": 200, "outsider": 404, "resident": 404}),
    ("post", "/volunteers/{v}/points/adjustments", {"points": "1", "reason": "x"},
     {"self": 404, "leader": 404, "staff": 201, "supervisor": 404, "outsider": 404, "resident": 404}),
    ("get", "/shop/items/{item}", None,
     {"self": 200, "leader": 200, "staff": 200, "supervisor": 200, "outsider": 404, "resident": 404}),
    ("post", "/shop/items", {"name": "毛巾", "points": 5, "stock": 1},
     {"self": 403, "leader": 403, "staff": 201, "supervisor": 403, "outsider": 201, "resident": 403}),
    ("post", "/shop/items/{item}/stock", {"quantity": 1, "reason": "入库"},
     {"self": 403, "leader": 403, "staff": 201, "supervisor": 403, "outsider": 404, "resident": 404}),
    ("get", "/shop/redemptions/{r}", None,
     {"self": 200, "leader": 404, "staff": 200, "supervisor": 200, "outsider": 404, "resident": 404}),
    ("post", "/shop/redemptions/{r}/handover", {"pickup_code": "{code}"},
     {"self": 403, "leader": 404, "staff": 200, "supervisor": 403, "outsider": 404, "resident": 404}),
    ("post", "/shop/redemptions/{r}/cancel", None,
     {"self": 200, "leader": 404, "staff": 200, "supervisor": 403, "outsider": 404, "resident": 404}),
    ("post", "/shop/redemptions", {"item": "{item}", "volunteer": "{v}"},
     {"self": 201, "leader": 404, "staff": 201, "supervisor": 404, "outsider": 404, "resident": 404}),
    ("post", "/timebank/deposits", {"hours": "1"},
     {"self": 201, "leader": 409, "staff": 403, "supervisor": 403, "outsider": 403, "resident": 403}),
    ("get", "/shop/rules", None,
     {"self": 403, "leader": 403, "staff": 200, "supervisor": 403, "outsider": 200, "resident": 403}),
    ("get", "/honours/{h}", None,
     {"self": 200, "leader": 200, "staff": 200, "supervisor": 200, "outsider": 404, "resident": 404}),
    ("post", "/honours/{h}/nominations", {"volunteer": "{v}", "reason": "服务突出"},
     {"self": 403, "leader": 403, "staff": 201, "supervisor": 403, "outsider": 404, "resident": 404}),
    ("post", "/honours/{h}/award", None,
     {"self": 403, "leader": 403, "staff": 409, "supervisor": 403, "outsider": 404, "resident": 404}),
    ("post", "/honours", {"title": "好媳妇", "year": 2026, "kind": "family"},
     {"self": 403, "leader": 403, "staff": 201, "supervisor": 403, "outsider": 201, "resident": 403}),
    ("post", "/honours/nominations/{n}/review", {"accept": True},
     {"self": 404, "leader": 404, "staff": 200, "supervisor": 404, "outsider": 404, "resident": 404}),
    ("post", "/honours/{h}/publicize", None,
     {"self": 403, "leader": 403, "staff": 409, "supervisor": 403, "outsider": 404, "resident": 404}),
    ("post", "/volunteers/{v}/recruiter", {"recruiter": "{leader}"},
     {"self": 404, "leader": 404, "staff": 201, "supervisor": 404, "outsider": 404, "resident": 404}),
    ("patch", "/shop/rules", {"no_show_points": "3"},
     {"self": 403, "leader": 403, "staff": 200, "supervisor": 403, "outsider": 200, "resident": 403}),
    # Hours move only from one's own account: a transfer to oneself is bad input, to someone
    # not of one's household a conflict, and without an account of one's own forbidden.
    ("post", "/timebank/transfers", {"to_volunteer": "{v}", "hours": "1", "note": ""},
     {"self": 422, "leader": 409, "staff": 403, "supervisor": 403, "outsider": 403, "resident": 403}),
    ("post", "/timebank/donations", {"hours": "1"},
     {"self": 201, "leader": 409, "staff": 403, "supervisor": 403, "outsider": 403, "resident": 403}),
    ("post", "/timebank/pool-payments", {"service_request": "{sr}"},
     {"self": 404, "leader": 404, "staff": 201, "supervisor": 404, "outsider": 404, "resident": 404}),
]  # fmt: skip

# The lists answer everyone signed in, each with only what they may see: those named here see
# none of the scene's rows (黄池's staff, a resident; the team leader has no redemption).
LISTS = {
    "/shop/items": {"outsider", "resident"},
    "/shop/redemptions": {"leader", "outsider", "resident"},
    "/honours": {"outsider", "resident"},
}


def _fill(value, scene):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        found = scene[value[1:-1]]
        return found if not isinstance(found, str) else found
    if isinstance(value, str):
        return value.format(**{k: v for k, v in scene.items() if k != "clients"})
    if isinstance(value, dict):
        return {key: _fill(inner, scene) for key, inner in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), CASES, ids=[c[1] + " " + c[0] for c in CASES]
)
def test_who_may_call_each_endpoint(scene, role, method, path, body, expected):
    client = scene["clients"][role]
    url = path.format(**{k: v for k, v in scene.items() if k != "clients"})
    if method == "get":
        response = client.get(url)
    elif method == "patch":
        response = client.patch(url, _fill(body, scene))
    else:
        response = client.post(url, _fill(body, scene))
    assert response.status_code == expected[role], (role, url, response.content)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", LISTS)
def test_each_list_shows_only_what_the_role_reaches(scene, role, path):
    answer = scene["clients"][role].get(path)
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == len(body["items"])
    assert (body["count"] == 0) is (role in LISTS[path]), (role, path, body)
