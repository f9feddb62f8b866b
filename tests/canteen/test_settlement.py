"""The monthly settlement: per funder and per tier, meals, price, subsidy and payable to the fen,
equal to the sum of the month's served orders (recomputed here from the rows); the xlsx for a
funder and the PDF statement; closing a month, after which nothing of it changes; a correction
booked into a later month.

The month is October 2026, laid down through the actions as it happened (`at=`), with prices
and subsidies in odd fen so a sum in floating point would show.
"""

import io
import random
import shutil
import subprocess
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from linli.accounts.models import Role
from linli.canteen.actions import (
    AdjustmentInput,
    TierInput,
    delivery_complete,
    delivery_take,
    order_cancel,
    order_place,
    order_serve,
    settlement_adjust,
    settlement_close,
    tier_create,
)
from linli.canteen.models import MealOrder, OrderStatus, SettlementMonth
from linli.canteen.settlement import figures_from_rows
from linli.core.errors import DomainError
from linli.people.actions import AddressInput
from tests.canteen.conftest import Caller, at, publish
from tests.conftest import add_resident, signed_in

OCTOBER = date(2026, 10, 1)
SETTLEMENT = "/api/v1/canteen/settlement"


@pytest.fixture
def october(canteen, corps, registry, family, world):
    """Thirty-one days of meals for twelve elders: ordered the day before, most served, some
    cancelled, a few never collected, some delivered by 黄文静."""
    rng = random.Random(20261001)  # noqa: S311 - a fixed plan, not a secret
    # A cheaper breakfast from the 10th: 民政's 0.35 top-up for the 90+ shows odd fen.
    tier_create(
        station=world.jiaojia,
        data=TierInput(
            name="90岁以上", funder_id=canteen.minzheng.pk, amount=Decimal("3.35"),
            effective_from=date(2026, 10, 10), min_age=90,
        ),
        actor=None,
    )  # fmt: skip
    elders = [registry.wang, family.father, family.son] + [
        add_resident(
            world.jiaojia,
            f"老人{chr(0x7532 + index)}",
            gender="F" if index % 2 else "M",
            birth_date=date(1930 + index * 3, 1 + index, 10),
            tags=frozenset({"low_income"}) if index == 4 else frozenset(),
            address=AddressInput("金桥花园", "1", "1", f"{101 + index}"),
        )
        for index in range(10)
    ]
    prices = {"breakfast": "3.85", "lunch": "11.35", "dinner": "9.95"}
    for offset in range(31):
        day = OCTOBER + timedelta(days=offset)
        eve = at(day - timedelta(days=1), 16)
        for meal, price in prices.items():
            menu = publish(
                world.jiaojia, day, meal, price=Decimal(price), now=eve, cutoff=at(day, 7)
            )
            for elder in rng.sample(elders, rng.randint(3, 9)):
                mode = rng.choice(["dine_in", "dine_in", "pickup", "delivery"])
                order = order_place(
                    menu=menu, resident=elder, mode=mode, channel="phone", actor=None, at=eve
                )
                fate = rng.random()
                if fate < 0.08:
                    order_cancel(order=order, actor=None, at=eve + timedelta(minutes=30))
                elif fate < 0.13:
                    continue  # never collected
                elif mode == "delivery":
                    task = delivery_take(
                        task=order.delivery, actor=None, volunteer=corps.volunteer, at=at(day, 10)
                    )
                    delivery_complete(task=task, actor=None, at=at(day, 11, 30))
                else:
                    order_serve(order=order, actor=None, at=at(day, 11, 45))
    return elders


def recomputed(station, month):
    """The month recomputed here from the rows: (funder, tier) → [meals, price, subsidy, payable]."""
    lines: defaultdict[tuple[int | None, int | None], list[Any]] = defaultdict(
        lambda: [0, Decimal("0"), Decimal("0"), Decimal("0")]
    )
    for order in MealOrder.objects.filter(
        station=station, status=OrderStatus.SERVED, date__year=month.year, date__month=month.month
    ):
        line = lines[(order.funder_id, order.tier_id)]
        line[0] += 1
        line[1] += order.price
        line[2] += order.subsidy
        line[3] += order.payable
    return dict(lines)


