"""hemiao's header parser answers exactly what nats-py's own does, for any header block."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nats.aio.client import Client

from shared.natsio import HeaderClient

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

PIECES = st.sampled_from([b"ce-id", b"hemiao-actor", b"Nats-Msg-Id", b":", b": ", b"\r\n", b" ", b"\t", b"\xe7\xa4\xbe",
                          b"\xff", b"\xe7\xa4", b"\xa4", b"a b", b"\x1c", b"value", b"2026-12-01T00:00:00+00:00", b""])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map(b"".join) | st.binary(max_size=200))
def test_the_parser_agrees_with_nats_py_on_any_block(raw: bytes) -> None:
    assert HeaderClient._parse_header_lines(raw) == Client._parse_header_lines(raw)


def test_an_events_headers_parse_to_themselves() -> None:
    headers = {"Nats-Msg-Id": "0b9f", "ce-type": "org.hemiao.cases.case.opened.v2", "hemiao-actor": "社工-1",
               "ce-time": "2026-12-01T08:00:00+00:00"}
    block = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()
    assert HeaderClient._parse_header_lines(block) == headers
