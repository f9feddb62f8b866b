"""The staff's incentives pages beyond the counter: recording a volunteer's 推荐人 on their points
page, the station's 公益池 paying for an elder's request, and the award asking once. Each found
as staff type (htmx answers the list only), each irreversible step behind its question, each
refused for anyone who does not run the station."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from linli.accounts.models import Role
from linli.assistance.models import ServiceRequest
from linli.incentives.actions.honours import (
    honour_create,
    honour_publicize,
    nomination_create,
    nomination_review,
)
from linli.incentives.actions.timebank import timebank_deposit, timebank_donate
from linli.incentives.models import Honour, Recruitment, TimebankPayment
from linli.incentives.queries import balances_reconcile, pool_balance
from linli.incentives.rules import rule_for
from linli.ledger.models import Account
from linli.ledger.queries import balance
from linli.volunteers.models import VolunteerAward
from tests.conftest import signed_in, submit_request
from tests.incentives.conftest import serve


def test_staff_find_and_record_a_recruiter_who_earns_the_points_once(world, corps):
    staff = signed_in(world.user(Role.STATION_STAFF))
    page_url = f"/incentives/points/{corps.volunteer.pk}/"
    url = f"/incentives/points/{corps.volunteer.pk}/recruiter/"
    profile = staff.get(f"/volunteers/{corps.volunteer.pk}/").content.decode()
    assert f'href="{page_url}"' in profile  # the volunteer's page leads to the card
    page = staff.get(page_url).content.decode()
    assert 'data-testid="recruiter-search"' in page
    # As staff type: the list only, the station's other active volunteers, each with its question.
    found = staff.get(url, {"q": "zzq"}, HTTP_HX_REQUEST="true")
    text = found.content.decode()
    assert found.status_code == 200 and "<html" not in text
    assert f'data-testid="candidate-{corps.leader.pk}"' in text
    points = rule_for(world.jiaojia.pk).recruit_points
    assert f"张志强立即获得{points.normalize():f}积分" in text
    other_station = staff.get(url, {"q": "钱进"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-testid="candidate-{corps.outsider.pk}"' not in other_station
    assert "没有找到“钱进”" in other_station
    pending = staff.get(url, {"q": "周晓燕"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-testid="candidate-{corps.applicant.pk}"' not in pending
    # Without htmx the same search answers the whole page.
    assert "<html" in staff.get(url, {"q": "张志强"}).content.decode()
    done = staff.post(url, {"recruiter": corps.leader.pk, "q": "张志强"}, HTTP_HX_REQUEST="true")
    assert "已登记推荐人：张志强" in done.content.decode()
    assert Recruitment.objects.get(volunteer=corps.volunteer).recruiter == corps.leader
    assert balance(corps.leader, Account.POINTS) == points
    # Once: a second one is refused on the card, and the card now names the recruiter.
    again = staff.post(url, {"recruiter": corps.leader.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "已经登记过推荐人" in again and 'data-testid="recruiter-name"' in again
    assert balance(corps.leader, Account.POINTS) == points
    # Without htmx: a message on the points page.
    refused = staff.post(url, {"recruiter": corps.leader.pk}, follow=True)
    assert "已经登记过推荐人" in refused.content.decode()
    assert staff.post(url, {"recruiter": "x"}, follow=True).status_code == 200


def test_a_pending_recruit_earns_their_recruiter_nothing_yet(world, corps):
    staff = signed_in(world.user(Role.STATION_STAFF))
    url = f"/incentives/points/{corps.applicant.pk}/recruiter/"
    question = staff.get(url, {"q": "黄文静"}, HTTP_HX_REQUEST="true").content.decode()
    assert "周晓燕成为在册志愿者后" in question
    staff.post(url, {"recruiter": corps.volunteer.pk})
    assert Recruitment.objects.filter(volunteer=corps.applicant).exists()
    assert balance(corps.volunteer, Account.POINTS) == 0


def test_only_staff_who_run_the_station_record_recruiters(world, corps):
    url = f"/incentives/points/{corps.volunteer.pk}/recruiter/"
    for role in (Role.VOLUNTEER, Role.TEAM_LEADER, Role.SUPERVISOR):
        client = signed_in(world.user(role))
        assert client.get(url, {"q": "张"}).status_code == 404, role
        assert client.post(url, {"recruiter": corps.leader.pk}).status_code == 404, role
    assert world.outsider is not None
    outsider = signed_in(world.outsider)
    assert outsider.post(url, {"recruiter": corps.leader.pk}).status_code == 404
    # Staff may not name a recruiter of another station either.
    staff = signed_in(world.user(Role.STATION_STAFF))
    assert staff.post(url, {"recruiter": corps.outsider.pk}).status_code == 404
    assert not Recruitment.objects.exists()
    # The volunteer's own points page has no card for it.
    own = signed_in(world.user(Role.VOLUNTEER)).get("/incentives/points/").content.decode()
    assert 'id="recruiter"' not in own


def _fill_pool(world, corps, hours="4"):
    serve(corps.volunteer, hours)
    timebank_deposit(volunteer=corps.volunteer, hours=Decimal(hours), actor=None)
    timebank_donate(volunteer=corps.volunteer, hours=Decimal(hours), actor=None)


def test_the_pool_pays_for_an_open_request_on_completion(world, corps, menu):
    _fill_pool(world, corps)
    elder = submit_request(world.jiaojia, channel="phone", description="代买降压药")
    staff = signed_in(world.user(Role.STATION_STAFF))
    page = staff.get("/incentives/timebank/pool/").content.decode()
    assert 'data-testid="pool-balance">4<' in page and f'data-testid="request-{elder.pk}"' in page
    found = staff.get(
        "/incentives/timebank/pool/", {"q": "降压药"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in found and f'data-testid="request-{elder.pk}"' in found
    assert f"将由本站公益池（现有4小时）支付第{elder.pk}号点单（王秀梅）" in found
    assert (
        "降压药"
        not in staff.get(
            "/incentives/timebank/pool/", {"q": "修电视"}, HTTP_HX_REQUEST="true"
        ).content.decode()
    )
    paid = staff.post(
        "/incentives/timebank/pool/",
        {"service_request": elder.pk, "q": "降压药"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f"已决定由公益池支付第{elder.pk}号点单" in paid
    payment = TimebankPayment.objects.get(service_request=elder)
    assert payment.pool_station == world.jiaojia and payment.hours_paid is None
    assert pool_balance(world.jiaojia) == Decimal("4")  # debited on completion
    again = staff.post(
        "/incentives/timebank/pool/", {"service_request": elder.pk}, HTTP_HX_REQUEST="true"
    )
    assert "已经由时间银行支付" in again.content.decode()
    assert TimebankPayment.objects.count() == 1


def test_the_pool_pays_a_completed_request_at_once_and_never_a_cancelled_one(world, corps, menu):
    _fill_pool(world, corps, "3")
    done = submit_request(world.jiaojia, channel="phone", description="陪同就医")
    ServiceRequest.objects.filter(pk=done.pk).update(
        status="completed", hours=Decimal("1.5"), completed_at=timezone.now()
    )
    gone = submit_request(world.jiaojia, channel="phone", description="已取消的")
    ServiceRequest.objects.filter(pk=gone.pk).update(status="cancelled")
    staff = signed_in(world.user(Role.STATION_STAFF))
    page = staff.get("/incentives/timebank/pool/").content.decode()
    assert (
        "已完成服务的1.5小时，立即扣除" in page and f'data-testid="request-{gone.pk}"' not in page
    )
    answer = staff.post("/incentives/timebank/pool/", {"service_request": done.pk}, follow=True)
    assert f"已从公益池支付第{done.pk}号点单 1.5 小时" in answer.content.decode()
    assert pool_balance(world.jiaojia) == Decimal("1.5")
    refused = staff.post("/incentives/timebank/pool/", {"service_request": gone.pk}, follow=True)
    assert "不能支付" in refused.content.decode()
    assert not TimebankPayment.objects.filter(service_request=gone).exists()
    assert balances_reconcile() == []


def test_only_staff_who_run_the_station_decide_for_the_pool(world, corps, menu):
    _fill_pool(world, corps)
    elder = submit_request(world.jiaojia, channel="phone")
    for role in (Role.VOLUNTEER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.RESIDENT):
        client = signed_in(world.user(role))
        assert client.get("/incentives/timebank/pool/").status_code == 403, role
        assert (
            client.post("/incentives/timebank/pool/", {"service_request": elder.pk}).status_code
            == 403
        ), role
    assert world.outsider is not None
    outsider = signed_in(world.outsider)  # 黄池's staff
    assert (
        f'data-testid="request-{elder.pk}"'
        not in outsider.get("/incentives/timebank/pool/").content.decode()
    )
    assert (
        outsider.post("/incentives/timebank/pool/", {"service_request": elder.pk}).status_code
        == 404
    )
    assert not TimebankPayment.objects.exists()


def test_the_award_asks_once_with_the_number_it_honours(world, corps):
    honour = honour_create(
        station=world.jiaojia, title="优秀志愿者", year=2026, kind="volunteer", actor=None
    )
    for volunteer in (corps.volunteer, corps.leader):
        nomination = nomination_create(
            honour=honour, volunteer=volunteer, reason="服务突出", actor=None
        )
        nomination_review(nomination=nomination, accept=True, actor=None)
    honour_publicize(honour=honour, actor=None, at=timezone.now() - timedelta(days=8))
    staff = signed_in(world.user(Role.STATION_STAFF))
    page = staff.get("/incentives/honours/").content.decode()
    assert "将授予2名志愿者「优秀志愿者」并通知本人，确认？" in page
    assert 'data-testid="award-confirm"' in page
    staff.post(f"/incentives/honours/{honour.pk}/award/")
    assert Honour.objects.get(pk=honour.pk).status == "awarded"
    assert VolunteerAward.objects.filter(name="2026年度优秀志愿者").count() == 2
    inbox = signed_in(world.user(Role.VOLUNTEER)).get("/inbox/")
    assert "恭喜！您获得「2026年度优秀志愿者」" in inbox.content.decode()
