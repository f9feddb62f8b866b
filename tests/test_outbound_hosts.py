"""Webhook and SMS addresses are kept to an allow-list (LINLI_OUTBOUND_HOSTS): on a shared
deployment a station's webhook must not make the server call an internal address (SSRF)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from linli.accounts.models import Role
from linli.notifications.actions.inbox import ChannelInput, station_channel_save
from linli.notifications.channels import DeliveryError, host_allowed, send


@pytest.fixture
def strict(settings: Any) -> Any:
    settings.OUTBOUND_HOSTS = ["qyapi.weixin.qq.com"]
    settings.SMS_GATEWAY_URL = "https://sms.example.cn/send"
    return settings


def test_only_listed_hosts_and_the_sms_gateway_are_allowed(strict: Any) -> None:
    assert host_allowed("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    assert host_allowed("https://sms.example.cn/other")
    assert not host_allowed("http://127.0.0.1:8000/admin")
    assert not host_allowed("http://169.254.169.254/latest/meta-data")
    assert not host_allowed("https://qyapi.weixin.qq.com.evil.example/x")


def test_a_webhook_to_an_internal_address_is_refused_when_saved(strict: Any, world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        station_channel_save(
            station=world.jiaojia,
            data=ChannelInput(kind="wecom", target="http://10.0.0.5/hook"),
            actor=world.user(Role.STATION_STAFF),
        )
    assert "允许的通知服务器" in str(refused.value)


def test_a_delivery_to_an_unlisted_host_is_refused_before_any_connection(strict: Any) -> None:
    with pytest.raises(DeliveryError, match="LINLI_OUTBOUND_HOSTS"):
        send(channel="wecom", target="http://127.0.0.1:9/hook", subject="s", body="b")
