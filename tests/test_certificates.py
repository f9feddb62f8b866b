"""志愿服务证明: the PDF (its text read back with pdftotext), unique numbers, totals that
reconcile with the ledger, public verification without personal data, and the hours API."""

from __future__ import annotations

import re
import shutil
import subprocess  # noqa: S404 (pdftotext, to read the PDF as a reader would)
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.core.errors import DomainError
from linli.core.idcard import make_id_number
from linli.core.masking import mask_name
from linli.ledger.actions import ledger_credit, ledger_reverse
from linli.ledger.certificates import certificate_issue, certificate_pdf
from linli.ledger.models import Certificate
from tests.conftest import api_token, bearer, signed_in

YEAR = timezone.localdate().year
# 黄文静, the volunteer user's record in `corps`.
HUANG_ID = make_id_number("340521", date(1995, 6, 6), 12, "F")

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)


def credit(volunteer: Any, hours: str, served_on: date, key: str, **extra: Any) -> Any:
    entry, _created = ledger_credit(
        volunteer=volunteer,
        account="hours",
        amount=Decimal(hours),
        kind=extra.pop("kind", "activity"),
        served_on=served_on,
        description=extra.pop("description", "陪伴独居老人，打扫卫生"),
        source_key=key,
        actor=None,
        **extra,
    )
    return entry


def pdf_text(content: bytes) -> str:
    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    )
    # Readers (and pdftotext) drop the space between Chinese and digits: compare without any.
    return re.sub(r"\s+", "", result.stdout.decode("utf-8"))


@pytest.fixture
def served(corps: Any, world: Any) -> Any:
    """黄文静 served 3 + 2.5 hours this year; a third entry of 2 hours was reversed."""
    today = timezone.localdate()
    volunteer = corps.volunteer
    credit(volunteer, "3", today - timedelta(days=3), "t:1", description="重阳节敬老活动")
    credit(volunteer, "2.5", today - timedelta(days=2), "t:2", description="垃圾分类宣传")
    wrong = credit(volunteer, "2", today - timedelta(days=1), "t:3", description="记错的一次")
    ledger_reverse(
        entry=wrong,
        reason="未到场",
        approver=world.user(Role.STATION_STAFF),
        actor=world.user(Role.STATION_STAFF),
    )
    return volunteer


# --- issuing ---------------------------------------------------------------------------------------


def test_totals_reconcile_with_the_ledger_reversals_included(served: Any, world: Any) -> None:
    today = timezone.localdate()
    certificate = certificate_issue(
        volunteer=served, period_start=today - timedelta(days=30), period_end=today, actor=None
    )
    assert certificate.total_hours == Decimal("5.50")
    assert certificate.entry_count == 4  # three entries and the reversal
    assert certificate.station == world.jiaojia
    assert re.fullmatch(rf"LL-JIAOJIA-{YEAR}-\d{{6}}-[2-9A-Z]{{6}}", certificate.number)
    audit = AuditLog.objects.get(action="certificate.issue")
    assert audit.target_id == str(certificate.pk)
    assert (audit.after or {})["total_hours"] == "5.50"


def test_the_period_limits_the_entries(served: Any) -> None:
    today = timezone.localdate()
    certificate = certificate_issue(
        volunteer=served,
        period_start=today - timedelta(days=3),
        period_end=today - timedelta(days=3),
        actor=None,
    )
    assert certificate.total_hours == Decimal("3.00")
    assert certificate.entry_count == 1


def test_numbers_are_unique_follow_each_other_and_carry_a_random_part(served: Any) -> None:
    today = timezone.localdate()
    numbers = [
        certificate_issue(
            volunteer=served, period_start=today, period_end=today, actor=None, reissue=True
        ).number
        for _ in range(3)
    ]
    assert len(set(numbers)) == 3
    assert [int(number.split("-")[3]) for number in numbers] == [1, 2, 3]
    assert len({number.split("-")[4] for number in numbers}) == 3


def test_one_number_per_volunteer_and_period_until_reissued(served: Any, world: Any) -> None:
    headers = bearer(api_token(world.user(Role.VOLUNTEER)))
    day = timezone.localdate() - timedelta(days=2)
    url = f"/api/v1/volunteers/{served.pk}/certificate?from={day}&to={day}"
    assert Client().get(url, **headers).status_code == 200
    assert Client().get(url, **headers).status_code == 200
    assert Certificate.objects.count() == 1
    assert Client().get(url + "&reissue=true", **headers).status_code == 200
    assert Certificate.objects.count() == 2
    assert AuditLog.objects.filter(action="certificate.issue").count() == 2


