"""The plan of the demo requests: who asked for what, when, and how each request went.

Pure once the registry and the corps are read. Each day of the history draws from its own
generator (the station's seed and the day), so a day's requests do not change when the history
grows; the requests open today are laid out from OPEN_NOW relative to `now`. A plan is a list of
steps — submit, dispatch, accept, start, complete, confirm, rate, close the follow-up, or reject
and cancel — each with its time; the seed writes them in time order, the history in bulk as the
actions would have (history.py) and today's open requests through the actions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from linli.assistance.demo.menu import (
    ADULT,
    ANYONE,
    CHILD,
    DISABLED,
    ELDERLY,
    MENU,
    CategorySpec,
    ItemSpec,
)
from linli.assistance.demo.steps import (
    ACCEPT,
    CANCEL,
    CLOSE_FOLLOW_UP,
    COMPLETE,
    CONFIRM,
    DISPATCH,
    OPEN,
    RATE,
    REJECT,
    START,
    SUBMIT,
    TEAM,
    VOLUNTEER,
    Helper,
    Person,
    PlannedRequest,
    RequestPlan,
    Step,
    at,
    minutes,
    office_days_later,
    weighted,
    within_office,
)
from linli.assistance.demo.tables import (
    ACCOUNT_HISTORY,
    CANCEL_REASONS,
    CANCELLED_SHARE,
    CHANNEL_WEIGHTS,
    FOLLOW_UP_OUTCOMES,
    HISTORY_ENDS_DAYS_AGO,
    HISTORY_START,
    MONTH_FACTOR,
    OPEN_NOW,
    RANDOM_SEED,
    RATING_COMMENTS,
    RATING_WEIGHTS,
    REDISPATCH_NOTE,
    REDISPATCHED_SHARE,
    REJECT_REASONS,
    REJECTED_SHARE,
    RELATIVES,
    TAG_WEIGHT,
    URGENT_SHARE,
    WECHAT_ENDINGS,
    YEARLY_REQUESTS,
    OpenSpec,
)
from linli.people.demo.tables import GIVEN_NAMES, MOBILE_PREFIXES

MODE_WEIGHTS = {VOLUNTEER: 55, TEAM: 30, OPEN: 15}
# When residents post: mornings and early evenings most.
POSTING_HOURS = {
    7: 3, 8: 8, 9: 9, 10: 7, 11: 5, 12: 3, 13: 3, 14: 5, 15: 5, 16: 5, 17: 5,
    18: 6, 19: 6, 20: 4, 21: 2,
}  # fmt: skip
# Minutes from posting to the staff's dispatch, by channel (a web request is seen later); from
# dispatch to acceptance, by the way it was dispatched.
DISPATCH_MINUTES = {
    "wechat": (5, 40), "phone": (3, 30), "visit": (3, 20), "proxy": (5, 45), "web": (15, 180)
}  # fmt: skip
ACCEPT_MINUTES = {VOLUNTEER: (2, 40), TEAM: (5, 100), OPEN: (2, 45)}
ZEAL = {1: 60, 3: 30, 10: 10}  # most volunteers answer now and then, a few all the time
KEEN = 40.0  # the demo volunteer's zeal: her tasks show on her pages
AGREED_HOURS = (9, 10, 14, 15, 16, 19)  # when a scheduled service is agreed to happen


class RequestPlanner:
    def __init__(
        self,
        residents: list[Person],
        helpers: list[Helper],
        team_courses: dict[str, frozenset[str]],
        *,
        now: datetime,
        account_person: int | None,
        account_helper: int | None,
        seed: int = RANDOM_SEED,
    ) -> None:
        self.seed = seed
        self.now = now
        self.today = timezone.localdate(now)
        self.residents = sorted(residents, key=lambda person: person.pk)
        self.households: dict[int, list[Person]] = defaultdict(list)
        for person in self.residents:
            self.households[person.household].append(person)
        self.helpers = sorted(helpers, key=lambda helper: helper.pk)
        self.team_courses = team_courses
        self.account_person = account_person
        self.account_helper = account_helper
        self.zeal = {
            helper.pk: KEEN
            if helper.pk == account_helper
            else float(weighted(random.Random(f"{seed}:zeal:{helper.pk}"), ZEAL))  # noqa: S311
            for helper in self.helpers
        }
        self.items = [(category, item) for category in MENU for item in category.items]
        self.audiences: dict[tuple[int, str], tuple[list[Person], list[float]]] = {}
        self.ages: dict[int, list[int]] = {}  # the residents' ages on 1 July of a year
        self.skills: dict[tuple[int, str], bool] = {}

    # --- who ------------------------------------------------------------------------------------

    def audience(self, year: int, kind: str) -> tuple[list[Person], list[float]]:
        """The residents an item serves in `year`, weighted: elders and those living alone more."""
        key = (year, kind)
        if key not in self.audiences:
            on = date(year, 7, 1)
            if year not in self.ages:
                self.ages[year] = [person.age(on) for person in self.residents]
            people, weights = [], []
            for person, age in zip(self.residents, self.ages[year], strict=True):
                if not self.serves(kind, person, age, on):
                    continue
                weight = 1.0 + sum(TAG_WEIGHT.get(tag, 0.0) for tag in person.tags)
                weight *= 2.0 if age >= 75 or (kind == ANYONE and age >= 60) else 1.0
                weight *= 3.0 if kind == CHILD and "left_behind" in person.tags else 1.0
                people.append(person)
                weights.append(weight)
            self.audiences[key] = (people, weights)
        return self.audiences[key]

    def serves(self, kind: str, person: Person, age: int, on: date) -> bool:
        """Whether an item for `kind` serves this resident, `age` on the day `on`."""
        if kind == ELDERLY:
            return age >= 60
        if kind == ADULT:
            return 20 <= age <= 80
        if kind == ANYONE:
            return age >= 20
        if kind == CHILD:
            return 6 <= age <= 13 and self.guardian(person, on) is not None
        if kind == DISABLED:
            return "disabled" in person.tags and age >= 6
        raise KeyError(kind)

    def guardian(self, child: Person, on: date) -> Person | None:
        """Who asks for a child: a grandparent for a child left behind, else a parent at home."""
        adults = sorted(
            (
                person
                for person in self.households[child.household]
                if person.pk != child.pk and person.age(on) >= 22
            ),
            key=lambda person: (person.birth_date, person.pk),
            reverse="left_behind" not in child.tags,  # the eldest first for a child left behind
        )
        return adults[0] if adults else None

    def fits(self, helper: Helper, item: ItemSpec) -> bool:
        return not item.course or item.course in helper.courses

    def team_members(self, team: str, item: ItemSpec) -> list[Helper]:
        """Members who meet the team's training rule and the item's course."""
        rule = self.team_courses.get(team, frozenset())
        return [
            helper
            for helper in self.helpers
            if team in helper.teams and rule <= helper.courses and self.fits(helper, item)
        ]

    def skilled(self, helper: Helper, item: ItemSpec) -> bool:
        key = (helper.pk, item.skills)
        if key not in self.skills:
            self.skills[key] = any(word in helper.skills for word in item.skills.split())
        return self.skills[key]

    def pick_helper(self, rng: random.Random, pool: list[Helper], item: ItemSpec) -> Helper:
        weights = [self.zeal[h.pk] * (4.0 if self.skilled(h, item) else 1.0) for h in pool]
        return rng.choices(pool, weights)[0]

    def dispatch_to(
        self, rng: random.Random, category: CategorySpec, item: ItemSpec, mode: str
    ) -> tuple[str, str, Helper]:
        """(mode, team, the volunteer who accepts): the staff choose a team, one volunteer who
        knows the work, or open it to every volunteer of the category (抢单)."""
        teams = [(team, self.team_members(team, item)) for team in category.teams]
        teams = [(team, members) for team, members in teams if members]
        if mode == TEAM and teams:
            team, members = rng.choices(
                teams, [1 + sum(self.skilled(h, item) for h in members) for _t, members in teams]
            )[0]
            return TEAM, team, self.pick_helper(rng, members, item)
        if mode == OPEN:
            pool = [h for h in self.helpers if category.code in h.categories and self.fits(h, item)]
            if pool:
                return OPEN, "", self.pick_helper(rng, pool, item)
        known = [helper for _team, members in teams for helper in members]
        skilled = [helper for helper in known if self.skilled(helper, item)]
        return VOLUNTEER, "", self.pick_helper(rng, skilled or known, item)

    def dispatch_step(self, moment: datetime, mode: str, team: str, helper: Helper) -> Step:
        if mode == TEAM:
            return Step(moment, DISPATCH, TEAM, team=team)
        if mode == OPEN:
            return Step(moment, DISPATCH, OPEN)
        return Step(moment, DISPATCH, VOLUNTEER, volunteer=helper.pk)

    # --- words ----------------------------------------------------------------------------------

    def phone(self, rng: random.Random) -> str:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    def relative(self, rng: random.Random, person: Person) -> tuple[str, str]:
        """A relative who calls for an elder: (relation, name). Their children are of the 1980s."""
        relation = weighted(rng, RELATIVES)
        _since, men, women = next(row for row in reversed(GIVEN_NAMES) if row[0] <= 1985)
        son = relation in ("儿子", "女婿", "侄子")
        given = rng.choice((men if son else women).split())
        kin = relation in ("女儿", "儿子", "侄子")
        return relation, (person.name[0] if kin else rng.choice("王刘张陈杨")) + given

    def wechat(self, rng: random.Random, person: Person, on: date, ask: str) -> str:
        """The message as pasted from the 民情e站 group: the poster's nickname, then the text."""
        age = person.age(on)
        if age >= 70:
            title = "奶奶" if person.gender == "F" else "爷爷"
        elif age >= 45:
            title = "阿姨" if person.gender == "F" else "叔叔"
        else:
            title = "女士" if person.gender == "F" else "先生"
        return f"{person.address} {person.name[0]}{title}：{ask}{rng.choice(WECHAT_ENDINGS)}"

    def describe(
        self,
        rng: random.Random,
        category: CategorySpec,
        item: ItemSpec,
        person: Person,
        submitted: datetime,
        *,
        case: int,
        channel: str,
        urgent: bool,
    ) -> PlannedRequest:
        """The request as entered: who asks (a parent for a child, a relative for an elder), the
        pasted message, and the agreed time of a scheduled service."""
        ask, done = item.cases[case]
        on = timezone.localdate(submitted)
        poster = person
        if item.audience == CHILD:
            poster = self.guardian(person, on) or person
            channel = channel if channel in ("wechat", "phone") else "phone"
        elif channel == "proxy" and person.age(on) < 60 and "disabled" not in person.tags:
            channel = "phone"
        planned = PlannedRequest(item, category.code, channel, urgent, person.pk, ask, done)
        if item.audience == CHILD:
            planned.requester_name = poster.name
        if channel == "proxy":
            planned.proxy_relation, planned.requester_name = self.relative(rng, person)
            planned.requester_phone = self.phone(rng)
        if channel == "wechat":
            planned.source_text = self.wechat(rng, poster, on, ask)
        if item.scheduled:
            later = on + timedelta(days=rng.randint(1, 3))
            planned.preferred_at = at(later, time(rng.choice(AGREED_HOURS), 0))
        return planned

    # --- the history ----------------------------------------------------------------------------

    def plan(self) -> RequestPlan:
        last = self.today - timedelta(days=HISTORY_ENDS_DAYS_AGO)
        history: list[PlannedRequest] = []
        day = HISTORY_START
        while day <= last:
            history.extend(self.day(day))
            day += timedelta(days=1)
        history.extend(self.account_history(last))
        history.sort(key=lambda planned: planned.submitted_at)
        for planned in history:  # what is still ahead has not happened
            planned.steps = [step for step in planned.steps if step.at < self.now - minutes(30)]
        today = [self.open_request(index, spec) for index, spec in enumerate(OPEN_NOW)]
        return RequestPlan(history, today)

    def day(self, day: date) -> list[PlannedRequest]:
        rng = random.Random(f"{self.seed}:{day.isoformat()}")  # noqa: S311
        yearly = YEARLY_REQUESTS.get(day.year, YEARLY_REQUESTS[max(YEARLY_REQUESTS)])
        weekday = 0.8 if day.weekday() >= 5 else 1.08
        expected = yearly / 365 * MONTH_FACTOR.get(day.month, 1.0) * weekday
        count = sum(rng.random() < expected / 3 for _ in range(3))
        return [self.request(rng, day) for _ in range(count)]

    def request(self, rng: random.Random, day: date) -> PlannedRequest:
        holiday = day.month in (1, 2, 7, 8) and not (day.month == 1 and day.day < 15)
        weights = [
            0
            if item.school_months and holiday
            else item.weight * (2 if day.month in item.busy_months else 1)
            for _category, item in self.items
        ]
        category, item = rng.choices(self.items, weights)[0]
        people, chances = self.audience(day.year, item.audience)
        person = rng.choices(people, chances)[0]
        submitted = at(day, time(weighted(rng, POSTING_HOURS), rng.randint(0, 59)))
        urgent = item.always_urgent or (
            item.audience in (ELDERLY, DISABLED) and rng.random() < URGENT_SHARE
        )
        planned = self.describe(
            rng,
            category,
            item,
            person,
            submitted,
            case=rng.randrange(len(item.cases)),
            channel=weighted(rng, CHANNEL_WEIGHTS),
            urgent=urgent,
        )
        planned.steps.append(Step(submitted, SUBMIT))
        self.unfold(rng, planned, category, submitted)
        return planned

    def unfold(
        self,
        rng: random.Random,
        planned: PlannedRequest,
        category: CategorySpec,
        submitted: datetime,
    ) -> None:
        """From submission to the end: rejected, cancelled at some stage, or served and rated."""
        item, steps = planned.item, planned.steps
        low, high = (2, 10) if planned.urgent else DISPATCH_MINUTES[planned.channel]
        reviewed = submitted + minutes(rng.randint(low, high))
        reviewed = reviewed if planned.urgent else within_office(reviewed, rng)
        fate = rng.random()
        if fate < REJECTED_SHARE:
            reasons = REJECT_REASONS.get(planned.category) or REJECT_REASONS[""]
            steps.append(Step(reviewed, REJECT, text=rng.choice(reasons)))
            return
        cancelled = fate < REJECTED_SHARE + CANCELLED_SHARE
        stage = rng.choice((SUBMIT, DISPATCH, DISPATCH, ACCEPT)) if cancelled else ""
        if stage == SUBMIT:
            self.cancel(rng, planned, submitted + minutes(rng.randint(5, 60)))
            return
        wanted = weighted(rng, MODE_WEIGHTS)
        redispatched = rng.random() < REDISPATCHED_SHARE * 100 / MODE_WEIGHTS[TEAM]
        mode, team, helper = self.dispatch_to(rng, category, item, wanted)
        dispatched = reviewed
        steps.append(self.dispatch_step(dispatched, mode, team, helper))
        if mode == TEAM and redispatched:
            dispatched = within_office(dispatched + minutes(rng.randint(130, 200)), rng)
            steps.append(
                Step(dispatched, DISPATCH, VOLUNTEER, volunteer=helper.pk, text=REDISPATCH_NOTE)
            )
            mode = VOLUNTEER
        low, high = ACCEPT_MINUTES[mode]
        if stage == DISPATCH:
            self.cancel(rng, planned, dispatched + minutes(rng.randint(5, low + 5)))
            return
        accepted = dispatched + minutes(rng.randint(low, high) // (2 if planned.urgent else 1) + 1)
        steps.append(Step(accepted, ACCEPT, volunteer=helper.pk))
        started = self.start_time(rng, planned, accepted)
        if stage == ACCEPT:
            self.cancel(rng, planned, min(started, accepted + minutes(rng.randint(30, 240))))
            return
        steps.append(Step(started, START))
        self.serve(rng, planned, started)

    def start_time(
        self, rng: random.Random, planned: PlannedRequest, accepted: datetime
    ) -> datetime:
        """At the agreed time, at lunch for a meal, soon for anything else (at once if urgent)."""
        item = planned.item
        if planned.preferred_at is not None and planned.preferred_at > accepted:
            agreed = planned.preferred_at + minutes(rng.randint(-10, 15))
            return max(agreed, accepted + minutes(5))
        if item.serve_at is not None:
            local = timezone.localtime(accepted)
            day = local.date() + timedelta(days=int(local.time() > item.serve_at))
            return at(day, item.serve_at) + minutes(rng.randint(0, 20))
        if planned.urgent:
            return accepted + minutes(rng.randint(5, 20))
        return within_office(accepted + minutes(rng.randint(8, 60)), rng)

    def cancel(self, rng: random.Random, planned: PlannedRequest, moment: datetime) -> None:
        reason = rng.choice(CANCEL_REASONS)
        planned.steps.append(Step(moment, CANCEL, text=reason, by_requester=planned.account))

    def serve(
        self,
        rng: random.Random,
        planned: PlannedRequest,
        started: datetime,
        *,
        score: int | None = None,
        comment: str | None = None,
    ) -> None:
        """Served for the item's hours; confirmed by staff a few working days later; rated by the
        requester on the web, or by staff calling back; a poor rating's follow-up closed."""
        low, high = (int(Decimal(bound) * 2) for bound in planned.item.hours)
        hours = Decimal(rng.randint(low, high)) / 2
        completed = started + timedelta(hours=float(hours)) + minutes(rng.randint(0, 15))
        steps = planned.steps
        steps.append(Step(completed, COMPLETE, hours=hours, text=planned.done))
        steps.append(Step(office_days_later(completed, rng, 1, 4), CONFIRM))
        score = score or weighted(rng, RATING_WEIGHTS)
        if planned.account:
            rated = completed + minutes(rng.randint(30, 24 * 60))
        else:
            rated = office_days_later(completed, rng, 1, 3)
        comment = rng.choice(RATING_COMMENTS[score]) if comment is None else comment
        steps.append(Step(rated, RATE, score=score, text=comment, by_requester=planned.account))
        if score <= 2:
            closed = office_days_later(rated, rng, 1, 8)
            steps.append(Step(closed, CLOSE_FOLLOW_UP, text=rng.choice(FOLLOW_UP_OUTCOMES)))

    def account_history(self, last: date) -> list[PlannedRequest]:
        """The demo resident account's own requests on the web form (ACCOUNT_HISTORY)."""
        planned_list = []
        by_name = {item.name: (category, item) for category, item in self.items}
        for index, (when, name, score, comment) in enumerate(ACCOUNT_HISTORY):
            submitted = timezone.make_aware(datetime.fromisoformat(when))
            if timezone.localdate(submitted) > last:
                continue
            rng = random.Random(f"{self.seed}:account:{index}")  # noqa: S311
            category, item = by_name[name]
            ask, done = rng.choice(item.cases)
            planned = PlannedRequest(
                item, category.code, "web", False, self.account_person, ask, done, account=True
            )
            planned.steps.append(Step(submitted, SUBMIT))
            reviewed = within_office(submitted + minutes(rng.randint(10, 90)), rng)
            mode, team, helper = self.dispatch_to(rng, category, item, VOLUNTEER)
            planned.steps.append(self.dispatch_step(reviewed, mode, team, helper))
            accepted = reviewed + minutes(rng.randint(3, 30))
            planned.steps.append(Step(accepted, ACCEPT, volunteer=helper.pk))
            started = within_office(accepted + minutes(rng.randint(20, 90)), rng)
            planned.steps.append(Step(started, START))
            self.serve(rng, planned, started, score=score, comment=comment)
            planned_list.append(planned)
        return planned_list

    # --- today ----------------------------------------------------------------------------------

    def open_request(self, index: int, spec: OpenSpec) -> PlannedRequest:
        """One request of OPEN_NOW, its steps `steps_after` minutes after its submission."""
        rng = random.Random(f"{self.seed}:open:{index}")  # noqa: S311
        category, item = next((c, i) for c, i in self.items if i.name == spec.item)
        submitted = self.now - minutes(spec.minutes_ago)
        if spec.account:
            ask, done = item.cases[spec.case]
            planned = PlannedRequest(
                item, category.code, "web", False, self.account_person, ask, done, account=True
            )
        else:
            people, chances = self.audience(self.today.year, item.audience)
            person = rng.choices(people, chances)[0]
            planned = self.describe(
                rng,
                category,
                item,
                person,
                submitted,
                case=spec.case,
                channel=spec.channel,
                urgent=item.always_urgent,
            )
        planned.preferred_at = None
        steps = planned.steps
        steps.append(Step(submitted, SUBMIT))
        times = [submitted + minutes(offset) for offset in spec.steps_after]
        if not times:
            return planned
        helper = next((h for h in self.helpers if h.pk == self.account_helper), None)
        if spec.helper == "account" and helper is not None:
            mode, team = VOLUNTEER, ""
        else:
            mode, team, helper = self.dispatch_to(rng, category, item, spec.mode)
        steps.append(self.dispatch_step(times[0], mode, team, helper))
        if len(times) > 1:
            steps.append(Step(times[1], ACCEPT, volunteer=helper.pk))
            if item.scheduled:
                planned.preferred_at = at(self.today + timedelta(days=1), time(15, 0))
        if len(times) > 2:
            steps.append(Step(times[2], START))
        if len(times) > 3:
            hours = Decimal(max(1, int((times[3] - times[2]).total_seconds() // 1800))) / 2
            steps.append(Step(times[3], COMPLETE, hours=hours, text=planned.done))
        if len(times) > 4:
            steps.append(Step(times[3] + minutes(60), CONFIRM))
            comment = RATING_COMMENTS[2][0]
            steps.append(Step(times[4], RATE, score=2, text=comment, by_requester=planned.account))
        return planned
