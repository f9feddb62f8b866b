"""The outside world: one send function per channel (e-mail, WeCom group robot, SMS gateway).

Each either returns (the receiver took the message) or raises `DeliveryError` with a short
message fit to store and show to staff. No message ever contains a webhook key, a token or a
password: the receiver's own words are passed through `_redact` first.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from http.client import HTTPException
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from linli.core.phone import mask_phone
from linli.notifications.models import ChannelKind

# Short, so that a slow receiver holds up one worker for seconds, never a request (SPEC: sending
# never blocks). NOTIFY_TIMEOUT_SECONDS overrides it (the tests use a fraction of a second).
TIMEOUT_SECONDS = 5.0
# A WeCom robot takes at most 2,048 bytes of text; longer is refused with errcode 40058.
WECOM_MAX_BYTES = 2048
# Enough for any receipt; a receiver that answers with more is not read further.
MAX_REPLY_BYTES = 64 * 1024
ERROR_MAX_CHARS = 200


class DeliveryError(Exception):
    """A message that did not go out; `str()` is a short reason without secrets."""

    def __init__(self, message: str) -> None:
        super().__init__(message[:ERROR_MAX_CHARS])
        self.message = message[:ERROR_MAX_CHARS]


def send(*, channel: str, target: str, subject: str, body: str) -> None:
    """Send one message through `channel` to `target` (a mailbox, a webhook URL, a phone)."""
    if channel == ChannelKind.EMAIL:
        send_email(address=target, subject=subject, body=body)
    elif channel == ChannelKind.WECOM:
        send_wecom(webhook_url=target, content=message_text(subject, body))
    elif channel == ChannelKind.SMS:
        send_sms(phone=target, text=message_text(subject, body))
    else:
        raise DeliveryError(_("未知的通知渠道：%(channel)s") % {"channel": channel})


def message_text(subject: str, body: str) -> str:
    return f"{subject}\n{body}" if body else subject


def send_email(*, address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body or subject, None, [address], fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(
            _("邮件发送失败：%(reason)s")
            % {"reason": _redact(str(error), [settings.EMAIL_HOST_PASSWORD])}
        ) from error


def send_wecom(*, webhook_url: str, content: str) -> None:
    """Post a text message to a WeCom group robot. Delivered only when the reply is HTTP 2xx
    with `errcode` 0: the robot answers 200 to a wrong key or a throttled call too."""
    payload = {"msgtype": "text", "text": {"content": truncate_utf8(content, WECOM_MAX_BYTES)}}
    secrets = url_secrets(webhook_url)
    reply = _post_json(webhook_url, payload, headers={}, secrets=secrets)
    try:
        answer = json.loads(reply.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeliveryError(_("企业微信的应答无法识别")) from None
    if not isinstance(answer, dict):
        raise DeliveryError(_("企业微信的应答无法识别"))
    if answer.get("errcode") != 0:
        raise DeliveryError(
            _("企业微信返回错误 %(code)s：%(message)s")
            % {
                "code": answer.get("errcode"),
                "message": _redact(str(answer.get("errmsg", ""))[:100], secrets),
            }
        )


def send_sms(*, phone: str, text: str) -> None:
    """Post `{"phone", "text"}` to the SMS gateway; any 2xx reply means it took the message."""
    url = settings.SMS_GATEWAY_URL
    if not url:
        raise DeliveryError(_("未配置短信网关"))
    token = settings.SMS_GATEWAY_TOKEN
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    _post_json(
        url, {"phone": phone, "text": text}, headers=headers, secrets=[token, *url_secrets(url)]
    )


def _post_json(url: str, payload: Any, *, headers: dict[str, str], secrets: list[str]) -> bytes:
    """POST `payload` as JSON; the reply's body on 2xx, else DeliveryError. Redirects are not
    followed: a receiver that moved is a configuration error, and a redirect could carry the
    message (and its headers) somewhere else."""
    if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname:
        raise DeliveryError(_("只支持 http:// 或 https:// 地址"))
    if not host_allowed(url):
        raise DeliveryError(_("该地址不在允许的通知服务器名单中（LINLI_OUTBOUND_HOSTS）。"))
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked just above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "linli-notify/1",
            **headers,
        },
        method="POST",
    )
    opener = urllib.request.build_opener(_RefuseRedirects)
    timeout = float(getattr(settings, "NOTIFY_TIMEOUT_SECONDS", TIMEOUT_SECONDS))
    try:
        with opener.open(request, timeout=timeout) as response:
            status = response.status
            body: bytes = response.read(MAX_REPLY_BYTES)
    except urllib.error.HTTPError as error:
        error.close()
        raise DeliveryError(_("对方返回 HTTP %(status)s") % {"status": error.code}) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise DeliveryError(_("连接超时")) from None
        raise DeliveryError(
            _("无法连接：%(reason)s") % {"reason": _redact(str(error.reason), secrets)}
        ) from None
    except TimeoutError:
        raise DeliveryError(_("连接超时")) from None
    except (HTTPException, OSError) as error:
        raise DeliveryError(
            _("连接中断：%(reason)s")
            % {"reason": _redact(str(error) or type(error).__name__, secrets)}
        ) from None
    if not 200 <= status < 300:
        raise DeliveryError(_("对方返回 HTTP %(status)s") % {"status": status})
    return body


def host_allowed(url: str) -> bool:
    """Is `url`'s host one of OUTBOUND_HOSTS (or a subdomain), or the SMS gateway's own host?"""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    allowed = {name.lower().strip(".") for name in settings.OUTBOUND_HOSTS if name.strip()}
    if settings.SMS_GATEWAY_URL:
        allowed.add((urlsplit(settings.SMS_GATEWAY_URL).hostname or "").lower())
    return any(host == name or host.endswith("." + name) for name in allowed if name)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def url_secrets(url: str) -> list[str]:
    """The parts of a URL that act as a password: query values (WeCom's `key=`) and userinfo."""
    parts = urlsplit(url)
    found = [value for _name, value in parse_qsl(parts.query) if len(value) >= 4]
    if parts.password:
        found.append(parts.password)
    return found


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


def describe_target(channel: str, target: str) -> str:
    """The target as logs and pages may show it: a webhook without its key, a masked phone."""
    if channel == ChannelKind.SMS:
        return mask_phone(target)
    if channel == ChannelKind.WECOM:
        parts = urlsplit(target)
        host = parts.netloc.rpartition("@")[2]  # never the userinfo
        shown = f"{parts.scheme}://{host}{parts.path}"
        if parts.query:
            shown += "?" + "&".join(
                f"{name}={value[:4]}***" for name, value in parse_qsl(parts.query)
            )
        return shown
    if channel == ChannelKind.EMAIL and "@" in target:
        local, _at, domain = target.partition("@")
        return f"{local[:2]}***@{domain}"
    return target