def test_the_settlement_equals_the_sum_of_the_served_orders(october, canteen, world):
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))

    body = operator.get(SETTLEMENT, month="2026-10").json()

    rows = recomputed(world.jiaojia, OCTOBER)
    served = MealOrder.objects.filter(station=world.jiaojia, status="served", date__month=10)
    assert body["month"] == "2026-10" and body["closed"] is False
    assert body["meals"] == served.count() == sum(line[0] for line in rows.values()) > 300
    assert Decimal(body["price_total"]) == sum(line[1] for line in rows.values())
    assert Decimal(body["subsidy_total"]) == sum(line[2] for line in rows.values())
    assert Decimal(body["payable_total"]) == sum(line[3] for line in rows.values())
    assert Decimal(body["price_total"]) == Decimal(body["subsidy_total"]) + Decimal(
        body["payable_total"]
    )
    for field in ("price_total", "subsidy_total", "payable_total"):
        assert body[field].count(".") == 1 and len(body[field].split(".")[1]) == 2
    by_tier = {(line["tier_id"]): line for line in body["by_tier"]}
    for (_funder, tier), (meals, price, subsidy, payable) in rows.items():
        line = by_tier[tier]
        assert (line["meals"], Decimal(line["price"]), Decimal(line["subsidy"]), Decimal(line["payable"])) == (
            meals, price, subsidy, payable,
        )  # fmt: skip
    by_funder = {line["funder"]: line for line in body["by_funder"]}
    assert set(by_funder) == {"当涂县民政局", "焦家社区居委会", None}
    minzheng = sum(line[2] for key, line in rows.items() if key[0] == canteen.minzheng.pk)
    assert Decimal(by_funder["当涂县民政局"]["subsidy"]) == minzheng
    assert by_funder[None]["subsidy"] == "0.00"  # meals without a subsidy: no funder pays


