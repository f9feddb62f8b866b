"""A volunteer's hours page: newest first, a section per year with its total, the way to the
next star, and a correction behind one button per entry (one form at a time, unique ids)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, CorrectionRequest, EntryKind
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def credit(corps: Any, day: date, hours: str, what: str) -> Any:
    entry, _created = ledger_credit(
        volunteer=corps.volunteer,
        account=Account.HOURS,
        amount=Decimal(hours),
        kind=EntryKind.ACTIVITY,
        served_on=day,
        description=what,
        source_key=f"test:{what}",
        actor=None,
    )
    return entry


@pytest.fixture
def history(corps: Any) -> list[Any]:
    this_year = timezone.localdate().year
    return [
        credit(corps, date(this_year - 2, 3, 5), "60", "3·5学雷锋"),
        credit(corps, date(this_year - 1, 12, 4), "40", "12·4宪法日"),
        credit(corps, date(this_year - 1, 6, 1), "3", "六一"),
        credit(corps, date(this_year, 1, 2), "0.5", "元旦"),
    ]


def test_newest_first_by_year_with_totals(world: Any, corps: Any, history: list[Any]) -> None:
    page = signed_in(world.user(Role.VOLUNTEER)).get("/activities/my-hours/").content.decode()
    this_year = timezone.localdate().year
    years = re.findall(r'data-testid="hours-year" data-year="(\d+)"', page)
    assert years == [str(this_year), str(this_year - 1), str(this_year - 2)]
    totals = re.findall(r'data-testid="year-total">共 ([\d.]+) 小时', page)
    assert totals == ["0.50", "43.00", "60.00"]
    # 103.5 hours: one star, 196.5 to the second (300).
    assert "距2星还差196.5小时" in page


def test_the_newest_year_lists_its_entries_and_older_years_open_on_demand(
    world: Any, corps: Any, history: list[Any]
) -> None:
    client = signed_in(world.user(Role.VOLUNTEER))
    this_year = timezone.localdate().year
    page = client.get("/activities/my-hours/").content.decode()
    assert "元旦" in page
    assert "六一" not in page and "3·5学雷锋" not in page
    assert f'data-testid="open-year-{this_year - 1}"' in page
    assert f'data-testid="open-year-{this_year}"' not in page

    fragment = client.get(
        f"/activities/my-hours/?year={this_year - 1}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert fragment.count('data-testid="entry"') == 2
    assert fragment.index("12·4宪法日") < fragment.index("六一")  # newest first

    # Without htmx the link opens that year on the whole page.
    whole = client.get(f"/activities/my-hours/?year={this_year - 2}").content.decode()
    assert "<html" in whole and "3·5学雷锋" in whole and "元旦" not in whole
    # A year with no entries (or no year at all) opens the newest.
    for asked in ("1999", "abc", "99999"):
        page = client.get(f"/activities/my-hours/?year={asked}").content.decode()
        assert "元旦" in page and "3·5学雷锋" not in page


def test_one_button_per_entry_and_the_form_on_demand(
    world: Any, corps: Any, history: list[Any]
) -> None:
    client = signed_in(world.user(Role.VOLUNTEER))
    page = client.get("/activities/my-hours/").content.decode()
    assert page.count("<form") < len(history)  # no form per entry
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    entry = history[0]
    fragment = client.get(
        f"/activities/my-hours/{entry.pk}/correction/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="id_correction_{entry.pk}_message"' in fragment
    assert "<html" not in fragment
    full = client.get(f"/activities/my-hours/{entry.pk}/correction/").content.decode()
    assert "<html" in full and "3·5学雷锋" in full
    client.post(f"/activities/my-hours/{entry.pk}/correction/", {"message": "应为61小时"})
    assert CorrectionRequest.objects.filter(entry=entry).exists()
    other = signed_in(world.user(Role.TEAM_LEADER)).get(
        f"/activities/my-hours/{entry.pk}/correction/"
    )
    assert other.status_code == 404
