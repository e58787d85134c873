"""Drift: what in the live organization differs from the file, and who changed it when.

    drift_items(plan) -> list[DriftItem]                  pure: the plan read as differences
    build_report(plan, audit, *, config) -> DriftReport   pure
    await drift_report(client, plan, live, *, config) -> DriftReport

Drift is the plan's changes, its error and warning findings, and the unmanaged objects that
exist live but not in the file, each phrased as a difference ("role: owner live, reader in the
file"). Two kinds of unmanaged objects are listed but do not make the organization drifted:
rate limits of models the file does not declare (the API creates one per model, and none can be
removed) and informational findings. Each drifted object gets its newest audit-log event
(see audit.py); the report says plainly when audit logging is off or has no event for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from reconciler.api.protocols import Reader
from reconciler.core.change import Action, Change, Finding, Kind, Severity, Unmanaged
from reconciler.core.kinds.registry import info, project_of
from reconciler.core.model import Live
from reconciler.core.plan import Plan, label
from reconciler.core.provenance import Provenance
from reconciler.reports.attribution import Attribution, AuditResult, attribute

log = logging.getLogger(__name__)

Status = Literal["differs", "missing", "extra", "archived", "problem", "unmanaged"]


@dataclass(frozen=True, slots=True)
class DriftItem:
    """One object that differs from the file; `counts` False for what is reported but benign."""

    kind: Kind
    key: tuple[str, ...]
    status: Status
    detail: str
    counts: bool = True
    attribution: Attribution | None = None
    # `teams/search.yaml:12`: the declaration it comes from (config directories only).
    declared_in: str | None = None

    @property
    def project(self) -> str | None:
        """The project the object belongs to, or None at organization level."""
        return project_of(self.kind, self.key)

    @property
    def label(self) -> str:
        """A person's name for the object."""
        return label(self.kind, self.key)

    def to_json(self) -> dict[str, Any]:
        """Plain data for the json report."""
        return {
            "kind": self.kind.value,
            "key": list(self.key),
            "status": self.status,
            "detail": self.detail,
            "counts": self.counts,
            "changed_by": self.attribution.to_json() if self.attribution else None,
        } | ({"declared_in": self.declared_in} if self.declared_in is not None else {})


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Everything `reconciler drift` tells, as a value the renderers read."""

    config: str
    items: tuple[DriftItem, ...] = ()
    audit_available: bool = True
    audit_note: str = ""
    freshness: str = ""  # with --snapshot: how fresh the live state is (incremental drift)

    @property
    def drifted(self) -> bool:
        """Whether anything that counts differs (exit code 2)."""
        return any(item.counts for item in self.items)

    def to_json(self) -> dict[str, Any]:
        """The json report (stable keys)."""
        return {
            "format": "reconciler-drift",
            "version": 1,
            "config": self.config,
            "drifted": self.drifted,
            "audit": {"available": self.audit_available, "note": self.audit_note},
            "freshness": self.freshness or None,
            "items": [item.to_json() for item in self.items],
        }


def drift_items(plan: Plan) -> list[DriftItem]:
    """The plan's changes, findings and unmanaged objects, phrased as differences."""
    items = [_from_change(c) for c in plan.changes]
    items += [_from_finding(f) for f in plan.findings]
    items += [_from_unmanaged(u) for u in plan.unmanaged]
    return items


def _from_change(change: Change) -> DriftItem:
    match change.action:
        case Action.CREATE:
            return DriftItem(
                change.kind, change.key, "missing", "in the file, not in the organization"
            )
        case Action.DELETE:
            why = f" ({change.reason})" if change.reason else ""
            return DriftItem(
                change.kind, change.key, "extra", f"in the organization, not in the file{why}"
            )
        case Action.ARCHIVE:
            return DriftItem(change.kind, change.key, "archived", "active, the file says archived")
        case _:
            return DriftItem(change.kind, change.key, "differs", _fields(change))


def _fields(change: Change) -> str:
    sets = info(change.kind).set_fields
    parts = [
        _set_field(f.field, f.before, f.after)
        if f.field in sets and isinstance(f.before, list) and isinstance(f.after, list)
        else f"{f.field}: {_show(f.before)} live, {_show(f.after)} in the file"
        for f in change.fields
    ]
    return "; ".join(parts) or change.reason or "differs from the file"


def _set_field(name: str, live: list[Any], declared: list[Any]) -> str:
    """A set field (a role's permissions) as what only one side holds."""
    extra = ", ".join(str(item) for item in live if item not in declared)
    missing = ", ".join(str(item) for item in declared if item not in live)
    said = [f"{extra} live only"] if extra else []
    said += [f"{missing} in the file only"] if missing else []
    return f"{name}: {'; '.join(said) or 'the same'}"


def _show(value: object) -> str:
    return "(default)" if value is None else str(value)


def _from_finding(finding: Finding) -> DriftItem:
    counts = finding.severity is not Severity.INFO
    return DriftItem(finding.kind, finding.key, "problem", finding.message, counts=counts)


def _from_unmanaged(unmanaged: Unmanaged) -> DriftItem:
    why = f" ({unmanaged.reason})" if unmanaged.reason else ""
    counts = info(unmanaged.kind).unmanaged_is_drift
    return DriftItem(
        unmanaged.kind,
        unmanaged.key,
        "unmanaged",
        f"not in the file, left alone{why}",
        counts=counts,
    )


def build_report(plan: Plan, audit: AuditResult, *, config: str) -> DriftReport:
    """The drift report: each counted item with its attribution, benign ones last."""
    items = [_attributed(item, audit) for item in drift_items(plan)]
    if plan.provenance is not None:
        items = [_declared(item, plan.provenance) for item in items]
    items.sort(key=lambda i: (not i.counts, i.project or "", i.kind.value, i.key))
    return DriftReport(
        config=config,
        items=tuple(items),
        audit_available=audit.available,
        audit_note=audit.note,
    )


def _attributed(item: DriftItem, audit: AuditResult) -> DriftItem:
    found = audit.found.get((item.kind, item.key)) if item.counts else None
    if found is None:
        return item
    return DriftItem(item.kind, item.key, item.status, item.detail, item.counts, found)


def _declared(item: DriftItem, provenance: Provenance) -> DriftItem:
    """The item with the place of its declaration (an unmanaged object has none)."""
    if item.status == "unmanaged":
        return item
    return replace(item, declared_in=str(provenance.place_of(item.kind, item.key)))


def to_attribute(items: Sequence[DriftItem]) -> list[tuple[Kind, tuple[str, ...]]]:
    """The (kind, key) of every item that counts as drift (the others are not looked up)."""
    return [(i.kind, i.key) for i in items if i.counts]


async def drift_report(client: Reader, plan: Plan, live: Live, *, config: str) -> DriftReport:
    """The plan of the file against `live` read as drift, each drifted object attributed from
    the audit log."""
    wanted = to_attribute(drift_items(plan))
    audit = await attribute(client, wanted, live) if wanted else AuditResult()
    log.debug("drift: %s objects, %s audit requests", len(wanted), audit.requests)
    return build_report(plan, audit, config=config)
