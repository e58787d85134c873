"""Plans scoped to a pull request: read only what the pull request changes, then tell apart
what it introduces from drift that was already there.

    changed_scope(base, head) -> PrScope         which projects and org-level kinds differ
    restrict(desired, scope) -> Desired          a Desired with only that in scope
    scope_to_changes(base, head) -> Desired      restrict(head, changed_scope(base, head))
    with_invitees(scope, head, live) -> PrScope  plus the projects an invite must carry
    split_changes(head=..., base=...) -> PrSplit  introduced / drift already present / adopted
    not_read(head, scoped) -> NotRead            what the scoped plan leaves out of the head file

A project is in scope when its declared config differs between the two files (or is new in the
head file); `users`, `certificates` and a plug-in kind's organization-level part (`groups`)
when their declarations differ. Someone not yet an
organization member joins projects through an invite that lists all of their declared projects,
so once the live users are read (`with_invitees`), a scoped project declaring such a member
puts `users` in scope (the invite is how they join), and with `users` in scope every project
declaring such a member comes in too: an invite is never planned from part of the file.
Organization certificates stay in scope whenever a scoped project declares certificates,
because project activations are matched by certificate name. Changing `settings.prune`
changes what every declared object means, and changing `settings.safety` can unlock changes
the base plan refused anywhere (a user taken off protected_users, a higher max_deletes), so
either puts the whole head file in scope: a pull request's plan never hides what its merge
would do. The merge is applied with the same scope (`apply --base`), so what is left out is
neither shown nor applied: `not_read` names it.
Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from reconciler.core.change import Change
from reconciler.core.model import Desired, Live, Project


@dataclass(frozen=True, slots=True)
class PrScope:
    """What a pull request touches: project names (head file) and org-level kinds."""

    projects: frozenset[str]
    users: bool = False
    certificates: bool = False
    everything: bool = False
    # Organization-level parts of plug-in kinds (core/parts.py) whose declarations differ.
    parts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PrSplit:
    """A pull request's plan, split for reviewers.

    `introduced`: changes only the head file asks for (what the pull request does).
    `drift`: changes the base file asks for too (the live organization had drifted already;
    applying the merge will also revert it). `adopted`: changes the base file asks for but the
    head file does not (the pull request writes the live value into the file).
    """

    introduced: tuple[Change, ...] = ()
    drift: tuple[Change, ...] = ()
    adopted: tuple[Change, ...] = ()


@dataclass(frozen=True, slots=True)
class NotRead:
    """What a scoped plan leaves out of the head file: not read, not planned, not applied.

    `projects`: declared projects the pull request does not change (sorted); `users`: the
    organization's users and invites; `certificates`: the organization's certificates;
    `parts`: the file's organization-level keys of plug-in kinds (sorted).
    """

    projects: tuple[str, ...] = ()
    users: bool = False
    certificates: bool = False
    parts: tuple[str, ...] = ()  # organization-level parts of plug-in kinds (`groups`)

    def __bool__(self) -> bool:
        return bool(self.projects) or self.users or self.certificates or bool(self.parts)


def not_read(head: Desired, scoped: Desired) -> NotRead:
    """What `scoped` (the head file narrowed by `restrict`) declares no longer."""
    return NotRead(
        projects=tuple(sorted(set(head.org.projects) - set(scoped.org.projects))),
        users=head.org.users is not None and scoped.org.users is None,
        certificates=head.org.certificates is not None and scoped.org.certificates is None,
        parts=tuple(sorted(set(head.org.parts) - set(scoped.org.parts))),
    )


def changed_scope(base: Desired, head: Desired) -> PrScope:
    """The projects and org-level kinds whose declarations differ between base and head."""
    if base.settings != head.settings:
        return PrScope(
            projects=frozenset(head.org.projects), users=True, certificates=True, everything=True
        )
    base_projects = _by_identity(base.org.projects.values())
    changed = frozenset(
        name
        for name, project in head.org.projects.items()
        if base_projects.get(_identity(project)) != project
    )
    declares_certs = any(head.org.projects[n].certificates is not None for n in changed)
    return PrScope(
        projects=changed,
        users=base.org.users != head.org.users,
        certificates=declares_certs or base.org.certificates != head.org.certificates,
        parts=frozenset(
            name
            for name in set(base.org.parts) | set(head.org.parts)
            if base.org.parts.get(name) != head.org.parts.get(name)
        ),
    )


def restrict(desired: Desired, scope: PrScope) -> Desired:
    """The same Desired with only the scoped projects declared and other org-level kinds unread."""
    if scope.everything:
        return desired
    org = desired.org
    projects = {n: p for n, p in org.projects.items() if n in _names(desired, scope)}
    narrowed = replace(
        org,
        users=org.users if scope.users else None,
        certificates=org.certificates if scope.certificates else None,
        projects=projects,
        parts={name: value for name, value in org.parts.items() if name in scope.parts},
    )
    return replace(desired, org=narrowed)


def scope_to_changes(base: Desired, head: Desired) -> Desired:
    """The head file narrowed to what differs from the base file (see module docstring)."""
    return restrict(head, changed_scope(base, head))


def with_invitees(scope: PrScope, head: Desired, live: Live) -> PrScope:
    """`scope` plus what the invites of declared users who are not members need.

    Such a user gets (or keeps) an invite listing all of their declared projects: a scoped
    project that declares them needs `users` in scope (without it, their joining would not be
    planned at all), and `users` in scope needs every project that declares them (planned from
    the scoped projects alone, the invite would be re-sent with fewer). Needs the live users
    (read whenever `users` is in scope or a project declares members).
    """
    wanted, users = head.org.users, live.org.users
    if scope.everything or wanted is None or users is None:
        return scope
    invitees = set(wanted) - set(users)
    declaring = frozenset(
        name for name, project in head.org.projects.items() if invitees & set(project.members or {})
    )
    if not scope.users and not declaring & scope.projects:
        return scope
    wider = replace(scope, users=True, projects=scope.projects | declaring)
    return scope if wider == scope else wider


def base_scope(base: Desired, head: Desired, scope: PrScope | None = None) -> Desired:
    """The base file narrowed to the same projects and kinds as the head's scope (by default
    `changed_scope(base, head)`).

    Projects are matched by pinned id first, then by name, so a renamed project compares with
    its former self.
    """
    if scope is None:
        scope = changed_scope(base, head)
    if scope.everything:
        return base
    wanted = {_identity(head.org.projects[n]) for n in scope.projects}
    names = frozenset(n for n, p in base.org.projects.items() if _identity(p) in wanted)
    return restrict(base, replace(scope, projects=names))


def split_changes(*, head: Iterable[Change], base: Iterable[Change]) -> PrSplit:
    """Split the head plan's changes by whether the base plan has the same change."""
    base_list = list(base)
    base_keys = {_fingerprint(c) for c in base_list}
    head_list = list(head)
    head_keys = {_fingerprint(c) for c in head_list}
    return PrSplit(
        introduced=tuple(c for c in head_list if _fingerprint(c) not in base_keys),
        drift=tuple(c for c in head_list if _fingerprint(c) in base_keys),
        adopted=tuple(c for c in base_list if _fingerprint(c) not in head_keys),
    )


def _names(desired: Desired, scope: PrScope) -> frozenset[str]:
    return frozenset(n for n in desired.org.projects if n in scope.projects)


def _identity(project: Project) -> str:
    """A project's identity across two files: its pinned id, else its name."""
    return f"id:{project.id}" if project.id else f"name:{project.name}"


def _by_identity(projects: Iterable[Project]) -> Mapping[str, Project]:
    return {_identity(p): p for p in projects}


def _fingerprint(change: Change) -> str:
    """What makes two planned changes the same change (the reason text does not)."""
    data = change.to_json()
    data.pop("reason", None)
    return json.dumps(data, sort_keys=True, default=str)
