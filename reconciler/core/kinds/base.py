"""The pure half of a kind: what the core needs to know about it (`KindInfo`), and what its
diff step receives (`DiffContext`) and writes into (`Collector`).

A kind's diff step compares the declared and live values of its kind and records changes,
findings and unmanaged objects; it may read what an earlier step left in the context (the
projects in scope, the users leaving, the renamed certificates). Steps run in registry order
(core/kinds/registry.py), which is also the order of kinds within one dependency depth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.core.change import Action, Change, FieldChange, Finding, Kind, Severity, Unmanaged
from reconciler.core.model import Desired, IdIndex, Live, Organization, Project

Scope = Literal["organization", "project", "either"]


@dataclass(slots=True)
class Collector:
    """Changes, findings and unmanaged objects found so far; a change is recorded once."""

    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    _seen: set[tuple[Kind, Action, tuple[str, ...]]] = field(default_factory=set)

    def change(self, change: Change) -> None:
        """Record a change, unless the same action on the same object was already recorded."""
        ident = (change.kind, change.action, change.key)
        if ident not in self._seen:
            self._seen.add(ident)
            self.changes.append(change)

    def finding(self, severity: Severity, kind: Kind, key: tuple[str, ...], message: str) -> None:
        """Record something the plan must say but cannot do."""
        self.findings.append(Finding(severity, kind, key, message))


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """before → after for every field of `after` whose value differs, in `after`'s order."""
    return tuple(
        FieldChange(name, before.get(name), value)
        for name, value in after.items()
        if before.get(name) != value
    )


@dataclass(frozen=True, slots=True)
class ProjectScope:
    """Declared projects whose children are diffed: matched live ones and ones being created."""

    matched: Mapping[str, Project]
    created: frozenset[str]

    @property
    def present(self) -> list[str]:
        """Declared names of the projects that exist (or will) and are active, sorted."""
        return sorted(set(self.matched) | self.created)


@dataclass(slots=True)
class DiffContext:
    """What every diff step reads (desired, live) and writes (`out`), and what earlier steps
    tell later ones: the projects in scope (projects), the members leaving the organization
    (users), live certificate name → declared name for renamed certificates (certificates)."""

    desired: Desired
    live: Live
    out: Collector = field(default_factory=Collector)
    scope: ProjectScope = ProjectScope(matched={}, created=frozenset())
    leaving: frozenset[str] = frozenset()
    renamed_certs: Mapping[str, str] = field(default_factory=dict)

    def projects(self) -> Iterator[tuple[str, Project, Project | None]]:
        """(declared name, declared project, live project or None when created by this plan)
        for every active project in scope, by name: what a project-level kind diffs."""
        for name in self.scope.present:
            yield name, self.desired.org.projects[name], self.scope.matched.get(name)


DiffStep = Callable[[DiffContext], None]
# The server id that audit-log events name for an object with this natural key, if known.
AuditId = Callable[[tuple[str, ...], IdIndex], str | None]
# What a plan line says about a create or delete besides its label and reason ("" for nothing).
Detail = Callable[[Change], str]
# How many objects of the kind an organization holds.
Count = Callable[[Organization], int]


@dataclass(frozen=True, slots=True)
class KindInfo:
    """What the pure core knows about a kind.

    `key` names the parts of the natural key; `scope` says whether the object lives in the
    organization, in a project (the key's first part names it), or either (an empty first
    part is the organization). `noun` is what people call one ("service account"); a label is
    `{noun} {last key part}{suffix}`, then `{within} {project}`. `diff` is the kind's diff step,
    or None when another kind's step plans it too (`diffed_by`, e.g. invites with users).
    `audit_events` are the audit-log event types that name objects of the kind, and `audit_id`
    finds the server id those events carry (drift attribution). `detail` is what a plan line
    says of a create or delete (role, upload, "activate"); `unmanaged_is_drift` False when an
    undeclared live object is left alone by design and drift does not count it. `live_count`
    counts the live objects whose deletion safety's `max_delete_share` weighs (None: the kind
    is not deleted in numbers, like projects, which are archived one by one).
    """

    kind: Kind
    noun: str
    key: tuple[str, ...]
    scope: Scope
    diff: DiffStep | None
    audit_events: tuple[str, ...]
    audit_id: AuditId
    diffed_by: Kind | None = None
    detail: Detail | None = None
    unmanaged_is_drift: bool = True
    live_count: Count | None = None
    suffix: str = ""
    within: str = "of"
    plural: str = ""

    def project_of(self, key: tuple[str, ...]) -> str | None:
        """The project an object of this kind with this key belongs to (None: organization)."""
        if self.scope == "organization" or not key:
            return None
        return key[0] or None if self.scope == "either" else key[0]

    def label(self, key: tuple[str, ...], *, short: bool = False) -> str:
        """A person's name for an object: `member eve@example.com of search-prod`.

        `short` is the name inside a group of lines (renderers group by project): the noun and
        the last part of the key only, when the key's first part is the project (the group's
        title); an organization-level object keeps its whole label (`group member eve of ops`).
        """
        text = f"{self.noun} {key[-1] if key else '(unknown)'}"
        if short and self.scope != "organization":
            return text
        text += self.suffix
        if self.scope == "either" and not key[0]:
            return text + " (organization)"
        if len(key) > 1 and key[0]:
            text += f" {self.within} {key[0]}"
        return text

    def counted(self, n: int) -> str:
        """`1 service account`, `3 service accounts` (the noun, plural when n is not 1)."""
        one = f"{self.noun}{self.suffix}"
        return f"{n} {one if n == 1 else self.plural or one + 's'}"
