"""The volunteer card: its QR code carries a signed token that expires and cannot be forged; the
scan page tells staff and team leaders who it is, and says clearly when a code is no good."""

import time
from datetime import date
from typing import Any

import pytest
from django.core import signing

from linli.accounts.models import Role
from linli.core.idcard import make_id_number
from linli.core.qr import qr_svg
from linli.volunteers import card
from linli.volunteers.actions.registration import volunteer_suspend
from tests.conftest import make_volunteer, signed_in

HUANG_ID = make_id_number("340521", date(1995, 6, 6), 12, "F")  # corps.volunteer, 黄文静


def token_made_ago(volunteer: Any, seconds: int, monkeypatch: Any) -> str:
    """A token as the card page made it `seconds` ago (the signer reads the clock)."""
    now = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: now - seconds)
        return card.card_token(volunteer)


def scan_path(token: str) -> str:
    return f"/volunteers/scan/{token}/"


# --- the token -----------------------------------------------------------------------------------


def test_a_token_round_trips_to_its_volunteer(corps):
    token = card.card_token(corps.volunteer)
    assert card.volunteer_from_token(token) == corps.volunteer
    assert str(corps.volunteer.pk) != token
    assert corps.volunteer.number not in token  # signed, not spelled out in the address


def test_a_token_expires_after_ten_minutes(corps, monkeypatch):
    assert card.CARD_TOKEN_SECONDS == 600
    fresh = token_made_ago(corps.volunteer, 9 * 60, monkeypatch)
    assert card.volunteer_from_token(fresh) == corps.volunteer
    stale = token_made_ago(corps.volunteer, 11 * 60, monkeypatch)
    with pytest.raises(card.CardTokenError) as refused:
        card.volunteer_from_token(stale)
    assert (refused.value.code, refused.value.status) == ("card_expired", 400)
    assert "过期" in refused.value.message


def test_callers_may_ask_for_a_shorter_life(corps, monkeypatch):
    token = token_made_ago(corps.volunteer, 120, monkeypatch)
    assert card.volunteer_from_token(token, max_age=300) == corps.volunteer
    with pytest.raises(card.CardTokenError) as refused:
        card.volunteer_from_token(token, max_age=60)
    assert refused.value.code == "card_expired"


def forged_tokens(volunteer: Any, other: Any) -> dict[str, str]:
    genuine = card.card_token(volunteer)
    value, signature = genuine.rsplit(":", 1)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    payload = {"v": volunteer.pk, "n": volunteer.number}
    return {
        "tampered signature": f"{value}:{flipped}",
        "payload swapped under the same signature": signing.dumps(
            {"v": other.pk, "n": other.number}, salt=card.CARD_SALT
        ).rsplit(":", 1)[0]
        + ":"
        + signature,
        "another salt": signing.dumps(payload, salt="linli.something-else"),
        "no salt": signing.dumps(payload),
        "another key": signing.dumps(
            payload, key="not-our-secret-key-" + "y" * 40, salt=card.CARD_SALT
        ),
        "plain pk": str(volunteer.pk),
        "plain number": volunteer.number,
        "unsigned payload": signing.b64_encode(b'{"v":1,"n":"x"}').decode(),
        "empty": "",
        "number of someone else": signing.dumps(
            {"v": volunteer.pk, "n": other.number}, salt=card.CARD_SALT
        ),
        "not a dict": signing.dumps([volunteer.pk, volunteer.number], salt=card.CARD_SALT),
        "no such volunteer": signing.dumps({"v": 999999, "n": "X1"}, salt=card.CARD_SALT),
    }


def test_forged_or_altered_tokens_are_refused(corps):
    for case, token in forged_tokens(corps.volunteer, corps.leader).items():
        with pytest.raises(card.CardTokenError) as refused:
            card.volunteer_from_token(token)
        assert (refused.value.code, refused.value.status) == ("card_invalid", 403), case


def test_only_active_volunteers_get_a_token(corps):
    with pytest.raises(card.CardTokenError) as refused:
        card.card_token(corps.applicant)
    assert refused.value.code == "card_unavailable"


# --- the card page -------------------------------------------------------------------------------


