"""激励嘉许和回馈 (SPEC §7.1). Points and time-bank hours are ledger entries (linli.ledger); what
lives here is what they are spent on and why: the station's point rules, the 爱心超市's goods,
stock moves, redemptions and stock-takes, star announcements and honours.

Stock is kept like a balance: `ShopItem.stock` is written in the same transaction as each
`StockMove` under the item's row lock, never below zero (a database check), and always equals
the sum of the item's moves (账物相符, `incentives.queries.stock_reconcile`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointRule(models.Model):
    """One station's point rules (积分规则), edited by its staff; defaults from SPEC §3."""

    station = models.OneToOneField("org.Station", on_delete=models.PROTECT, related_name="+")
    points_per_hour = models.DecimalField(
        _("每小时服务积分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    well_rated_points = models.DecimalField(
        _("好评奖励积分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    recruit_points = models.DecimalField(
        _("推荐新志愿者积分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    no_show_points = models.DecimalField(
        _("爽约扣减积分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(points_per_hour__gte=0)
                & Q(well_rated_points__gte=0)
                & Q(no_show_points__gte=0),
                name="point_rule_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.points_per_hour}/h"


class Recruitment(models.Model):
    """Who brought a volunteer in (推荐人): once the recruit becomes active, the recruiter earns
    the station's recruiting points, once."""

    volunteer = models.OneToOneField(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="recruitment"
    )
    recruiter = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="recruits"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(volunteer=models.F("recruiter")), name="recruitment_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recruiter_id} → {self.volunteer_id}"


class StarAnnouncement(models.Model):
    """A star level a volunteer reached, told once (inbox and the station's channels)."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="star_announcements"
    )
    level = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=10, decimal_places=2)
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["volunteer_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "level"], name="star_announced_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.level}★"


# --- 爱心超市 -------------------------------------------------------------------------------------


def shop_photo_path(item: ShopItem, filename: str) -> str:
    return f"shop/{item.station_id}/{filename}"


class ShopItem(models.Model):
    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="shop_items")
    name = models.CharField(_("物品名称"), max_length=60)
    unit = models.CharField(_("单位"), max_length=10, default="件")
    points = models.PositiveIntegerField(
        _("兑换积分"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    stock = models.IntegerField(_("库存"), default=0)
    photo = models.ImageField(_("照片"), upload_to=shop_photo_path, blank=True)
    active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="shop_stock_never_negative"),
            models.CheckConstraint(condition=Q(points__gte=1), name="shop_points_positive"),
            models.UniqueConstraint(fields=["station", "name"], name="shop_item_name_once"),
        ]
        verbose_name = _("爱心超市物品")
        verbose_name_plural = _("爱心超市物品")

    def __str__(self) -> str:
        return self.name


class MoveKind(models.TextChoices):
    IN = "in", _("入库")
    OUT = "out", _("出库")
    WRITE_OFF = "write_off", _("报损")
    REDEMPTION = "redemption", _("兑换")
    RETURN = "return", _("兑换退回")
    ADJUSTMENT = "adjustment", _("盘点调整")


class StockTake(models.Model):
    """盘点: counted quantities, the book figures they were compared with, and the adjustments."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200)
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self) -> str:
        return f"{self.station_id} {self.taken_at:%Y-%m-%d}"


class StockTakeLine(models.Model):
    stock_take = models.ForeignKey(StockTake, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="+")
    book = models.IntegerField(_("账面数量"))
    counted = models.PositiveIntegerField(_("实盘数量"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stock_take", "item"], name="stock_take_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.book}→{self.counted}"

    @property
    def difference(self) -> int:
        return self.counted - self.book


class RedemptionStatus(models.TextChoices):
    RESERVED = "reserved", _("已预约")
    HANDED_OVER = "handed_over", _("已领取")
    CANCELLED = "cancelled", _("已取消")


REDEMPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    RedemptionStatus.RESERVED: frozenset(
        {RedemptionStatus.HANDED_OVER, RedemptionStatus.CANCELLED}
    ),
    RedemptionStatus.HANDED_OVER: frozenset(),
    RedemptionStatus.CANCELLED: frozenset(),
}


class Redemption(models.Model):
    """A redemption: reserved (stock and points held at once, a 6-digit pick-up code), then
    handed over by staff who check the code, or cancelled (by the volunteer, staff, or expiry
    after SHOP_RESERVATION_DAYS), which returns the points and the stock."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="redemptions")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="redemptions"
    )
    quantity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    points = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=RedemptionStatus.choices, default=RedemptionStatus.RESERVED
    )
    pickup_code = models.CharField(_("取货码"), max_length=6)
    reserved_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reserved_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="redemption_due")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="redemption_quantity"),
            # A code is unique among a station's open reservations, so the counter finds one.
            models.UniqueConstraint(
                fields=["station", "pickup_code"],
                condition=Q(status="reserved"),
                name="redemption_open_code_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}×{self.quantity} {self.status}"


class StockMove(models.Model):
    """One row per change of stock; the item's stock is the sum of its moves."""

    item = models.ForeignKey(ShopItem, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(max_length=12, choices=MoveKind.choices)
    quantity = models.IntegerField()  # signed: + into stock, − out of it
    reason = models.CharField(_("原因"), max_length=200)
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    stock_take = models.ForeignKey(
        StockTake, on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    moved_at = models.DateTimeField(default=timezone.now, db_index=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["moved_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero"),
            models.UniqueConstraint(
                fields=["redemption", "kind"],
                condition=Q(redemption__isnull=False),
                name="stock_move_once_per_redemption",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.quantity}"


# --- time bank payments for service requests -------------------------------------------------------


class TimebankPayment(models.Model):
    """A service request paid from the time bank: by a volunteer's account (chosen at
    submission, refused when empty) or by the station's pool (staff decision); the hours served
    are debited on completion, once."""

    service_request = models.OneToOneField(
        "assistance.ServiceRequest", on_delete=models.PROTECT, related_name="timebank_payment"
    )
    payer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timebank_payments",
    )
    pool_station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hours_paid = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(payer__isnull=False) | Q(pool_station__isnull=False),
                name="timebank_payment_has_payer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_request_id} {self.hours_paid}"


# --- honours (嘉许) --------------------------------------------------------------------------------


class HonourKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者")
    TEAM = "team", _("志愿服务队")
    FAMILY = "family", _("家庭")


class HonourStatus(models.TextChoices):
    NOMINATING = "nominating", _("提名中")
    PUBLICIZED = "publicized", _("公示中")
    AWARDED = "awarded", _("已授予")


HONOUR_TRANSITIONS: dict[str, frozenset[str]] = {
    HonourStatus.NOMINATING: frozenset({HonourStatus.PUBLICIZED}),
    HonourStatus.PUBLICIZED: frozenset({HonourStatus.AWARDED}),
    HonourStatus.AWARDED: frozenset(),
}


class Honour(models.Model):
    """A yearly title of one station (优秀志愿者, 五好家庭 …): nominations, review, a 公示 of
    HONOUR_NOTICE_DAYS on the station's public page, then the award."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="honours")
    title = models.CharField(_("荣誉名称"), max_length=60)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("对象"), max_length=10, choices=HonourKind.choices)
    granted_by = models.CharField(_("授予单位"), max_length=100)
    status = models.CharField(
        max_length=12, choices=HonourStatus.choices, default=HonourStatus.NOMINATING
    )
    notice_starts_at = models.DateTimeField(null=True, blank=True)
    notice_ends_at = models.DateTimeField(null=True, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["station", "title", "year"], name="honour_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class NominationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("审核通过")
    DECLINED = "declined", _("未通过")


class Nomination(models.Model):
    honour = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="nominations")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The name shown on the notice and the roll: the volunteer's or team's name, the family's head.
    display_name = models.CharField(_("名称"), max_length=60)
    reason = models.CharField(_("推荐理由"), max_length=500)
    status = models.CharField(
        max_length=10, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    nominated_at = models.DateTimeField(default=timezone.now)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    award = models.OneToOneField(
        "volunteers.VolunteerAward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nomination",
    )

    class Meta:
        ordering = ["honour_id", "nominated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(volunteer__isnull=False, team__isnull=True, household__isnull=True)
                    | Q(volunteer__isnull=True, team__isnull=False, household__isnull=True)
                    | Q(volunteer__isnull=True, team__isnull=True, household__isnull=False)
                ),
                name="nomination_one_nominee",
            ),
            models.UniqueConstraint(
                fields=["honour", "volunteer"],
                condition=Q(volunteer__isnull=False),
                name="nomination_volunteer_once",
            ),
            models.UniqueConstraint(
                fields=["honour", "team"],
                condition=Q(team__isnull=False),
                name="nomination_team_once",
            ),
            models.UniqueConstraint(
                fields=["honour", "household"],
                condition=Q(household__isnull=False),
                name="nomination_household_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.honour_id} {self.display_name}"
