"""A group's late entries (补录) keep the day things happened: a member's joining, a change of leaders or of phase,
and a feedback form each take their own day, default today, never in the future, never before the group was
planned, the group's last change, or (for a form) the day the member joined."""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from typing import Any

import pytest

from services.activities.domain import groups
from services.activities.domain.commands import (
    AddGroupMember,
    ChangeGroupLeaders,
    ChangeGroupPhase,
    RecordGroupFeedback,
)
from services.activities.domain.staff import Staff
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    GroupFeedbackRecorded,
    GroupLeadersChanged,
    GroupMemberJoined,
    GroupPhase,
    GroupPhaseChanged,
    GroupPlanned,
    GroupType,
)
from shared.rules import DateBeforeFact, DateInFuture

TODAY = date(2026, 6, 26)
"""The day the worker types it all in; the group's work happened earlier in the month."""
DAY = {n: TODAY.replace(day=n) for n in range(1, 27)}
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))
PLANNED = reduce(groups.evolve, [GroupPlanned(
    group_id="g-1", station_id="s-1", project_id=None, name="成长小组", type=GroupType.GROWTH,
    target_population="6-12 岁儿童", community="一力社区", community_id=None, leader_ids=("sw-1",),
    planned_sessions=4, planned_on=DAY[5])], groups.GROUP)
"""Planned on day 5."""


def join(day: date | None, member_id: str = "m-1") -> AddGroupMember:
    return AddGroupMember(actor=WORKER, today=TODAY, group_id="g-1", member_id=member_id, name="叶某", joined_on=day)


def joined(state: Any, day: date | None) -> Any:
    return reduce(groups.evolve, groups.add_member(join(day), None, state), state)


def test_a_member_who_joined_days_before_the_entry_keeps_that_day_and_today_is_the_default() -> None:
    [late] = groups.add_member(join(DAY[8]), None, PLANNED)
    [now] = groups.add_member(join(None), None, PLANNED)
    assert isinstance(late, GroupMemberJoined) and late.joined_on == DAY[8]
    assert isinstance(now, GroupMemberJoined) and now.joined_on == TODAY


@pytest.mark.parametrize(("day", "error", "message"), [
    (TODAY + timedelta(days=1), DateInFuture, "joinedOn cannot be in the future"),
    (DAY[4], DateBeforeFact, "is before the day the group was planned"),
])
def test_nobody_joins_in_the_future_or_before_the_group_was_planned(day: date, error: type[Exception],
                                                                    message: str) -> None:
    with pytest.raises(error) as refused:
        groups.add_member(join(day), None, PLANNED)
    assert message in refused.value.message.en and refused.value.field == "joinedOn"


def test_a_phase_change_keeps_its_day_never_before_planning_nor_before_the_last_change() -> None:
    moved = groups.change_phase(ChangeGroupPhase(actor=WORKER, today=TODAY, group_id="g-1",
                                                 phase=GroupPhase.FORMING, changed_on=DAY[10]), PLANNED)
    assert isinstance(moved[0], GroupPhaseChanged) and moved[0].changed_on == DAY[10]
    forming = reduce(groups.evolve, moved, PLANNED)
    with pytest.raises(DateBeforeFact) as before_last:
        groups.change_phase(ChangeGroupPhase(actor=WORKER, today=TODAY, group_id="g-1", phase=GroupPhase.ENDING,
                                             changed_on=DAY[9]), forming)
    with pytest.raises(DateBeforeFact) as before_planning:
        groups.change_phase(ChangeGroupPhase(actor=WORKER, today=TODAY, group_id="g-1", phase=GroupPhase.FORMING,
                                             changed_on=DAY[3]), PLANNED)
    assert "the group's last change" in before_last.value.message.en
    assert "上次变更" in before_last.value.message.zh
    assert before_planning.value.field == "changedOn"


def test_a_handover_keeps_its_day_and_is_not_in_the_future() -> None:
    leaders = {"sw-2": Staff(joined=True, station_ids=("s-1",))}
    [handed] = groups.change_leaders(ChangeGroupLeaders(actor=WORKER, today=TODAY, group_id="g-1",
                                                        leader_ids=("sw-2",), changed_on=DAY[12]), leaders, PLANNED)
    assert isinstance(handed, GroupLeadersChanged) and handed.changed_on == DAY[12]
    with pytest.raises(DateInFuture):
        groups.change_leaders(ChangeGroupLeaders(actor=WORKER, today=TODAY, group_id="g-1", leader_ids=("sw-2",),
                                                 changed_on=TODAY + timedelta(days=1)), leaders, PLANNED)


def feedback(day: date | None) -> RecordGroupFeedback:
    return RecordGroupFeedback(actor=WORKER, today=TODAY, group_id="g-1", feedback_id="f-1", member_id="m-1",
                               satisfaction=5, recorded_on=day)


def test_a_feedback_form_keeps_its_day_never_before_the_member_joined() -> None:
    member = joined(PLANNED, DAY[9])
    [form] = groups.record_feedback(feedback(DAY[20]), member)
    assert isinstance(form, GroupFeedbackRecorded) and form.recorded_on == DAY[20]
    [today] = groups.record_feedback(feedback(None), member)
    assert isinstance(today, GroupFeedbackRecorded) and today.recorded_on == TODAY
    with pytest.raises(DateBeforeFact) as refused:
        groups.record_feedback(feedback(DAY[8]), member)
    assert refused.value.field == "recordedOn" and "该组员入组日期" in refused.value.message.zh
