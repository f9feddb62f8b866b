"""A stateful property over the whole rule: verified hours, points adjustments, redemptions,
cancellations, expiries, deposits, transfers, donations and pool payments in any order — after
every step each kept balance equals the sum of its entries, each item's stock equals the sum of
its moves, nothing is below zero, and the model's own figures agree with the books."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from linli.core.errors import DomainError
from linli.incentives.actions.points import points_adjust
from linli.incentives.actions.shop import (
    redemption_cancel,
    redemption_hand_over,
    redemption_reserve,
    redemptions_expire,
    shop_item_create,
    stock_move,
)
from linli.incentives.actions.timebank import (
    depositable_hours,
    timebank_deposit,
    timebank_donate,
    timebank_transfer,
)
from linli.incentives.models import Redemption, ShopItem
from linli.incentives.queries import balances_reconcile, pool_balance, stock_reconcile
from linli.ledger.models import Account, Balance, LedgerEntry
from linli.ledger.queries import balance
from linli.people.models import Household, Resident
from tests.conftest import make_volunteer
from tests.incentives.conftest import serve

HOURS = st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n) / 2)


def test_books_balance_whatever_happens(world, corps):
    household = Household.objects.filter(station=world.jiaojia).first()
    assert household is not None
    mother = make_volunteer(world.jiaojia, None, "黄母", date(1965, 1, 1), 21, phone="13811119999")
    Resident.objects.filter(pk__in=[corps.volunteer.person_id, mother.person_id]).update(
        household=household
    )
    corps.volunteer.person.refresh_from_db()
    mother.person.refresh_from_db()
    people = [corps.volunteer, mother]

    class Incentives(RuleBasedStateMachine):
        items = Bundle("items")
        reserved = Bundle("reserved")

        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.hours = {person.pk: Decimal("0") for person in people}
            self.pool = Decimal("0")

        @rule(who=st.sampled_from([0, 1]), hours=HOURS)
        def verified_hours(self, who: int, hours: Decimal) -> None:
            serve(people[who], hours)
            self.hours[people[who].pk] += hours

        @rule(who=st.sampled_from([0, 1]), points=st.integers(min_value=-300, max_value=300))
        def adjust(self, who: int, points: int) -> None:
            if points == 0:
                return
            before = balance(people[who], Account.POINTS)
            try:
                points_adjust(
                    volunteer=people[who], amount=Decimal(points), reason="调整", actor=None
                )
            except DomainError:
                assert before + points < 0

        @rule(
            target=items, points=st.integers(min_value=10, max_value=200), stock=st.integers(0, 5)
        )
        def shelve(self, points: int, stock: int) -> ShopItem:
            name = f"物品{ShopItem.objects.count() + 1}"
            return shop_item_create(
                station=world.jiaojia, name=name, points=points, stock=stock, actor=None
            )

        @rule(item=items, quantity=st.integers(min_value=-3, max_value=6))
        def move_stock(self, item: ShopItem, quantity: int) -> None:
            if quantity == 0:
                return
            try:
                stock_move(item=item, quantity=quantity, reason="出入库", actor=None)
            except DomainError:
                assert ShopItem.objects.get(pk=item.pk).stock + quantity < 0

        @rule(target=reserved, item=items, who=st.sampled_from([0, 1]), quantity=st.integers(1, 3))
        def redeem(self, item: ShopItem, who: int, quantity: int) -> Redemption | None:
            try:
                return redemption_reserve(
                    item=item, volunteer=people[who], quantity=quantity, actor=None
                )
            except DomainError as error:
                assert error.code in {"out_of_stock", "insufficient_points"}
                return None

        @rule(redemption=consumes(reserved), hand_over=st.booleans())
        def settle(self, redemption: Redemption | None, hand_over: bool) -> None:
            if redemption is None:
                return
            if Redemption.objects.get(pk=redemption.pk).status != "reserved":
                return  # expired meanwhile: the sweep cancelled it
            if hand_over:
                redemption_hand_over(
                    redemption=redemption, pickup_code=redemption.pickup_code, actor=None
                )
            else:
                redemption_cancel(redemption=redemption, reason="本人取消", actor=None)

        @rule()
        def expire(self) -> None:
            redemptions_expire(now=timezone.now() + timedelta(days=8))

        @rule(who=st.sampled_from([0, 1]), hours=HOURS)
        def deposit(self, who: int, hours: Decimal) -> None:
            free = depositable_hours(people[who])
            try:
                timebank_deposit(volunteer=people[who], hours=hours, actor=None)
            except DomainError:
                assert hours > free

        @rule(who=st.sampled_from([0, 1]), hours=HOURS)
        def give(self, who: int, hours: Decimal) -> None:
            try:
                timebank_transfer(
                    giver=people[who], receiver=people[1 - who], hours=hours, note="", actor=None
                )
            except DomainError:
                assert balance(people[who], Account.TIMEBANK) < hours

        @rule(who=st.sampled_from([0, 1]), hours=HOURS)
        def donate(self, who: int, hours: Decimal) -> None:
            try:
                timebank_donate(volunteer=people[who], hours=hours, actor=None)
                self.pool += hours
            except DomainError:
                assert balance(people[who], Account.TIMEBANK) < hours

        @invariant()
        def books_balance(self) -> None:
            assert balances_reconcile() == []
            assert stock_reconcile() == []
            assert not Balance.objects.filter(amount__lt=0).exists()
            assert not ShopItem.objects.filter(stock__lt=0).exists()
            for person in people:
                assert balance(person) == self.hours[person.pk]
                deposited = LedgerEntry.objects.filter(
                    volunteer=person, account=Account.TIMEBANK, kind="deposit"
                )
                assert sum(e.amount for e in deposited) <= self.hours[person.pk]
            assert pool_balance(world.jiaojia) == self.pool

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    run_state_machine_as_test(
        Incentives,
        settings=hypothesis_settings(max_examples=20, stateful_step_count=20, deadline=None),
    )
