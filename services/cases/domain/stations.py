"""The stations of the activities service, as this service follows them: intake only at one still open.

Cases does not decide stations; it follows the activities stream's `StationOpened` and `StationClosed` and
refuses new intake (a recipient registered, a case opened) at a station it knows is closed. A station it has not
heard of is not refused: the cases service also runs alone (and a station opened an instant ago may not have
arrived yet), and the caller's token already bounds the stations they may name.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.cases.domain.errors import StationIsClosed


@dataclass(frozen=True)
class FollowedStation:
    """A station as the activities stream told this service of it (a moment behind it)."""

    closed: bool = False


def require_open(station: FollowedStation | None, station_id: str, field: str = "stationId") -> None:
    if station is not None and station.closed:
        raise StationIsClosed(station_id, field)
