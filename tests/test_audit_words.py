"""The audit log reads in words: what was done (登录成功, 确认服务时长 …) and the before/after
values as a reader knows them; the action codes and stored values only in the export."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.utils import translation

from linli.accounts.models import Role
from linli.assistance.actions import request_dispatch
from linli.audit import labels
from linli.audit.actions import audit_record
from linli.core.messages import MESSAGES
from tests.conftest import PASSWORD, signed_in, submit_request

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1] / "linli"


def written_codes() -> set[str]:
    """Every action code the project's actions write as a literal (dynamic ones by their
    subject's states, checked below)."""
    codes = set()
    for path in ROOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "audit_record" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                # Message codes (linli.core.messages) are not action codes.
                if (
                    re.fullmatch(r"[a-z_]+\.[a-z_]+|logout", node.value)
                    and node.value not in MESSAGES
                    and not node.value.startswith(("linli.", "org.", "test.", "request."))
                ):
                    codes.add(node.value)
    return codes


def test_every_code_the_actions_write_has_words():
    missing = {
        code for code in written_codes() if code not in labels.ACTIONS and code not in labels.MOVES
    }
    # Constants that are not action codes (module paths, settings) are not in the scan's way:
    assert missing <= {"meal_order.ordered"}, sorted(missing)
    assert labels.action_label("meal_order.ordered") == "订餐：已订餐"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("login.success", "登录成功"),
        ("service_request.hours_confirmed", "确认服务时长"),
        ("service_request.dispatched", "派单"),
        ("activity.verified", "核定服务时长"),
        ("meal_delivery.delivered", "送餐：已送达"),
        ("service_request.unknown_move", "点单：其他操作"),
        ("nothing.known", "其他操作"),
    ],
)
def test_codes_read_as_words(code, words):
    assert labels.action_label(code) == words


def test_before_and_after_read_as_values():
    assert labels.changes(
        "service_request.dispatched",
        {"status": "submitted"},
        {"status": "dispatched", "note": "派给：党员志愿服务队"},
    ) == ["状态：待审核 → 已派单", "说明：派给：党员志愿服务队"]
    assert labels.changes("role.grant", None, {"role": "station_staff", "active": True}) == [
        "角色：站点社工",
        "启用：是",
    ]
    with translation.override("en"):
        assert labels.action_label("login.success") == "Signed in"
        assert labels.changes("x.y", None, {"note": "hi"}) == ["Notes: hi"]


def test_the_page_shows_words_and_the_export_the_codes(world, menu):
    staff = world.user(Role.STATION_STAFF)
    Client().post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    service_request = submit_request(world.jiaojia, description="楼道灯坏了")
    request_dispatch(service_request=service_request, actor=None, team=menu.community.teams.first())
    audit_record(actor=None, action="login.success", target=staff, after={"channel": "web"})
    client = signed_in(world.user(Role.ADMIN))
    page = client.get("/audit/").content.decode()
    assert "登录成功" in page
    assert "状态：待审核 → 已派单" in page
    assert "群众点单" in page
    body = page[page.index('id="audit-rows"') :]
    assert "service_request." not in body and "login.success" not in body
    assert "系统" in body
    # Searching by the words finds the rows.
    found = client.get("/audit/", {"action": "派单"}, HTTP_HX_REQUEST="true").content.decode()
    assert "状态：待审核 → 已派单" in found
    export = client.get("/audit/export.xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "操作", "操作代码")
    codes = {row[3] for row in rows[1:]}
    assert {"service_request.dispatched", "login.success"} <= codes


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.RESIDENT, Role.TEAM_LEADER])
def test_the_export_is_for_audit_readers_only(world, role):
    assert signed_in(world.user(role)).get("/audit/export.xlsx").status_code == 403


def test_filters_are_bounded(world):
    client = signed_in(world.user(Role.ADMIN))
    assert client.get("/audit/", {"action": "x" * 5000, "actor": "y" * 5000}).status_code == 200
    # A NUL is refused before any page sees it (RefuseNulMiddleware): a 400 saying why, never a
    # 500 from the database.
    refused = client.get("/audit/", {"action": "登录", "actor": "a\x00b"})
    assert refused.status_code == 400
    assert "NUL" in refused.content.decode()
