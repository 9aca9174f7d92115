"""A server's address is taken when it is made: a port in use is refused by name, at once, in both languages."""

from __future__ import annotations

import socket

import pytest

from shared.http import PortTaken, listening_socket

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_port_zero_is_a_free_port_the_system_chose_and_ours_until_closed() -> None:
    with listening_socket("127.0.0.1", 0) as first:
        port = first.getsockname()[1]
        assert port > 0
        first.listen()
        with pytest.raises(PortTaken):
            listening_socket("127.0.0.1", port)


def test_a_port_someone_listens_on_is_refused_naming_the_address_in_both_languages() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(PortTaken) as refused:
            listening_socket("127.0.0.1", port)
    message = str(refused.value)
    assert f"无法监听 127.0.0.1:{port}" in message
    assert f"cannot listen on 127.0.0.1:{port}" in message
