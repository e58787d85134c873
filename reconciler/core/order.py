"""Dependency order of changes: what must happen before what, and one deterministic order.

Rules (a change follows the changes it depends on):
- a project's create or rename precedes everything created or updated inside it (of any kind
  whose key places it in the project), and every invite that carries the project;
- a certificate's upload or rename precedes its activations;
- a certificate's deactivations precede its deletion;
- every other change inside a project precedes that project's archive;
- a change other than a delete follows the creates its kind names (`KindInfo.follows`: a
  role's holder follows the role's create; a group's members and roles, the group's; a group's
  role, the role's; a group's grant to a project, the group's).
Within one dependency depth, changes sort by kind (in registry order, core/kinds/registry.py),
action, then key, so the same inputs always give the same order (and byte-identical plan files).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.registry import info, kinds, project_of

ACTION_ORDER: dict[Action, int] = {
    action: i
    for i, action in enumerate(
        (Action.DELETE, Action.REPLACE, Action.UPDATE, Action.CREATE, Action.ARCHIVE)
    )
}


def dependencies_of(changes: Sequence[Change]) -> list[frozenset[int]]:
    """For each change (by index), the indices of the changes it must follow."""
    project_parent: dict[str, int] = {}
    cert_parent: dict[str, int] = {}
    deactivations: dict[str, list[int]] = defaultdict(list)
    in_project: dict[str, list[int]] = defaultdict(list)
    for i, change in enumerate(changes):
        kind, action, key = change.kind, change.action, change.key
        if kind is Kind.PROJECT and action in (Action.CREATE, Action.UPDATE):
            project_parent[key[0]] = i
        elif kind is Kind.CERTIFICATE and action in (Action.CREATE, Action.UPDATE):
            cert_parent[key[0]] = i
        elif kind is Kind.CERTIFICATE_ACTIVATION and action is Action.DELETE:
            deactivations[key[1]].append(i)
        project = project_of(kind, key)
        if project is not None and kind is not Kind.PROJECT:
            in_project[project].append(i)
    creates = {(c.kind.value, c.key): i for i, c in enumerate(changes) if c.action is Action.CREATE}
    result: list[frozenset[int]] = []
    for change in changes:
        deps = _parents(change, project_parent, cert_parent)
        follows = info(change.kind).follows
        if follows is not None and change.action is not Action.DELETE:
            deps.update(creates[ref] for ref in follows(change) if ref in creates)
        if change.kind is Kind.CERTIFICATE and change.action is Action.DELETE:
            deps.update(deactivations.get(change.key[0], ()))
        elif change.kind is Kind.PROJECT and change.action is Action.ARCHIVE:
            deps.update(in_project.get(change.key[0], ()))
        result.append(frozenset(deps))
    return result


def _parents(
    change: Change, project_parent: dict[str, int], cert_parent: dict[str, int]
) -> set[int]:
    """The creates and renames a change needs to exist first."""
    deps: set[int] = set()
    if change.action is Action.DELETE:
        return deps
    project = project_of(change.kind, change.key)
    if change.kind is not Kind.PROJECT and project in project_parent:
        deps.add(project_parent[project])
    if change.kind is Kind.CERTIFICATE_ACTIVATION and change.key[1] in cert_parent:
        deps.add(cert_parent[change.key[1]])
    if change.kind is Kind.INVITE and change.after:
        for entry in change.after.get("projects", ()):
            if entry["project"] in project_parent:
                deps.add(project_parent[entry["project"]])
    return deps


def order(changes: Sequence[Change]) -> tuple[Change, ...]:
    """The changes in dependency order: by depth in the dependency graph, then kind, action, key."""
    deps = dependencies_of(changes)
    depth: list[int | None] = [None] * len(changes)
    rank = {info.kind: i for i, info in enumerate(kinds())}

    def depth_of(i: int) -> int:
        # The graph is shallow (project → child → archive), so recursion stays short.
        known = depth[i]
        if known is None:
            known = 1 + max((depth_of(d) for d in deps[i]), default=-1)
            depth[i] = known
        return known

    return tuple(
        changes[i]
        for i in sorted(
            range(len(changes)),
            key=lambda i: (
                depth_of(i),
                rank[changes[i].kind],
                ACTION_ORDER[changes[i].action],
                changes[i].key,
            ),
        )
    )


def activation_batches(changes: Sequence[Change], *, size: int = 10) -> list[tuple[int, ...]]:
    """Indices of certificate (de)activations grouped per (scope, action), `size` per request.

    The API (de)activates at most 10 certificates per call, atomically; apply sends one request
    per batch. Batches come in plan order.
    """
    groups: dict[tuple[str, Action], list[int]] = defaultdict(list)
    for i, change in enumerate(changes):
        if change.kind is Kind.CERTIFICATE_ACTIVATION:
            groups[(change.key[0], change.action)].append(i)
    batches = [
        tuple(indices[start : start + size])
        for indices in groups.values()
        for start in range(0, len(indices), size)
    ]
    return sorted(batches)
