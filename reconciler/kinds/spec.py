"""The I/O half of a kind: what apply, fetch and export need of it (`KindSpec`).

A kind's module in this package ends with its `SPEC`, listed once in `registry.py`. The spec
carries the kind's pure half too (`KindInfo`, from the module of the same name in
`reconciler.core.kinds`, where the pure core finds it).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.api.protocols import Reader
from reconciler.core.change import Kind
from reconciler.core.kinds.base import KindInfo
from reconciler.core.model import Desired, Live
from reconciler.write.context import BatchHandler, Handler

# What reading a part gives: the live value, and server ids by natural key (for a project's
# part, the key without the project's name: the reader puts it in front).
PartRead = tuple[object, Mapping[tuple[str, ...], str]]
OrgPartReader = Callable[[Reader, Desired], Coroutine[Any, Any, PartRead]]
ProjectPartReader = Callable[[Reader, str], Coroutine[Any, Any, PartRead]]  # (client, project id)
# A read after the rest of the live state, for what only comparing the file with it tells:
# (client, desired, live read so far) → live with what it adds.
AfterRead = Callable[[Reader, Desired, Live], Coroutine[Any, Any, Live]]


def as_read(value: object) -> object | None:
    """Export writes a part as it was read."""
    return value


@dataclass(frozen=True, slots=True)
class KindSpec:
    """Everything the generic machinery needs of a kind beyond the pure core.

    Exactly one of `write` (one change per call) and `batch` (several changes per request)
    performs its changes; each reads back what it wrote through `write/recovery.py` itself.

    A kind added as a plug-in keeps its values in the model's `parts` under `part` (see
    core/parts.py) and reads them itself: `read_org` for the organization's part, when the
    config declares it (or when `wanted` says so), and `read_project` for each declared
    project's part, when that project declares it. `everything` is what export declares to
    read all of it (an empty collection, usually), and `exported` turns a live value into what
    the exported file declares (None: left out, i.e. not managed). `read_after`, when set,
    runs once the rest of the live state is read and returns it with what it adds (project
    groups read the members of the groups a plan would remove, which only the comparison of
    the file with the live groups tells).
    """

    info: KindInfo
    write: Handler | None = None
    batch: BatchHandler | None = None
    part: str | None = None
    read_org: OrgPartReader | None = None
    read_project: ProjectPartReader | None = None
    wanted: Callable[[Desired], bool] | None = None
    read_after: AfterRead | None = None
    everything: object = None
    exported: Callable[[object], object | None] = as_read
    # The organization's users are read whenever the part is declared (groups: the lockout
    # guards count owners through groups, and a member must be a user).
    reads_users: bool = False

    @property
    def kind(self) -> Kind:
        """The kind this spec is for."""
        return self.info.kind

    def org_wanted(self, desired: Desired) -> bool:
        """Whether a fetch for `desired` reads the organization's part of this kind."""
        if self.part is None or self.read_org is None:
            return False
        if self.wanted is not None:
            return self.wanted(desired)
        return desired.org.parts.get(self.part) is not None

    def after_wanted(self, desired: Desired) -> bool:
        """Whether a fetch for `desired` runs `read_after`: when the file declares the part,
        in the organization or in a project."""
        if self.part is None or self.read_after is None:
            return False
        part = self.part
        return self.org_wanted(desired) or any(
            part in project.parts for project in desired.org.projects.values()
        )
