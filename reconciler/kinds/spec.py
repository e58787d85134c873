"""The I/O half of a kind: what apply needs of it (`KindSpec`).

A kind's module in this package ends with its `SPEC`, listed once in `registry.py`. The spec
carries the kind's pure half too (`KindInfo`, from the module of the same name in
`reconciler.core.kinds`, where the pure core finds it).
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.core.change import Kind
from reconciler.core.kinds.base import KindInfo
from reconciler.write.context import BatchHandler, Handler


@dataclass(frozen=True, slots=True)
class KindSpec:
    """Everything the generic machinery needs of a kind beyond the pure core.

    Exactly one of `write` (one change per call) and `batch` (several changes per request)
    performs its changes; each reads back what it wrote through `write/recovery.py` itself.
    """

    info: KindInfo
    write: Handler | None = None
    batch: BatchHandler | None = None

    @property
    def kind(self) -> Kind:
        """The kind this spec is for."""
        return self.info.kind
