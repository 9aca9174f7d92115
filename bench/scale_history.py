"""A province-shaped year of work for `make bench-scale`, decided by the services' real deciders.

Hunan (43) at SIZE 1.0: 1,900 stations in 122 districts of 14 cities, each station on its own street with its
communities, and a year of work each (about 2,000 events): recipients, cases with assessments, plans, sessions,
evaluations and closings, groups with members and sign-ins, activities, volunteers and their services. Every
event comes out of a domain function given a command and the state folded from the stream's events so far (as
a handler would load it); this module writes nothing, `bench.scale` seals and copies the events into the
services' `events` tables.
"""

from __future__ import annotations

import math
import sys
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from services.activities.application.handlers import ACTIVITY, CLAIM, GROUP, STAFF, STATION, STREET, VOLUNTEER
from services.activities.domain import commands as ac
from services.activities.domain import groups, outreach, places, staff, volunteers
from services.cases.application.handlers import CASE, CASE_REGISTER, RECIPIENT, case_stream, recipient_stream
from services.cases.domain import case, recipient
from services.cases.domain import commands as cc
from shared.application import Decider
from shared.china import china_today
from shared.contracts import Actor, Role
from shared.contracts.activities import ActivityKind, AgeGroup, GroupPhase, GroupType, StaffRole
from shared.contracts.cases import (
    CaseOutcome,
    CategoryMembership,
    CategorySource,
    Gender,
    GoalResult,
    IntakeSource,
    NeedArea,
    RecipientCategory,
    RiskLevel,
    SessionMode,
)

PROVINCE = "43"
PROVINCE_NAME = "湖南省"
CITIES = (("4301", "长沙市"), ("4302", "株洲市"), ("4303", "湘潭市"), ("4304", "衡阳市"), ("4305", "邵阳市"),
          ("4306", "岳阳市"), ("4307", "常德市"), ("4308", "张家界市"), ("4309", "益阳市"), ("4310", "郴州市"),
          ("4311", "永州市"), ("4312", "怀化市"), ("4313", "娄底市"), ("4331", "湘西土家族苗族自治州"))
"""Hunan's 14 cities and prefecture (GB/T 2260); the districts and streets under them are the bench's own."""
ADULT_CATEGORIES = (RecipientCategory.SUBSISTENCE_ALLOWANCE, RecipientCategory.EXTREME_HARDSHIP,
                    RecipientCategory.ELDERLY_LIVING_ALONE, RecipientCategory.FAMILY_IN_DIFFICULTY)
FULL = {"cities": 14, "districts": 122, "stations": 1900}

SYSTEM = Actor(subject="hemiao-bench-scale", name="规模测试", role=Role.SYSTEM, station_ids=("*",))
_NS = uuid.UUID("0b7c9f3e-4a43-4c1e-9a43-435c0a1e2d01")


def ident(kind: str, *parts: object) -> str:
    """A stable id, so two runs of one SIZE write the very same streams."""
    return str(uuid.uuid5(_NS, ":".join([kind, *map(str, parts)])))


def station_code(n: int) -> str:
    """A station code of capital letters (2 to 6), one per station: S + n in base 26."""
    letters = ""
    for _ in range(3):
        n, digit = divmod(n, 26)
        letters = chr(65 + digit) + letters
    return f"S{letters}"


@dataclass(frozen=True)
class Work:
    """How much a station does in a year (about 2,000 events at the defaults)."""

    recipients: int = 80
    cases: int = 42
    sessions: int = 30
    groups: int = 4
    members: int = 10
    group_sessions: int = 10
    activities: int = 24
    volunteers: int = 30
    services: int = 10


@dataclass(frozen=True)
class Place:
    """One station with its street, district and city."""

    n: int
    city_code: str
    city: str
    district_code: str
    district: str
    street_code: str
    station_id: str
    street_id: str
    code: str
    communities: tuple[tuple[str, str, str], ...]
    """(community id, name, 12-digit code) of the street's communities."""