def test_bad_periods_and_unnumbered_volunteers_are_refused(served: Any, corps: Any) -> None:
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    with pytest.raises(ValidationError):
        certificate_issue(
            volunteer=served, period_start=today, period_end=today - timedelta(days=1), actor=None
        )
    with pytest.raises(ValidationError):
        certificate_issue(
            volunteer=served, period_start=today, period_end=today + timedelta(days=1), actor=None
        )
    with pytest.raises(DomainError):
        certificate_issue(
            volunteer=corps.applicant, period_start=today, period_end=today, actor=None
        )
    assert not Certificate.objects.exists()


# --- the PDF ---------------------------------------------------------------------------------------


@needs_poppler
def test_the_volunteer_downloads_a_pdf_whose_chinese_text_extracts(served: Any, world: Any) -> None:
    client = signed_in(world.user(Role.VOLUNTEER))
    page = client.get("/hours/certificate/")
    assert page.status_code == 200
    assert "下载志愿服务证明" in page.content.decode()

    response = client.post("/hours/certificate/", {"from": "", "to": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    certificate = Certificate.objects.get()
    text = pdf_text(response.content)
    person = served.person
    assert "志愿服务证明" in text
    assert person.name in text
    assert person.id_number_masked in text
    assert HUANG_ID not in text
    assert served.number in text
    assert "5.5小时" in text
    assert certificate.number in text
    assert "焦家社区实践站" in text
    assert "重阳节敬老活动" in text
    assert "冲正" in text
    assert f"http://testserver/verify/{certificate.number}/" in text
    assert person.phone not in text or not person.phone


@needs_poppler
def test_a_long_record_continues_on_further_pages(corps: Any) -> None:
    start = timezone.localdate() - timedelta(days=80)
    for day in range(80):
        credit(corps.volunteer, "1", start + timedelta(days=day), f"long:{day}")
    certificate = certificate_issue(
        volunteer=corps.volunteer, period_start=start, period_end=timezone.localdate(), actor=None
    )
    text = pdf_text(certificate_pdf(certificate, verify_url="https://linli.example/verify/x/"))
    assert "第3页" in text
    assert text.count("陪伴独居老人") == 80
    assert "80小时" in text


def test_staff_issue_for_a_volunteer_and_outsiders_get_404(served: Any, world: Any) -> None:
    url = f"/hours/volunteers/{served.pk}/certificate/"
    staff = signed_in(world.user(Role.STATION_STAFF))
    assert staff.get(url).status_code == 200
    response = staff.post(url, {"from": f"{YEAR}-01-01", "to": ""})
    assert response["Content-Type"] == "application/pdf"
    assert Certificate.objects.get().issued_by == world.user(Role.STATION_STAFF)
    assert signed_in(world.outsider).get(url).status_code == 404
    assert signed_in(world.outsider).post(url).status_code == 404
    assert Certificate.objects.count() == 1


def test_a_bad_period_is_said_on_the_page(served: Any, world: Any) -> None:
    client = signed_in(world.user(Role.VOLUNTEER))
    response = client.post("/hours/certificate/", {"from": "2025-05-02", "to": "2025-05-01"})
    assert response.status_code == 422
    assert "开始日期不能晚于结束日期" in response.content.decode()
    assert not Certificate.objects.exists()


def test_someone_without_a_volunteer_record_is_told_so(world: Any) -> None:
    response = signed_in(world.user(Role.RESIDENT)).get("/hours/certificate/")
    assert response.status_code == 200
    assert 'data-testid="not-a-volunteer"' in response.content.decode()


# --- public verification ---------------------------------------------------------------------------


def test_mask_name() -> None:
    assert mask_name("王秀梅") == "王*梅"
    assert mask_name("王梅") == "王*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name(" 李 ") == "李"


def test_the_verification_page_needs_no_login_and_shows_no_personal_data(served: Any) -> None:
    today = timezone.localdate()
    certificate = certificate_issue(
        volunteer=served, period_start=today - timedelta(days=30), period_end=today, actor=None
    )
    response = Client().get(f"/verify/{certificate.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "黄*静" in html
    assert "黄文静" not in html
    assert served.number in html
    assert "5.5 小时" in html
    assert "焦家社区实践站" in html
    assert certificate.number in html
    assert HUANG_ID not in html
    assert served.person.id_number_masked not in html
    assert HUANG_ID[-4:] not in html
    if served.person.phone:
        assert served.person.phone not in html


def test_an_unknown_number_is_a_clear_404(db: Any) -> None:
    response = Client().get("/verify/LL-JIAOJIA-2026-999999/")
    assert response.status_code == 404
    assert "没有编号为 LL-JIAOJIA-2026-999999 的志愿服务证明" in response.content.decode()
    api = Client().get("/api/v1/certificates/LL-JIAOJIA-2026-999999")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_the_verification_api_needs_no_token_and_shows_no_personal_data(served: Any) -> None:
    today = timezone.localdate()
    certificate = certificate_issue(
        volunteer=served, period_start=today - timedelta(days=30), period_end=today, actor=None
    )
    response = Client().get(f"/api/v1/certificates/{certificate.number}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == certificate.number
    assert body["name_masked"] == "黄*静"
    assert body["volunteer_number"] == served.number
    assert body["total_hours"] == 5.5
    assert body["station"] == "焦家社区实践站"
    assert body["issued_at"].endswith("+08:00")
    text = response.content.decode()
    assert "黄文静" not in text
    assert HUANG_ID[-4:] not in text
    assert not {"id_number", "id_number_masked", "phone"} & set(body)


# --- the hours API ---------------------------------------------------------------------------------


def test_hours_total_equals_the_entries_and_gives_the_star_level(corps: Any, world: Any) -> None:
    today = timezone.localdate()
    credit(corps.volunteer, "99.5", today - timedelta(days=5), "big:1")
    second = credit(corps.volunteer, "4", today - timedelta(days=4), "big:2")
    credit(corps.volunteer, "0.75", today - timedelta(days=3), "big:3")
    staff = world.user(Role.STATION_STAFF)
    ledger_reverse(entry=second, reason="重复登记", approver=staff, actor=staff)
    response = Client().get(
        f"/api/v1/volunteers/{corps.volunteer.pk}/hours",
        **bearer(api_token(world.user(Role.VOLUNTEER))),
    )
    assert response.status_code == 200
    body = response.json()
    hours = [Decimal(str(entry["hours"])) for entry in body["entries"]]
    assert sum(hours) == Decimal(str(body["total_hours"])) == Decimal("100.25")
    assert body["star_level"] == 1
    reversal = next(entry for entry in body["entries"] if entry["kind"] == "reversal")
    assert reversal["hours"] == -4
    assert reversal["reverses"] == second.pk
    assert {"date", "activity", "description", "hours", "kind", "reverses"} <= set(reversal)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("self", 200),
        ("staff", 200),
        ("leader", 200),  # leads the volunteer's team
        ("supervisor", 200),
        ("other_volunteer", 404),
        ("outsider", 404),
        ("outside_supervisor", 404),
    ],
)
def test_who_may_read_hours_and_get_certificates(
    served: Any, corps: Any, world: Any, who: str, status: int
) -> None:
    users = {
        "self": world.user(Role.VOLUNTEER),
        "staff": world.user(Role.STATION_STAFF),
        "leader": world.user(Role.TEAM_LEADER),
        "supervisor": world.user(Role.SUPERVISOR),
        "outsider": world.outsider,
        "outside_supervisor": world.outside_supervisor,
    }
    if who == "other_volunteer":
        # The volunteer user asking for their team leader's record: not theirs to read.
        target, user = corps.leader, world.user(Role.VOLUNTEER)
    else:
        target, user = served, users[who]
    headers = bearer(api_token(user))
    hours = Client().get(f"/api/v1/volunteers/{target.pk}/hours", **headers)
    assert hours.status_code == status
    pdf = Client().get(f"/api/v1/volunteers/{target.pk}/certificate", **headers)
    assert pdf.status_code == status
    if status == 200:
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    else:
        assert pdf.json()["error"]["code"] == "not_found"
        assert not Certificate.objects.exists()


def test_the_certificate_api_takes_a_period(served: Any, world: Any) -> None:
    headers = bearer(api_token(world.user(Role.VOLUNTEER)))
    day = timezone.localdate() - timedelta(days=2)
    url = f"/api/v1/volunteers/{served.pk}/certificate?from={day}&to={day}"
    response = Client().get(url, **headers)
    assert response.status_code == 200
    certificate = Certificate.objects.get()
    assert (certificate.period_start, certificate.period_end) == (day, day)
    assert certificate.total_hours == Decimal("2.50")
    bad = Client().get(
        f"/api/v1/volunteers/{served.pk}/certificate?from={day}&to={day - timedelta(days=1)}",
        **headers,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"
    assert Client().get(f"/api/v1/volunteers/{served.pk}/certificate").status_code == 401


@needs_poppler
def test_every_character_printed_comes_back_exactly(served: Any) -> None:
    """The embedded font has "·", "—" and Latin letters at their own width: pdftotext reads the
    titles back character for character, words spaced as written."""
    today = timezone.localdate()
    credit(served, "1", today, "t:font", description="3·5学雷锋 Volunteer Day — 12·4")
    certificate = certificate_issue(
        volunteer=served, period_start=today, period_end=today, actor=None
    )
    content = certificate_pdf(certificate, verify_url="http://testserver/verify/x/")
    raw = subprocess.run(  # noqa: S603
        ["pdftotext", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert "3·5学雷锋 Volunteer Day — 12·4" in raw.splitlines()
    fonts = subprocess.run(  # noqa: S603
        ["pdffonts", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=False,
    ).stdout.decode("utf-8")
    if fonts:  # pdffonts reads stdin on recent poppler; the text check above is the contract
        assert "WenQuanYi" in fonts
