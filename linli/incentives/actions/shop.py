"""爱心超市: goods, stock moves, redemptions and stock-takes.

Invariants: an item's stock is written only with a `StockMove` of the same quantity, under the
item's row lock, and never goes below zero (the database refuses it too), so the stock always
equals the sum of the moves (账物相符). A redemption reserves the stock and the points at once
(both or neither), is handed over by staff who check its 6-digit code, or is cancelled — by the
volunteer, by staff or by expiry after SHOP_RESERVATION_DAYS — which returns both, once.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.images import EXTENSIONS, image_content_type
from linli.incentives.models import (
    REDEMPTION_TRANSITIONS,
    MoveKind,
    Redemption,
    RedemptionStatus,
    ShopItem,
    StockMove,
    StockTake,
    StockTakeLine,
)
from linli.ledger.actions import ledger_post
from linli.ledger.models import Account, EntryKind
from linli.volunteers.models import Volunteer

MAX_QUANTITY = 100000
MAX_REDEEM = 99
# Moves staff post by hand on the item's page; the others come from redemptions and stock-takes.
MANUAL_KINDS: dict[str, int] = {MoveKind.IN: 1, MoveKind.OUT: -1, MoveKind.WRITE_OFF: -1}


def _stored(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _move(
    item: ShopItem,
    *,
    kind: str,
    quantity: int,
    reason: str,
    actor: Any,
    redemption: Redemption | None = None,
    stock_take: StockTake | None = None,
    at: datetime | None = None,
) -> StockMove:
    """Write one move and the item's stock with it; `item` must be locked by the caller."""
    after = item.stock + quantity
    if after < 0:
        raise DomainError(
            "out_of_stock",
            _("%(name)s 库存不足（现有 %(stock)s）。") % {"name": item.name, "stock": item.stock},
            status=409,
        )
    move = StockMove.objects.create(
        item=item,
        kind=kind,
        quantity=quantity,
        reason=reason[:200],
        redemption=redemption,
        stock_take=stock_take,
        moved_at=at or timezone.now(),
        moved_by=_stored(actor),
    )
    item.stock = after
    item.save(update_fields=["stock"])
    return move


def _put_photo(item: ShopItem, upload: Any) -> None:
    """A checked picture (type, size and pixels read from the file, `linli.core.images`) as the
    item's photo, named by its checked type; nothing is stored until the item is saved."""
    content_type = image_content_type(upload, field="photo")
    item.photo.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", upload, save=False)


def lock_item(item: ShopItem | int) -> ShopItem:
    pk = item if isinstance(item, int) else item.pk
    return ShopItem.objects.select_for_update().select_related("station").get(pk=pk)


@transaction.atomic
def shop_item_create(
    *,
    station: Any,
    name: str,
    points: int,
    stock: int,
    actor: Any,
    unit: str = "件",
    photo: Any = None,
) -> ShopItem:
    """A new item on the shelf; an opening stock is its first move (入库)."""
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationError({"name": [_("请填写物品名称（60 字以内）。")]})
    if not 1 <= points <= 100000:
        raise ValidationError({"points": [_("兑换积分须在 1 到 100000 之间。")]})
    if not 0 <= stock <= MAX_QUANTITY:
        raise ValidationError({"stock": [_("库存须在 0 到 100000 之间。")]})
    if ShopItem.objects.filter(station=station, name=name).exists():
        raise DomainError("duplicate", _("本站已有同名物品。"), status=409)
    item = ShopItem(station=station, name=name, points=points, unit=(unit or "件")[:10])
    if photo is not None:
        _put_photo(item, photo)
    item.save()
    if stock:
        _move(item, kind=MoveKind.IN, quantity=stock, reason=_("上架入库"), actor=actor)
    audit_record(
        actor=actor,
        action="shop.item_create",
        target=item,
        station=station,
        after={"name": name, "points": points, "stock": stock},
    )
    return item


@transaction.atomic
def shop_item_update(
    *, item: ShopItem, points: int, active: bool, actor: Any, photo: Any = None
) -> ShopItem:
    """Price, shelf and photo; the stock changes only through moves."""
    if not 1 <= points <= 100000:
        raise ValidationError({"points": [_("兑换积分须在 1 到 100000 之间。")]})
    locked = lock_item(item)
    before = {"points": locked.points, "active": locked.active}
    locked.points = points
    locked.active = active
    fields = ["points", "active"]
    if photo is not None:
        _put_photo(locked, photo)
        fields.append("photo")
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="shop.item_update",
        target=locked,
        station=locked.station,
        before=before,
        after={"points": points, "active": active},
    )
    return locked


