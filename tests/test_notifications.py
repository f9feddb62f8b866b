"""The inbox (page and API) and the station's channel page, through the HTTP client: everyone
reads only their own notifications; only staff of a station (and admins) run its channels."""

from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.notifications.actions import notify
from linli.notifications.models import Delivery, Notification, StationChannel
from tests.conftest import api_token, bearer, signed_in

WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0f1e2d3c-secret-key"


def tell(user: Any, title: str, *, url: str = "", body: str = "") -> Notification:
    (notification,) = notify(users=[user], kind="test", title=title, body=body, url=url)
    return notification


@pytest.fixture
def resident(world: Any) -> Any:
    return world.user(Role.RESIDENT)


# --- the inbox page ---------------------------------------------------------------------------------


def test_inbox_shows_own_notifications_unread_first_and_bold(world, resident):
    old = tell(resident, "您的需求已收到，工作人员会尽快处理")
    tell(resident, "志愿者黄文静已接单，会与您联系", body="水电维修")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    tell(world.user(Role.VOLUNTEER), "工作人员给您派了一张单：代买代办")

    page = signed_in(resident).get("/inbox/").content.decode()

    assert page.index("志愿者黄文静已接单") < page.index("您的需求已收到")
    assert '<strong class="inbox-title">志愿者黄文静已接单，会与您联系</strong>' in page
    assert '<strong class="inbox-title">您的需求已收到' not in page
    assert "代买代办" not in page
    assert "全部标为已读" in page


def test_unread_tab_and_pagination(resident):
    for number in range(25):
        tell(resident, f"第{number}条通知")
    client = signed_in(resident)
    first = client.get("/inbox/").content.decode()
    assert "第 1 / 2 页" in first
    assert "第24条通知" in first and "第0条通知" not in first
    assert "第0条通知" in client.get("/inbox/?page=2").content.decode()
    Notification.objects.filter(title="第24条通知").update(read_at="2026-01-01T00:00:00Z")
    unread = client.get("/inbox/?show=unread").content.decode()
    assert "第24条通知" not in unread


