"""Apply: perform a plan's changes against the Admin API, in dependency order.

Independent changes run concurrently (up to `concurrency`; the client paces the requests);
a change waits until every change it depends on has been applied. When a change fails, the
changes that depend on it (transitively) are skipped, and independent ones go on. Each change
is performed by the handler registered for its kind (`reconciler.kinds.registry.HANDLERS`;
`BATCHED` for kinds written several per request); handlers never blindly re-send a write (see
`reconciler.write.recovery`).

Cancellation (Ctrl-C) stops starting new changes, lets the requests in flight finish, and
returns the report of what was done, with `interrupted` set. A handler that raises something
other than a ReconcilerError (a bug) does the same: its change fails with "internal error", no
new change starts, and the report carries the error in `error` (the traceback is logged at
DEBUG), so the caller can still show what was applied before it stops.

The report (`ApplyReport`, one `ChangeResult` per change) is defined in applying/report.py and
never holds a secret.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from reconciler.api.protocols import WriteClient
from reconciler.core.change import Change, Kind
from reconciler.core.model import Live
from reconciler.core.plan import Plan
from reconciler.errors import ApiError, ReconcilerError
from reconciler.write.context import ApplyContext, BatchHandler, Handler
from reconciler.write.report import (
    ApplyReport,
    ChangeResult,
    OnEvent,
    Outcome,
    describe,
    internal_error,
)
from reconciler.write.secrets import SecretSink

__all__ = [
    "DEFAULT_CONCURRENCY",
    "ApplyReport",
    "ChangeResult",
    "OnEvent",
    "Outcome",
    "apply_plan",
    "describe",
    "internal_error",
    "make_units",
]

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4


async def apply_plan(
    plan: Plan,
    *,
    client: WriteClient,
    live: Live,
    sink: SecretSink,
    handlers: Mapping[Kind, Handler] | None = None,
    batched: Mapping[Kind, BatchHandler] | None = None,
    on_event: OnEvent | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> ApplyReport:
    """Perform `plan` against `client`; never raises for a failed change (the report says)."""
    if handlers is None or batched is None:
        from reconciler.kinds import registry

        handlers = registry.HANDLERS if handlers is None else handlers
        batched = registry.BATCHED if batched is None else batched
    ctx = ApplyContext.start(client=client, live=live, sink=sink, changes=plan.changes)
    units = make_units(plan, batched)
    runner = _Runner(
        plan, units, ctx=ctx, handlers=handlers, batched=batched, on_event=on_event,
        limit=concurrency,
    )  # fmt: skip
    return await runner.run()


Unit = tuple[int, ...]


def make_units(plan: Plan, batched: Mapping[Kind, BatchHandler]) -> list[Unit]:
    """The plan's changes as units of work: one change each, or a batch of a batched kind."""
    units: list[Unit] = []
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, change in enumerate(plan.changes):
        batch = batched.get(change.kind)
        if batch is None:
            units.append((index,))
        else:
            groups.setdefault((change.kind.value, *batch.group(change)), []).append(index)
    for members in groups.values():
        size = max(1, batched[plan.changes[members[0]].kind].max_size)
        units.extend(tuple(members[i : i + size]) for i in range(0, len(members), size))
    return sorted(units, key=min)


