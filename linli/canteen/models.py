"""银龄爱心食堂 (SPEC §7.1): menus per day and meal, subsidy tiers and their funders, meal orders,
delivery tasks for volunteers, and the monthly settlement with each funder.

Money is yuan as `Decimal` with two places (`DecimalField`), never float. An order fixes its price,
subsidy, payable amount, tier and funder when it is placed; nothing changes them afterwards. A
closed month (`SettlementMonth`) keeps the figures it was closed with; a correction is a
`SettlementAdjustment` booked into a later month.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.people.models import Tag

FEN = Decimal("0.01")
MAX_PRICE = Decimal("999.99")


def yuan(value: Decimal | int | str) -> Decimal:
    """An amount in yuan to the fen (ROUND_HALF_UP), from a Decimal, an int or a string."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("早餐")
    LUNCH = "lunch", _("午餐")
    DINNER = "dinner", _("晚餐")


MEAL_ORDER = {Meal.BREAKFAST: 0, Meal.LUNCH: 1, Meal.DINNER: 2}


class NutritionNote(models.TextChoices):
    """What the kitchen says of a menu, for elders on a diet."""

    LOW_SALT = "low_salt", _("低盐")
    LOW_SUGAR = "low_sugar", _("低糖")
    SOFT = "soft", _("软烂易嚼")


# Registry tags a subsidy tier may require (SPEC §5; `minor` is derived, never a tier's).
TIER_TAGS = [(value, label) for value, label in Tag.choices if value != Tag.MINOR]


class Funder(models.Model):
    """Who pays a subsidy: 县民政局 (the 民政 budget), the 居委会, a charity (爱心企业)."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="funders")
    name = models.CharField(_("出资方"), max_length=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "id"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="funder_once")]
        verbose_name = _("补贴出资方")
        verbose_name_plural = _("补贴出资方")

    def __str__(self) -> str:
        return self.name


class SubsidyTier(models.Model):
    """A subsidy per meal for residents of an age band and/or with a registry tag, paid by one
    funder, from `effective_from` to `effective_until` (inclusive; open-ended when empty).

    A tier's rule and amount never change once created: a new amount is a new tier from a date
    (`tier_create` with `replaces` ends the old one the day before). Of the tiers a person meets
    on a meal's date the highest applies, never two (`linli.canteen.tiers.choose_tier`).
    """

    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="subsidy_tiers"
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="tiers", verbose_name=_("出资方")
    )
    name = models.CharField(_("补贴档次"), max_length=50)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("最高年龄"), null=True, blank=True)
    tag = models.CharField(_("登记标签"), max_length=20, choices=TIER_TAGS, blank=True)
    amount = models.DecimalField(_("每餐补贴（元）"), max_digits=6, decimal_places=2)
    effective_from = models.DateField(_("起始日期"))
    effective_until = models.DateField(_("截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "-effective_from", "-amount", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tier_amount_positive"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="tier_age_band_ordered",
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="tier_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=False) | ~Q(tag=""), name="tier_has_a_rule"
            ),
        ]
        verbose_name = _("补贴档次")
        verbose_name_plural = _("补贴档次")

    def __str__(self) -> str:
        return self.name

    def in_effect(self, on: date) -> bool:
        return self.effective_from <= on and (
            self.effective_until is None or on <= self.effective_until
        )

    @property
    def age_band(self) -> str:
        """ "60–69岁", "80岁以上", or "" for a tier by tag alone."""
        if self.min_age is None:
            return ""
        if self.max_age is None:
            return f"{self.min_age}岁以上"
        return f"{self.min_age}–{self.max_age}岁"


class Menu(models.Model):
    """One meal of one day at a station: its dishes, price, nutrition notes and the moment after
    which residents can no longer order or cancel it (`cutoff_at`)."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="menus")
    date = models.DateField(_("日期"))
    meal = models.CharField(_("餐次"), max_length=10, choices=Meal.choices)
    dishes = models.JSONField(_("菜品"), default=list)
    price = models.DecimalField(_("价格（元）"), max_digits=6, decimal_places=2)
    notes = models.JSONField(_("营养提示"), default=list, blank=True)
    cutoff_at = models.DateTimeField(_("订餐截止"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "date", "meal"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date", "meal"], name="menu_once"),
            models.CheckConstraint(condition=Q(price__gte=0), name="menu_price_not_negative"),
        ]
        verbose_name = _("菜单")
        verbose_name_plural = _("菜单")

    def __str__(self) -> str:
        return f"{self.date} {self.get_meal_display()}"

    def note_labels(self) -> list[str]:
        labels = dict(NutritionNote.choices)
        return [str(labels[code]) for code in self.notes if code in labels]


class Mode(models.TextChoices):
    DINE_IN = "dine_in", _("堂食")
    PICKUP = "pickup", _("自取")
    DELIVERY = "delivery", _("送餐上门")


class OrderChannel(models.TextChoices):
    SELF = "self", _("本人订餐")
    FAMILY = "family", _("家属代订")
    PHONE = "phone", _("电话订餐")
    COUNTER = "counter", _("窗口现场")


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("已订餐")
    SERVED = "served", _("已供餐")
    CANCELLED = "cancelled", _("已取消")


# The one table of an order's moves. A delivery order is served when its meal is delivered.
ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.ORDERED: {OrderStatus.SERVED, OrderStatus.CANCELLED},
    OrderStatus.SERVED: set(),
    OrderStatus.CANCELLED: set(),
}


