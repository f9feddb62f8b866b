"""The resident's and the volunteer's request pages through the HTTP client: 我要点单 (own
household, for a family member, no address on file), nothing typed is lost on an error, the
station's own menu, 我的点单 shows only one's own, 我的任务 hides the contact until the request is
in hand, who may open what, constant query counts, and English."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Role
from linli.assistance.actions import (
    menu_category_save,
    request_accept,
    request_complete,
    request_dispatch,
    request_rate,
    request_start,
)
from linli.assistance.models import Channel, ServiceRequest, Urgency
from linli.people.models import Resident
from linli.volunteers.actions.registration import volunteer_suspend
from tests.conftest import signed_in, submit_request

NEW = "/requests/new/"
MINE = "/requests/mine/"
TASKS = "/requests/tasks/"


@pytest.fixture
def resident_user(world: Any, registry: Any) -> Any:
    """The resident account, linked to 王秀梅's registry record (金桥花园3栋2单元502)."""
    user = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.wang.pk).update(user=user)
    return user


def form_data(**fields: Any) -> dict[str, Any]:
    data = {
        "station": "JIAOJIA",
        "description": "厨房水管漏水，地上都是水",
        "category": "community",
        "item": "",
        "urgency": "normal",
        "when": "asap",
    }
    data.update(fields)
    return data


def dispatched(world: Any, corps: Any, **fields: Any) -> ServiceRequest:
    """A request by 王秀梅 at home, dispatched to the party team (so the volunteer may take it)."""
    fields.setdefault("resident_id", Resident.objects.get(name="王秀梅").pk)
    service_request = submit_request(world.jiaojia, actor=None, **fields)
    return request_dispatch(
        service_request=service_request,
        actor=world.user(Role.STATION_STAFF),
        team=corps.party_team,
    )


# --- 我要点单 -----------------------------------------------------------------------------------


def test_resident_orders_for_themselves_and_their_household_gives_the_address(
    world, menu, resident_user, registry
):
    client = signed_in(resident_user)
    page = client.get(NEW).content.decode()
    assert "您需要什么帮助？" in page
    assert "金桥花园3栋2单元502" in page  # the household, shown, not asked

    response = client.post(
        NEW,
        form_data(item=str(menu.repair.pk), urgency="urgent", when="tomorrow_am"),
    )

    service_request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assistance:detail", args=[service_request.pk])
    assert service_request.requester == resident_user
    assert service_request.resident == registry.wang
    assert service_request.channel == Channel.WEB
    assert service_request.address == "金桥花园3栋2单元502"
    assert service_request.item == menu.repair
    assert service_request.urgency == Urgency.URGENT
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert timezone.localtime(service_request.preferred_at) == timezone.make_aware(
        datetime.combine(tomorrow, time(9))
    )
    assert service_request.requester_phone == resident_user.phone


def test_ordering_for_a_registered_family_member_links_them_and_their_home(
    world, menu, resident_user, registry
):
    client = signed_in(resident_user)
    response = client.post(
        NEW,
        form_data(
            category="elderly_disabled",
            item=str(menu.escort.pk),
            description="想请人陪我爸去县医院复查",
            for_family="1",
            family_name="李建国",
            proxy_relation="女儿",
            estate=str(registry.jiaojia_estate.pk),
            building="8",
            unit="1",
            room="101",
            when="other",
            preferred_at=(timezone.localdate() + timedelta(days=3)).isoformat() + "T08:30",
        ),
    )

    assert response.status_code == 302, response.content.decode()
    service_request = ServiceRequest.objects.get()
    assert service_request.channel == Channel.PROXY
    assert service_request.resident == registry.li
    assert service_request.proxy_relation == "女儿"
    assert service_request.requester == resident_user
    assert service_request.address == "焦家小区8栋1单元101"
    assert service_request.description == "想请人陪我爸去县医院复查"
    assert timezone.localtime(service_request.preferred_at).strftime("%H:%M") == "08:30"


def test_ordering_for_a_family_member_not_in_the_registry_keeps_their_name(
    world, menu, resident_user, registry
):
    client = signed_in(resident_user)
    client.post(
        NEW,
        form_data(
            for_family="1",
            family_name="赵桂英",
            proxy_relation="儿媳",
            estate=str(registry.jinqiao.pk),
            building="1栋",
            unit="3",
            room="201",
        ),
    )

    service_request = ServiceRequest.objects.get()
    assert service_request.resident is None
    assert service_request.description.startswith("服务对象：赵桂英\n")
    assert service_request.address == "金桥花园1栋3单元201"


