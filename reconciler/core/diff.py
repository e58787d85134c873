"""Desired × Live → the unordered changes, findings and unmanaged objects that make them meet.

`diff` runs each registered kind's diff step (core/kinds/), in registry order: projects
(matched by pinned id, then by name), certificates (matched by fingerprint), organization users
and invites, then what lives inside each project (members, service accounts, rate limits,
certificate activations). Fields are compared directly (plain dict comparison is fast enough
for tens of thousands of memberships, and says exactly which field moved); what the API cannot
do becomes a `Finding` or a REPLACE, never a silent no-op. Ordering is `plan.py`'s job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from reconciler.core.change import Change, Finding, Unmanaged
from reconciler.core.kinds.base import DiffContext
from reconciler.core.kinds.registry import kinds
from reconciler.core.model import Desired, Live

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Diff:
    """What `diff` found, in no particular order (plan.py orders it)."""

    changes: tuple[Change, ...] = ()
    findings: tuple[Finding, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()


def diff(desired: Desired, live: Live) -> Diff:
    """Every change, finding and unmanaged object between desired and live state, in scope."""
    ctx = DiffContext(desired, live)
    for kind in kinds():
        if kind.diff is not None:
            kind.diff(ctx)
    out = ctx.out
    log.debug("diff: %s changes, %s findings", len(out.changes), len(out.findings))
    return Diff(tuple(out.changes), tuple(out.findings), tuple(out.unmanaged))
