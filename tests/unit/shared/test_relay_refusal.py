"""Which NATS failures the relay waits out and which make it `blocked`."""

from __future__ import annotations

import nats.errors
import nats.js.errors
import pytest

from shared.relay import Refused, refusal

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_a_message_whose_predecessor_was_lost_is_sent_again_not_blocked_on() -> None:
    lost = nats.js.errors.BadRequestError(code=400, err_code=10070, description="wrong last msg ID: 5f0c…")
    assert refusal(lost) is None


def test_jetstream_refusing_the_event_itself_blocks_the_relay_with_the_reason() -> None:
    too_big = nats.js.errors.BadRequestError(code=400, err_code=10054, description="message size exceeds maximum")
    assert refusal(too_big) == "JetStream refused it: message size exceeds maximum"
    assert refusal(Refused("over max_payload")) == "over max_payload"


def test_nats_away_or_silent_is_waited_out() -> None:
    assert refusal(nats.errors.ConnectionReconnectingError()) is None
    assert refusal(TimeoutError("no PubAck")) is None
    assert refusal(nats.js.errors.ServiceUnavailableError(code=503, description="JetStream not ready")) is None
