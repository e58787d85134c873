"""A demo sandbox on a clock that stands still, shared by the module (its numbers never move)."""

from __future__ import annotations

import pytest

from reconciler.clock import VirtualClock
from reconciler.sandbox import Sandbox
from tests.support.frozen import NOW


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    """The demo organization, its clock frozen at NOW."""
    return Sandbox.demo(clock=VirtualClock(epoch=NOW))