class _Runner:
    """The scheduler of one apply: a unit starts once every unit it depends on has applied."""

    def __init__(
        self,
        plan: Plan,
        units: list[Unit],
        *,
        ctx: ApplyContext,
        handlers: Mapping[Kind, Handler],
        batched: Mapping[Kind, BatchHandler],
        on_event: OnEvent | None,
        limit: int,
    ) -> None:
        self.changes = plan.changes
        self.ctx = ctx
        self.handlers = handlers
        self.batched = batched
        self.on_event = on_event
        self.limit = max(1, limit)
        self.units = units
        self.deps = _unit_deps(units, plan.dependencies())
        self.results: dict[int, ChangeResult] = {}
        self.pending: list[int] = list(range(len(units)))
        self.running: dict[asyncio.Task[list[ChangeResult]], int] = {}
        self.error = ""

    async def run(self) -> ApplyReport:
        """Run to completion, or until cancelled (then drain what is in flight)."""
        interrupted = False
        try:
            await self._loop()
        except asyncio.CancelledError:
            interrupted = True
            log.warning("interrupted: waiting for %s change(s) in flight", len(self.running))
            await self._drain()
        for unit in self.pending:
            for index in self.units[unit]:
                self._record(ChangeResult(index, self.changes[index], Outcome.NOT_STARTED))
        ordered = tuple(self.results[i] for i in sorted(self.results))
        return ApplyReport(results=ordered, interrupted=interrupted, error=self.error)

    async def _loop(self) -> None:
        while self.pending or self.running:
            self._skip_blocked()
            self._start_ready()
            if not self.running:
                if self.error:
                    return  # a bug stopped the run: the rest is "not started"
                if _cancelling():
                    await asyncio.sleep(0)  # let the pending Ctrl-C land here, not later
                self._skip_rest("its dependencies form a cycle")
                return
            done, _ = await asyncio.wait(self.running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                del self.running[task]
                for result in task.result():
                    self._record(result)

    async def _drain(self) -> None:
        """Let in-flight changes finish (a second cancellation abandons them)."""
        if not self.running:
            return
        try:
            done, _ = await asyncio.wait(self.running)
        except asyncio.CancelledError:
            for task in self.running:
                task.cancel()
            raise
        for task in done:
            for result in task.result():
                self._record(result)
        self.running.clear()

    def _record(self, result: ChangeResult) -> None:
        self.results[result.index] = result
        if self.on_event is not None:
            self.on_event(result)

    def _dep_results(self, unit: int) -> list[ChangeResult | None]:
        return [self.results.get(i) for dep in self.deps[unit] for i in self.units[dep]]

    def _skip_blocked(self) -> None:
        """Skip every pending unit whose dependency failed or was skipped (to a fixpoint)."""
        changed = True
        while changed:
            changed = False
            for unit in list(self.pending):
                blocker = next(
                    (r for r in self._dep_results(unit) if r and r.outcome is not Outcome.APPLIED),
                    None,
                )
                if blocker is not None:
                    self.pending.remove(unit)
                    message = f"depends on {describe(blocker.change)} ({blocker.outcome.value})"
                    self._finish(unit, Outcome.SKIPPED, message)
                    changed = True

    def _finish(self, unit: int, outcome: Outcome, message: str) -> None:
        for index in self.units[unit]:
            self._record(ChangeResult(index, self.changes[index], outcome, message))

    def _ready(self, unit: int) -> bool:
        return all(r is not None and r.outcome is Outcome.APPLIED for r in self._dep_results(unit))

    def _start_ready(self) -> None:
        if _cancelling() or self.error:
            return  # Ctrl-C (or a bug) arrived while this step ran: start nothing new
        for unit in [u for u in self.pending if self._ready(u)]:
            if len(self.running) >= self.limit:
                return
            self.pending.remove(unit)
            task = asyncio.create_task(self._perform(unit), name=f"apply-{unit}")
            self.running[task] = unit

    def _skip_rest(self, message: str) -> None:
        for unit in self.pending:
            self._finish(unit, Outcome.SKIPPED, message)
        self.pending = []

    async def _perform(self, unit: int) -> list[ChangeResult]:
        """Perform one unit with its kind's handler; failures become results, not raises."""
        indices = self.units[unit]
        changes = [self.changes[i] for i in indices]
        log.debug("applying %s", ", ".join(describe(c) for c in changes))
        outcome, message, status = Outcome.APPLIED, "", None
        try:
            message = await self._dispatch(changes) or ""
        except ApiError as exc:
            outcome, message, status = Outcome.FAILED, exc.message, exc.status
        except ReconcilerError as exc:
            outcome, message = Outcome.FAILED, str(exc)
        except Exception as exc:  # a bug in a handler: report what was done, start nothing new
            outcome, message = Outcome.FAILED, internal_error(exc)
            log.debug("internal error in %s", describe(changes[0]), exc_info=True)
            self.error = self.error or f"{describe(changes[0])}: {message}"
        if outcome is Outcome.FAILED:
            log.info("failed: %s: %s", describe(changes[0]), message)
        pairs = zip(indices, changes, strict=True)
        return [ChangeResult(i, c, outcome, message, status) for i, c in pairs]

    async def _dispatch(self, changes: list[Change]) -> str | None:
        kind = changes[0].kind
        batch = self.batched.get(kind)
        if batch is not None:
            return await batch.perform(changes, self.ctx)
        handler = self.handlers.get(kind)
        if handler is None:
            raise ReconcilerError(f"no handler for kind {kind.value}")
        return await handler(changes[0], self.ctx)


def _cancelling() -> bool:
    """Whether the running task has been asked to stop (it raises at its next await)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _unit_deps(units: list[Unit], deps: Mapping[int, frozenset[int]]) -> list[frozenset[int]]:
    """Each unit's dependencies, as unit numbers (a batch depends on what any member does)."""
    unit_of = {index: n for n, unit in enumerate(units) for index in unit}
    return [
        frozenset(unit_of[d] for i in unit for d in deps.get(i, frozenset()) if d in unit_of) - {n}
        for n, unit in enumerate(units)
    ]