def shape(size: float) -> list[Place]:
    """The stations of a province of `size` (1.0 = 1,900 stations in 122 districts of 14 cities), the cities,
    districts and stations spread evenly: SIZE 0.01 is 19 stations in 2 districts of 1 city."""
    stations = max(1, math.ceil(FULL["stations"] * size))
    districts = max(1, min(stations, math.ceil(FULL["districts"] * size)))
    cities = max(1, min(districts, math.ceil(FULL["cities"] * size)))
    district_of = [(d % cities, d // cities) for d in range(districts)]  # (city, its n-th district)
    places: list[Place] = []
    streets_in: dict[int, int] = {}
    for n in range(stations):
        d = n % districts
        city_index, within = district_of[d]
        city_code, city = CITIES[city_index]
        district_code = f"{city_code}{within + 2:02d}"
        street_n = streets_in.get(d, 0) + 1
        streets_in[d] = street_n
        street_code = f"{district_code}{street_n:03d}000"
        communities = tuple((ident("community", street_code, k), f"{city}{within + 2}区{street_n}街第{k}社区",
                             f"{street_code[:9]}{k:03d}") for k in range(1, 5))
        places.append(Place(n=n, city_code=city_code, city=city, district_code=district_code,
                            district=f"{city}第{within + 2}区", street_code=street_code,
                            station_id=ident("station", n), street_id=ident("street", street_code),
                            code=station_code(n), communities=communities))
    return places


@dataclass
class Decided:
    """One stream's events as a command decided them, with who asked and on which day."""

    service: str
    stream_id: str
    stream_type: str
    expected_version: int
    events: list[object]
    actor: Actor
    day: date


@dataclass
class Streams:
    """The states and versions of the streams decided so far, folded as a handler's `load` would."""

    states: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    out: list[Decided] = field(default_factory=list)

    def state(self, decider: Decider[Any], stream_id: str) -> Any:
        return self.states.get(stream_id, decider.initial_state)

    def keep(self, service: str, decider: Decider[Any], stream_id: str, events: Sequence[object], actor: Actor,
             day: date) -> Any:
        """Keep the events a command decided on the stream's state (`state()`); the new state."""
        state = self.state(decider, stream_id)
        for event in events:
            state = decider.evolve(state, event)
        self.states[stream_id] = state
        version = self.versions.get(stream_id, 0)
        self.versions[stream_id] = version + len(events)
        self.out.append(Decided(service, stream_id, decider.stream_type, version, list(events), actor, day))
        return state

    def take(self) -> list[Decided]:
        """The streams decided since the last take, to write."""
        out, self.out = self.out, []
        return out


class Province:
    """Decides the places once, then each station's year, one station at a time (`station_year`)."""

    def __init__(self, size: float, today: date, work: Work = Work()) -> None:
        self.places = shape(size)
        self.today = today
        self.first_day = today - timedelta(days=365)
        self.work = work
        self.places_streams = Streams()
        self.opened: list[places.Station] = []

    def place_streams(self) -> list[Decided]:
        """Streets with their division codes and communities, stations and their staff (the bureau's and the
        head's commands, decided by the activities service's place and staff rules)."""
        s = self.places_streams
        opened_on = self.first_day - timedelta(days=30)
        setup = opened_on - timedelta(days=5)
        for p in self.places:
            street = f"street-{p.street_id}"
            register = ac.RegisterStreet(actor=SYSTEM, today=setup, street_id=p.street_id,
                                         name=f"{p.district}第{p.n}街道", district=p.district,
                                         district_code=p.district_code, division_code=p.street_code)
            for command, code in [(register, p.street_code)] + [
                    (ac.AddCommunity(actor=SYSTEM, today=setup, street_id=p.street_id, community_id=cid, name=name,
                                     division_code=code), code) for cid, name, code in p.communities]:
                claim_stream = f"division_code-{code}"
                claimed, streets = places.decide_coded(command, s.state(STREET, street), s.state(CLAIM, claim_stream))
                s.keep("activities", CLAIM, claim_stream, claimed, SYSTEM, setup)
                s.keep("activities", STREET, street, streets, SYSTEM, setup)
            open_station = ac.OpenStation(actor=SYSTEM, today=opened_on, station_id=p.station_id,
                                          street_id=p.street_id, name=f"{p.district}第{p.n}街道社工站", code=p.code,
                                          opened_on=opened_on)
            at = f"station-{p.station_id}"
            station = s.keep("activities", STATION, at, places.open_station(
                open_station, s.state(STREET, street), s.state(STATION, at), tuple(self.opened)), SYSTEM, opened_on)
            self.opened.append(station)
            for who, role in (("head", StaffRole.STATION_HEAD), ("sw1", StaffRole.SOCIAL_WORKER),
                              ("sw2", StaffRole.SOCIAL_WORKER)):
                join = ac.JoinStaff(actor=SYSTEM, today=opened_on, staff_id=f"{who}-{p.code.lower()}",
                                    name=f"{p.code}{who}", role=role, station_ids=(p.station_id,), joined_on=opened_on)
                member = f"staff-{join.staff_id}"
                s.keep("activities", STAFF, member, staff.join(join, {p.station_id: station}, s.state(STAFF, member)),
                       SYSTEM, opened_on)
        return s.take()

    def actors(self, p: Place) -> tuple[Actor, Actor]:
        worker = Actor(subject=f"sw1-{p.code.lower()}", name=f"{p.code} 社工", role=Role.SOCIAL_WORKER,
                       station_ids=(p.station_id,))
        head = Actor(subject=f"head-{p.code.lower()}", name=f"{p.code} 站长", role=Role.STATION_HEAD,
                     station_ids=(p.station_id,))
        return worker, head

    def day(self, fraction: float) -> date:
        """A day of the year of work, 0.0 its first, 1.0 yesterday."""
        return self.first_day + timedelta(days=min(364, int(fraction * 365)))

    def station_year(self, p: Place) -> Iterator[list[Decided]]:
        """The station's year, in the order it was done: recipients and their cases, then groups, activities and
        volunteers (each part a batch of streams to write)."""
        yield self._cases(p)
        yield self._activities(p)

    def _cases(self, p: Place) -> list[Decided]:
        s, w = Streams(), self.work
        worker, head = self.actors(p)
        communities = [{"community_id": cid, "name": name, "division_code": code} for cid, name, code in p.communities]
        for r in range(w.recipients):
            rid = ident("recipient", p.n, r)
            registered_on = self.day(r / w.recipients * 0.5)
            cid, name, _ = p.communities[r % len(p.communities)]
            command = cc.RegisterRecipient(
                actor=worker, today=registered_on, recipient_id=rid, station_id=p.station_id, name=f"居民{r:03d}",
                gender=Gender.FEMALE if r % 2 else Gender.MALE, community=name, community_id=cid,
                birth_year=1940 + r % 45,
                categories=(CategoryMembership(category=ADULT_CATEGORIES[r % len(ADULT_CATEGORIES)],
                                               valid_from=registered_on - timedelta(days=30),
                                               source=CategorySource.VISIT),))
            stream = recipient_stream(rid)
            s.keep("cases", RECIPIENT, stream, recipient.register(command, s.state(RECIPIENT, stream), communities),
                   worker, registered_on)
            if r >= w.cases:
                continue
            self._case(s, p, r, rid, registered_on, worker, head)
        return s.take()

    def _case(self, s: Streams, p: Place, r: int, rid: str, registered_on: date, worker: Actor, head: Actor) -> None:
        w = self.work
        case_id = ident("case", p.n, r)
        stream = case_stream(case_id)
        opened_on = registered_on + timedelta(days=2)
        register = case.register_stream(p.station_id, opened_on.year)
        opening = cc.OpenCase(actor=worker, today=opened_on, case_id=case_id, recipient_id=rid,
                              worker_id=worker.subject, intake_source=list(IntakeSource)[r % 5],
                              presenting_problem="独居老人，需要定期探访与情绪支持", opened_on=opened_on)
        numbered, opened = case.open_case_at(opening, None, s.state(RECIPIENT, recipient_stream(rid)),
                                             s.state(CASE_REGISTER, register), s.state(CASE, stream))
        s.keep("cases", CASE_REGISTER, register, numbered, worker, opened_on)
        s.keep("cases", CASE, stream, opened, worker, opened_on)
        day = opened_on + timedelta(days=3)

        def run(command: Any, actor: Actor, on: date) -> Any:
            return s.keep("cases", CASE, stream, case.decide(command, s.state(CASE, stream)), actor, on)

        run(cc.AssessCase(actor=worker, today=day, case_id=case_id, assessed_on=day,
                          risk_level=list(RiskLevel)[r % 3],
                          needs=(cc.NeedInput(area=list(NeedArea)[r % 7], description="日常照料与情绪支持"),)),
            worker, day)
        target = day + timedelta(days=180)
        run(cc.DraftServicePlan(actor=worker, today=day, case_id=case_id, strategies="每周探访，链接社区资源",
                                goals=(cc.GoalInput(description="改善情绪", measure="量表得分", target_date=target),
                                       cc.GoalInput(description="建立支持网络", measure="联系人数",
                                                    target_date=target))),
            worker, day)
        run(cc.SubmitServicePlan(actor=worker, today=day, case_id=case_id), worker, day)
        state = run(cc.ApproveServicePlan(actor=head, today=day, case_id=case_id, plan_version=1), head, day)
        held = day
        sessions = w.sessions * (self.today - opened_on).days // 365 + 1
        for n in range(sessions):
            held = min(self.today - timedelta(days=1), day + timedelta(days=1 + n * 7))
            run(cc.RecordCaseSession(actor=worker, today=held, case_id=case_id, session_id=ident("session", case_id, n),
                                     held_on=held, mode=list(SessionMode)[n % 5], duration_minutes=45,
                                     notes="探访记录", content="了解近况，陪伴交流"),
                worker, held)
        if r % 2:  # half the cases close within the year
            end = held
            run(cc.EvaluateCase(actor=worker, today=end, case_id=case_id, evaluated_on=end, satisfaction=4,
                                goal_results=tuple(cc.GoalEvaluationInput(goal_id=g, result=list(GoalResult)[r % 3])
                                                   for g in state.plan.approved_goal_ids)),
                worker, end)
            run(cc.RequestCaseClosing(actor=worker, today=end, case_id=case_id, closed_on=end, reason="目标基本达成",
                                      outcome=CaseOutcome.GOALS_MET), worker, end)
            run(cc.ApproveCaseClosing(actor=head, today=end, case_id=case_id), head, end)

    def _activities(self, p: Place) -> list[Decided]:
        s, w = Streams(), self.work
        worker, head = self.actors(p)
        station = self.places_streams.states[f"station-{p.station_id}"]
        street = self.places_streams.states[f"street-{p.street_id}"]
        leaders = {worker.subject: self.places_streams.states[f"staff-{worker.subject}"]}
        for g in range(w.groups):
            gid = ident("group", p.n, g)
            stream = f"group-{gid}"
            planned_on = self.day(g / w.groups * 0.7)
            cid, name, _ = p.communities[g % len(p.communities)]
            plan = ac.PlanGroup(actor=worker, today=planned_on, group_id=gid, station_id=p.station_id,
                                name=f"互助小组{g}", type=list(GroupType)[g % 5], target_population="社区长者",
                                leader_ids=(worker.subject,), planned_sessions=w.group_sessions,
                                community=name, community_id=cid, planned_on=planned_on)
            s.keep("activities", GROUP, stream,
                   groups.plan(plan, station, None, leaders, s.state(GROUP, stream), street), worker, planned_on)
            members = []
            for m in range(w.members):
                member = ac.AddGroupMember(actor=worker, today=planned_on, group_id=gid,
                                           member_id=ident("member", gid, m), name=f"组员{m:02d}")
                members.append(member.member_id)
                s.keep("activities", GROUP, stream, groups.add_member(member, None, s.state(GROUP, stream)), worker,
                       planned_on)
            for phase in (GroupPhase.FORMING, GroupPhase.WORKING):
                change = ac.ChangeGroupPhase(actor=worker, today=planned_on, group_id=gid, phase=phase)
                s.keep("activities", GROUP, stream, groups.decide(change, s.state(GROUP, stream)), worker, planned_on)
            held = planned_on
            for n in range(w.group_sessions):
                held = min(self.today - timedelta(days=1), planned_on + timedelta(days=7 * (n + 1)))
                session = ac.RecordGroupSession(
                    actor=worker, today=held, group_id=gid, session_id=ident("group-session", gid, n), held_on=held,
                    duration_minutes=90, place="社区活动室", theme=f"第{n + 1}次活动",
                    present_member_ids=tuple(members[: w.members - n % 3]), walk_ins=n % 4)
                s.keep("activities", GROUP, stream, groups.decide(session, s.state(GROUP, stream)), worker, held)
            closing = ac.CloseGroup(actor=worker, today=held, group_id=gid, closed_on=held, summary="小组目标达成")
            s.keep("activities", GROUP, stream, groups.decide(closing, s.state(GROUP, stream)), worker, held)
        for a in range(w.activities):
            aid = ident("activity", p.n, a)
            held = self.day(a / w.activities)
            cid, name, _ = p.communities[a % len(p.communities)]
            activity = ac.RecordActivity(actor=worker, today=held, activity_id=aid, station_id=p.station_id,
                                         title=f"社区活动{a}", kind=list(ActivityKind)[a % 8], held_on=held,
                                         place="社区广场", direct_participants=20 + a % 30, community=name,
                                         community_id=cid)
            at = f"activity-{aid}"
            s.keep("activities", ACTIVITY, at,
                   outreach.record_activity(activity, station, None, s.state(ACTIVITY, at), street), worker, held)
        for v in range(w.volunteers):
            vid = ident("volunteer", p.n, v)
            stream = f"volunteer-{vid}"
            registered_on = self.day(v / w.volunteers * 0.3)
            register = ac.RegisterVolunteer(actor=head, today=registered_on, volunteer_id=vid, station_id=p.station_id,
                                            name=f"志愿者{v:03d}", gender="female" if v % 3 else "male",
                                            age_group=list(AgeGroup)[v % 4], birth_year=1960 + v % 40,
                                            registered_on=registered_on)
            s.keep("activities", VOLUNTEER, stream, volunteers.register(register, station, s.state(VOLUNTEER, stream)),
                   head, registered_on)
            for n in range(w.services):
                served = min(self.today - timedelta(days=2), registered_on + timedelta(days=3 + n * 25))
                service = ac.RecordVolunteerService(
                    actor=head, today=served + timedelta(days=1), volunteer_id=vid,
                    record_id=ident("service", vid, n), served_on=served, place="社区服务点", content="陪伴老人",
                    hours=2.0, organising_unit="社工站", person_in_charge="站长")
                s.keep("activities", VOLUNTEER, stream, volunteers.record_service(service, s.state(VOLUNTEER, stream)),
                       head, served)
        return s.take()


def main() -> int:
    """`python -m bench.scale_history [SIZE]`: decide the history (no servers, nothing written) and count its
    events by type: a check, in seconds, that the deciders still take the bench's commands."""
    province = Province(float(sys.argv[1]) if len(sys.argv) > 1 else 1 / 1900, china_today())
    counted = Counter(type(e).__name__ for d in province.place_streams() for e in d.events)
    for place in province.places:
        counted.update(type(e).__name__ for batch in province.station_year(place) for d in batch for e in d.events)
    for name, n in counted.most_common():
        print(f"{n:>9,}  {name}")
    print(f"{sum(counted.values()):>9,}  events at {len(province.places):,} stations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