def test_a_resident_without_a_household_on_file_is_asked_for_the_address(world, menu, registry):
    client = signed_in(world.user(Role.RESIDENT))
    page = client.get(NEW).content.decode()
    assert "上门地址" in page and 'name="estate"' in page

    missing = client.post(NEW, form_data())
    assert missing.status_code == 422
    assert "请选择小区。" in missing.content.decode()

    wrong = client.post(
        NEW, form_data(estate=str(registry.jinqiao.pk), building="9", unit="1", room="101")
    )
    assert "金桥花园没有9栋，请核对楼号。" in wrong.content.decode()
    assert not ServiceRequest.objects.exists()

    client.post(NEW, form_data(estate=str(registry.jinqiao.pk), building="2", unit="1", room="301"))
    service_request = ServiceRequest.objects.get()
    assert service_request.address == "金桥花园2栋1单元301"
    assert service_request.resident is None


def test_errors_keep_everything_typed(world, menu, resident_user):
    client = signed_in(resident_user)
    response = client.post(
        NEW,
        form_data(
            description="楼道的灯坏了好几天，晚上看不见",
            category="",
            urgency="urgent",
            when="other",
            preferred_at="",
            for_family="1",
            family_name="王秀梅",
        ),
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "楼道的灯坏了好几天，晚上看不见" in page
    assert "请选一个服务类别。" in page
    assert "请选择希望的日期和时间。" in page
    assert "请填写您和家人的关系。" in page
    assert 'value="urgent" checked' in page
    assert 'value="王秀梅"' in page
    assert not ServiceRequest.objects.exists()


def test_an_empty_description_is_refused(world, menu, resident_user):
    response = signed_in(resident_user).post(NEW, form_data(description="   "))
    assert response.status_code == 422
    assert "请说一说需要什么帮助。" in response.content.decode()


def test_category_tiles_come_from_the_station_menu_only(world, menu, resident_user, corps):
    menu_category_save(
        station=world.jiaojia, code="legal", response_hours=24, teams=[], active=False, actor=None
    )
    page = signed_in(resident_user).get(NEW).content.decode()

    assert 'data-testid="category-community"' in page
    assert 'data-testid="category-elderly_disabled"' in page
    assert 'data-testid="category-legal"' not in page  # switched off
    assert 'data-testid="category-health"' not in page  # not on the menu
    assert f'data-testid="item-{menu.repair.pk}"' in page
    assert f'data-testid="item-{menu.outsider_repair.pk}"' not in page  # HUANGCHI's

    refused = signed_in(resident_user).post(NEW, form_data(category="health"))
    assert refused.status_code == 422
    assert not ServiceRequest.objects.exists()


def test_an_item_left_from_another_category_is_dropped(world, menu, resident_user):
    signed_in(resident_user).post(NEW, form_data(category="community", item=str(menu.escort.pk)))
    assert ServiceRequest.objects.get().item is None


def test_the_station_is_one_the_user_may_post_at(world, menu, resident_user):
    signed_in(resident_user).post(NEW, form_data(station="HUANGCHI"))
    assert ServiceRequest.objects.get().station == world.jiaojia


def test_staff_of_several_stations_choose_one(world, menu, registry):
    client = signed_in(world.user(Role.ADMIN))
    page = client.get(NEW, {"station": "HUANGCHI"}).content.decode()
    assert 'data-testid="station-choice"' in page
    assert f'data-testid="item-{menu.outsider_repair.pk}"' in page
    assert f'data-testid="item-{menu.repair.pk}"' not in page


def test_people_who_may_not_post_get_403(world, menu):
    response = signed_in(world.user(Role.VOLUNTEER)).get(NEW)
    assert response.status_code == 403


def test_the_form_asks_to_sign_in_first(world):
    response = signed_in(world.user(Role.RESIDENT)).get(NEW)
    assert response.status_code == 200
    from django.test import Client

    anonymous = Client().get(NEW)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# --- 我的点单 -----------------------------------------------------------------------------------


def test_my_requests_show_only_my_own_with_their_state_in_plain_words(
    world, menu, corps, resident_user
):
    mine = submit_request(world.jiaojia, actor=resident_user, description="我家门锁坏了")
    done = submit_request(world.jiaojia, actor=resident_user, description="帮忙买菜")
    someone_else = submit_request(world.jiaojia, actor=None, description="别人家的事")
    staff = world.user(Role.STATION_STAFF)
    volunteer_user = world.user(Role.VOLUNTEER)
    request_dispatch(service_request=done, actor=staff, volunteer=corps.volunteer)
    request_accept(service_request=done, actor=volunteer_user)
    request_start(service_request=done, actor=volunteer_user)
    request_complete(service_request=done, actor=volunteer_user, hours=Decimal("1"), note="已买好")

    page = signed_in(resident_user).get(MINE).content.decode()

    assert "我家门锁坏了" in page and "帮忙买菜" in page
    assert "别人家的事" not in page
    assert f'data-request="{someone_else.pk}"' not in page
    assert "需求已提交，等待工作人员审核" in page
    assert "服务完成" in page
    assert reverse("assistance:detail", args=[done.pk]) + "#rate" in page
    assert page.index("帮忙买菜") < page.index("我家门锁坏了")  # newest first
    assert f'data-request="{mine.pk}"' in page


def test_the_home_card_loads_the_latest_requests(world, menu, resident_user):
    for number in range(5):
        submit_request(world.jiaojia, actor=resident_user, description=f"第{number}件事")
    fragment = signed_in(resident_user).get(MINE, {"part": "recent"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html
    assert html.count('data-testid="home-request"') == 3


def test_my_requests_query_count_does_not_grow(world, menu, resident_user):
    client = signed_in(resident_user)
    submit_request(world.jiaojia, actor=resident_user)
    client.get(MINE)
    with CaptureQueriesContext(connection) as one:
        client.get(MINE)
    for _ in range(4):
        submit_request(world.jiaojia, actor=resident_user, item_id=menu.repair.pk)
    with CaptureQueriesContext(connection) as five:
        client.get(MINE)
    assert len(five) == len(one)


# --- 我的任务 -----------------------------------------------------------------------------------

WANG_PHONE = "13855550001"
WANG_ADDRESS = "金桥花园3栋2单元502"


def test_takeable_requests_show_no_phone_or_address(world, menu, corps, registry):
    service_request = dispatched(world, corps, description="灯泡坏了要换", urgency="urgent")
    page = signed_in(world.user(Role.VOLUNTEER)).get(TASKS).content.decode()

    assert f'data-request="{service_request.pk}"' in page
    assert "灯泡坏了要换" in page
    assert "金桥花园" in page  # the estate, to know how far it is
    assert WANG_PHONE not in page
    assert WANG_ADDRESS not in page and "502" not in page
    assert "王秀梅" not in page
    assert "着急" in page


def test_my_tasks_show_the_contact_only_while_the_request_is_in_hand(world, menu, corps):
    service_request = dispatched(world, corps)
    volunteer_user = world.user(Role.VOLUNTEER)
    client = signed_in(volunteer_user)

    assert (
        f'data-request="{service_request.pk}"'
        not in client.get(TASKS, {"tab": "mine"}).content.decode()
    )
    request_accept(service_request=service_request, actor=volunteer_user)
    page = client.get(TASKS, {"tab": "mine"}).content.decode()
    assert f'data-request="{service_request.pk}"' in page
    assert WANG_PHONE in page and WANG_ADDRESS in page
    assert f'data-request="{service_request.pk}"' not in client.get(TASKS).content.decode()

    request_start(service_request=service_request, actor=volunteer_user)
    assert WANG_PHONE in client.get(TASKS, {"tab": "mine"}).content.decode()

    request_complete(
        service_request=service_request, actor=volunteer_user, hours=Decimal("1.5"), note="换好了"
    )
    page = client.get(TASKS, {"tab": "mine"}).content.decode()
    assert f'data-request="{service_request.pk}"' in page
    assert WANG_PHONE not in page and WANG_ADDRESS not in page


def test_tasks_in_hand_come_before_finished_ones(world, menu, corps):
    volunteer_user = world.user(Role.VOLUNTEER)
    finished = dispatched(world, corps, description="已经做完的")
    request_accept(service_request=finished, actor=volunteer_user)
    request_start(service_request=finished, actor=volunteer_user)
    request_complete(service_request=finished, actor=volunteer_user, hours=Decimal("1"), note="好")
    in_hand = dispatched(world, corps, description="正在做的")
    request_accept(service_request=in_hand, actor=volunteer_user)
    # A later completion must not push the task in hand down.
    request_rate(service_request=finished, actor=world.user(Role.STATION_STAFF), score=5)

    page = signed_in(volunteer_user).get(TASKS, {"tab": "mine"}).content.decode()
    assert page.index("正在做的") < page.index("已经做完的")


def test_another_team_s_requests_are_not_takeable(world, menu, corps):
    service_request = submit_request(world.jiaojia, actor=None, category="legal")
    request_dispatch(
        service_request=service_request,
        actor=world.user(Role.STATION_STAFF),
        team=corps.law_team,
    )
    page = signed_in(world.user(Role.VOLUNTEER)).get(TASKS).content.decode()
    assert f'data-request="{service_request.pk}"' not in page


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.STATION_STAFF, Role.SUPERVISOR])
def test_tasks_are_for_volunteers_only(world, corps, role):
    assert signed_in(world.user(role)).get(TASKS).status_code == 403


def test_a_team_leader_with_a_volunteer_record_takes_requests_too(world, menu, corps):
    service_request = dispatched(world, corps)
    page = signed_in(world.user(Role.TEAM_LEADER)).get(TASKS).content.decode()
    assert f'data-request="{service_request.pk}"' in page


def test_a_volunteer_account_without_an_active_record_is_told_why_it_has_no_tasks(world):
    # The role is there, the volunteer record not (yet): the home card links here all the same.
    response = signed_in(world.user(Role.VOLUNTEER)).get(TASKS)
    assert response.status_code == 200
    assert 'data-testid="volunteer-inactive"' in response.content.decode()


def test_a_suspended_volunteer_loses_the_page(world, corps):
    volunteer_suspend(volunteer=corps.volunteer, reason="长期联系不上", actor=None)
    assert signed_in(world.user(Role.VOLUNTEER)).get(TASKS).status_code == 403


def test_the_home_summary_counts_takeable_and_in_hand(world, menu, corps):
    volunteer_user = world.user(Role.VOLUNTEER)
    dispatched(world, corps)
    taken = dispatched(world, corps)
    request_accept(service_request=taken, actor=volunteer_user)
    html = signed_in(volunteer_user).get(TASKS, {"part": "summary"}).content.decode()
    assert "<html" not in html
    assert 'data-testid="home-takeable-count">1<' in html


def test_tasks_query_count_does_not_grow(world, menu, corps):
    volunteer_user = world.user(Role.VOLUNTEER)
    client = signed_in(volunteer_user)

    def counts() -> tuple[int, int]:
        client.get(TASKS)
        client.get(TASKS, {"tab": "mine"})
        with CaptureQueriesContext(connection) as takeable:
            client.get(TASKS)
        with CaptureQueriesContext(connection) as mine:
            client.get(TASKS, {"tab": "mine"})
        return len(takeable), len(mine)

    def history(count: int) -> None:
        for _ in range(count):
            service_request = dispatched(world, corps, item_id=menu.repair.pk)
            request_accept(service_request=service_request, actor=volunteer_user)
            request_start(service_request=service_request, actor=volunteer_user)
            request_complete(
                service_request=service_request, actor=volunteer_user, hours=Decimal("1"), note="好"
            )

    in_hand = dispatched(world, corps)
    request_accept(service_request=in_hand, actor=volunteer_user)
    dispatched(world, corps)
    history(1)
    before = counts()
    for _ in range(3):
        dispatched(world, corps, item_id=menu.errands.pk)
    for _ in range(2):  # more in hand: their contact is asked of the gate once for the page
        request_accept(service_request=dispatched(world, corps), actor=volunteer_user)
    history(3)
    assert counts() == before


# --- home cards -----------------------------------------------------------------------------------


def test_home_cards_lead_to_the_request_pages(world, corps, resident_user):
    resident_home = signed_in(resident_user).get("/").content.decode()
    assert f'href="{NEW}"' in resident_home and "我要点单" in resident_home
    assert f'hx-get="{MINE}?part=recent"' in resident_home
    volunteer_home = signed_in(world.user(Role.VOLUNTEER)).get("/").content.decode()
    assert f'hx-get="{TASKS}?part=summary"' in volunteer_home
    assert "可接的单" in volunteer_home and "我的任务" in volunteer_home


# --- English --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url"),
    [(Role.RESIDENT, NEW), (Role.RESIDENT, MINE), (Role.VOLUNTEER, TASKS)],
)
def test_the_pages_render_in_english(world, menu, corps, resident_user, role, url):
    submit_request(world.jiaojia, actor=resident_user)
    dispatched(world, corps)
    client = signed_in(world.user(role))
    client.cookies["django_language"] = "en"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Sign out" in html or "Log out" in html