def test_closing_a_month_keeps_it_as_it_was(october, canteen, registry, world):
    staff = world.user(Role.STATION_STAFF)
    before = Caller(staff).get(SETTLEMENT, month="2026-10").json()
    waiting = (
        MealOrder.objects.filter(station=world.jiaojia, status="ordered", date__month=10)
        .exclude(mode="delivery")
        .first()
    )
    assert waiting is not None

    closed = settlement_close(station=world.jiaojia, month=OCTOBER, actor=staff)

    assert closed.meals == before["meals"]
    assert str(closed.subsidy_total) == before["subsidy_total"]
    assert {(line.tier_id, line.meals) for line in closed.lines.all()} == {
        (line["tier_id"], line["meals"]) for line in before["by_tier"]
    }
    # The kept figures equal the rows, recomputed.
    assert [
        (line.tier_id, line.meals, line.subsidy)
        for line in figures_from_rows(world.jiaojia, OCTOBER)
    ] == [(row.tier_id, row.meals, row.subsidy_total) for row in closed.lines.order_by("id")]
    after = Caller(staff).get(SETTLEMENT, month="2026-10").json()
    assert after["closed"] is True and after["closed_at"].endswith("+08:00")
    assert {key: after[key] for key in ("meals", "subsidy_total", "by_tier")} == {
        key: before[key] for key in ("meals", "subsidy_total", "by_tier")
    }
    # Nothing of October changes any more.
    for attempt in (
        lambda: order_serve(order=waiting, actor=None),
        lambda: order_cancel(order=waiting, actor=None, reason="补录"),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "month_closed"
    with pytest.raises(DomainError) as twice:
        settlement_close(station=world.jiaojia, month=OCTOBER, actor=staff)
    assert twice.value.code == "already_closed"


def test_a_month_not_over_cannot_be_closed(canteen, world):
    with pytest.raises(DomainError) as refused:
        settlement_close(station=world.jiaojia, month=date(2026, 12, 1), actor=None)
    assert refused.value.code == "month_not_over"


def test_a_correction_goes_into_a_later_month(october, canteen, world):
    staff = world.user(Role.STATION_STAFF)
    settlement_close(station=world.jiaojia, month=OCTOBER, actor=staff)
    october_before = Caller(staff).get(SETTLEMENT, month="2026-10").json()
    november = Caller(staff).get(SETTLEMENT, month="2026-11").json()

    settlement_adjust(
        station=world.jiaojia,
        data=AdjustmentInput(
            month=date(2026, 11, 1),
            corrects_month=OCTOBER,
            funder_id=canteen.juweihui.pk,
            tier_id=canteen.tiers["disabled"].pk,
            meals=-1,
            price=Decimal("-11.35"),
            subsidy=Decimal("-2.50"),
            payable=Decimal("-8.85"),
            reason="10月12日王秀梅午餐重复登记",
        ),
        actor=staff,
    )

    assert Caller(staff).get(SETTLEMENT, month="2026-10").json() == october_before
    corrected = Caller(staff).get(SETTLEMENT, month="2026-11").json()
    assert corrected["meals"] == november["meals"] - 1
    assert Decimal(corrected["subsidy_total"]) == Decimal(november["subsidy_total"]) - Decimal(
        "2.50"
    )
    (adjustment,) = corrected["adjustments"]
    assert (adjustment["corrects_month"], adjustment["subsidy"]) == ("2026-10", "-2.50")
    # Not into the closed month itself, nor correcting a month still open.
    with pytest.raises(DomainError) as closed:
        settlement_adjust(
            station=world.jiaojia,
            data=AdjustmentInput(
                OCTOBER, date(2026, 9, 1), None, 1, Decimal("1"), Decimal("0"), Decimal("1"), "x"
            ),
            actor=staff,
        )
    assert closed.value.code in {"month_closed", "month_open"}
    with pytest.raises(DomainError) as still_open:
        settlement_adjust(
            station=world.jiaojia,
            data=AdjustmentInput(
                date(2026, 12, 1),
                date(2026, 11, 1),
                None,
                1,
                Decimal("1"),
                Decimal("0"),
                Decimal("1"),
                "x",
            ),
            actor=staff,
        )
    assert still_open.value.code == "month_open"
    with pytest.raises(ValidationError):  # the amounts must add up
        settlement_adjust(
            station=world.jiaojia,
            data=AdjustmentInput(
                date(2026, 11, 1), OCTOBER, None, 1, Decimal("10"), Decimal("1"), Decimal("1"), "x"
            ),
            actor=staff,
        )


def test_the_funders_xlsx_lists_the_tiers_and_every_meal_as_text_and_numbers(
    october, canteen, world
):
    staff = world.user(Role.STATION_STAFF)
    settlement_close(station=world.jiaojia, month=OCTOBER, actor=staff)
    settlement_adjust(
        station=world.jiaojia,
        data=AdjustmentInput(
            date(2026, 11, 1), OCTOBER, canteen.minzheng.pk, 1, Decimal("11.35"), Decimal("3.00"),
            Decimal("8.35"), "=HYPERLINK(\"http://x\") 漏记一餐",
        ),
        actor=staff,
    )  # fmt: skip
    client = signed_in(staff)

    response = client.get(
        "/canteen/settlement/export.xlsx",
        {"station": "JIAOJIA", "month": "2026-10", "funder": canteen.minzheng.pk},
    )

    assert response.status_code == 200
    assert (
        "当涂县民政局" in response["Content-Disposition"]
        or "filename*" in response["Content-Disposition"]
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = list(book["结算汇总"].iter_rows(min_row=2, values_only=True))
    *lines, total = summary
    served = MealOrder.objects.filter(
        station=world.jiaojia, status="served", date__month=10, funder=canteen.minzheng
    )
    assert total[0] == "合计" and total[2] == served.count()
    assert Decimal(str(total[4])).quantize(Decimal("0.01")) == sum(o.subsidy for o in served)
    assert {line[0] for line in lines} == {"当涂县民政局"}
    details = list(book["用餐明细"].iter_rows(min_row=2, values_only=True))
    assert len(details) == served.count()
    cell = book["用餐明细"]["I2"]
    assert cell.number_format == "0.00" and cell.data_type == "n"
    assert book["用餐明细"]["C2"].data_type == "s"
    # November's correction: a reason typed as a formula stays text.
    november = client.get(
        "/canteen/settlement/export.xlsx", {"station": "JIAOJIA", "month": "2026-11"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(november.content))["更正"]
    assert sheet["H2"].value.startswith("=HYPERLINK") and sheet["H2"].data_type == "s"


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)
def test_the_pdf_statement_names_the_station_and_has_lines_to_sign(
    october, canteen, world, tmp_path
):
    staff = world.user(Role.STATION_STAFF)
    settlement_close(station=world.jiaojia, month=OCTOBER, actor=staff)
    body = Caller(staff).get(SETTLEMENT, month="2026-10").json()

    response = signed_in(staff).get(
        "/canteen/settlement/statement.pdf", {"station": "JIAOJIA", "month": "2026-10"}
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "statement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 - a fixed tool on a file of our own
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    compact = "".join(text.split())
    assert "银龄爱心食堂助餐补贴结算单" in compact
    assert "焦家社区实践站" in compact and "2026年10月" in compact
    assert "站点负责人（签字）" in compact and "出资方确认（签章）" in compact
    assert body["subsidy_total"] in compact and "已于" in compact
    # Printed with the project's embedded CJK font (linli.core.fonts), embedded in the file.
    fonts = subprocess.run(  # noqa: S603 - a fixed tool on a file of our own
        ["pdffonts", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "WenQuanYi" in fonts and "STSong" not in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines() if "WenQuanYi" in line)


def test_the_settlement_page_and_its_query_count(
    october, canteen, world, django_assert_max_num_queries
):
    client = signed_in(world.user(Role.CANTEEN_OPERATOR))
    with django_assert_max_num_queries(25):
        page = client.get("/canteen/settlement/", {"station": "JIAOJIA", "month": "2026-10"})
    assert page.status_code == 200
    html = page.content.decode()
    body = Caller(world.user(Role.CANTEEN_OPERATOR)).get(SETTLEMENT, month="2026-10").json()
    assert body["subsidy_total"] in html and "当涂县民政局" in html
    assert 'data-testid="close-month"' not in html  # the operator reads; staff close


def test_staff_close_the_month_on_the_page(october, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    page = client.get("/canteen/settlement/", {"month": "2026-10"})
    assert 'data-testid="close-month"' in page.content.decode()
    response = client.post("/canteen/settlement/close/", {"station": "JIAOJIA", "month": "2026-10"})
    assert response.status_code == 302
    assert SettlementMonth.objects.filter(station=world.jiaojia, month=OCTOBER).exists()
    operator = signed_in(world.user(Role.CANTEEN_OPERATOR))
    assert operator.post("/canteen/settlement/close/", {"month": "2026-09"}).status_code == 403


@pytest.mark.parametrize("month", ["2026-13", "26-10", "2026-1", "", "２０２６-10", "1899-01"])
def test_a_bad_month_is_422(canteen, world, month):
    response = Caller(world.user(Role.CANTEEN_OPERATOR)).get(SETTLEMENT, month=month)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_the_page_of_another_station_is_404(canteen, world):
    client = signed_in(world.outsider)
    assert client.get("/canteen/settlement/", {"station": "JIAOJIA"}).status_code == 404
    assert client.get("/canteen/settlement/export.xlsx", {"station": "JIAOJIA"}).status_code == 404
    assert Client().get("/canteen/settlement/").status_code == 302  # to sign in
