"""The desk: linking a sign-in account to its person record, and a temporary password for
someone who forgot theirs. Station staff of the record's station (the gate: people.access)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.accounts import actions as account_actions
from linli.accounts.access import may_set_temporary_password, role_required
from linli.accounts.models import User
from linli.people import access, actions

MAX_ID_DIGITS = 18


@require_safe
@login_required
@role_required(*access.WRITE_ROLES)
def account_search(request: HttpRequest, resident_id: int) -> HttpResponse:
    """Accounts to link, as the desk types a phone number or a name (htmx fragment)."""
    resident = access.get_resident_for_user(request.user, resident_id, write=True)
    search = request.GET.get("q", "")[:50]
    accounts = list(
        access.linkable_accounts(request.user, resident, search)[: access.MAX_ACCOUNT_MATCHES]
    )
    return render(
        request,
        "people/_account_matches.html",
        {"resident": resident, "accounts": accounts, "search": search},
    )


def _account_id(request: HttpRequest) -> int:
    raw = request.POST.get("account", "")
    if not raw.isdigit() or len(raw) > MAX_ID_DIGITS:
        raise Http404("account")
    return int(raw)


@require_POST
@login_required
@role_required(*access.WRITE_ROLES)
def account_link(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = access.get_resident_for_user(request.user, resident_id, write=True)
    account = User.objects.filter(pk=_account_id(request)).first()
    if account is None:
        raise Http404("account")
    try:
        actions.resident_link_account(resident=resident, account=account, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("已把账号 %(phone)s 关联到 %(name)s 的档案。")
            % {"phone": account.phone, "name": resident.name},
        )
    return redirect("people:resident_detail", resident_id=resident.pk)


@require_POST
@login_required
@role_required(*access.WRITE_ROLES)
def account_unlink(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = access.get_resident_for_user(request.user, resident_id, write=True)
    try:
        actions.resident_unlink_account(resident=resident, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已解除账号关联。"))
    return redirect("people:resident_detail", resident_id=resident.pk)


@require_POST
@login_required
@role_required(*access.WRITE_ROLES)
def account_temporary_password(request: HttpRequest, resident_id: int) -> HttpResponse:
    """A temporary password for the linked account, shown once; it must be changed at sign-in."""
    resident = access.get_resident_for_user(request.user, resident_id, write=True)
    account = resident.user
    if account is None or not may_set_temporary_password(request.user, account):
        raise PermissionDenied("temporary_password")
    temporary = account_actions.password_set_temporary(user=account, actor=request.user)
    return render(
        request,
        "people/temporary_password.html",
        {"resident": resident, "account": account, "temporary": temporary},
    )


@require_safe
@login_required
@role_required(*access.WRITE_ROLES)
def unlinked_accounts(request: HttpRequest) -> HttpResponse:
    """Residents' accounts not yet matched to a record: the desk finds each person and links."""
    accounts = list(access.unlinked_resident_accounts(request.user)[:200])
    return render(request, "people/unlinked_accounts.html", {"accounts": accounts})
