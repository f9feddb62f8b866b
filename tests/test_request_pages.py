"""The staff side of the request pages through the HTTP client: the dispatch board (who sees it,
counts, filters, overdue rows, constant queries, English), a request's page (contact only for
those who may see it, dispatch by a suggestion, every refusal shown with its status, the
volunteer's and the requester's steps, photos), 代客点单 with a pasted group message, and the
service menu's editors and readers."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from linli.accounts.models import Role
from linli.assistance import timers
from linli.assistance.actions import (
    RequestInput,
    request_accept,
    request_complete,
    request_dispatch,
    request_start,
    request_submit,
)
from linli.assistance.models import (
    FollowUp,
    MenuCategory,
    MenuItem,
    RequestPhoto,
    RequestStatus,
    ServiceRequest,
    Urgency,
)
from linli.org.models import Building
from tests.conftest import signed_in, submit_request

BOARD = "/requests/board/"
STAFF_NEW = "/requests/staff/new/"
MENU = "/requests/menu/"
WANG_PHONE = "13855550001"


def detail(service_request: ServiceRequest) -> str:
    return f"/requests/{service_request.pk}/"


def act(service_request: ServiceRequest, action: str) -> str:
    return f"/requests/{service_request.pk}/do/{action}/"


def staff(world: Any) -> Any:
    return signed_in(world.user(Role.STATION_STAFF))


def wang_request(world: Any, registry: Any, **fields: Any) -> ServiceRequest:
    """王秀梅's request, phoned in (no account follows it): her phone and address are on it."""
    fields.setdefault("channel", "phone")
    fields.setdefault("resident_id", registry.wang.pk)
    return submit_request(world.jiaojia, actor=None, **fields)


def to_party_team(service_request: ServiceRequest, corps: Any, **kwargs: Any) -> ServiceRequest:
    return request_dispatch(
        service_request=service_request, actor=None, team=corps.party_team, **kwargs
    )


