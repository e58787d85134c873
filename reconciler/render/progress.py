"""The fetch progress bar: rich, on stderr, only when stderr is a terminal (silent in CI).

    with ProgressBar.on_stderr() as progress:
        live = await fetch_live(client, desired, progress=progress)

It implements `reconciler.read.live.FetchProgress`; the total grows as fetch discovers reads
(per-project reads are known once the project list is in).
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

DESCRIPTION = "Reading organization"


class ProgressBar:
    """A FetchProgress that draws a bar when enabled and does nothing otherwise."""

    def __init__(self, *, console: Console, enabled: bool) -> None:
        self.enabled = enabled
        self.planned_reads = 0
        self.finished_reads = 0
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("reads"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not enabled,
        )
        self._task: TaskID = self._progress.add_task(DESCRIPTION, total=0)

    @classmethod
    def on_stderr(cls, *, force: bool | None = None) -> ProgressBar:
        """A bar on stderr, enabled when stderr is a terminal (or as `force` says)."""
        console = Console(stderr=True)
        enabled = console.is_terminal if force is None else force
        return cls(console=console, enabled=enabled)

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def planned(self, reads: int) -> None:
        """More reads are starting: grow the total."""
        self.planned_reads += reads
        self._progress.update(self._task, total=self.planned_reads)

    def finished(self, label: str) -> None:
        """One read finished: advance, naming it."""
        self.finished_reads += 1
        self._progress.update(self._task, advance=1, description=f"{DESCRIPTION} ({label})")
