"""The demo's care services (SPEC §1, §7): every 60+ resident has a care profile and the visits
since 2021; the elderly centre has served 2,000+ person-times in each full year since it opened;
the disabled centre serves the 104 registered disabled residents with care plans and sessions
since January 2022; the quarterly free checks have their records — all counted from rows, and
the caregiver 赵兰芳 sees her centres' day."""

from datetime import date, timedelta

from django.db.models import Min
from django.test import Client
from django.utils import timezone

from linli.accounts.models import User
from linli.assistance.models import Channel
from linli.daycare.models import (
    CarePlan,
    CareSession,
    Centre,
    CentreKind,
    CentreStaff,
    EquipmentLoan,
    Membership,
    MemberStatus,
)
from linli.daycare.queries import yearly_person_times
from linli.elders.models import ElderProfile, Visit, elder_born_by
from linli.health.actions import health_records_read
from linli.health.models import CheckBooking, HealthRecord
from linli.ledger.models import EntryKind, LedgerEntry
from linli.org.models import Station
from linli.people.models import Resident, Tag
from tests.conftest import api_token, bearer, signed_in
from tests.demo.conftest import SeededDemo, run_seed


def test_every_elder_has_a_profile_and_visits_since_2021(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    today = timezone.localdate()
    elders = Resident.objects.filter(
        station=jiaojia, status=Resident.Status.LIVING, birth_date__lte=elder_born_by(today)
    )
    profiles = ElderProfile.objects.filter(station=jiaojia)
    assert elders.count() > 500
    assert set(profiles.values_list("resident_id", flat=True)) == set(
        elders.values_list("pk", flat=True)
    )
    visits = Visit.objects.filter(station=jiaojia)
    assert visits.aggregate(first=Min("visited_at"))["first"].year == 2021
    assert not profiles.filter(visits__isnull=True).exists()
    # Living alone: weekly now; the due dates follow the last visit.
    alone = profiles.filter(resident__tags__tag=Tag.LIVING_ALONE)
    assert alone.exists() and not alone.exclude(visit_interval_days=7).exists()
    for profile in profiles.order_by("?")[:20]:
        last = profile.visits.order_by("-visited_at").first()
        assert last is not None and profile.last_visit_at == last.visited_at
        assert profile.next_visit_due == timezone.localdate(last.visited_at) + timedelta(
            days=profile.visit_interval_days
        )
    # Some are overdue today, and the staff heard about them; three visits made requests.
    assert profiles.filter(next_visit_due__lt=today).exists()
    staff = User.objects.get(phone="13900000002")
    assert staff.notifications.filter(kind="elders.overdue").exists()
    follow_ups = visits.filter(service_request__isnull=False)
    assert follow_ups.count() == 3
    channels = set(follow_ups.values_list("service_request__channel", flat=True))
    assert channels == {Channel.VISIT}
    # The demo volunteer is offered visits.
    volunteer = User.objects.get(phone="13900000004")
    offered = Client().get("/api/v1/elders/offered", **bearer(api_token(volunteer))).json()
    assert offered["count"] > 0


def test_the_elderly_centre_serves_2000_person_times_a_year(demo: SeededDemo):
    elderly = Centre.objects.get(kind=CentreKind.ELDERLY)
    assert elderly.opened_on == date(2021, 6, 1)
    by_year = dict(yearly_person_times(elderly))
    full_years = [year for year in by_year if 2021 < year < timezone.localdate().year]
    assert full_years and all(by_year[year] >= 2000 for year in full_years), by_year
    active = elderly.members.filter(status=MemberStatus.ACTIVE).count()
    assert 20 <= active <= elderly.capacity
    assert elderly.members.filter(status=MemberStatus.LEFT).exists()
    # Nothing today yet: the day is the caregiver's.
    assert not elderly.attendance.filter(day=timezone.localdate()).exists()


def test_the_disabled_centre_serves_the_104_registered_disabled(demo: SeededDemo):
    disabled = Centre.objects.get(kind=CentreKind.DISABLED)
    assert disabled.opened_on.year == 2022 and disabled.opened_on.month == 1
    members = Membership.objects.filter(centre=disabled, status=MemberStatus.ACTIVE)
    assert members.count() == 104
    registered = Resident.objects.filter(tags__tag=Tag.DISABLED, status=Resident.Status.LIVING)
    assert set(members.values_list("resident_id", flat=True)) == set(
        registered.values_list("pk", flat=True)
    )
    assert not members.filter(plans__isnull=True).exists()
    first_plan = CarePlan.objects.filter(membership__centre=disabled).aggregate(Min("starts_on"))
    assert first_plan["starts_on__min"] >= disabled.opened_on
    sessions = CareSession.objects.filter(membership__centre=disabled)
    assert sessions.filter(volunteer__isnull=True).exists()
    by_volunteers = sessions.filter(volunteer__isnull=False)
    assert by_volunteers.count() == LedgerEntry.objects.filter(kind=EntryKind.CARE).count() > 100
    for session in by_volunteers.order_by("?")[:10]:
        assert session.ledger_entry is not None and session.volunteer is not None
        assert session.ledger_entry.source_key == f"care_session:{session.pk}"
        trained = session.volunteer.training.filter(
            attended=True, session__course=disabled.volunteer_course
        )
        assert trained.exists()
    loans = EquipmentLoan.objects.filter(equipment__centre=disabled)
    assert loans.filter(returned_on__isnull=True).exists()
    assert loans.filter(returned_on__isnull=True, due_on__lt=timezone.localdate()).exists()


def test_quarterly_checks_have_records_and_the_summary_adds_up(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    records = HealthRecord.objects.filter(station=jiaojia)
    at_checks = records.filter(check_activity__isnull=False)
    assert at_checks.values("check_activity").distinct().count() >= 15
    assert CheckBooking.objects.filter(activity__station=jiaojia).count() >= at_checks.count()
    assert records.filter(alert=True).exists()
    sample = list(records.order_by("?")[:5])
    read = health_records_read(resident=sample[0].resident, actor=None, records=sample[:1])
    assert read[0].values.systolic is not None
    staff = User.objects.get(phone="13900000002")
    assert staff.notifications.filter(kind="health.alert").exists()
    summary = (
        Client().get("/api/v1/stats/summary?station=JIAOJIA", **bearer(api_token(staff))).json()
    )
    assert summary["elders"] == ElderProfile.objects.filter(station=jiaojia).count()
    assert summary["disabled_served"] == 104
    year = timezone.localdate().year - 1
    yearly = Client().get(f"/api/v1/stats/summary?station=JIAOJIA&year={year}",
                          **bearer(api_token(staff))).json()  # fmt: skip
    assert yearly["daycare_person_times"] >= 4000  # both centres


def test_the_caregiver_sees_her_centres_day(demo: SeededDemo, settings):
    settings.REQUIRE_2FA = False
    caregiver = User.objects.get(phone="13900000007")
    assert CentreStaff.objects.filter(user=caregiver, active=True).count() == 2
    card = signed_in(caregiver).get("/daycare/home-card/").content.decode()
    assert "焦家社区老年人日间照料中心" in card and "在托 104 人" in card


def test_a_second_seed_adds_no_care_rows(demo: SeededDemo):
    counts = [ElderProfile.objects.count(), Visit.objects.count(), Membership.objects.count(),
              CareSession.objects.count(), HealthRecord.objects.count()]  # fmt: skip
    output = run_seed()
    assert "银龄关爱：老人档案与走访: 新增 0" in output
    assert "日间照料中心: 新增 0" in output and "健康服务：免费体检与健康记录: 新增 0" in output
    assert counts == [ElderProfile.objects.count(), Visit.objects.count(), Membership.objects.count(),
                      CareSession.objects.count(), HealthRecord.objects.count()]  # fmt: skip
