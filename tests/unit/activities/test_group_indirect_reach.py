"""A group session's indirect beneficiaries: estimated with a basis, kept on the session, never an activity."""

from __future__ import annotations

import pytest

from services.activities.domain import groups
from services.activities.domain.errors import BasisMissing
from shared.contracts.activities import GroupSessionHeld, group_session_held_v1_to_v2
from shared.contracts.registry import upcast
from shared.rules import OutOfRange
from tests.unit.activities.test_station_work import session, with_members

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_a_session_keeps_its_indirect_beneficiaries_and_the_basis_of_the_estimate() -> None:
    [held] = groups.decide(session(indirect_beneficiaries=300, indirect_basis="  组员家长约 300 人 "), with_members(2))

    assert isinstance(held, GroupSessionHeld)
    assert (held.indirect_beneficiaries, held.indirect_basis) == (300, "组员家长约 300 人")
    assert len(held.present_member_ids) + held.walk_ins == 3, "the direct sign-in is untouched"


def test_indirect_beneficiaries_without_a_basis_or_below_zero_are_refused() -> None:
    with pytest.raises(BasisMissing) as missing:
        groups.decide(session(indirect_beneficiaries=50, indirect_basis="  "), with_members(2))
    assert missing.value.field == "indirectBasis"
    with pytest.raises(OutOfRange) as negative:
        groups.decide(session(indirect_beneficiaries=-1, indirect_basis="x"), with_members(2))
    assert negative.value.field == "indirectBeneficiaries"


def test_a_session_without_indirect_reach_says_0_and_needs_no_basis() -> None:
    [held] = groups.decide(session(), with_members(2))
    assert isinstance(held, GroupSessionHeld) and (held.indirect_beneficiaries, held.indirect_basis) == (0, "")


def test_a_version_1_session_reads_as_reaching_nobody_indirectly() -> None:
    v1 = {"group_id": "g-1", "walk_ins": 2}
    assert group_session_held_v1_to_v2(v1) == {"group_id": "g-1", "walk_ins": 2, "indirect_beneficiaries": 0,
                                               "indirect_basis": ""}
    assert upcast("GroupSessionHeld", 1, v1)["indirect_beneficiaries"] == 0
