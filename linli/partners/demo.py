"""The demo partners of 焦家社区 (SPEC §1: 团县委, 安徽工业大学商学院, 县中医院): created through
the actions, with their contacts; linked to the activities they joined (those naming them as
organiser or partner, the 重阳节 free clinic with 县中医院 among them) and to the volunteers who
came from them (the university's students and the hospital's doctors registered as volunteers).
Idempotent: what is there is skipped."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q

from linli.activities.models import Activity
from linli.org.models import Station
from linli.partners.actions import PartnerInput, partner_contact_add, partner_create
from linli.partners.models import Partner, PartnerActivity, PartnerVolunteer
from linli.volunteers.demo.tables import EXTERNAL_AREAS, STATION_CODE
from linli.volunteers.models import Volunteer

Progress = Callable[[str], None]

# (name, kind, what they do together, contacts)
PARTNERS = [
    ("团县委", "government", "指导青年志愿服务，联合开展“七彩课堂进社区”等暑期公益课程。",
     [("周晓东", "志愿者工作部部长", "0555-6712301")]),
    ("安徽工业大学商学院", "school", "大学生志愿者进社区：作业辅导、英语财商课、防诈骗宣传。",
     [("孙丽", "团委书记", "0555-2311402"), ("吴昊", "青年志愿者协会会长", "")]),
    ("县中医院", "hospital", "重阳节和每季度的义诊：量血压、测血糖、中医问诊，健康讲座。",
     [("陈国平", "医务科科长", "0555-6823503")]),
]  # fmt: skip


@transaction.atomic
def seed_partners(progress: Progress | None = None) -> int:
    station = Station.objects.get(code=STATION_CODE)
    added = 0
    for name, kind, description, contacts in PARTNERS:
        partner = Partner.objects.filter(station=station, name=name).first()
        if partner is None:
            partner = partner_create(
                station=station, data=PartnerInput(name, kind, description), actor=None
            )
            for contact, role, phone in contacts:
                partner_contact_add(partner=partner, name=contact, role=role, phone=phone,
                                    actor=None)  # fmt: skip
            added += 1
        linked = set(partner.activity_links.values_list("activity_id", flat=True))
        joined = (
            Activity.objects.filter(station=station)
            .filter(Q(partners__contains=name) | Q(organizer__contains=name))
            .exclude(pk__in=linked)
        )
        rows = [PartnerActivity(partner=partner, activity=activity) for activity in joined]
        PartnerActivity.objects.bulk_create(rows, batch_size=500)
        added += len(rows)
        area = EXTERNAL_AREAS.get(name)
        if area:
            known = set(partner.people.values_list("volunteer_id", flat=True))
            people = Volunteer.objects.filter(station=station, residence_area=area).exclude(
                pk__in=known
            )
            links = [
                PartnerVolunteer(partner=partner, volunteer=volunteer,
                                 since=volunteer.registered_at.date())
                for volunteer in people
            ]  # fmt: skip
            PartnerVolunteer.objects.bulk_create(links, batch_size=500)
            added += len(links)
    return added