@transaction.atomic
def stock_move(
    *, item: ShopItem, quantity: int, reason: str, actor: Any, kind: str | None = None
) -> StockMove:
    """入库 (quantity > 0), 出库 or 报损 (quantity < 0, `kind` write_off for losses), with a
    reason. Taking out more than the stock is 409 `out_of_stock`."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    if quantity == 0 or abs(quantity) > MAX_QUANTITY:
        raise ValidationError({"quantity": [_("数量须为非零整数。")]})
    kind = kind or (MoveKind.IN if quantity > 0 else MoveKind.OUT)
    if kind not in MANUAL_KINDS or (quantity > 0) != (MANUAL_KINDS[kind] > 0):
        raise ValidationError({"kind": [_("出入库类型与数量方向不符。")]})
    locked = lock_item(item)
    move = _move(locked, kind=kind, quantity=quantity, reason=reason, actor=actor)
    audit_record(
        actor=actor,
        action="shop.stock_move",
        target=locked,
        station=locked.station,
        after={"kind": kind, "quantity": quantity, "reason": reason, "stock": locked.stock},
    )
    return move


def _new_code(station_id: int) -> str:
    taken = set(
        Redemption.objects.filter(
            station_id=station_id, status=RedemptionStatus.RESERVED
        ).values_list("pickup_code", flat=True)
    )
    for _attempt in range(50):
        code = f"{secrets.randbelow(1_000_000):06d}"
        if code not in taken:
            return code
    raise DomainError("busy", _("请稍后再试。"), status=409)


@transaction.atomic
def redemption_reserve(
    *, item: ShopItem, volunteer: Volunteer, quantity: int, actor: Any, at: datetime | None = None
) -> Redemption:
    """兑换预约: under the item's lock, hold `quantity` of the stock and the points at once, with a
    6-digit pick-up code valid for SHOP_RESERVATION_DAYS. Short of stock or of points: 409, and
    nothing is held. Only a volunteer of the item's station redeems there."""
    if not 1 <= quantity <= MAX_REDEEM:
        raise ValidationError({"quantity": [_("数量须在 1 到 99 之间。")]})
    now = at or timezone.now()
    locked = lock_item(item)
    if not locked.active:
        raise DomainError("not_on_shelf", _("该物品已下架。"), status=409)
    if volunteer.station_id != locked.station_id:
        raise DomainError("other_station", _("只能兑换本站爱心超市的物品。"), status=409)
    points = locked.points * quantity
    for _attempt in range(3):
        try:
            with transaction.atomic():
                redemption = Redemption.objects.create(
                    station_id=locked.station_id,
                    item=locked,
                    volunteer=volunteer,
                    quantity=quantity,
                    points=points,
                    pickup_code=_new_code(locked.station_id),
                    reserved_at=now,
                    expires_at=now + timedelta(days=settings.SHOP_RESERVATION_DAYS),
                    created_by=_stored(actor),
                )
            break
        except IntegrityError:  # the same code drawn at once by another reservation
            continue
    else:
        raise DomainError("busy", _("请稍后再试。"), status=409)
    _move(
        locked,
        kind=MoveKind.REDEMPTION,
        quantity=-quantity,
        reason=_("%(name)s 兑换") % {"name": volunteer.person.name},
        actor=actor,
        redemption=redemption,
        at=now,
    )
    try:
        ledger_post(
            volunteer=volunteer,
            account=Account.POINTS,
            amount=-Decimal(points),
            kind=EntryKind.REDEEM,
            served_on=timezone.localdate(now),
            description=_("爱心超市兑换 %(name)s × %(quantity)s")
            % {"name": locked.name, "quantity": quantity},
            source_key=f"shop:redeem:{redemption.pk}",
            actor=actor,
            created_at=now,
        )
    except DomainError as error:
        if error.code == "insufficient_balance":
            raise DomainError("insufficient_points", _("积分不足。"), status=409) from error
        raise
    audit_record(
        actor=actor,
        action="shop.redeem",
        target=redemption,
        station=locked.station,
        after={"item": locked.pk, "quantity": quantity, "points": points},
    )
    return redemption


def _lock_redemption(redemption: Redemption) -> Redemption:
    return (
        Redemption.objects.select_for_update()
        .select_related("item", "volunteer__person", "station")
        .get(pk=redemption.pk)
    )


def _check(redemption: Redemption, to: str) -> None:
    if to not in REDEMPTION_TRANSITIONS[redemption.status]:
        raise DomainError(
            "bad_state",
            _("该兑换当前为「%(status)s」。") % {"status": redemption.get_status_display()},
            status=409,
        )


