"""SPEC §7.2 as written: `POST /api/v1/study-room/pupils` `{resident, guardians, school, grade,
consent}` and `POST /api/v1/study-room/attendance` `{pupil, kind, picked_up_by?}` (an `out`
picked up by someone not listed: 409 `not_a_guardian`), in the conventions of §5; and the
study room's further endpoints are in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role
from linli.people.actions import AddressInput, ConsentInput
from tests.conftest import World, add_resident, api_token, bearer
from tests.studyroom.conftest import Study, years_ago

pytestmark = pytest.mark.django_db


def _post(user: Any, path: str, payload: dict[str, Any]) -> Any:
    return Client().post(
        f"/api/v1/study-room/{path}", payload, content_type="application/json",
        **bearer(api_token(user)),
    )  # fmt: skip


def test_enrol_check_in_and_pick_up_as_the_spec_writes_them(world: World, study: Study) -> None:
    staff = world.user(Role.STATION_STAFF)
    sibling = add_resident(
        world.jiaojia, "李子轩", gender="M", birth_date=years_ago(7),
        address=AddressInput("焦家小区", "8", "1", "101"), relation="child",
        consent=ConsentInput(method="paper", given_by="guardian", guardian_name="李建国",
                             sensitive=True),
    )  # fmt: skip
    spec_payload = {"resident": sibling.pk, "guardians": [study.father.pk],
                    "school": "当涂县第二小学", "grade": 1, "consent": True}  # fmt: skip
    refused = _post(staff, "pupils", {**spec_payload, "consent": False})
    assert refused.status_code == 422
    assert set(refused.json()["error"]) >= {"code", "message"}
    assert "consent" in str(refused.json()["error"])
    enrolled = _post(staff, "pupils", spec_payload)
    assert enrolled.status_code == 201, enrolled.content
    pupil = enrolled.json()
    assert (pupil["resident"], pupil["school"], pupil["grade"]) == (sibling.pk, "当涂县第二小学", 1)
    assert [g["resident"] for g in pupil["guardians"]] == [study.father.pk]

    checked_in = _post(staff, "attendance", {"pupil": pupil["id"], "kind": "in"})
    assert checked_in.status_code == 201 and checked_in.json()["out_at"] is None
    stranger = _post(staff, "attendance", {"pupil": pupil["id"], "kind": "out",
                                          "picked_up_by": study.neighbour.pk})  # fmt: skip
    assert stranger.status_code == 409
    assert stranger.json()["error"]["code"] == "not_a_guardian"
    assert stranger.json()["error"]["message"]
    nobody = _post(staff, "attendance", {"pupil": pupil["id"], "kind": "out"})
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (409, "not_a_guardian")
    father = _post(staff, "attendance", {"pupil": pupil["id"], "kind": "out",
                                        "picked_up_by": study.father.pk})  # fmt: skip
    assert father.status_code == 201
    assert father.json()["picked_up_by"] == study.father.pk and father.json()["out_at"]
    assert father.json()["in_at"].endswith("+08:00")  # ISO 8601 with the station's offset


def test_the_openapi_document_names_the_study_room_endpoints(db: Any) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"post"} <= set(paths["/api/v1/study-room/pupils"])
    assert {"post", "get"} <= set(paths["/api/v1/study-room/attendance"])
    for path in (
        "rooms/{room_id}",
        "shifts",
        "shifts/{shift_id}/confirm",
        "classes",
        "classes/{class_id}/enrolments",
        "classes/{class_id}/attendance",
    ):
        assert f"/api/v1/study-room/{path}" in paths, path
    assert "/api/v1/teams/{team_id}/events" in paths
    assert "/api/v1/partners/{partner_id}/volunteers" in paths
