"""System-written texts are stored as message codes with parameters and read in the reader's
language: timeline notes, inbox titles and bodies; rows from before codes read as stored."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from linli.accounts.models import Role
from linli.assistance.actions import request_accept, request_classify, request_dispatch
from linli.assistance.models import RequestEvent
from linli.assistance.timeline import timeline
from linli.core.messages import MESSAGES, Message, render, words
from linli.notifications.models import Notification
from tests.conftest import CHINESE, reads_in_english, signed_in, submit_request

pytestmark = pytest.mark.django_db


def test_a_message_reads_in_each_language_and_falls_back_to_its_words():
    message = Message("request.closed", {"status": words("已取消"), "what": "水电维修"})
    assert message.stored() == "需求已取消：水电维修"
    with translation.override("en"):
        assert str(message) == "Request update (Cancelled): 水电维修"
    assert render("no.such.code", {}, "原来的话") == "原来的话"
    assert render("request.took_it", {"wrong": 1}, "原来的话") == "原来的话"
    assert render("", {}, "原来的话") == "原来的话"


def test_every_message_has_its_english():
    with translation.override("en"):
        from django.utils.translation import gettext

        untranslated = [
            code
            for code, text in MESSAGES.items()
            if gettext(text) == text and any("\u4e00" <= char <= "\u9fff" for char in text)
        ]
    assert untranslated == []


PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_reads_fully_in_both_languages(code):
    """Each code, its parameters filled with plain data, reads in Chinese as its template and in
    English with nothing Chinese left (no word, no "：")."""
    template = MESSAGES[code]
    params = {name: 7 if kind == "d" else "x" for name, kind in PLACEHOLDER.findall(template)}
    message = Message(code, params)
    assert message.stored() == template % params
    with translation.override("en"):
        english = str(message)
    assert english and not CHINESE.search(english), english


def test_catalogue_words_are_stored_in_chinese_whatever_the_writers_language(world, menu):
    staff = world.user(Role.STATION_STAFF)
    with translation.override("en"):
        service_request = submit_request(world.jiaojia, description="楼道灯坏了")
        request_classify(
            service_request=service_request,
            actor=staff,
            category="elderly_disabled",
            item_id=menu.escort.pk,
        )
    note = RequestEvent.objects.filter(request=service_request, kind="note").get()
    assert note.note == "工作人员归类：助老助残·陪同就医"
    assert note.note_code == "request.classified"
    inbox = Notification.objects.filter(user=staff, kind="request.submitted").get()
    assert inbox.title == "新的群众点单：社区服务"
    with translation.override("en"):
        assert (
            timeline(service_request)[-1].note
            == "Sorted by staff: Help for older and disabled people·陪同就医"
        )
        assert reads_in_english(inbox) == "New resident request: Community service"


def test_a_request_left_to_staff_is_announced_as_to_be_sorted(world, menu):
    staff = world.user(Role.STATION_STAFF)
    submit_request(world.jiaojia, category="", description="不知道找谁")
    inbox = Notification.objects.filter(user=staff, kind="request.submitted").get()
    assert inbox.title == "新的群众点单：待归类"
    assert "待归类" not in reads_in_english(inbox)


def test_the_requester_hears_in_her_language_what_she_asked_for(world, menu):
    resident = world.user(Role.RESIDENT)
    submit_request(world.jiaojia, actor=resident, description="楼道灯坏了")
    received = Notification.objects.get(user=resident, kind="request.received")
    assert (received.title, received.body) == ("您的需求已收到，工作人员会尽快处理", "社区服务")
    assert reads_in_english(received) == (
        "We have received your request; staff will handle it as soon as possible\nCommunity service"
    )


def test_timeline_notes_and_the_inbox_read_in_english(world, menu, corps):
    staff = world.user(Role.STATION_STAFF)
    service_request = submit_request(world.jiaojia, description="楼道灯坏了")
    request_dispatch(
        service_request=service_request, actor=staff, team=corps.party_team, note="请带梯子"
    )
    request_accept(service_request=service_request, actor=world.user(Role.VOLUNTEER))
    event = RequestEvent.objects.get(request=service_request, to_status="dispatched")
    assert event.note == "派给：党员志愿服务队；请带梯子"
    assert event.note_code == "request.dispatched_to_with_note"
    with translation.override("en"):
        notes = [step.note for step in timeline(service_request, viewer=staff)]
    assert notes[1] == "Dispatched to 党员志愿服务队; 请带梯子"
    assert notes[2] == "Accepted by 黄文静"
    inbox = Notification.objects.filter(user=staff, kind="request.submitted").get()
    assert inbox.title == "新的群众点单：社区服务"
    client = signed_in(staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/inbox/").content.decode()
    assert "New resident request: Community service" in page
    from tests.conftest import api_token, bearer

    api = Client().get(
        "/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="en", **bearer(api_token(staff))
    )
    assert api.status_code == 200, api.content
    assert any(
        row["title"] == "New resident request: Community service" for row in api.json()["items"]
    )
    chinese = Client().get(
        "/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="zh-hans", **bearer(api_token(staff))
    )
    assert any(row["title"] == "新的群众点单：社区服务" for row in chinese.json()["items"])


def test_rows_written_before_codes_read_as_stored(world, menu):
    service_request = submit_request(world.jiaojia, description="楼道灯坏了")
    RequestEvent.objects.filter(request=service_request).update(note="网上点单", note_code="")
    with translation.override("en"):
        assert timeline(service_request)[0].note == "网上点单"
