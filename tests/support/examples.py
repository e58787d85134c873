"""How many examples a property test draws: a few dozen in CI and by default (the suite stays
within its time budget), many more by hand with `HYPOTHESIS_PROFILE=thorough` (`make thorough`).

    @settings(max_examples=examples(150), deadline=None)
"""

from __future__ import annotations

import os

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
CI_CAP = 50  # at most this many examples per property in CI
THOROUGH = 20  # by hand: the test's own count, this many times over


def examples(count: int) -> int:
    """The number of examples for a property whose full run draws `count`."""
    if PROFILE == "thorough":
        return count * THOROUGH
    return min(count, CI_CAP)
