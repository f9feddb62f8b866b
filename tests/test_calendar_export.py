"""Calendar feeds (a volunteer's and a station's, behind signed tokens) and the export of a
period's service records for 全国志愿服务信息系统 (full ID numbers: station staff only)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import (
    ActivityInput,
    activity_cancel,
    activity_create,
    activity_publish,
)
from linli.activities.actions.signups import signup_create
from linli.audit.models import AuditLog
from linli.core.idcard import make_id_number
from linli.ledger import calendar
from linli.ledger.actions import ledger_credit, ledger_reverse
from tests.conftest import make_volunteer, signed_in

HUANG_ID = make_id_number("340521", date(1995, 6, 6), 12, "F")
ZHANG_ID = make_id_number("340521", date(1975, 3, 3), 11, "M")


def new_activity(world: Any, title: str, *, days: int, capacity: int = 5, **extra: Any) -> Any:
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return activity_create(
        station=extra.pop("station", world.jiaojia),
        data=ActivityInput(
            title=title,
            category="community",
            place="焦家社区党群服务中心",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=capacity,
            responsible_name="陈红",
            description="为辖区老人义务理发",
            **extra,
        ),
        actor=None,
    )


def parse(response: Any) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(feed: Calendar) -> dict[str, Any]:
    return {str(event["SUMMARY"]): event for event in feed.walk("VEVENT")}


# --- calendar feeds --------------------------------------------------------------------------------


@pytest.fixture
def schedule(corps: Any, world: Any) -> dict[str, Any]:
    """Three open activities at JIAOJIA: 黄文静 confirmed in one, waitlisted in one (full), and
    confirmed in one that is then cancelled; one draft; one open activity at HUANGCHI."""
    confirmed = activity_publish(activity=new_activity(world, "爱心义剪", days=3), actor=None)
    full = activity_publish(
        activity=new_activity(world, "文明交通劝导", days=5, capacity=1), actor=None
    )
    cancelled = activity_publish(activity=new_activity(world, "消防演练", days=7), actor=None)
    draft = new_activity(world, "草稿活动", days=9)
    other = activity_publish(
        activity=new_activity(world, "黄池河道清理", days=4, station=world.huangchi), actor=None
    )
    signup_create(activity=confirmed, volunteer=corps.volunteer, actor=None)
    signup_create(activity=full, volunteer=corps.leader, actor=None)
    signup_create(activity=full, volunteer=corps.volunteer, actor=None)
    signup_create(activity=cancelled, volunteer=corps.volunteer, actor=None)
    activity_cancel(activity=cancelled, reason="天气原因", actor=None)
    return {"confirmed": confirmed, "full": full, "cancelled": cancelled, "draft": draft,
            "other": other}  # fmt: skip


def test_the_volunteer_feed_holds_their_activities(schedule: Any, corps: Any) -> None:
    token = calendar.volunteer_token(corps.volunteer)
    feed = parse(Client().get(f"/hours/calendar/volunteer/{token}.ics"))
    found = events(feed)
    assert set(found) == {"爱心义剪", "（候补）文明交通劝导", "消防演练"}
    cut = found["爱心义剪"]
    activity = schedule["confirmed"]
    assert str(cut["UID"]).startswith(f"activity-{activity.pk}@")
    assert cut.decoded("DTSTART") == activity.starts_at
    assert cut["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert cut.decoded("DTEND") == activity.ends_at
    assert str(cut["LOCATION"]) == "焦家社区党群服务中心"
    assert "为辖区老人义务理发" in str(cut["DESCRIPTION"])
    assert str(cut["STATUS"]) == "CONFIRMED"
    assert str(found["（候补）文明交通劝导"]["STATUS"]) == "TENTATIVE"
    assert str(found["消防演练"]["STATUS"]) == "CANCELLED"
    assert "天气原因" in str(found["消防演练"]["DESCRIPTION"])
    assert feed.walk("VTIMEZONE")


def test_the_station_feed_holds_its_open_activities(schedule: Any, world: Any) -> None:
    token = calendar.station_token(world.jiaojia)
    feed = parse(Client().get(f"/hours/calendar/station/JIAOJIA/{token}.ics"))
    found = events(feed)
    assert set(found) == {"爱心义剪", "文明交通劝导", "消防演练"}
    assert str(found["消防演练"]["STATUS"]) == "CANCELLED"
    assert "草稿活动" not in found and "黄池河道清理" not in found


def test_forged_or_misplaced_tokens_are_404(schedule: Any, corps: Any, world: Any) -> None:
    client = Client()
    assert (
        client.get(f"/hours/calendar/volunteer/{corps.volunteer.pk}:forged.ics").status_code == 404
    )
    assert client.get("/hours/calendar/volunteer/nonsense.ics").status_code == 404
    # Another volunteer's id under this volunteer's signature.
    signature = calendar.volunteer_token(corps.volunteer).split(":", 1)[1]
    assert (
        client.get(f"/hours/calendar/volunteer/{corps.leader.pk}:{signature}.ics").status_code
        == 404
    )
    # A station's token does not open another station, nor a volunteer's feed.
    station_token = calendar.station_token(world.jiaojia)
    assert client.get(f"/hours/calendar/station/HUANGCHI/{station_token}.ics").status_code == 404
    assert client.get(f"/hours/calendar/station/NOWHERE/{station_token}.ics").status_code == 404
    assert client.get("/hours/calendar/station/JIAOJIA/forged.ics").status_code == 404
    volunteer_signature = calendar.volunteer_token(corps.volunteer).split(":", 1)[1]
    assert (
        client.get(f"/hours/calendar/station/JIAOJIA/{volunteer_signature}.ics").status_code == 404
    )


def test_the_links_are_shown_to_their_owners(corps: Any, world: Any) -> None:
    own = signed_in(world.user(Role.VOLUNTEER)).get("/hours/calendar/")
    html = own.content.decode()
    assert calendar.volunteer_token(corps.volunteer) in html
    assert calendar.station_token(world.jiaojia) not in html
    on_certificate_page = signed_in(world.user(Role.VOLUNTEER)).get("/hours/certificate/")
    assert calendar.volunteer_token(corps.volunteer) in on_certificate_page.content.decode()
    staff = signed_in(world.user(Role.STATION_STAFF)).get("/hours/calendar/").content.decode()
    assert f"/hours/calendar/station/JIAOJIA/{calendar.station_token(world.jiaojia)}.ics" in staff
    outsider = signed_in(world.outsider).get("/hours/calendar/").content.decode()
    assert calendar.station_token(world.jiaojia) not in outsider
    assert calendar.station_token(world.huangchi) in outsider


# --- the export for 全国志愿服务信息系统 --------------------------------------------------------


def credit(volunteer: Any, hours: str, served_on: date, key: str, activity: Any = None) -> Any:
    entry, _created = ledger_credit(
        volunteer=volunteer,
        account="hours",
        amount=Decimal(hours),
        kind="activity",
        served_on=served_on,
        description="为辖区老人义务理发",
        source_key=key,
        actor=None,
        activity=activity,
    )
    return entry


@pytest.fixture
def records(corps: Any, world: Any) -> dict[str, Any]:
    """This month: 黄文静 3 h and 2 h (the 2 h reversed), 张志强 1.5 h; a HUANGCHI volunteer 4 h;
    and an entry from long ago that a recent period leaves out."""
    today = timezone.localdate()
    activity = new_activity(world, "爱心义剪", days=1)
    staff = world.user(Role.STATION_STAFF)
    credit(corps.volunteer, "3", today, "x:1", activity)
    wrong = credit(corps.volunteer, "2", today, "x:2", activity)
    ledger_reverse(entry=wrong, reason="重复登记", approver=staff, actor=staff)
    credit(corps.leader, "1.5", today, "x:3", activity)
    credit(corps.outsider, "4", today, "x:4")
    credit(corps.volunteer, "9", today - timedelta(days=400), "x:old")
    return {"activity": activity, "today": today}


def read_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def test_staff_export_holds_full_ids_and_reconciles(records: Any, corps: Any, world: Any) -> None:
    day = records["today"]
    response = signed_in(world.user(Role.STATION_STAFF)).get(
        f"/hours/export.xlsx?from={day - timedelta(days=7)}&to={day}"
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_rows(response.content)
    assert header == ("志愿者姓名", "证件号码", "志愿者编号", "活动名称", "服务日期", "服务地点",
                      "服务内容", "服务时长（小时）", "活动组织单位", "活动负责人", "记录类型")  # fmt: skip
    assert len(rows) == 4  # not HUANGCHI's, not the old one
    by_name: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_name.setdefault(row[0], []).append(row)
    assert {row[1] for row in by_name["黄文静"]} == {HUANG_ID}
    assert by_name["张志强"][0][1] == ZHANG_ID
    assert sorted(row[7] for row in by_name["黄文静"]) == [-2, 2, 3]
    assert sorted(row[10] for row in by_name["黄文静"]) == ["冲正", "活动", "活动"]
    assert Decimal(str(sum(row[7] for row in rows))) == Decimal("4.5")
    first = by_name["张志强"][0]
    assert first[2] == corps.leader.number
    assert first[3] == "爱心义剪"
    assert first[5] == "焦家社区党群服务中心"
    assert first[8] == "焦家社区实践站"
    assert first[9] == "陈红"
    audit = AuditLog.objects.get(action="ledger.export_national")
    assert audit.actor == world.user(Role.STATION_STAFF)
    assert audit.station == world.jiaojia
    assert (audit.after or {})["count"] == 4
    assert (audit.after or {})["unmasked"] is True


def test_the_export_cells_are_typed_for_the_national_system(records: Any, world: Any) -> None:
    response = signed_in(world.user(Role.STATION_STAFF)).get("/hours/export.xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 21  # 证件号码
    row = sheet[2]
    assert row[1].number_format == "@"  # the ID number as text, never rounded
    assert row[2].number_format == "@"  # 志愿者编号
    assert row[4].number_format == "yyyy-mm-dd"  # 服务日期
    assert row[7].number_format == "0.00"  # 服务时长（小时）
    assert row[0].number_format == "General"


def test_the_default_period_is_this_month(records: Any, world: Any) -> None:
    response = signed_in(world.user(Role.STATION_STAFF)).get("/hours/export.xlsx")
    assert response.status_code == 200
    assert len(read_rows(response.content)) == 1 + 4


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.VOLUNTEER, Role.TEAM_LEADER, Role.RESIDENT])
def test_the_export_is_refused_to_everyone_but_station_staff(
    records: Any, world: Any, role: str
) -> None:
    client = signed_in(world.user(role))
    assert client.get("/hours/export.xlsx").status_code == 403
    assert client.get("/hours/export/").status_code == 403
    assert not AuditLog.objects.filter(action="ledger.export_national").exists()


def test_another_station_exports_only_its_own(records: Any, corps: Any, world: Any) -> None:
    response = signed_in(world.outsider).get("/hours/export.xlsx")
    _header, *rows = read_rows(response.content)
    assert [row[0] for row in rows] == ["钱进"]
    assert HUANG_ID not in str(rows)


def test_the_export_page_offers_the_period(world: Any) -> None:
    response = signed_in(world.user(Role.STATION_STAFF)).get("/hours/export/")
    assert response.status_code == 200
    assert 'name="from"' in response.content.decode()


def test_export_queries_do_not_grow_with_rows(corps: Any, world: Any) -> None:
    today = timezone.localdate()
    client = signed_in(world.user(Role.STATION_STAFF))
    credit(corps.volunteer, "1", today, "q:0", new_activity(world, "活动0", days=1))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/hours/export.xlsx").status_code == 200
        return len(queries)

    few = count()
    for index in range(1, 8):
        volunteer = make_volunteer(
            world.jiaojia,
            None,
            "李志愿" + "一二三四五六七"[index - 1],
            date(1990, 1, index),
            20 + index,
            phone=f"1365555{index:04d}",
        )
        credit(volunteer, "1", today, f"q:{index}", new_activity(world, f"活动{index}", days=1))
    assert count() == few