def test_the_card_shows_who_and_a_qr_of_the_scan_page(corps, world):
    client = signed_in(world.user(Role.VOLUNTEER))
    response = client.get("/volunteers/me/card/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("黄文静", corps.volunteer.number, "焦家社区实践站", "党员志愿服务队", "<svg"):
        assert text in html
    assert HUANG_ID not in html and "style=" not in html
    scan_url = response.context["scan_url"]
    assert scan_url.startswith("http://testserver/volunteers/scan/")
    assert str(qr_svg(scan_url, title="志愿者证二维码")) in html  # the QR says exactly that
    token = scan_url.removeprefix("http://testserver/volunteers/scan/").removesuffix("/")
    assert card.volunteer_from_token(token) == corps.volunteer
    # The QR fragment asks for itself again well before the token expires.
    assert f'hx-trigger="every {card.CARD_REFRESH_SECONDS}s"' in html
    assert card.CARD_REFRESH_SECONDS < card.CARD_TOKEN_SECONDS


def test_htmx_refresh_returns_a_new_qr_fragment(corps, world, monkeypatch):
    client = signed_in(world.user(Role.VOLUNTEER))
    first = client.get("/volunteers/me/card/", HTTP_HX_REQUEST="true").content.decode()
    assert first.lstrip().startswith('<div id="card-qr"')
    assert "<svg" in first and "<html" not in first and "分钟内有效" in first
    later = time.time() + card.CARD_REFRESH_SECONDS
    monkeypatch.setattr(time, "time", lambda: later)
    second = client.get("/volunteers/me/card/", HTTP_HX_REQUEST="true").content.decode()
    assert "<svg" in second and second != first  # a new token, so a new code


def test_a_card_suspended_while_open_reloads_instead_of_refreshing(corps, world):
    client = signed_in(world.user(Role.VOLUNTEER))
    volunteer_suspend(volunteer=corps.volunteer, reason="本人申请暂停", actor=None)
    response = client.get("/volunteers/me/card/", HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert b"<svg" not in response.content
    html = client.get("/volunteers/me/card/").content.decode()
    assert "暂停" in html and "<svg" not in html


def test_no_card_before_approval_or_without_registration(corps, world):
    applicant = signed_in(corps.applicant.user)
    html = applicant.get("/volunteers/me/card/").content.decode()
    assert "待审核" in html and "<svg" not in html
    resident = signed_in(world.user(Role.RESIDENT))
    html = resident.get("/volunteers/me/card/").content.decode()
    assert "还没有注册为志愿者" in html and "<svg" not in html


def test_the_card_needs_signing_in(db, client):
    assert client.get("/volunteers/me/card/").status_code == 302


# --- the printed card ----------------------------------------------------------------------------


def test_the_volunteer_and_their_station_staff_print_the_card(corps, world):
    path = f"/volunteers/{corps.volunteer.pk}/card/print/"
    for user in (
        world.user(Role.VOLUNTEER),
        world.user(Role.STATION_STAFF),
        world.user(Role.ADMIN),
    ):
        response = signed_in(user).get(path)
        assert response.status_code == 200, user
        html = response.content.decode()
        assert "黄文静" in html and corps.volunteer.number in html and "data-print" in html
    # Paper never expires: its QR opens the electronic card, not the scan page.
    assert str(qr_svg("http://testserver/volunteers/me/card/", title="电子志愿者证")) in html


@pytest.mark.parametrize("who", ["leader", "other volunteer", "outsider", "supervisor"])
def test_nobody_else_prints_a_card(corps, world, who):
    user = {
        "leader": world.user(Role.TEAM_LEADER),
        "other volunteer": corps.applicant.user,
        "outsider": world.outsider,
        "supervisor": world.user(Role.SUPERVISOR),
    }[who]
    assert signed_in(user).get(f"/volunteers/{corps.volunteer.pk}/card/print/").status_code == 404


# --- the scan page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.STATION_STAFF,
        Role.TEAM_LEADER,
        Role.ADMIN,
    ],
)
def test_staff_and_leaders_see_who_the_card_belongs_to(corps, world, role):
    response = signed_in(world.user(role)).get(scan_path(card.card_token(corps.volunteer)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "黄文静" in html and corps.volunteer.number in html and "在册志愿者" in html
    assert f"{HUANG_ID[:4]}**********{HUANG_ID[-4:]}" in html
    assert HUANG_ID not in html
    assert 'data-testid="scan-outside"' not in html


def test_an_expired_code_answers_400_with_a_clear_message(corps, world, monkeypatch):
    token = token_made_ago(corps.volunteer, 11 * 60, monkeypatch)
    response = signed_in(world.user(Role.STATION_STAFF)).get(scan_path(token))
    assert response.status_code == 400
    html = response.content.decode()
    assert "二维码已过期" in html and "刷新" in html
    assert "黄文静" not in html


def test_a_forged_code_answers_403_with_a_clear_message(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    for case, token in forged_tokens(corps.volunteer, corps.leader).items():
        if not token:
            continue  # an empty path segment is no scan URL at all
        response = client.get(scan_path(token))
        assert response.status_code == 403, case
        html = response.content.decode()
        assert "二维码无效" in html, case
        assert "黄文静" not in html and "张志强" not in html, case


def test_a_raw_pk_in_the_address_is_refused(corps, world):
    response = signed_in(world.user(Role.STATION_STAFF)).get(scan_path(str(corps.volunteer.pk)))
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.RESIDENT, Role.CANTEEN_OPERATOR])
def test_other_roles_cannot_scan(corps, world, role):
    response = signed_in(world.user(role)).get(scan_path(card.card_token(corps.volunteer)))
    assert response.status_code == 403
    assert "黄文静" not in response.content.decode()


def test_scanning_needs_signing_in(corps, client):
    response = client.get(scan_path(card.card_token(corps.volunteer)))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_volunteer_from_elsewhere_is_shown_with_a_notice(corps, world):
    response = signed_in(world.outsider).get(scan_path(card.card_token(corps.volunteer)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "黄文静" in html and 'data-testid="scan-outside"' in html
    assert HUANG_ID not in html


def test_a_suspended_volunteers_card_says_so(corps, world):
    token = card.card_token(corps.volunteer)
    volunteer_suspend(volunteer=corps.volunteer, reason="长期未参加活动", actor=None)
    response = signed_in(world.user(Role.STATION_STAFF)).get(scan_path(token))
    assert response.status_code == 200
    assert "暂停" in response.content.decode()
    assert "不是在册志愿者" in response.content.decode()


def test_the_token_names_the_volunteer_not_their_position(corps, world):
    """Two volunteers' tokens never verify as each other."""
    other = make_volunteer(world.jiaojia, None, "陈明", date(1990, 1, 1), 31, phone="13811110031")
    assert card.volunteer_from_token(card.card_token(other)) == other
    assert card.volunteer_from_token(card.card_token(corps.volunteer)) == corps.volunteer
