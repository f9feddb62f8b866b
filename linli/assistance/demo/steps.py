"""What a planned request is made of: the people it involves, as the plan reads them, and its
steps, each an action with its time; and the clock helpers the plan keeps time with."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from django.utils import timezone

from linli.assistance.demo.menu import ItemSpec
from linli.core.workdays import add_working_days

SUBMIT, DISPATCH, ACCEPT, START, COMPLETE = "submit", "dispatch", "accept", "start", "complete"
CONFIRM, RATE, CLOSE_FOLLOW_UP, REJECT, CANCEL = "confirm", "rate", "followup", "reject", "cancel"
TEAM, VOLUNTEER, OPEN = "team", "volunteer", "open"
OFFICE_OPENS, OFFICE_CLOSES = time(8, 0), time(20, 30)

Choice = TypeVar("Choice")


@dataclass(frozen=True)
class Person:
    """A resident of the registry as the plan needs them."""

    pk: int
    name: str
    gender: str
    birth_date: date
    household: int
    address: str  # 金桥花园3栋2-502, as a WeChat nickname writes it
    tags: frozenset[str]

    def age(self, on: date) -> int:
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - int(before_birthday)


@dataclass(frozen=True)
class Helper:
    """An active volunteer of the station as the plan needs them."""

    pk: int
    skills: str
    teams: frozenset[str]
    categories: frozenset[str]
    courses: frozenset[str]  # names of the courses attended


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str
    mode: str = ""  # of a dispatch
    team: str = ""
    volunteer: int | None = None  # dispatched to, or accepting
    hours: Decimal = Decimal("0")  # served, of a completion
    text: str = ""  # the note, reason, comment or outcome
    score: int = 0  # of a rating
    by_requester: bool = False


@dataclass
class PlannedRequest:
    item: ItemSpec
    category: str
    channel: str
    urgent: bool
    resident: int | None
    description: str
    done: str  # what the volunteer will record
    account: bool = False  # the demo resident account follows it
    requester_name: str = ""
    requester_phone: str = ""
    proxy_relation: str = ""
    source_text: str = ""
    preferred_at: datetime | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def submitted_at(self) -> datetime:
        return self.steps[0].at


@dataclass
class RequestPlan:
    history: list[PlannedRequest]
    open_now: list[PlannedRequest]


def at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def weighted(rng: random.Random, table: Mapping[Choice, float]) -> Choice:
    return rng.choices(list(table), list(table.values()))[0]


def within_office(moment: datetime, rng: random.Random) -> datetime:
    """Staff act between OFFICE_OPENS and OFFICE_CLOSES: later work waits for the next morning."""
    local = timezone.localtime(moment)
    if OFFICE_OPENS <= local.time() <= OFFICE_CLOSES:
        return moment
    day = local.date() + timedelta(days=int(local.time() > OFFICE_CLOSES))
    return at(day, OFFICE_OPENS) + minutes(rng.randint(0, 30))


def office_days_later(moment: datetime, rng: random.Random, low: int, high: int) -> datetime:
    day = add_working_days(timezone.localdate(moment), rng.randint(low, high))
    return at(day, time(rng.randint(9, 16), rng.randint(0, 59)))
