"""Concurrent reads that fail like sequential ones: the first error, not an ExceptionGroup.

`asyncio.TaskGroup` cancels the other reads when one fails (what we want: a partial live state
must never be used) but raises an `ExceptionGroup`, which the CLI would report as an internal
error. `read_group` re-raises the first underlying error instead, preferring a
`ReconcilerError`, so the person sees its one-line message.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from reconciler.errors import ReconcilerError


def first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first ReconcilerError in a (nested) exception group, else its first leaf."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        current = pending.pop(0)
        if isinstance(current, BaseExceptionGroup):
            pending[:0] = list(current.exceptions)
        else:
            leaves.append(current)
    return next((e for e in leaves if isinstance(e, ReconcilerError)), leaves[0])


@asynccontextmanager
async def read_group() -> AsyncIterator[asyncio.TaskGroup]:
    """A TaskGroup whose failure is re-raised as its first underlying error."""
    try:
        async with asyncio.TaskGroup() as group:
            yield group
    except BaseExceptionGroup as failed:
        raise first_error(failed) from None
