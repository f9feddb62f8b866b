"""嘉许: an honour is created, nominated, reviewed, publicized for 7 days on the station's public
page, then awarded; the award enters the 67号令 record; the honour roll shows names only."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from linli.incentives.models import Honour
from linli.volunteers.models import VolunteerAward


def test_nominate_review_publicize_then_award(world, corps, staff, me):
    made = staff.post(
        "/honours", {"title": "社区优秀防疫志愿者", "year": 2026, "kind": "volunteer"}
    )
    assert made.status_code == 201, made.content
    honour = made.json()
    assert honour["granted_by"] == world.jiaojia.name and honour["status"] == "nominating"
    url = f"/honours/{honour['id']}"
    assert staff.post(f"{url}/publicize").json()["error"]["code"] == "no_nominees"
    nominated = staff.post(
        f"{url}/nominations", {"volunteer": corps.volunteer.pk, "reason": "疫情期间坚守卡口 40 天"}
    )
    assert nominated.status_code == 201 and nominated.json()["name"] == "黄文静"
    assert (
        staff.post(f"{url}/nominations", {"team": corps.party_team.pk, "reason": "x"}).status_code
        == 422
    )
    assert (
        staff.post(
            f"{url}/nominations", {"volunteer": corps.outsider.pk, "reason": "外站"}
        ).status_code
        == 422
    )
    review = staff.post(f"/honours/nominations/{nominated.json()['id']}/review", {"accept": True})
    assert review.json()["status"] == "accepted"
    publicized = staff.post(f"{url}/publicize").json()
    assert publicized["status"] == "publicized"
    page = Client().get("/honours/s/JIAOJIA/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "公示" in text and "黄文静" in text and "坚守卡口" in text
    early = staff.post(f"{url}/award")
    assert early.status_code == 409 and early.json()["error"]["code"] == "notice_running"
    # Seven days later (the notice's end moved into the past, as the clock would).
    Honour.objects.filter(pk=honour["id"]).update(
        notice_ends_at=timezone.now() - timedelta(minutes=1)
    )
    awarded = staff.post(f"{url}/award")
    assert awarded.status_code == 200 and awarded.json()["status"] == "awarded"
    award = VolunteerAward.objects.get(volunteer=corps.volunteer)
    assert (award.name, award.granted_by) == ("2026年度社区优秀防疫志愿者", world.jiaojia.name)
    roll = Client().get("/honours/s/JIAOJIA/").content.decode()
    assert "社区优秀防疫志愿者" in roll and "黄文静" in roll
    assert corps.volunteer.person.phone not in roll if corps.volunteer.person.phone else True


def test_only_staff_run_honours(world, corps, staff, me, leader, outsider):
    made = staff.post("/honours", {"title": "五好家庭", "year": 2026, "kind": "family"}).json()
    url = f"/honours/{made['id']}"
    assert (
        me.post("/honours", {"title": "自封", "year": 2026, "kind": "volunteer"}).status_code == 403
    )
    assert me.get(url).status_code == 200  # the station's volunteers read it
    assert me.post(f"{url}/publicize").status_code == 403
    assert me.post(f"{url}/award").status_code == 403
    assert leader.post(f"{url}/nominations", {"household": 1, "reason": "x"}).status_code == 403
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}/award").status_code == 404
