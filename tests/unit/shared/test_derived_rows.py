"""Each derived-row writer the services keep says which events it writes rows for (`writes_for`), and the store
gives it only appends with one of them, and sends any other append as one statement without a transaction. So a
declaration that left an event out would lose its rows: here every writer is given an example of every event, and
it must write for exactly the ones it declares."""

from __future__ import annotations

from typing import Any

import pytest

from services.activities.adapters.lookups import ActivityLookups
from services.activities.adapters.volunteer_index import VolunteerIndex
from services.cases.adapters.lookups import CaseLookups
from services.cases.application.search import RecipientIndex
from shared.contracts.examples import EXAMPLES
from shared.eventstore import StreamAppend
from shared.eventstore.postgres import DerivedRows
from shared.kernel.search_terms import TermKey

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

KEY = bytes(range(32))


class Recording:
    """A connection that only remembers being used."""

    def __init__(self) -> None:
        self.used: list[str] = []

    def __getattr__(self, name: str) -> Any:
        async def used(*args: Any, **kwargs: Any) -> None:
            self.used.append(name)

        return used


WRITERS: dict[str, DerivedRows] = {
    "recipient index": RecipientIndex(TermKey.for_service(KEY, "cases")),
    "case lookups": CaseLookups(pool=None),  # type: ignore[arg-type]  # its writes use the connection given
    "volunteer index": VolunteerIndex(None, TermKey.for_service(KEY, "activities")),  # type: ignore[arg-type]
    "activity lookups": ActivityLookups(pool=None),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("name", WRITERS)
async def test_a_writer_writes_rows_for_exactly_the_events_it_declares(name: str) -> None:
    writer = WRITERS[name]
    written = set()
    for example in EXAMPLES:
        conn = Recording()
        await writer.write(conn, StreamAppend(stream_id="s", stream_type="t", expected_version=0,  # type: ignore[arg-type]
                                              events=[example]))
        if conn.used:
            written.add(type(example).__name__)
    assert written == writer.writes_for