@transaction.atomic
def redemption_hand_over(
    *, redemption: Redemption, pickup_code: str, actor: Any, at: datetime | None = None
) -> Redemption:
    """领取: staff hand the goods over after checking the code (a wrong code is 409
    `wrong_code`); an expired reservation can no longer be handed over."""
    now = at or timezone.now()
    locked = _lock_redemption(redemption)
    _check(locked, RedemptionStatus.HANDED_OVER)
    if not secrets.compare_digest(str(pickup_code).strip(), locked.pickup_code):
        raise DomainError("wrong_code", _("取货码不正确。"), status=409)
    if locked.expires_at <= now:
        raise DomainError("expired", _("该预约已过期。"), status=409)
    locked.status = RedemptionStatus.HANDED_OVER
    locked.handed_over_at = now
    locked.handed_over_by = _stored(actor)
    locked.save(update_fields=["status", "handed_over_at", "handed_over_by"])
    audit_record(
        actor=actor, action="shop.hand_over", target=locked, station=locked.station, after={}
    )
    return locked


@transaction.atomic
def redemption_cancel(
    *, redemption: Redemption, actor: Any, reason: str, at: datetime | None = None
) -> Redemption:
    """取消 (by the volunteer, staff or expiry): the stock and the points return, once."""
    now = at or timezone.now()
    locked = _lock_redemption(redemption)
    _check(locked, RedemptionStatus.CANCELLED)
    item = lock_item(locked.item_id)
    _move(
        item,
        kind=MoveKind.RETURN,
        quantity=locked.quantity,
        reason=reason,
        actor=actor,
        redemption=locked,
        at=now,
    )
    ledger_post(
        volunteer=locked.volunteer,
        account=Account.POINTS,
        amount=Decimal(locked.points),
        kind=EntryKind.REFUND,
        served_on=timezone.localdate(now),
        description=_("兑换退回（%(reason)s）：%(name)s × %(quantity)s")
        % {"reason": reason, "name": item.name, "quantity": locked.quantity},
        source_key=f"shop:refund:{locked.pk}",
        actor=actor,
        created_at=now,
    )
    locked.status = RedemptionStatus.CANCELLED
    locked.cancelled_at = now
    locked.cancel_reason = reason[:200]
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit_record(
        actor=actor,
        action="shop.cancel",
        target=locked,
        station=locked.station,
        after={"reason": reason},
    )
    return locked


def redemptions_expire(*, now: datetime | None = None) -> int:
    """The periodic sweep: every reservation past its expiry is cancelled (points and stock
    return), each in its own transaction. Returns how many."""
    now = now or timezone.now()
    due = list(
        Redemption.objects.filter(
            status=RedemptionStatus.RESERVED, expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            found = (
                Redemption.objects.select_for_update()
                .filter(pk=pk, status=RedemptionStatus.RESERVED)
                .first()
            )
            if found is None:
                continue
            redemption_cancel(redemption=found, actor=None, reason=str(_("逾期未领取")), at=now)
            done += 1
    return done


@transaction.atomic
def stock_take_record(
    *, station: Any, counted: dict[int, int], note: str, actor: Any, at: datetime | None = None
) -> StockTake:
    """盘点: the counted quantity of each listed item of the station; each difference from the
    books becomes an adjustment move with the stock-take's note as its reason."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("请填写盘点说明。")]})
    if not counted:
        raise ValidationError({"counted": [_("请至少填写一件物品的实盘数量。")]})
    now = at or timezone.now()
    take = StockTake.objects.create(
        station=station, note=note[:200], taken_at=now, taken_by=_stored(actor)
    )
    for item_id in sorted(counted):
        quantity = counted[item_id]
        if not 0 <= quantity <= MAX_QUANTITY:
            raise ValidationError({"counted": [_("实盘数量须在 0 到 100000 之间。")]})
        found = ShopItem.objects.filter(pk=item_id, station=station).first()
        if found is None:
            raise ValidationError({"counted": [_("本站没有这件物品。")]})
        item = lock_item(found)
        StockTakeLine.objects.create(stock_take=take, item=item, book=item.stock, counted=quantity)
        if quantity != item.stock:
            _move(
                item,
                kind=MoveKind.ADJUSTMENT,
                quantity=quantity - item.stock,
                reason=_("盘点调整：%(note)s") % {"note": note},
                actor=actor,
                stock_take=take,
                at=now,
            )
    audit_record(
        actor=actor,
        action="shop.stock_take",
        target=take,
        station=station,
        after={"items": len(counted)},
    )
    return take