class MealOrder(models.Model):
    """One meal for one resident: fixed price, subsidy, payable amount, tier and funder.

    One order per person per meal slot (a cancelled one frees the slot), so a person never gets
    two subsidised meals in one slot. `age` is the age on the meal's date that chose the tier.
    """

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="meal_orders")
    menu = models.ForeignKey(Menu, on_delete=models.PROTECT, related_name="orders")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="meal_orders"
    )
    date = models.DateField(_("日期"))
    meal = models.CharField(_("餐次"), max_length=10, choices=Meal.choices)
    mode = models.CharField(_("用餐方式"), max_length=10, choices=Mode.choices)
    channel = models.CharField(_("订餐渠道"), max_length=10, choices=OrderChannel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ORDERED
    )
    price = models.DecimalField(_("价格"), max_digits=6, decimal_places=2)
    subsidy = models.DecimalField(_("补贴"), max_digits=6, decimal_places=2)
    payable = models.DecimalField(_("应付"), max_digits=6, decimal_places=2)
    tier = models.ForeignKey(
        SubsidyTier, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    age = models.PositiveSmallIntegerField(_("年龄"))
    note = models.CharField(_("备注"), max_length=100, blank=True)
    delivery_address = models.CharField(_("送餐地址"), max_length=200, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ordered_at = models.DateTimeField(_("订餐时间"), default=timezone.now)
    served_at = models.DateTimeField(_("供餐时间"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "meal", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "date", "meal"],
                condition=~Q(status="cancelled"),
                name="one_meal_per_person_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(subsidy__gte=0) & Q(subsidy__lte=models.F("price")) & Q(payable__gte=0),
                name="order_amounts_in_range",
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=True, subsidy=0) | Q(tier__isnull=False, subsidy__gt=0),
                name="order_subsidy_has_tier",
            ),
        ]
        indexes = [
            models.Index(fields=["station", "date", "meal"], name="meal_order_slot"),
            models.Index(fields=["station", "status", "date"], name="meal_order_status"),
        ]
        verbose_name = _("订餐")
        verbose_name_plural = _("订餐")

    def __str__(self) -> str:
        return f"{self.date} {self.get_meal_display()} #{self.pk}"


class DeliveryStatus(models.TextChoices):
    OPEN = "open", _("待接单")
    TAKEN = "taken", _("配送中")
    DELIVERED = "delivered", _("已送达")
    CANCELLED = "cancelled", _("已取消")


# A volunteer takes an open task and may give it back; the volunteer (or canteen staff, who
# also deliver themselves) marks it delivered; cancelling the order cancels its task.
DELIVERY_TRANSITIONS: dict[str, set[str]] = {
    DeliveryStatus.OPEN: {DeliveryStatus.TAKEN, DeliveryStatus.DELIVERED, DeliveryStatus.CANCELLED},
    DeliveryStatus.TAKEN: {
        DeliveryStatus.OPEN,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.CANCELLED,
    },
    DeliveryStatus.DELIVERED: set(),
    DeliveryStatus.CANCELLED: set(),
}


class DeliveryTask(models.Model):
    """送餐上门: a delivery order offered to the station's volunteers. Delivered by a volunteer,
    it is service time in the ledger (`EntryKind.DELIVERY`)."""

    order = models.OneToOneField(MealOrder, on_delete=models.PROTECT, related_name="delivery")
    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="meal_deliveries"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.OPEN
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meal_deliveries",
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order__date", "order__meal", "id"]
        indexes = [models.Index(fields=["station", "status"], name="meal_delivery_status")]
        verbose_name = _("送餐任务")
        verbose_name_plural = _("送餐任务")

    def __str__(self) -> str:
        return f"{self.order} {self.get_status_display()}"


class SettlementMonth(models.Model):
    """A closed month: its totals as closed. Orders of a closed month never change again."""

    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="canteen_settlements"
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    meals = models.IntegerField(_("餐数"))
    price_total = models.DecimalField(_("餐费合计"), max_digits=12, decimal_places=2)
    subsidy_total = models.DecimalField(_("补贴合计"), max_digits=12, decimal_places=2)
    payable_total = models.DecimalField(_("个人应付合计"), max_digits=12, decimal_places=2)
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["station_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["station", "month"], name="settlement_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="settlement_month_first_day"),
        ]
        verbose_name = _("月度结算")
        verbose_name_plural = _("月度结算")

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m}"


class SettlementLine(models.Model):
    """One funder and tier of a closed month, with the names they had when it was closed."""

    settlement = models.ForeignKey(SettlementMonth, on_delete=models.PROTECT, related_name="lines")
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        SubsidyTier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funder_name = models.CharField(max_length=100, blank=True)
    tier_name = models.CharField(max_length=50, blank=True)
    meals = models.IntegerField()
    price_total = models.DecimalField(max_digits=12, decimal_places=2)
    subsidy_total = models.DecimalField(max_digits=12, decimal_places=2)
    payable_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["settlement_id", "id"]

    def __str__(self) -> str:
        return f"{self.settlement} {self.funder_name} {self.tier_name}"


class SettlementAdjustment(models.Model):
    """A correction of a closed month, booked into a later, open month (the closed one stays as
    it was): meals and amounts to add (negative to take away), with a reason."""

    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="canteen_adjustments"
    )
    month = models.DateField(_("计入月份"))
    corrects_month = models.DateField(_("更正月份"))
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("出资方"),
    )
    tier = models.ForeignKey(
        SubsidyTier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("补贴档次"),
    )
    meals = models.IntegerField(_("餐数"))
    price = models.DecimalField(_("餐费"), max_digits=10, decimal_places=2)
    subsidy = models.DecimalField(_("补贴"), max_digits=10, decimal_places=2)
    payable = models.DecimalField(_("个人应付"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("更正原因"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gt=models.F("corrects_month")),
                name="adjustment_in_a_later_month",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_has_reason"),
        ]
        verbose_name = _("结算更正")
        verbose_name_plural = _("结算更正")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ← {self.corrects_month:%Y-%m}"