def test_opening_marks_read_and_goes_to_the_page_it_is_about(resident):
    notification = tell(resident, "服务已完成，请您评价", url="/requests/7/")
    client = signed_in(resident)
    # A link preview or a prefetcher (GET) goes there too, and changes nothing.
    previewed = client.get(f"/inbox/{notification.pk}/open/")
    assert previewed.status_code == 302 and previewed["Location"] == "/requests/7/"
    notification.refresh_from_db()
    assert notification.read_at is None
    assert f'data-testid="open-{notification.pk}"' in client.get("/inbox/").content.decode()
    response = client.post(f"/inbox/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/requests/7/"
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    client.post(f"/inbox/{notification.pk}/open/")
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_an_outside_address_is_never_followed(resident):
    notification = tell(resident, "请点击", url="https://phishing.example/login")
    response = signed_in(resident).get(f"/inbox/{notification.pk}/open/")
    assert response["Location"] == "/inbox/"


def test_someone_elses_notification_answers_404(world, resident):
    notification = tell(world.user(Role.VOLUNTEER), "工作人员给您派了一张单")
    assert signed_in(resident).get(f"/inbox/{notification.pk}/open/").status_code == 404
    assert signed_in(resident).post(f"/inbox/{notification.pk}/open/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_own(world, resident):
    tell(resident, "一")
    tell(resident, "二")
    other = tell(world.user(Role.VOLUNTEER), "三")
    client = signed_in(resident)
    response = client.post("/inbox/read-all/", follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(user=resident, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert client.get("/inbox/read-all/").status_code == 405


def test_header_shows_the_unread_count(resident):
    client = signed_in(resident)
    assert 'data-testid="unread-count"' not in client.get("/inbox/").content.decode()
    tell(resident, "一")
    tell(resident, "二")
    page = client.get("/inbox/").content.decode()
    assert 'data-testid="unread-count" aria-hidden="true">2</span>' in page
    assert "2 条未读" in page
    assert 'data-testid="inbox-link"' not in Client().get("/accounts/login/").content.decode()


def test_inbox_queries_do_not_grow_with_rows(resident, django_assert_max_num_queries):
    client = signed_in(resident)
    tell(resident, "一")
    with django_assert_max_num_queries(20) as few:
        client.get("/inbox/")
    for number in range(15):
        tell(resident, f"通知{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/inbox/")


def test_the_inbox_needs_signing_in():
    response = Client().get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the inbox API ----------------------------------------------------------------------------------


def test_api_lists_own_with_count_limit_offset_and_unread_filter(world, resident):
    for number in range(3):
        tell(resident, f"通知{number}", url="/requests/1/")
    read = tell(resident, "已读的")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    tell(world.user(Role.VOLUNTEER), "别人的")
    client = Client()
    headers = bearer(api_token(resident))

    everything = client.get("/api/v1/notifications", **headers).json()
    assert everything["count"] == 4
    assert [item["title"] for item in everything["items"]] == ["已读的", "通知2", "通知1", "通知0"]
    item = everything["items"][1]
    assert item["unread"] is True and item["read_at"] is None and item["url"] == "/requests/1/"
    assert item["created_at"].endswith("+08:00")

    page = client.get("/api/v1/notifications?limit=2&offset=1", **headers).json()
    assert page["count"] == 4 and [i["title"] for i in page["items"]] == ["通知2", "通知1"]
    unread = client.get("/api/v1/notifications?unread=true", **headers).json()
    assert unread["count"] == 3
    assert client.get("/api/v1/notifications?unread=false", **headers).json()["count"] == 1
    assert client.get("/api/v1/notifications/unread-count", **headers).json() == {"unread": 3}


def test_api_mark_read_own_only(world, resident):
    mine = tell(resident, "我的")
    theirs = tell(world.user(Role.VOLUNTEER), "别人的")
    client = Client()
    headers = bearer(api_token(resident))

    response = client.post(f"/api/v1/notifications/{mine.pk}/read", **headers)
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"]

    missing = client.post(f"/api/v1/notifications/{theirs.pk}/read", **headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_read_all(world, resident):
    tell(resident, "一")
    tell(resident, "二")
    other = tell(world.user(Role.VOLUNTEER), "三")
    client = Client()
    headers = bearer(api_token(resident))
    assert client.post("/api/v1/notifications/read-all", **headers).json() == {"updated": 2}
    assert client.get("/api/v1/notifications/unread-count", **headers).json() == {"unread": 0}
    other.refresh_from_db()
    assert other.read_at is None


def test_api_without_a_token_is_401():
    assert Client().get("/api/v1/notifications").status_code == 401


def test_staff_use_the_inbox_api_too(world):
    staff = world.user(Role.STATION_STAFF)
    tell(staff, "新的群众点单：水电维修")
    response = Client().get("/api/v1/notifications", **bearer(api_token(staff)))
    assert response.json()["count"] == 1


# --- the channel page -------------------------------------------------------------------------------


@pytest.fixture
def wecom(world: Any) -> StationChannel:
    return StationChannel.objects.create(
        station=world.jiaojia, kind="wecom", target=WEBHOOK, label="焦家工作群"
    )


def test_station_staff_see_their_channels_with_the_key_hidden(world, wecom):
    page = signed_in(world.user(Role.STATION_STAFF)).get("/inbox/channels/").content.decode()
    assert "焦家工作群" in page and "发送测试消息" in page
    assert "key=0f1e***" in page
    assert "secret-key" not in page


@pytest.mark.parametrize(
    "role", [Role.VOLUNTEER, Role.RESIDENT, Role.TEAM_LEADER, Role.SUPERVISOR, Role.CAREGIVER]
)
def test_other_roles_get_403(world, wecom, role):
    client = signed_in(world.user(role))
    assert client.get("/inbox/channels/").status_code == 403
    assert client.post(f"/inbox/channels/{wecom.pk}/delete/").status_code == 403
    assert StationChannel.objects.filter(pk=wecom.pk).exists()


def test_another_stations_staff_cannot_touch_the_channel(world, wecom):
    client = signed_in(world.outsider)
    assert client.get("/inbox/channels/?station=JIAOJIA").status_code == 404
    page = client.get("/inbox/channels/").content.decode()
    assert "黄池社区实践站" in page and "焦家工作群" not in page
    for action in ("toggle", "delete", "test"):
        assert client.post(f"/inbox/channels/{wecom.pk}/{action}/").status_code == 404
    added = client.post(
        "/inbox/channels/",
        {"station": "JIAOJIA", "kind": "email", "target": "x@example.org"},
    )
    assert added.status_code == 404
    wecom.refresh_from_db()
    assert wecom.active and StationChannel.objects.count() == 1
    assert not Delivery.objects.exists()
    assert client.get("/inbox/deliveries/1/").status_code == 404


def test_staff_add_a_channel_and_the_audit_keeps_no_key(world):
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.post(
        "/inbox/channels/",
        {"station": "JIAOJIA", "kind": "wecom", "label": "焦家工作群", "target": WEBHOOK},
        follow=True,
    )
    assert "已添加通知渠道" in response.content.decode()
    channel = StationChannel.objects.get()
    assert (channel.station, channel.kind, channel.target) == (world.jiaojia, "wecom", WEBHOOK)
    row = AuditLog.objects.get(action="notifications.channel_create")
    assert row.station == world.jiaojia
    assert "secret-key" not in str(row.after)
    again = client.post(
        "/inbox/channels/", {"station": "JIAOJIA", "kind": "wecom", "target": WEBHOOK}
    )
    assert again.status_code == 422 and "本站已添加过这个地址" in again.content.decode()


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        ("wecom", "ftp://qyapi.weixin.qq.com/send?key=1", "http:// 或 https://"),
        ("wecom", "javascript:alert(1)", "http:// 或 https://"),
        ("email", "not-an-address", "有效的电子邮箱"),
        ("sms", "13800000000", "选择"),
    ],
)
def test_a_bad_target_is_refused(world, kind, target, message):
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.post("/inbox/channels/", {"kind": kind, "target": target})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not StationChannel.objects.exists()


def test_disable_enable_and_delete_with_htmx(world, wecom):
    client = signed_in(world.user(Role.STATION_STAFF))
    fragment = client.post(f"/inbox/channels/{wecom.pk}/toggle/", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text and "已停用“焦家工作群”" in text
    wecom.refresh_from_db()
    assert wecom.active is False
    client.post(f"/inbox/channels/{wecom.pk}/toggle/", HTTP_HX_REQUEST="true")
    wecom.refresh_from_db()
    assert wecom.active is True
    deleted = client.post(f"/inbox/channels/{wecom.pk}/delete/", HTTP_HX_REQUEST="true")
    assert "已删除“焦家工作群”" in deleted.content.decode()
    assert not StationChannel.objects.exists()
    actions = list(
        AuditLog.objects.filter(action__startswith="notifications.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "notifications.channel_delete",
        "notifications.channel_update",
        "notifications.channel_update",
    ]


def test_the_test_button_queues_a_real_delivery_and_shows_its_status(
    world, wecom, django_capture_on_commit_callbacks
):
    client = signed_in(world.user(Role.STATION_STAFF))
    with django_capture_on_commit_callbacks(execute=True):
        fragment = client.post(f"/inbox/channels/{wecom.pk}/test/", HTTP_HX_REQUEST="true")
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.target, delivery.status) == ("wecom", WEBHOOK, "pending")
    assert "测试" in delivery.subject
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "linli.notifications.tasks.send_delivery"
    assert queued.args_kwargs == {"args": [delivery.pk], "kwargs": {}}
    text = fragment.content.decode()
    assert "测试消息已排队发送" in text
    assert f'data-testid="delivery-{delivery.pk}"' in text and "待发送" in text
    assert f'hx-get="/inbox/deliveries/{delivery.pk}/"' in text

    Delivery.objects.filter(pk=delivery.pk).update(
        status="failed", attempts=6, last_error="企业微信返回错误 93000：invalid webhook url"
    )
    status = client.get(f"/inbox/deliveries/{delivery.pk}/", HTTP_HX_REQUEST="true")
    text = status.content.decode()
    assert "发送失败" in text and "93000" in text and "hx-get" not in text


def test_an_admin_picks_the_station(world, wecom):
    client = signed_in(world.user(Role.ADMIN))
    page = client.get("/inbox/channels/?station=HUANGCHI").content.decode()
    assert "焦家工作群" not in page and 'value="HUANGCHI"' in page
    assert "焦家工作群" in client.get("/inbox/channels/?station=JIAOJIA").content.decode()
    client.post(
        "/inbox/channels/",
        {"station": "HUANGCHI", "kind": "email", "target": "huangchi@example.org"},
    )
    assert StationChannel.objects.get(kind="email").station == world.huangchi


def test_the_inbox_links_staff_to_the_channel_page(world, resident):
    staff_page = signed_in(world.user(Role.STATION_STAFF)).get("/inbox/").content.decode()
    assert 'data-testid="channels-link"' in staff_page
    assert 'data-testid="channels-link"' not in signed_in(resident).get("/inbox/").content.decode()
