"""A demo seed cut short is finished by the next run; these need an empty database, so they live
outside tests/demo/ (which shares one full seed)."""

import pytest
from django.test import Client

from linli.accounts.models import Role, User
from linli.ops.demo import seed_accounts, seed_stations
from linli.people.demo import seed_registry
from linli.people.models import Household, Resident
from linli.teams.models import Team, TeamMembership
from linli.volunteers.demo import seed_volunteers
from linli.volunteers.models import Volunteer
from tests.conftest import api_token, bearer


class Interrupted(Exception):
    pass


def test_a_registry_seed_cut_short_is_finished_by_the_next_run(db):
    seed_stations(print)

    def stop_after_first_batch(message: str) -> None:
        raise Interrupted(message)

    with pytest.raises(Interrupted):
        seed_registry(progress=stop_after_first_batch)
    first_batch = Resident.objects.count()
    assert 500 <= first_batch < 520  # whole households, committed together
    assert seed_registry() == 4318 - first_batch
    assert Resident.objects.count() == 4318
    assert Household.objects.count() == 1549


def test_a_volunteer_seed_cut_short_is_finished_by_the_next_run(db):
    seed_stations(print)
    seed_accounts(print)
    seed_registry()

    def stop_after_first_batch(message: str) -> None:
        if "志愿者 " in message:
            raise Interrupted(message)

    with pytest.raises(Interrupted):
        seed_volunteers(progress=stop_after_first_batch)
    assert Volunteer.objects.count() == 100  # one whole batch, committed together
    assert not TeamMembership.objects.exists()
    assert seed_volunteers() == 672 - 100
    assert Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).count() == 660
    assert TeamMembership.objects.filter(role="leader").count() == 11


def test_summary_counts_active_volunteers_and_top_level_teams_in_reach(corps, world):
    Team.objects.create(station=world.jiaojia, name="舞龙队", parent=corps.party_team)

    def summary(user: User, **params: str) -> dict[str, int]:
        response = Client().get("/api/v1/stats/summary", params, **bearer(api_token(user)))
        assert response.status_code == 200
        return response.json()

    # JIAOJIA: the leader and the volunteer (the applicant is pending); two teams, not the troupe.
    jiaojia = summary(world.user(Role.STATION_STAFF))
    assert (jiaojia["volunteers"], jiaojia["teams"]) == (2, 2)
    everywhere = summary(world.user(Role.ADMIN))
    assert (everywhere["volunteers"], everywhere["teams"]) == (3, 3)
    huangchi = summary(world.user(Role.ADMIN), station="HUANGCHI")
    assert (huangchi["volunteers"], huangchi["teams"]) == (1, 1)
