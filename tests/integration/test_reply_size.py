"""No answer exceeds max_payload: one that would is a typed refusal the caller gets at once, not a timeout."""

from __future__ import annotations

from typing import Any

import nats
import pytest

from shared.contracts.errors import DomainError
from shared.runtime import RequestContext, ServiceClient, serve
from tests.support import AUTH, SYSTEM_ACTOR, Servers, token_for

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


async def test_an_answer_over_max_payload_is_refused_as_reply_too_large_and_the_next_one_is_answered(
        servers: Servers, namespace: str) -> None:
    nc = await nats.connect(servers.nats.url)

    async def everything(body: dict[str, Any], _: RequestContext) -> dict[str, Any]:
        return {"rows": ["记" * 1000] * int(body["rows"])}

    endpoints = await serve(nc, service="big", namespace=namespace, version="0.1.0", description="big answers",
                            endpoints={"everything": everything}, auth=AUTH)
    try:
        client = ServiceClient(nc, namespace, timeout=5)
        token = token_for(SYSTEM_ACTOR)
        with pytest.raises(DomainError) as refused:  # about 3 MB against the server's 1 MiB
            await client.call("big", "everything", {"rows": 1000}, token=token)
        small = await client.call("big", "everything", {"rows": 3}, token=token)

        assert refused.value.code == "reply_too_large"
        assert "分页" in refused.value.message.zh and "smaller page" in refused.value.message.en
        assert len(small["rows"]) == 3
    finally:
        await endpoints.stop()
        await nc.close()
