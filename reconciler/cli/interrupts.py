"""SIGTERM during apply's writes stops it as Ctrl-C does.

`asyncio.run` turns a first Ctrl-C into a cancellation of the main task (apply then lets the
changes in flight finish and prints its summary) and a second into KeyboardInterrupt (the
changes in flight are abandoned). SIGTERM is what `kill`, CI runners cancelling a job, systemd
and Kubernetes send; `sigterm_as_ctrl_c()` makes it do the same while apply writes. Before the
writes start nothing has changed, so SIGTERM keeps its default there.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """Within the block, a first SIGTERM cancels the current task, a second raises
    KeyboardInterrupt; where the loop cannot handle signals (not the main thread, Windows),
    SIGTERM keeps its default."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    active, received = True, 0

    def on_sigterm() -> None:
        nonlocal received
        if not active or task is None:
            return  # queued just as the block ended: the run finished on its own
        received += 1
        if received > 1:
            raise KeyboardInterrupt
        task.cancel()

    previous = signal.getsignal(signal.SIGTERM)
    try:
        loop.add_signal_handler(signal.SIGTERM, on_sigterm)
        installed = True
    except (NotImplementedError, RuntimeError, ValueError):
        installed = False
    try:
        yield
    finally:
        active = False
        if installed:
            loop.remove_signal_handler(signal.SIGTERM)
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
