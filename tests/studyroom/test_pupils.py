"""Enrolment: staff from a paper form or a guardian online, always with the guardian's separate
consent; a child's allergies and health notes are stored only encrypted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.people.actions import AddressInput, ConsentInput
from linli.studyroom.models import GuardianConsent, Pupil
from tests.conftest import World, add_resident, api_token, bearer
from tests.studyroom.conftest import Study, years_ago

pytestmark = pytest.mark.django_db
CHILD_CONSENT = ConsentInput(
    method="paper", given_by="guardian", guardian_name="李建国", sensitive=True
)


def _payload(child: Any, *guardians: Any, **extra: Any) -> dict[str, Any]:
    return {
        "resident": child.pk,
        "guardians": [guardian.pk for guardian in guardians],
        "school": "当涂县第二小学",
        "grade": 2,
        "consent": True,
        **extra,
    }


@pytest.fixture
def sibling(world: World) -> Any:
    return add_resident(
        world.jiaojia, "李子轩", gender="M", birth_date=years_ago(7),
        address=AddressInput("焦家小区", "8", "1", "101"), relation="child",
        consent=CHILD_CONSENT,
    )  # fmt: skip


def _post(user: Any, payload: dict[str, Any]) -> Any:
    return Client().post(
        "/api/v1/study-room/pupils", payload, content_type="application/json",
        **bearer(api_token(user)),
    )  # fmt: skip


def test_staff_enrol_a_pupil_from_the_paper_form(world: World, study: Study, sibling: Any) -> None:
    response = _post(
        world.user(Role.STATION_STAFF),
        _payload(sibling, study.father, allergies="芒果过敏", photo_consent=True),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "李子轩"
    assert body["channel"] == "paper"
    assert [g["name"] for g in body["guardians"]] == ["李建国"]
    pupil = Pupil.objects.get(pk=body["id"])
    assert "芒果" not in pupil.health_cipher and pupil.health_cipher
    consent = GuardianConsent.objects.get(pupil=pupil)
    assert (consent.method, consent.guardian_id) == ("paper", study.father.pk)


def test_a_guardian_enrols_their_own_child_online(world: World, study: Study, sibling: Any) -> None:
    response = _post(world.user(Role.RESIDENT), _payload(sibling, study.father, study.grandmother))
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "online"
    consent = GuardianConsent.objects.get(pupil_id=response.json()["id"])
    assert (consent.method, consent.guardian_id) == ("online", study.father.pk)


def test_a_guardian_may_not_enrol_a_child_for_others(
    world: World, study: Study, sibling: Any
) -> None:
    # The signed-in guardian (李建国) is not among the guardians listed.
    response = _post(world.user(Role.RESIDENT), _payload(sibling, study.grandmother))
    assert response.status_code == 403
    assert not Pupil.objects.filter(resident=sibling).exists()


@pytest.mark.parametrize("consent", [False, None])
def test_consent_is_required(world: World, study: Study, sibling: Any, consent: Any) -> None:
    payload = _payload(sibling, study.father)
    if consent is None:
        del payload["consent"]
    else:
        payload["consent"] = consent
    response = _post(world.user(Role.STATION_STAFF), payload)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert any("consent" in field["loc"] for field in response.json()["error"]["fields"])
    assert not Pupil.objects.filter(resident=sibling).exists()


def test_consent_is_required_on_the_paper_form_page(
    world: World, study: Study, sibling: Any
) -> None:
    from tests.conftest import signed_in

    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/study-room/{study.room.pk}/enrol/?child={sibling.pk}"
    form = {"child": sibling.pk, "guardians": [study.father.pk], "relation": "parent",
            "school": "当涂县第二小学", "grade": 2}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200
    assert "单独同意" in response.content.decode()
    assert not Pupil.objects.filter(resident=sibling).exists()
    response = client.post(url, {**form, "consent": "on"})
    assert response.status_code == 302
    assert Pupil.objects.filter(resident=sibling, channel="paper").exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"grade": 13}, "grade"),
        ({"school": ""}, "school"),
        ({"school": "x\x00"}, "school"),
        ({"guardians": []}, "guardians"),
        ({"allergies": "花" * 301}, "allergies"),
        ({"resident": 2**63}, "resident"),
    ],
)
def test_bad_input_is_a_422(
    world: World, study: Study, sibling: Any, change: dict[str, Any], field: str
) -> None:
    response = _post(world.user(Role.STATION_STAFF), {**_payload(sibling, study.father), **change})
    assert response.status_code == 422, response.content


def test_a_child_enrolled_twice_is_refused(world: World, study: Study) -> None:
    response = _post(world.user(Role.STATION_STAFF), _payload(study.child, study.father))
    assert response.status_code == 422
    assert "已经" in response.json()["error"]["message"]


def test_an_adult_is_not_a_pupil_and_a_child_is_not_a_guardian(
    world: World, study: Study, sibling: Any
) -> None:
    staff = world.user(Role.STATION_STAFF)
    assert _post(staff, _payload(study.neighbour, study.father)).status_code == 422
    assert _post(staff, _payload(sibling, study.child)).status_code == 422


def test_someone_elses_station_is_404(world: World, study: Study, registry: Any) -> None:
    outsider_child = add_resident(
        world.huangchi, "钱小宝", gender="M", birth_date=years_ago(8),
        address=AddressInput("黄池新村", "1", "1", "201"), consent=CHILD_CONSENT,
    )  # fmt: skip
    assert world.outsider is not None
    response = _post(world.user(Role.STATION_STAFF), _payload(outsider_child, registry.outsider))
    assert response.status_code == 404
    response = _post(world.outsider, _payload(study.child, study.father))
    assert response.status_code == 404


def test_a_nul_child_on_the_form_is_refused_before_the_page(world: World, study: Study) -> None:
    from tests.conftest import signed_in

    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.get(f"/study-room/{study.room.pk}/enrol/", {"child": "\x00"})
    assert response.status_code == 400


def test_enrolment_is_audited(world: World, study: Study) -> None:
    row = AuditLog.objects.get(action="pupil.enrol", target_id=str(study.pupil.pk))
    assert row.after is not None
    assert row.after["guardians"] == sorted([study.father.pk, study.grandmother.pk])
    assert "花生" not in str(row.after)


@pytest.mark.parametrize("child", ["abc", "9" * 30, "-1"])
def test_a_bad_child_on_the_form_is_not_a_500(world: World, study: Study, child: str) -> None:
    from tests.conftest import signed_in

    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.get(f"/study-room/{study.room.pk}/enrol/", {"child": child})
    assert response.status_code == 200
    response = client.post(
        f"/study-room/{study.room.pk}/duty/{study.pupil.pk}/out/", {"person": child}
    )
    assert response.status_code == 302  # refused on the page: not checked in
