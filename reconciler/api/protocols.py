"""What the rest of reconciler needs of the Admin API client, as Protocols (no httpx here):
kinds, reads and reports take a `Reader`; apply takes a `WriteClient`. `AdminClient` is both."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the clock module imports asyncio: a type here, not a load
    from reconciler.clock import Clock

JSON = dict[str, Any]


class Reader(Protocol):
    """The read part of the Admin API client (reconciler.api's AdminClient) that kinds use."""

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> list[JSON]:
        """Every item of a paginated list."""
        ...

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> JSON:
        """One object."""
        ...


class WriteClient(Reader, Protocol):
    """The part of the Admin API client that apply uses: reads for read-back, and writes."""

    async def post(self, path: str, *, json: Mapping[str, Any] | None = None) -> JSON:
        """A create or update (never retried by the client)."""
        ...

    async def delete(self, path: str) -> JSON:
        """A delete (never retried by the client)."""
        ...

    @property
    def clock(self) -> Clock:
        """The clock the client paces with (apply waits on it, e.g. for twins to settle)."""
        ...
