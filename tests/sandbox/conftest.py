"""Shared fixtures for the sandbox tests: a demo sandbox on a fast clock and a client of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.clock import ScaledClock
from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: fixed, so timestamps are reproducible


@pytest.fixture
def sandbox() -> Sandbox:
    """A fresh demo sandbox on a fast clock starting at a fixed epoch."""
    return Sandbox.demo(clock=ScaledClock(speed=1000.0, epoch=EPOCH))


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[SandboxClient]:
    """A client of the demo sandbox."""
    with SandboxClient(sandbox) as client:
        yield client