def png(name: str = "done.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def row_of(html: str, service_request: ServiceRequest) -> str:
    found = re.search(
        rf'<li [^>]*data-testid="request-{service_request.pk}".*?</li>', html, flags=re.S
    )
    assert found is not None, f"no row for #{service_request.pk}"
    return found.group(0)


# --- the board -------------------------------------------------------------------------------


def test_board_is_for_staff_and_supervisors_only(world, menu, registry):
    service_request = wang_request(world, registry)
    for role in (Role.STATION_STAFF, Role.SUPERVISOR, Role.ADMIN):
        html = signed_in(world.user(role)).get(BOARD).content.decode()
        assert f'data-testid="request-{service_request.pk}"' in html, role
    for role in (Role.VOLUNTEER, Role.RESIDENT, Role.TEAM_LEADER, Role.CAREGIVER):
        assert signed_in(world.user(role)).get(BOARD).status_code == 403, role


def test_another_station_sees_nothing_of_jiaojia(world, menu, registry, corps):
    service_request = to_party_team(wang_request(world, registry), corps)
    outsider_request = submit_request(world.huangchi, requester_name="王秀兰", description="灯坏了")
    for user in (world.outsider, world.outside_supervisor):
        client = signed_in(user)
        html = client.get(BOARD).content.decode()
        assert "水管漏水" not in html and f"request-{service_request.pk}" not in html
        assert client.get(detail(service_request)).status_code == 404
        assert client.post(act(service_request, "cancel"), {"reason": "x"}).status_code == 404
    assert f"request-{outsider_request.pk}" in signed_in(world.outsider).get(BOARD).content.decode()
    assert f"request-{outsider_request.pk}" not in staff(world).get(BOARD).content.decode()


def test_counts_filters_and_search(world, menu, registry, corps):
    leak = wang_request(world, registry, item_id=menu.repair.pk, urgency=Urgency.URGENT)
    escort = wang_request(
        world,
        registry,
        category="elderly_disabled",
        item_id=menu.escort.pk,
        description="去县医院复查",
    )
    to_party_team(escort, corps)
    shopping = submit_request(
        world.jiaojia, requester_name="李建国", item_id=menu.errands.pk, description="帮忙买米"
    )
    client = staff(world)
    chips = re.search(
        r'data-testid="state-chips".*?</nav>', client.get(BOARD).content.decode(), re.S
    )
    assert chips is not None
    assert re.search(r'data-testid="chip-submitted">[^<]*<strong>2</strong>', chips.group(0))
    assert re.search(r'data-testid="chip-dispatched">[^<]*<strong>1</strong>', chips.group(0))

    def listed(**params: str) -> set[int]:
        html = client.get(BOARD, params).content.decode()
        return {int(pk) for pk in re.findall(r'data-testid="request-(\d+)"', html)}

    assert listed() == {leak.pk, escort.pk, shopping.pk}
    assert listed(status="dispatched") == {escort.pk}
    assert listed(category="elderly_disabled") == {escort.pk}
    assert listed(urgency="urgent") == {leak.pk}
    assert listed(q="买米") == {shopping.pk}
    assert listed(q="李建国") == {shopping.pk}
    assert listed(q=f"#{escort.pk}") == {escort.pk}
    # A supervisor chooses among the stations of their subtree (one here, so no choice shown).
    supervisor = signed_in(world.user(Role.SUPERVISOR))
    assert supervisor.get(BOARD, {"station": "JIAOJIA"}).status_code == 200
    assert 'name="station"' not in supervisor.get(BOARD).content.decode()
    admin_html = signed_in(world.user(Role.ADMIN)).get(BOARD).content.decode()
    assert 'name="station"' in admin_html


def test_overdue_rows_are_marked_in_red(world, menu, registry, corps):
    long_ago = timezone.now() - timedelta(hours=5)
    late = request_submit(
        station=world.jiaojia,
        data=RequestInput(category="community", description="楼道灯坏了", requester_name="李"),
        channel="phone",
        actor=None,
        at=long_ago,
    )  # 社区服务 answers within 4 hours
    fresh = wang_request(world, registry)
    unaccepted = to_party_team(
        wang_request(world, registry, description="换灯泡"), corps, at=long_ago
    )  # accept within 120 minutes
    html = staff(world).get(BOARD).content.decode()
    assert 'data-testid="overdue"' in row_of(html, late)
    assert "超时未审核" in row_of(html, late)
    assert "超时未接单" in row_of(html, unaccepted)
    assert 'data-testid="overdue"' not in row_of(html, fresh)
    assert re.search(r'data-testid="chip-overdue">[^<]*<strong>2</strong>', html)
    # The board's deadline is the timers' own.
    assert timers.review_deadline(late) < timezone.now() < timers.review_deadline(fresh)
    only_overdue = staff(world).get(BOARD, {"overdue": "on"}).content.decode()
    assert f"request-{fresh.pk}" not in only_overdue and f"request-{late.pk}" in only_overdue
    # The detail says so too, to staff.
    assert 'data-testid="overdue"' in staff(world).get(detail(late)).content.decode()


def test_board_query_count_does_not_grow_with_rows(world, menu, registry, corps):
    wang_request(world, registry, item_id=menu.repair.pk)
    to_party_team(wang_request(world, registry), corps)
    client = staff(world)
    client.get(BOARD)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BOARD).status_code == 200
    for number in range(12):
        service_request = wang_request(
            world, registry, item_id=menu.escort.pk if number % 2 else None,
            category="elderly_disabled" if number % 2 else "community", description=f"第{number}件",
        )  # fmt: skip
        if number % 3 == 0:
            to_party_team(service_request, corps)
    # The writes left the station's rollups stale: the first read recounts them (a fixed number
    # of grouped queries), the board is then compared warm with warm.
    client.get(BOARD)
    with CaptureQueriesContext(connection) as many:
        assert client.get(BOARD).status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_filters_refresh_only_the_results_with_htmx(world, menu, registry):
    wang_request(world, registry)
    response = staff(world).get(BOARD, {"status": "submitted"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert 'data-testid="category-chart"' in html
    # The chart's figures travel with the fragment, for charts.js to draw after the swap.
    assert 'id="category-chart-data"' in html and 'data-echart="category-chart-data"' in html


def test_home_card_summary(world, menu, registry, corps):
    request_submit(
        station=world.jiaojia,
        data=RequestInput(category="community", description="楼道灯坏了", requester_name="李"),
        channel="phone",
        actor=None,
        at=timezone.now() - timedelta(days=1),
    )
    to_party_team(wang_request(world, registry), corps)
    client = staff(world)
    home = client.get("/").content.decode()
    assert 'data-testid="home-board"' in home and "part=summary" in home
    summary = client.get(
        BOARD, {"part": "summary", "station": "JIAOJIA"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in summary
    assert re.search(r'data-testid="summary-submitted">[^<]*1<', summary)
    assert re.search(r'data-testid="summary-dispatched">[^<]*1<', summary)
    assert 'data-testid="summary-overdue"' in summary and "1 张单已超时" in summary
    nav = client.get("/").content.decode()
    assert 'href="/requests/board/"' in nav


def test_board_in_english(world, menu, registry):
    wang_request(world, registry)
    client = staff(world)
    client.cookies["django_language"] = "en"
    response = client.get(BOARD)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Pending review" in html and "Community service" in html


# --- a request's page ---------------------------------------------------------------------------


def test_contact_only_for_staff_and_the_accepting_volunteer(world, menu, registry, corps):
    service_request = to_party_team(wang_request(world, registry), corps)
    staff_html = staff(world).get(detail(service_request)).content.decode()
    assert 'data-testid="contact"' in staff_html and WANG_PHONE in staff_html
    assert "金桥花园3栋2单元502" in staff_html
    supervisor_html = signed_in(world.user(Role.SUPERVISOR)).get(detail(service_request))
    assert WANG_PHONE in supervisor_html.content.decode()

    volunteer = signed_in(world.user(Role.VOLUNTEER))
    html = volunteer.get(detail(service_request)).content.decode()
    assert 'data-testid="contact-hidden"' in html
    assert WANG_PHONE not in html and "502" not in html and "王秀梅" not in html
    assert 'data-testid="accept"' in html
    # Someone who may not act is refused, whatever the page shows.
    assert volunteer.post(act(service_request, "dispatch"), {"mode": "open"}).status_code == 403
    response = volunteer.post(act(service_request, "accept"))
    assert response.status_code == 302 and response["Location"] == detail(service_request)
    html = volunteer.get(detail(service_request)).content.decode()
    assert WANG_PHONE in html and 'data-testid="start"' in html


# What a request's page costs, whatever its history: the session, the user and their roles, the
# request, the gate (read once, however many actions it offers), the timeline, the photos, the
# header's unread count; for staff, the follow-up and the suggestions (a fixed number too).
STAFF_PAGE_QUERIES = 23
VOLUNTEER_PAGE_QUERIES = 12


def test_request_page_reads_a_bounded_number_of_queries(
    world, menu, registry, corps, django_assert_max_num_queries
):
    service_request = to_party_team(wang_request(world, registry, item_id=menu.repair.pk), corps)
    # (who, their page, the most it may cost, the action it offers them)
    readers = [
        ("staff", staff(world), STAFF_PAGE_QUERIES, "dispatch"),
        ("volunteer", signed_in(world.user(Role.VOLUNTEER)), VOLUNTEER_PAGE_QUERIES, "accept"),
    ]
    first: dict[str, int] = {}
    for who, client, bound, offered in readers:
        client.get(detail(service_request))  # the session's first use is recorded once
        with django_assert_max_num_queries(bound) as captured:
            html = client.get(detail(service_request)).content.decode()
        assert f'data-testid="{offered}"' in html, who
        first[who] = len(captured)
    for _ in range(4):  # re-dispatched: a longer timeline
        to_party_team(service_request, corps)
    for who, client, _bound, _offered in readers:
        with CaptureQueriesContext(connection) as again:
            client.get(detail(service_request))
        assert len(again) == first[who], who


def test_staff_dispatch_by_a_suggestion_button(world, menu, registry, corps):
    service_request = wang_request(world, registry, item_id=menu.repair.pk)
    client = staff(world)
    html = client.get(detail(service_request)).content.decode()
    assert 'data-testid="suggestions"' in html
    button = f'data-testid="suggest-{corps.volunteer.pk}"'
    assert button in html and "黄文静" in html
    form = re.search(
        rf'<form method="post" action="([^"]+)">(?:(?!</form>).)*{button}', html, flags=re.S
    )
    assert form is not None
    fields = dict(
        re.findall(r'<input type="hidden" name="(mode|volunteer)" value="([^"]*)"', form.group(0))
    )
    response = client.post(form.group(1), fields)
    assert response.status_code == 302
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.DISPATCHED
    assert service_request.dispatch_volunteer == corps.volunteer
    page = client.get(detail(service_request)).content.decode()
    assert "已派单" in page and "派给：黄文静" in page


def test_dispatch_to_a_team_or_open_and_by_number(world, menu, registry, corps):
    client = staff(world)
    first = wang_request(world, registry)
    client.post(act(first, "dispatch"), {"mode": "team", "team": corps.party_team.pk})
    first.refresh_from_db()
    assert first.dispatch_team == corps.party_team
    second = wang_request(world, registry)
    client.post(act(second, "dispatch"), {"mode": "open"})
    second.refresh_from_db()
    assert second.dispatch_mode == "open"
    third = wang_request(world, registry)
    client.post(act(third, "dispatch"), {"mode": "volunteer", "who": corps.leader.number})
    third.refresh_from_db()
    assert third.dispatch_volunteer == corps.leader


def test_refusals_keep_their_status_and_message(world, menu, registry, corps):
    client = staff(world)
    service_request = wang_request(world, registry)
    # A form error (the team is missing; another station's team is no choice).
    response = client.post(
        act(service_request, "dispatch"), {"mode": "team", "team": corps.outsider_team.pk}
    )
    assert response.status_code == 422 and "has-error" in response.content.decode()
    response = client.post(act(service_request, "reject"), {"reason": ""})
    assert response.status_code == 422
    # DomainErrors: the law item needs a trained volunteer, and the party volunteer is not …
    legal = wang_request(world, registry, category="legal", item_id=menu.legal_advice.pk)
    response = client.post(
        act(legal, "dispatch"), {"mode": "volunteer", "volunteer": corps.volunteer.pk}
    )
    assert response.status_code == 409 and "法律援助基础" in response.content.decode()
    # … and the state no longer allows it.
    to_party_team(service_request, corps)
    response = client.post(act(service_request, "reject"), {"reason": "重复"})
    assert response.status_code == 409
    assert 'data-testid="action-error"' in response.content.decode()
    assert "已派单" in response.content.decode()
    # Unknown actions are not pages.
    assert client.post(act(service_request, "explode")).status_code == 404
    assert client.get(act(service_request, "reject")).status_code == 405


def test_volunteer_starts_and_completes_with_photos(
    world, menu, registry, corps, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    service_request = to_party_team(wang_request(world, registry), corps)
    volunteer = signed_in(world.user(Role.VOLUNTEER))
    volunteer.post(act(service_request, "accept"))
    assert volunteer.post(act(service_request, "start")).status_code == 302
    html = volunteer.get(detail(service_request)).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="photos"' in html
    response = volunteer.post(
        act(service_request, "complete"), {"hours": "30", "note": "换了水龙头"}
    )
    assert response.status_code == 422
    response = volunteer.post(
        act(service_request, "complete"),
        {"hours": "1.5", "note": "换了水龙头", "photos": [png("a.png"), png("b.png")]},
    )
    assert response.status_code == 302
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.COMPLETED
    assert service_request.hours == Decimal("1.50")
    photos = list(RequestPhoto.objects.filter(request=service_request))
    assert len(photos) == 2
    page = staff(world).get(detail(service_request)).content.decode()
    assert f'src="/requests/photos/{photos[0].pk}/"' in page
    served = staff(world).get(f"/requests/photos/{photos[0].pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert "private" in served["Cache-Control"]
    assert signed_in(world.outsider).get(f"/requests/photos/{photos[0].pk}/").status_code == 404
    # Not an image: the action refuses, beside the form.
    response = volunteer.post(
        act(service_request, "photos"),
        {"photos": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]},
    )
    assert response.status_code == 422


def test_staff_confirm_hours_and_rate_after_a_call(world, menu, registry, corps):
    service_request = to_party_team(wang_request(world, registry), corps)
    volunteer_user = world.user(Role.VOLUNTEER)
    request_accept(service_request=service_request, actor=volunteer_user)
    request_start(service_request=service_request, actor=volunteer_user)
    request_complete(
        service_request=service_request, actor=volunteer_user, hours=Decimal("2"), note="修好了"
    )
    client = staff(world)
    html = client.get(detail(service_request)).content.decode()
    assert 'data-testid="confirm"' in html and "电话回访后代为评价" in html
    assert client.post(act(service_request, "confirm")).status_code == 302
    service_request.refresh_from_db()
    assert service_request.hours_confirmed_at is not None
    assert 'data-testid="confirm"' not in client.get(detail(service_request)).content.decode()
    assert (
        client.post(act(service_request, "rate"), {"score": "2", "comment": "来晚了"}).status_code
        == 302
    )
    followup = FollowUp.objects.get(request=service_request)
    html = client.get(detail(service_request)).content.decode()
    assert 'data-testid="followup"' in html and "工作人员回访代评" in html
    client.post(act(service_request, "follow_up"), {"outcome": "已致歉，志愿者下次提前联系"})
    followup.refresh_from_db()
    assert followup.closed_at is not None


def test_the_requester_rates_cancels_and_reopens(world, menu, registry, corps):
    resident = world.user(Role.RESIDENT)
    service_request = submit_request(world.jiaojia, actor=resident, resident_id=registry.wang.pk)
    client = signed_in(resident)
    html = client.get(detail(service_request)).content.decode()
    assert 'data-testid="contact"' in html  # their own request
    assert 'data-testid="cancel"' in html and 'data-testid="dispatch"' not in html
    assert client.post(act(service_request, "dispatch"), {"mode": "open"}).status_code == 403
    to_party_team(service_request, corps)
    volunteer_user = world.user(Role.VOLUNTEER)
    request_accept(service_request=service_request, actor=volunteer_user)
    request_start(service_request=service_request, actor=volunteer_user)
    request_complete(
        service_request=service_request, actor=volunteer_user, hours=Decimal("1"), note="修好了"
    )
    html = client.get(detail(service_request)).content.decode()
    assert 'id="rate"' in html
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert f"{label}</span>" in html
    timeline = re.search(r'data-testid="timeline".*?</section>', html, re.S)
    assert timeline is not None and "志愿者已接单" in timeline.group(0)
    assert (
        client.post(act(service_request, "rate"), {"score": "5", "comment": "很及时"}).status_code
        == 302
    )
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.RATED and service_request.score == 5
    response = client.post(act(service_request, "reopen"), {"reason": "又漏了"})
    assert response.status_code == 302
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.SUBMITTED
    client.post(act(service_request, "cancel"), {"reason": "自己修好了"})
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.CANCELLED
    assert "自己修好了" in client.get(detail(service_request)).content.decode()


# --- 代客点单 ---------------------------------------------------------------------------------------


def test_staff_entry_is_for_those_who_run_a_station(world, menu):
    assert staff(world).get(STAFF_NEW).status_code == 200
    assert signed_in(world.user(Role.ADMIN)).get(STAFF_NEW).status_code == 200
    for role in (Role.SUPERVISOR, Role.VOLUNTEER, Role.RESIDENT):
        assert signed_in(world.user(role)).get(STAFF_NEW).status_code == 403, role
    assert staff(world).get(STAFF_NEW, {"station": "HUANGCHI"}).status_code == 404


def test_paste_fills_the_form_and_staff_confirm(world, menu, registry):
    client = staff(world)
    response = client.post(
        STAFF_NEW,
        {"op": "paste", "station": "JIAOJIA", "message": "3栋2单元502王秀梅家水管漏水，急"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="paste-notes"' in html
    building = Building.objects.get(estate__name="金桥花园", number="3")
    assert re.search(rf'<option value="{building.pk}" selected>金桥花园3栋</option>', html)
    assert re.search(r'name="unit" value="2"', html) and re.search(r'name="room" value="502"', html)
    assert re.search(rf'<option value="{registry.wang.pk}" selected>王秀梅', html)
    assert re.search(rf'<option value="{menu.repair.pk}" selected>水电维修</option>', html)
    assert re.search(r'<input type="radio" name="urgency" value="urgent"[^>]*checked', html)
    form = response.context["form"]
    data = {
        name: getattr(value, "pk", value)
        for name, value in form.initial.items()
        if value is not None
    }
    data["preferred_at"] = ""
    data["station"] = "JIAOJIA"
    response = client.post(STAFF_NEW, data)
    assert response.status_code == 302, response.content.decode()
    created = ServiceRequest.objects.get()
    assert response["Location"] == detail(created)
    assert created.resident == registry.wang and created.item == menu.repair
    assert created.building == building and (created.unit, created.room) == ("2", "502")
    assert created.urgency == Urgency.URGENT and created.channel == "wechat"
    assert created.source_text == "3栋2单元502王秀梅家水管漏水，急"
    assert created.requester is None and created.requester_phone == WANG_PHONE


def test_staff_entry_by_hand_with_search_and_errors(world, menu, registry):
    client = staff(world)
    found = client.get(
        STAFF_NEW, {"part": "residents", "resident_q": "wxm", "station": "JIAOJIA"},
        HTTP_HX_REQUEST="true",
    ).content.decode()  # fmt: skip
    assert found.lstrip().startswith('<div id="resident-field"') and "王秀梅" in found
    assert "李建国" not in found
    items = client.get(
        STAFF_NEW, {"part": "items", "category": "elderly_disabled"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "陪同就医" in items and "水电维修" not in items
    response = client.post(
        STAFF_NEW,
        {"station": "JIAOJIA", "channel": "phone", "category": "community", "urgency": "normal",
         "description": "灯坏了"},
    )  # fmt: skip
    assert response.status_code == 422 and "请填写联系人" in response.content.decode()
    assert "灯坏了" in response.content.decode()
    response = client.post(
        STAFF_NEW,
        {"station": "JIAOJIA", "channel": "visit", "category": "community", "urgency": "normal",
         "description": "灯坏了", "requester_name": "李大爷", "requester_phone": "13900001111",
         "address_text": "焦家老街12号", "item": menu.escort.pk},
    )  # fmt: skip
    assert response.status_code == 422  # 陪同就医 is not a 社区服务 item
    response = client.post(
        STAFF_NEW,
        {"station": "JIAOJIA", "channel": "visit", "category": "community", "urgency": "normal",
         "description": "灯坏了", "requester_name": "李大爷", "requester_phone": "13900001111",
         "address_text": "焦家老街12号", "item": menu.repair.pk},
    )  # fmt: skip
    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert created.address == "焦家老街12号" and created.created_by == world.user(
        Role.STATION_STAFF
    )


# --- 服务清单 ---------------------------------------------------------------------------------------


def test_menu_is_read_by_all_in_reach_and_edited_by_station_staff(world, menu, corps):
    for role in (Role.RESIDENT, Role.VOLUNTEER, Role.SUPERVISOR, Role.STATION_STAFF):
        html = signed_in(world.user(role)).get(MENU).content.decode()
        assert "水电维修" in html and "陪同就医" in html, role
        assert ('data-testid="save-category-community"' in html) == (role == Role.STATION_STAFF)
    assert signed_in(world.outsider).get(MENU, {"station": "JIAOJIA"}).status_code == 404
    client = staff(world)
    response = client.post(
        "/requests/menu/categories/",
        {"station": "JIAOJIA", "code": "community", "response_hours": "6",
         "teams": [corps.party_team.pk], "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert MenuCategory.objects.get(pk=menu.community.pk).response_hours == 6
    response = client.post(
        "/requests/menu/categories/",
        {"station": "JIAOJIA", "code": "health", "response_hours": "12", "active": "on"},
    )
    assert response.status_code == 302
    assert MenuCategory.objects.filter(station=world.jiaojia, code="health").exists()
    response = client.post(
        f"/requests/menu/categories/{menu.community.pk}/items/",
        {"name": "疏通下水道", "keywords": "堵了 下水道", "active": "on"},
    )
    assert response.status_code == 302
    assert MenuItem.objects.filter(category=menu.community, name="疏通下水道").exists()
    response = client.post(
        f"/requests/menu/items/{menu.repair.pk}/",
        {"name": "代买代办", "active": "on"},
    )
    assert response.status_code == 422 and "同名" in response.content.decode()
    response = client.post(
        f"/requests/menu/items/{menu.repair.pk}/",
        {"name": "水电维修", "skills": "水电", "response_hours": "2", "active": ""},
    )
    assert response.status_code == 302
    repair = MenuItem.objects.get(pk=menu.repair.pk)
    assert repair.response_hours == 2 and not repair.active


def test_menu_readers_may_not_write(world, menu, corps):
    item_url = f"/requests/menu/items/{menu.repair.pk}/"
    category_data = {"station": "JIAOJIA", "code": "community", "response_hours": "1"}
    for role in (Role.SUPERVISOR, Role.VOLUNTEER, Role.RESIDENT):
        client = signed_in(world.user(role))
        assert client.post("/requests/menu/categories/", category_data).status_code == 403
        assert client.post(item_url, {"name": "改名"}).status_code == 403
    outsider = signed_in(world.outsider)
    assert outsider.post("/requests/menu/categories/", category_data).status_code == 404
    assert outsider.post(item_url, {"name": "改名"}).status_code == 404
    assert MenuCategory.objects.get(pk=menu.community.pk).response_hours == 4
    assert MenuItem.objects.get(pk=menu.repair.pk).name == "水电维修"


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.RESIDENT, Role.VOLUNTEER])
def test_header_links(world, role):
    html = signed_in(world.user(role)).get("/").content.decode()
    expected = {
        Role.STATION_STAFF: "/requests/board/",
        Role.RESIDENT: "/requests/mine/",
        Role.VOLUNTEER: "/requests/tasks/",
    }[role]
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav is not None and f'href="{expected}"' in nav.group(0)
