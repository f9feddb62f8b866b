"""The resident card: a printed QR code that names one resident until a reissue replaces it.

Elders show it at the day-care centre and the canteen; `people.card.resident_from_card` is the
one reader. Staff print and reissue cards for their own station's residents only.
"""

import re

import pytest
from django.core import signing

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.people import card
from linli.people.actions import resident_card_reissue
from tests.conftest import signed_in


def test_a_card_names_its_resident_from_the_token_or_the_scanned_link(registry):
    token = card.resident_card_token(registry.wang)
    assert card.resident_from_card(token) == registry.wang
    link = f"https://linli.example/residents/card/{token}/"
    assert card.resident_from_card(link) == registry.wang
    assert card.resident_from_card(f"  {token}\n") == registry.wang


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("王秀梅", id="a-name"),
        pytest.param("12345", id="digits"),
        pytest.param("https://linli.example/residents/card/not-a-token/", id="bad-link"),
        pytest.param(
            signing.dumps({"r": 1, "s": 1}, salt="linli.volunteers.card"), id="other-salt"
        ),
        pytest.param(signing.dumps([1, 1], salt=card.CARD_SALT), id="not-a-dict"),
        pytest.param(signing.dumps({"r": "1", "s": 1}, salt=card.CARD_SALT), id="text-pk"),
        pytest.param(signing.dumps({"r": 999_999, "s": 1}, salt=card.CARD_SALT), id="no-one"),
    ],
)
def test_anything_else_is_refused_as_invalid(registry, text):
    with pytest.raises(card.ResidentCardError) as refused:
        card.resident_from_card(text)
    assert (refused.value.code, refused.value.status) == ("card_invalid", 403)
    assert "按姓名查找" in refused.value.message


def test_an_altered_token_is_refused(registry):
    token = card.resident_card_token(registry.wang)
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(card.ResidentCardError):
        card.resident_from_card(altered)


def test_a_reissue_replaces_the_old_card_and_is_audited(registry, world):
    old = card.resident_card_token(registry.wang)
    staff = world.user(Role.STATION_STAFF)
    resident = resident_card_reissue(resident=registry.wang, actor=staff)
    assert resident.card_serial == 2
    with pytest.raises(card.ResidentCardError) as refused:
        card.resident_from_card(old)
    assert (refused.value.code, refused.value.status) == ("card_replaced", 409)
    assert card.resident_from_card(card.resident_card_token(resident)) == registry.wang
    row = AuditLog.objects.get(action="resident.card_reissue")
    assert (row.actor, row.before, row.after) == (staff, {"card_serial": 1}, {"card_serial": 2})
    assert row.station == world.jiaojia


def test_staff_print_a_card_whose_code_opens_the_residents_page(registry, world):
    staff = signed_in(world.user(Role.STATION_STAFF))
    page = staff.get(f"/residents/{registry.wang.pk}/")
    assert f"/residents/{registry.wang.pk}/card/" in page.content.decode()
    printed = staff.get(f"/residents/{registry.wang.pk}/card/")
    assert printed.status_code == 200
    body = printed.content.decode()
    assert "王秀梅" in body and "<svg" in body
    assert registry.wang.id_number_masked not in body  # no ID number on a card
    scanned = staff.get(f"/residents/card/{card.resident_card_token(registry.wang)}/")
    assert scanned.status_code == 302
    assert scanned["Location"] == f"/residents/{registry.wang.pk}/"


def test_the_reissue_button_replaces_the_card(registry, world):
    staff = signed_in(world.user(Role.STATION_STAFF))
    old = card.resident_card_token(registry.wang)
    response = staff.post(f"/residents/{registry.wang.pk}/card/reissue/", follow=True)
    assert "旧卡已作废" in response.content.decode()
    registry.wang.refresh_from_db()
    assert registry.wang.card_serial == 2
    refused = staff.get(f"/residents/card/{old}/")
    assert refused.status_code == 409
    assert 'data-error="card_replaced"' in refused.content.decode()


def test_a_forged_code_gets_a_page_that_says_so(registry, world):
    staff = signed_in(world.user(Role.STATION_STAFF))
    refused = staff.get("/residents/card/abc:def:ghi-jklmnop/")
    assert refused.status_code == 403
    assert re.search(r'data-error="card_invalid"', refused.content.decode())


def test_no_one_else_prints_reissues_or_resolves_a_card(registry, world):
    token = card.resident_card_token(registry.wang)
    # Another station's staff: the resident does not exist for them.
    outsider = signed_in(world.outsider)
    assert outsider.get(f"/residents/{registry.wang.pk}/card/").status_code == 404
    assert outsider.post(f"/residents/{registry.wang.pk}/card/reissue/").status_code == 404
    assert outsider.get(f"/residents/card/{token}/").status_code == 404
    # Supervisors read the registry but do not print cards.
    supervisor = signed_in(world.user(Role.SUPERVISOR))
    assert supervisor.get(f"/residents/{registry.wang.pk}/card/").status_code == 403
    for role in (Role.VOLUNTEER, Role.RESIDENT, Role.TEAM_LEADER):
        client = signed_in(world.user(role))
        assert client.get(f"/residents/{registry.wang.pk}/card/").status_code == 403, role
        assert client.post(f"/residents/{registry.wang.pk}/card/reissue/").status_code == 403
        assert client.get(f"/residents/card/{token}/").status_code == 403, role
    registry.wang.refresh_from_db()
    assert registry.wang.card_serial == 1
