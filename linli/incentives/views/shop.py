"""爱心超市 pages.

- The volunteer's shelf (`shop`): their station's goods with photos and prices, their points,
  a reservation in one tap, their reservations with the pick-up code and a cancel button.
- The counter (`counter`), phone-first: staff type (or scan) the 6-digit code, see what it is
  for and hand it over in one tap; the action checks the code again under the row lock.
- The storeroom (`manage`): goods, stock in/out/write-off, the stock-take and the month's xlsx.
Every write calls the action the API calls.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.core.errors import DomainError
from linli.core.xlsx import xlsx_response
from linli.incentives import access
from linli.incentives.actions.shop import (
    redemption_cancel,
    redemption_hand_over,
    redemption_reserve,
    shop_item_create,
    shop_item_update,
    stock_move,
    stock_take_record,
)
from linli.incentives.forms import (
    CodeForm,
    ItemEditForm,
    ItemForm,
    MonthForm,
    RedeemForm,
    StockForm,
)
from linli.incentives.models import Redemption, RedemptionStatus, ShopItem, StockTake
from linli.incentives.photos import item_photo_response
from linli.incentives.queries import account_total
from linli.incentives.views.common import refused_message, station_code
from linli.ledger.models import Account
from linli.volunteers.access import active_volunteer_of


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shop(request: HttpRequest) -> HttpResponse:
    volunteer = active_volunteer_of(request.user)
    if volunteer is None:
        if access.can_run_any(request.user):
            return redirect("incentives:manage")
        raise PermissionDenied("shop")
    volunteer = access.own_volunteer(request.user)
    if request.method == "POST":
        form = RedeemForm(request.POST)
        if form.is_valid():
            try:
                item = access.get_item_for_user(request.user, form.cleaned_data["item"])
                redemption = redemption_reserve(
                    item=item,
                    volunteer=volunteer,
                    quantity=form.cleaned_data["quantity"],
                    actor=request.user,
                )
            except (DomainError, ValidationError) as error:
                refused_message(request, error)
            else:
                messages.success(
                    request,
                    _("已预约 %(name)s，取货码 %(code)s，请在 7 天内到站点领取。")
                    % {"name": item.name, "code": redemption.pickup_code},
                )
        else:
            messages.error(request, _("数量须在 1 到 99 之间。"))
        return redirect("incentives:shop")
    items = ShopItem.objects.filter(station_id=volunteer.station_id, active=True).order_by(
        "points", "name"
    )
    mine = Redemption.objects.filter(volunteer=volunteer).select_related("item")[:30]
    return render(
        request,
        "incentives/shop.html",
        {
            "volunteer": volunteer,
            "items": items,
            "redemptions": mine,
            "points": account_total(volunteer, Account.POINTS),
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    redemption = access.get_redemption_for_user(request.user, pk)
    access.authorize_redemption(request.user, redemption, "cancel")
    try:
        redemption_cancel(redemption=redemption, reason=_("本人取消"), actor=request.user)
    except DomainError as error:
        refused_message(request, error)
    else:
        messages.success(request, _("已取消，积分已退回。"))
    return redirect("incentives:shop")


@login_required
@require_safe
def item_photo(request: HttpRequest, pk: int) -> FileResponse:
    """An item's photo, for whoever sees the item (its station's volunteers, staff above it)."""
    return item_photo_response(access.get_item_for_user(request.user, pk))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """The counter: a code typed or scanned finds the station's open reservation; a tap hands
    it over (the code is checked again by the action)."""
    if not access.can_run_any(request.user):
        raise PermissionDenied("counter")
    station = access.get_run_station(request.user, station_code(request))
    form = CodeForm(request.POST or request.GET or None)
    found = None
    done = None
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        found = (
            Redemption.objects.filter(
                station=station, pickup_code=code, status=RedemptionStatus.RESERVED
            )
            .select_related("item", "volunteer__person")
            .first()
        )
        if found is None:
            messages.error(request, _("没有找到这个取货码的待领取预约。"))
        elif request.method == "POST" and request.POST.get("hand_over"):
            try:
                done = redemption_hand_over(redemption=found, pickup_code=code, actor=request.user)
            except DomainError as error:
                refused_message(request, error)
            else:
                found = None
                form = CodeForm()
    return render(
        request,
        "incentives/counter.html",
        {"station": station, "form": form, "found": found, "done": done},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The storeroom: goods and their stock, new goods, stock moves and the stock-take."""
    if not access.can_run_any(request.user):
        raise PermissionDenied("shop")
    station = access.get_run_station(request.user, station_code(request))
    item_form = ItemForm()
    stock_form = StockForm()
    if request.method == "POST":
        what = request.POST.get("form")
        try:
            if what == "item":
                item_form = ItemForm(request.POST, request.FILES)
                if item_form.is_valid():
                    data = item_form.cleaned_data
                    shop_item_create(
                        station=station,
                        name=data["name"],
                        points=data["points"],
                        stock=data["stock"],
                        unit=data["unit"],
                        photo=data["photo"],
                        actor=request.user,
                    )
                    messages.success(request, _("物品已上架。"))
                    return redirect(f"{request.path}?station={station.code}")
            elif what == "edit":
                edit_form = ItemEditForm(request.POST, request.FILES)
                if edit_form.is_valid():
                    data = edit_form.cleaned_data
                    item = access.get_item_for_user(request.user, data["item"], write=True)
                    shop_item_update(
                        item=item,
                        points=data["points"],
                        active=data["active"],
                        photo=data["photo"],
                        actor=request.user,
                    )
                    messages.success(request, _("物品已修改。"))
                    return redirect(f"{request.path}?station={station.code}")
                messages.error(
                    request,
                    " ".join(
                        str(error) for errors in edit_form.errors.values() for error in errors
                    ),
                )
            elif what == "stock":
                stock_form = StockForm(request.POST)
                if stock_form.is_valid():
                    data = stock_form.cleaned_data
                    item = access.get_item_for_user(request.user, data["item"], write=True)
                    sign = 1 if data["kind"] == "in" else -1
                    stock_move(
                        item=item,
                        kind=data["kind"],
                        quantity=sign * data["quantity"],
                        reason=data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, _("库存已登记。"))
                    return redirect(f"{request.path}?station={station.code}")
            elif what == "take":
                counted = {}
                for key in request.POST:
                    value = request.POST.get(key, "").strip()
                    if key.startswith("counted_") and value:
                        if not (
                            key[8:].isdigit()
                            and len(key) <= 26
                            and value.isdigit()
                            and len(value) <= 6
                        ):
                            raise ValidationError(_("实盘数量须为整数。"))
                        counted[int(key[8:])] = int(value)
                stock_take_record(
                    station=station,
                    counted=counted,
                    note=request.POST.get("note", "")[:200],
                    actor=request.user,
                )
                messages.success(request, _("盘点已记录，差异已调整。"))
                return redirect(f"{request.path}?station={station.code}")
        except (DomainError, ValidationError) as error:
            refused_message(request, error)
    items = ShopItem.objects.filter(station=station).order_by("name", "id")
    today = timezone.localdate()
    return render(
        request,
        "incentives/manage.html",
        {
            "station": station,
            "stations": access.run_stations(request.user),
            "items": items,
            "item_form": item_form,
            "stock_form": stock_form,
            "takes": StockTake.objects.filter(station=station)[:5],
            "open": Redemption.objects.filter(station=station, status=RedemptionStatus.RESERVED)
            .select_related("item", "volunteer__person")
            .order_by("expires_at")[:50],
            "month": f"{today:%Y-%m}",
        },
    )


@login_required
@require_safe
def report(request: HttpRequest) -> HttpResponse:
    """The month's moves and balances per item, as xlsx."""
    if not access.can_run_any(request.user):
        raise PermissionDenied("shop")
    station = access.get_run_station(request.user, station_code(request))
    form = MonthForm(request.GET)
    if not form.is_valid():
        raise Http404("month")
    year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
    if date(year, month, 1) > timezone.localdate():
        raise Http404("month")
    from linli.incentives.exports import stock_month_xlsx  # openpyxl loads on first use

    content = stock_month_xlsx(station, year, month)
    return xlsx_response(content, f"爱心超市{year}年{month}月进销存.xlsx")
