"""`linli demo` as a newcomer meets it: a busy port is said at once, in Chinese, with the way
out (--port); --host opens it to phones on the office network with a warning; a favicon."""

from __future__ import annotations

import io
import os
import socket
import subprocess  # noqa: S404
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from linli.ops import demo
from linli.ops.management.commands.demo import Command
from linli.ops.processes import port_in_use


def test_a_busy_port_is_refused_before_seeding(monkeypatch: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert port_in_use("127.0.0.1", port)
        with pytest.raises(CommandError) as refused:
            call_command("demo", port=port)  # nothing is migrated or seeded first
    assert "已被占用" in str(refused.value)
    assert f"--port {port + 1}" in str(refused.value)
    assert not port_in_use("127.0.0.1", port)


def test_a_port_out_of_range_is_refused() -> None:
    with pytest.raises(CommandError, match="--port"):
        call_command("demo", port=70000)


def test_the_office_network_gets_a_warning(monkeypatch: Any) -> None:
    monkeypatch.delenv("LINLI_ALLOWED_HOSTS", raising=False)
    out = io.StringIO()
    command = Command(stdout=out)
    try:
        command._open_to_the_office(8000)
        assert os.environ["LINLI_ALLOWED_HOSTS"] == "*"
    finally:
        os.environ.pop("LINLI_ALLOWED_HOSTS", None)
    text = out.getvalue()
    assert "这是演示" in text and ":8000/" in text


@pytest.mark.django_db
def test_favicon() -> None:
    answer = Client().get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith("favicon.svg")
    page = Client().get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page


@pytest.mark.django_db
def test_the_demo_sign_in_page_says_whom_to_call(monkeypatch: Any, tmp_path: Any) -> None:
    monkeypatch.delenv("LINLI_STATION_PHONE", raising=False)
    out = io.StringIO()
    Command(stdout=out)._configure_station_phone()
    phone = os.environ["LINLI_STATION_PHONE"]
    monkeypatch.delenv("LINLI_STATION_PHONE")  # (set by the command, not by monkeypatch)
    assert phone == demo.STATION_PHONE and phone in out.getvalue()
    # A web process the demo starts reads it into its settings ...
    started = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from linli import settings; print(settings.STATION_PHONE)"],
        env={**os.environ, "LINLI_STATION_PHONE": phone, "LINLI_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert started.stdout.strip() == phone
    # ... and its sign-in page shows the number to call.
    with override_settings(STATION_PHONE=phone):
        page = Client().get("/accounts/login/").content.decode()
    assert f'href="tel:{phone}"' in page


def test_a_station_phone_already_set_is_kept(monkeypatch: Any) -> None:
    monkeypatch.setenv("LINLI_STATION_PHONE", "0555-1234567")
    Command(stdout=io.StringIO())._configure_station_phone()
    assert os.environ["LINLI_STATION_PHONE"] == "0555-1234567"
