"""Sandbox persistence: what a change costs to save on a 1,000-project organization.

For N changes (project renames over the sandbox's transport, one state file), it prints the
time spent saving them: appending each to the journal (one fsynced line), and the compactions
(a full snapshot) that the journal's growth and the command's end trigger. The per-write save
time of the first and last tenth of the run shows whether it grows with the run; the last row
is the old way for comparison, rewriting the whole snapshot after every change (measured on
REWRITES changes).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient
from reconciler.sandbox.store import StateStore

PROJECTS, USERS, MEMBERS = 1000, 200, 5
CHANGES = (500, 1000, 2000)
REWRITES = 50
T = TypeVar("T")


def seed() -> dict[str, Any]:
    """A 1,000-project organization: 200 users, 5 members and a service account a project."""
    emails = [f"user{n:04d}@example.com" for n in range(USERS)]
    return {
        "organization": "org-bench-sandbox",
        "admin_key": {"owner": "admin@example.com"},
        "users": [{"email": "admin@example.com", "role": "owner"}]
        + [{"email": e, "role": "reader"} for e in emails],
        "projects": [
            {
                "name": f"p{p:04d}",
                "members": dict.fromkeys(emails[:MEMBERS], "member"),
                "service_accounts": [{"name": "bot"}],
            }
            for p in range(PROJECTS)
        ],
    }


class Timed:
    """Seconds spent in one function, call by call."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def wrap(self, func: Callable[..., T]) -> Callable[..., T]:
        """`func`, timed."""

        def timed(*args: Any, **kwargs: Any) -> T:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.calls.append(time.perf_counter() - started)

        return timed


def run(changes: int, directory: Path) -> tuple[float, float, float, float, int, int]:
    """N renames on a fresh state file: (total s, save s, ms per save in the first and in the
    last tenth of the run, compactions, state file bytes)."""
    state = directory / f"state-{changes}.json"
    Sandbox.from_seed(seed()).save(state)
    box = Sandbox.load(state)
    store: StateStore = box.store  # type: ignore[assignment]
    appends, snapshots = Timed(), Timed()
    store.append = appends.wrap(store.append)  # type: ignore[method-assign]
    store.write_snapshot = snapshots.wrap(store.write_snapshot)  # type: ignore[method-assign]
    with SandboxClient(box) as client:
        ids = [client.project(f"p{p:04d}") for p in range(PROJECTS)]
        started = time.perf_counter()
        for n in range(changes):
            response = client.post(f"/organization/projects/{ids[n % PROJECTS]}", {"name": f"r{n}"})
            assert response.status_code == 200, response.text
        total = time.perf_counter() - started
    box.close()  # the command ends: one compaction folds the journal into the snapshot
    tenth = max(1, changes // 10)
    first = sum(appends.calls[:tenth]) / tenth * 1000
    last = sum(appends.calls[-tenth:]) / tenth * 1000
    saves = sum(appends.calls) + sum(snapshots.calls)
    return total, saves, first, last, len(snapshots.calls), state.stat().st_size


def rewrite_per_write(directory: Path) -> float:
    """Seconds one full snapshot rewrite takes on the same organization (the old save)."""
    state = directory / "rewrite.json"
    box = Sandbox.from_seed(seed())
    started = time.perf_counter()
    for _ in range(REWRITES):
        box.save(state)
    return (time.perf_counter() - started) / REWRITES


def main() -> None:
    """Print one row per run size, then the old way."""
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        directory = Path(tmp)
        print(f"{PROJECTS} projects; save = journal appends (fsynced) + compactions")
        print("changes  total s  save s  save ms/write  first 10%  last 10%  compactions  state MB")
        for changes in CHANGES:
            total, saves, first, last, compactions, size = run(changes, directory)
            print(
                f"{changes:7d}  {total:7.2f}  {saves:6.2f}  {saves / changes * 1000:13.2f}  "
                f"{first:9.2f}  {last:8.2f}  {compactions:11d}  {size / 1e6:8.2f}"
            )
        rewrite = rewrite_per_write(directory)
        print(
            f"old way, a full rewrite per write: {rewrite * 1000:.1f} ms/write "
            f"({rewrite * CHANGES[-1]:.1f} s for {CHANGES[-1]} changes)"
        )


if __name__ == "__main__":
    main()
