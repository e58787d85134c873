"""The JSON rendering: the canonical plan document, plus the safety refusals for CI to read.

It is `Plan.to_json()` (format `reconciler-plan`, version 1; see README "Reading a plan") with a
`refusals` list added, and a `stakes` object when stakes were read (`Stakes.to_json()`: usage
per project, the keys each change makes stop working); `Plan.from_json` ignores both keys, so a
rendering reads back as a plan.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from reconciler.core.change import Kind
from reconciler.core.plan import Plan
from reconciler.core.provenance import Provenance
from reconciler.core.safety import Refusal
from reconciler.core.stakes import Stakes


def render_json(
    plan: Plan,
    *,
    color: bool = False,
    refusals: Sequence[Refusal] = (),
    stakes: Stakes | None = None,
) -> str:
    """Pretty, key-sorted JSON (deterministic: the same plan gives the same bytes)."""
    document = plan.to_json()
    if plan.provenance is not None:
        add_sources([*document["changes"], *document["findings"]], plan.provenance)
    document["refusals"] = [
        {
            "rule": r.rule,
            "objects": list(r.objects),
            "override": r.override_flag,
            "message": r.message,
        }
        for r in refusals
    ]
    if stakes is not None:
        document["stakes"] = stakes.to_json()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def add_sources(entries: Iterable[dict[str, Any]], provenance: Provenance) -> None:
    """`source: "teams/search.yaml:12"` on each change or finding document (config directories
    only, so a single file's rendering is unchanged)."""
    for entry in entries:
        kind, key = Kind(entry["kind"]), tuple(entry["key"])
        entry["source"] = str(provenance.place_of(kind, key))
