"""mergeConsistencyTokens: one token of several, for a front end whose writes ran side by side."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.consistency import MAX_POSITIONS
from gateway.context import Context, graphql_error
from gateway.read_after_write.merging import merged_tokens
from shared.contracts.errors import DomainError, InvalidInput, Message

Tokens = Annotated[list[str], strawberry.argument(
    description=f"At most {MAX_POSITIONS} consistencyTokens this gateway answered (of writes or merges)")]


async def merge_consistency_tokens(info: strawberry.Info[Context, None], tokens: Tokens) -> str:
    """A token carrying every stream the tokens carry, each at its highest version; streams the read models
    already have are dropped when there are more than a token holds, and past that the merge is refused
    (consistency_token_full)."""
    info.context.actor()
    try:
        if len(tokens) > MAX_POSITIONS:
            raise InvalidInput(Message(zh=f"一次最多合并 {MAX_POSITIONS} 个一致性令牌",
                                       en=f"Merge at most {MAX_POSITIONS} consistency tokens at once"),
                               field="tokens")
        return await merged_tokens(info.context, tokens)
    except DomainError as error:
        raise graphql_error(error) from error
