"""Plan: the ordered, serializable set of changes that apply performs.

`make_plan` diffs desired against live, orders the changes (plan_order.py) and records the
digests of both sides. A `Plan` has one serialization, `to_json()` — the versioned plan file
format documented in the README ("Reading a plan") — that renderers, checksums, `--out` and
`apply --plan` all read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.core.change import Action, Change, Finding, Kind, Severity, Unmanaged
from reconciler.core.diff import diff
from reconciler.core.digest import live_digest, sha256
from reconciler.core.kinds.registry import label, noun
from reconciler.core.model import Desired, Live
from reconciler.core.order import dependencies_of, order
from reconciler.core.provenance import Provenance
from reconciler.errors import ReconcilerError

__all__ = ["FORMAT", "VERSION", "Plan", "label", "live_digest", "make_plan", "noun"]

FORMAT = "reconciler-plan"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Plan:
    """Changes in dependency order, with what the plan must say but cannot do."""

    changes: tuple[Change, ...] = ()
    findings: tuple[Finding, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    config_digest: str = ""
    live_digest: str = ""
    # The canonical config the plan was computed from (desired_to_config_dict, PEMs inline),
    # so `apply --plan` can re-plan and detect a stale plan without the original file.
    config: Mapping[str, Any] | None = None
    # Where each change's declaration is, for a config directory (json and markdown show it);
    # not part of the canonical document, so a saved plan and its checksum do not depend on it.
    provenance: Provenance | None = field(default=None, compare=False)

    def dependencies(self) -> Mapping[int, frozenset[int]]:
        """For each change (by index in `changes`), the indices of the changes it must follow."""
        return dict(enumerate(dependencies_of(self.changes)))

    def counts(self) -> dict[Action, int]:
        """How many changes of each action (every action present, zero included)."""
        counted = Counter(c.action for c in self.changes)
        return {action: counted.get(action, 0) for action in Action}

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to do (findings and unmanaged objects aside)."""
        return not self.changes

    @property
    def has_errors(self) -> bool:
        """True when a finding makes the plan unappliable."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def summary(self) -> str:
        """`Plan: 3 to create, 2 to update, 1 to delete, 1 to archive.` (or "No changes.").

        An empty plan with errors does not claim the organization matches: what the errors
        are about could not be planned.
        """
        errors = sum(f.severity is Severity.ERROR for f in self.findings)
        if self.is_empty and errors:
            return (
                "No changes planned, but the organization does not match the configuration: "
                f"fix the {errors} error(s) first."
            )
        if self.is_empty:
            return "No changes. The organization matches the configuration."
        counts = self.counts()
        parts = [
            f"{counts[Action.CREATE]} to create",
            f"{counts[Action.UPDATE]} to update",
            f"{counts[Action.DELETE]} to delete",
            f"{counts[Action.ARCHIVE]} to archive",
        ]
        if counts[Action.REPLACE]:
            parts.insert(2, f"{counts[Action.REPLACE]} to replace")
        return f"Plan: {', '.join(parts)}."

    def to_json(self) -> dict[str, Any]:
        """The canonical, versioned plan document (see README, "Reading a plan")."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "config_digest": self.config_digest,
            "live_digest": self.live_digest,
            "summary": {action.value: n for action, n in self.counts().items()},
            "changes": [c.to_json() for c in self.changes],
            "findings": [f.to_json() for f in self.findings],
            "unmanaged": [u.to_json() for u in self.unmanaged],
        } | ({"config": dict(self.config)} if self.config is not None else {})

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        """Read a plan document back; a wrong, unsupported or damaged one is a ReconcilerError."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ReconcilerError(f"not a reconciler plan (expected format {FORMAT!r})")
        if data.get("version") != VERSION:
            raise ReconcilerError(
                f"unsupported plan version {data.get('version')!r}; this reconciler reads {VERSION}"
            )
        try:
            return cls(
                changes=tuple(Change.from_json(c) for c in data["changes"]),
                findings=tuple(_finding(f) for f in data["findings"]),
                unmanaged=tuple(_unmanaged(u) for u in data["unmanaged"]),
                config_digest=str(data["config_digest"]),
                live_digest=str(data["live_digest"]),
                config=data.get("config") if isinstance(data.get("config"), dict) else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ReconcilerError(f"damaged plan file: {type(exc).__name__}: {exc}") from exc

    def checksum(self) -> str:
        """`sha256:…` of the canonical JSON of the plan: two equal plans have equal checksums."""
        return sha256(self.to_json())


def make_plan(desired: Desired, live: Live, *, config_digest: str) -> Plan:
    """Diff desired against live, order the changes, and record both sides' digests."""
    found = diff(desired, live)
    return Plan(
        changes=order(found.changes),
        findings=tuple(sorted(found.findings, key=_finding_key)),
        unmanaged=tuple(sorted(found.unmanaged, key=lambda u: (u.kind.value, u.key))),
        config_digest=config_digest,
        live_digest=live_digest(live),
        provenance=desired.provenance,
    )


def _finding_key(finding: Finding) -> tuple[int, str, tuple[str, ...], str]:
    severities = list(Severity)
    return (severities.index(finding.severity), finding.kind.value, finding.key, finding.message)


def _finding(data: Any) -> Finding:
    return Finding(
        Severity(data["severity"]), Kind(data["kind"]), tuple(data["key"]), data["message"]
    )


def _unmanaged(data: Any) -> Unmanaged:
    return Unmanaged(Kind(data["kind"]), tuple(data["key"]), data.get("reason", ""))
