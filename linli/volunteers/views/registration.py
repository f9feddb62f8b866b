"""Registration pages (public sign-up, a signed-in applicant, the station desk), staff decisions,
and the volunteer's profile (民政部令第67号) with their own copy of their data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import grants, role_required
from linli.accounts.models import User
from linli.core import crypto
from linli.core.errors import DomainError
from linli.core.throttle import posted, throttled
from linli.org.models import Estate, Station
from linli.partners.models import Partner
from linli.people.models import Resident
from linli.teams.models import TeamMembership
from linli.volunteers import access
from linli.volunteers.actions import records
from linli.volunteers.actions import registration as actions
from linli.volunteers.consent import CONSENT_PARAGRAPHS, CONSENT_TITLE, CONSENT_VERSION
from linli.volunteers.forms.registration import (
    AccountRegistrationForm,
    AwardForm,
    DecisionForm,
    DeskRegistrationForm,
    EvaluationForm,
    ProfileForm,
    RegistrationForm,
    availability_rows,
)
from linli.volunteers.models import TrainingAttendance, Volunteer, availability_codes

PAGE_SIZE = 30


def _form_context(station: Station, form: RegistrationForm) -> dict[str, Any]:
    return {
        "form": form,
        "station": station,
        "estates": Estate.objects.filter(station=station).values_list("name", flat=True),
        "consent_title": CONSENT_TITLE,
        "consent_paragraphs": CONSENT_PARAGRAPHS,
        "consent_version": CONSENT_VERSION,
    }


def _partners(station: Station) -> QuerySet[Partner]:
    """The station's partners, offered as 所属单位 (organisation names only, public as any
    signboard)."""
    return Partner.objects.filter(station=station).order_by("name")


def _station_from_request(request: HttpRequest, default: Station | None) -> Station | None:
    """`?station=CODE` (or the posted code) among the stations, else `default`, else the only one.

    Station names and codes are public (they are on the door); nothing else is looked up here.
    """
    stations = Station.objects.filter(kind=Station.Kind.STATION)
    code = request.POST.get("station") or request.GET.get("station")
    if code:
        found = stations.filter(code=code).first()
        if found is None:
            raise Http404("station")
        return found
    if default is not None:
        return default
    only = list(stations[:2])
    return only[0] if len(only) == 1 else None


def _station_picker(request: HttpRequest, target: str) -> HttpResponse:
    stations = Station.objects.filter(kind=Station.Kind.STATION).select_related("parent")
    return render(
        request, "volunteers/register_station.html", {"stations": stations, "target": target}
    )


# --- registering ------------------------------------------------------------------------------


@sensitive_post_parameters("password", "password_again", "id_number")
@require_http_methods(["GET", "HEAD", "POST"])
@throttled("register", phone=posted("phone"))
def register(request: HttpRequest) -> HttpResponse:
    """The public sign-up page: an account, the 67号令 basic information and explicit consent."""
    if request.user.is_authenticated:
        return redirect("volunteers:apply")
    station = _station_from_request(request, None)
    if station is None:
        return _station_picker(request, "volunteers:register")
    form = AccountRegistrationForm(request.POST or None, partners=_partners(station))
    if request.method == "POST" and form.is_valid():
        try:
            actions.volunteer_register(
                station=station, data=form.registration_input(), channel=Volunteer.Channel.SELF
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        except actions.RegistrationHeld:
            return redirect("volunteers:register_done")  # the same answer: staff sort it out
        else:
            return redirect("volunteers:register_done")
    return render(request, "volunteers/register.html", _form_context(station, form))


@require_safe
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/register_done.html")


def _applicant_station(request: HttpRequest, person: Resident | None) -> Station | None:
    """Where a signed-in applicant registers: their person record's station, else the station
    one of their roles is at, else the one they pick."""
    if person is not None:
        return person.station
    held = [grant.station_id for grant in grants(request.user) if grant.station_id]
    default = Station.objects.filter(pk__in=held, kind=Station.Kind.STATION).first()
    return _station_from_request(request, default)


def _same_person(person: Resident, id_number: str) -> bool:
    return bool(person.id_number_hash) and person.id_number_hash in crypto.lookup_hashes(
        id_number.strip().upper()
    )


@sensitive_post_parameters("id_number")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """A signed-in user (a resident, say) applies with their own account and person record."""
    user: User = request.user  # type: ignore[assignment]
    if Volunteer.objects.filter(user_id=user.pk).exists():
        messages.info(request, _("您已经提交过志愿者注册。"))
        return redirect("volunteers:me")
    person = Resident.objects.filter(user_id=user.pk).select_related("station").first()
    station = _applicant_station(request, person)
    if station is None:
        return _station_picker(request, "volunteers:apply")
    initial: dict[str, Any] = {"name": user.name}
    if person is not None:
        initial = {"name": person.name, "gender": person.gender, "birth_date": person.birth_date}
    form = RegistrationForm(request.POST or None, initial=initial, partners=_partners(station))
    if request.method == "POST" and form.is_valid():
        data = form.registration_input()
        if person is not None and not _same_person(person, data.id_number):
            # One person, one record: the applicant's account already belongs to a person.
            form.add_error(
                "id_number",
                _(
                    "身份证号码与您账户关联的居民登记信息不符（或登记中尚无身份证号码），请到站点核对。"
                ),
            )
        else:
            try:
                actions.volunteer_register(
                    station=station,
                    data=data,
                    channel=Volunteer.Channel.SELF,
                    actor=user,
                    user=user,
                )
            except ValidationError as error:
                form.attach_errors(error.message_dict)
            else:
                messages.success(request, _("申请已提交，请等待站点审核。"))
                return redirect("volunteers:me")
    return render(
        request,
        "volunteers/apply.html",
        _form_context(station, form) | {"person": person},
    )


@sensitive_post_parameters("password", "id_number")
@login_required
@role_required(*access.WRITE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Station staff register someone at the desk, with the consent they took on paper."""
    code = request.POST.get("station") or request.GET.get("station")
    station = access.get_managed_station(request.user, code)
    stations = access.managed_stations(request.user)
    form = DeskRegistrationForm(request.POST or None, partners=_partners(station))
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = actions.volunteer_register(
                station=station,
                data=form.registration_input(),
                channel=Volunteer.Channel.STAFF,
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(
                request, _("已登记志愿者 %(name)s，待审核。") % {"name": volunteer.person.name}
            )
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    context = _form_context(station, form) | {"stations": stations if stations.count() > 1 else []}
    return render(request, "volunteers/new.html", context)


# --- staff decisions --------------------------------------------------------------------------


def _pending(user: Any) -> QuerySet[Volunteer]:
    return (
        access.volunteers_managed_by(user)
        .filter(status=Volunteer.Status.PENDING)
        .select_related("person", "station")
        .prefetch_related("categories")
        .order_by("registered_at", "pk")
    )


@require_safe
@login_required
@role_required(*access.WRITE_ROLES)
def pending(request: HttpRequest) -> HttpResponse:
    """Applications waiting at the stations the user runs, oldest first."""
    page = Paginator(_pending(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "volunteers/pending.html", {"page": page})


def _apply_decision(decision: str, reason: str) -> Callable[..., Volunteer]:
    moves: dict[str, Callable[..., Volunteer]] = {
        "approve": actions.volunteer_approve,
        "reject": lambda **kw: actions.volunteer_reject(reason=reason, **kw),
        "suspend": lambda **kw: actions.volunteer_suspend(reason=reason, **kw),
        "reinstate": actions.volunteer_reinstate,
        "leave": lambda **kw: actions.volunteer_leave(reason=reason, **kw),
    }
    return moves[decision]


@require_POST
@login_required
@role_required(*access.WRITE_ROLES)
def decide(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    """One decision on one volunteer: from the pending list (htmx: the row comes back) or the
    volunteer's page (a redirect back to it)."""
    volunteer = access.get_volunteer_for_user(request.user, volunteer_id, write=True)
    form = DecisionForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("无法识别的操作。")
    else:
        move = _apply_decision(form.cleaned_data["decision"], form.cleaned_data["reason"])
        try:
            volunteer = move(volunteer=volunteer, actor=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        except DomainError as refused:
            error = refused.message
    if request.htmx:  # type: ignore[attr-defined]
        row = _pending(request.user).filter(pk=volunteer.pk).first()
        return render(
            request,
            "volunteers/pending_row.html",
            {"volunteer": row or volunteer, "error": error, "decided": row is None},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(name)s：%(status)s")
            % {"name": volunteer.person.name, "status": volunteer.get_status_display()},
        )
    if form.is_valid() and form.cleaned_data["back"] == "pending":
        return redirect("volunteers:pending")
    return redirect("volunteers:detail", volunteer_id=volunteer.pk)


@require_POST
@login_required
@role_required(*access.WRITE_ROLES)
def award_add(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = access.get_volunteer_for_user(request.user, volunteer_id, write=True)
    form = AwardForm(request.POST)
    if form.is_valid():
        try:
            records.award_add(volunteer=volunteer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已记录荣誉。"))
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return _profile_page(request, volunteer, award_form=form)


@require_POST
@login_required
@role_required(*access.WRITE_ROLES)
def evaluation_add(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = access.get_volunteer_for_user(request.user, volunteer_id, write=True)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            records.evaluation_add(volunteer=volunteer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已记录评价。"))
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return _profile_page(request, volunteer, evaluation_form=form)


# --- the profile ------------------------------------------------------------------------------


def _profile(volunteer: Volunteer) -> dict[str, Any]:
    """A volunteer's 67号令 record for the page, in a fixed number of queries."""
    full = (
        Volunteer.objects.select_related("person", "station")
        .prefetch_related(
            "categories",
            "awards",
            "evaluations",
            Prefetch(
                "memberships",
                queryset=TeamMembership.objects.select_related("team").order_by("team__name"),
            ),
            Prefetch(
                "training",
                queryset=TrainingAttendance.objects.filter(attended=True)
                .select_related("session__course")
                .order_by("-session__held_on"),
            ),
        )
        .get(pk=volunteer.pk)
    )
    return {
        "volunteer": full,
        "person": full.person,
        "availability": availability_rows(availability_codes(full.availability)),
    }


def _profile_page(
    request: HttpRequest,
    volunteer: Volunteer,
    *,
    award_form: AwardForm | None = None,
    evaluation_form: EvaluationForm | None = None,
) -> HttpResponse:
    can_manage = access.volunteers_managed_by(request.user).filter(pk=volunteer.pk).exists()
    context = _profile(volunteer) | {
        "can_manage": can_manage,
        "is_self": access.is_self(request.user, volunteer),
        "award_form": award_form or AwardForm(),
        "evaluation_form": evaluation_form or EvaluationForm(),
    }
    return render(request, "volunteers/detail.html", context)


@require_safe
@login_required
def detail(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    """Staff of the station, the volunteer's team leaders, and the volunteer; 404 for anyone else."""
    volunteer = access.get_volunteer_for_user(request.user, volunteer_id)
    return _profile_page(request, volunteer)


def _own_volunteer(request: HttpRequest) -> Volunteer | None:
    user: User = request.user  # type: ignore[assignment]
    own = Volunteer.objects.filter(user=user).values_list("pk", flat=True).first()
    return access.get_volunteer_for_user(request.user, own) if own else None


@require_safe
@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The volunteer's own record; an account without one is invited to apply."""
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return render(request, "volunteers/me.html", {"volunteer": None})
    return render(request, "volunteers/me.html", _profile(volunteer) | {"is_self": True})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def me_edit(request: HttpRequest) -> HttpResponse:
    volunteer = _own_volunteer(request)
    if volunteer is None:
        return redirect("volunteers:apply")
    initial = {
        "skills": volunteer.skills,
        "categories": list(volunteer.categories.values_list("category", flat=True)),
        "availability": availability_codes(volunteer.availability),
        "residence_area": volunteer.residence_area,
        "occupation": volunteer.occupation,
        "political_status": volunteer.political_status,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.volunteer_profile_update(
                volunteer=volunteer, changes=form.profile_changes(), actor=request.user
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(request, _("已保存。"))
            return redirect("volunteers:me")
    return render(
        request,
        "volunteers/me_edit.html",
        {
            "form": form,
            "volunteer": volunteer,
            "estates": Estate.objects.filter(station=volunteer.station).values_list(
                "name", flat=True
            ),
        },
    )


@require_safe
@login_required
def me_data(request: HttpRequest) -> HttpResponse:
    """Everything the station holds about the volunteer, as JSON to keep (ID number masked)."""
    volunteer = _own_volunteer(request)
    if volunteer is None:
        raise Http404("volunteer")
    data = records.volunteer_data_export(volunteer=volunteer, actor=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="linli-volunteer-{volunteer.number or volunteer.pk}.json"'
    )
    return response
