"""Scoping a plan to a pull request: only what the pull request changes is read and planned."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reconciler.config import load_config
from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.groups import Group
from reconciler.core.model import Desired, PruneSettings, Settings, User
from reconciler.core.pr_scope import (
    base_scope,
    changed_scope,
    not_read,
    scope_to_changes,
    split_changes,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def _demo() -> Desired:
    return load_config(EXAMPLE).desired


def _with_member(desired: Desired, project: str, email: str) -> Desired:
    old = desired.org.projects[project]
    members = {**(old.members or {}), email: "member"}
    projects = {**desired.org.projects, project: replace(old, members=members)}
    return replace(desired, org=replace(desired.org, projects=projects))


def test_identical_files_scope_to_nothing() -> None:
    """A pull request that changes nothing declares no project and no org-level kind."""
    scoped = scope_to_changes(_demo(), _demo())
    assert scoped.org.projects == {}
    assert scoped.org.users is None
    assert scoped.org.certificates is None


def test_only_changed_projects_are_in_scope() -> None:
    """Adding a member to two projects scopes the plan to exactly those two."""
    base = _demo()
    head = _with_member(
        _with_member(base, "research", "bob@example.com"), "support-bot", "kim@example.com"
    )
    scoped = scope_to_changes(base, head)
    assert set(scoped.org.projects) == {"research", "support-bot"}
    assert scoped.org.projects["research"] == head.org.projects["research"]
    assert scoped.org.users is None


def test_changed_users_bring_users_into_scope() -> None:
    """A changed role among organization users puts `users` in scope and no project."""
    base = _demo()
    users = {**(base.org.users or {}), "bob@example.com": User("bob@example.com", "owner")}
    head = replace(base, org=replace(base.org, users=users))
    scope = changed_scope(base, head)
    assert scope.users
    assert scope.projects == frozenset()


def test_project_declaring_certificates_keeps_certificates_in_scope() -> None:
    """A scoped project that declares certificates keeps org certificates readable by name."""
    base = _demo()
    head = _with_member(base, "search-prod", "kim@example.com")
    assert scope_to_changes(base, head).org.certificates == head.org.certificates


def test_new_project_is_in_scope() -> None:
    """A project only the head file declares is in scope."""
    base = _demo()
    projects = {n: p for n, p in base.org.projects.items() if n != "research"}
    smaller = replace(base, org=replace(base.org, projects=projects))
    assert changed_scope(smaller, base).projects == frozenset({"research"})


def test_changed_prune_settings_scope_everything() -> None:
    """Changing prune switches changes what every object means, so nothing is narrowed."""
    base = _demo()
    head = replace(base, settings=Settings(prune=PruneSettings(users=True)))
    assert scope_to_changes(base, head) == head


def test_loosened_safety_settings_scope_everything() -> None:
    """Taking a user off protected_users (or raising max_deletes) unlocks changes the base plan
    refused; the pull request's plan must show them, so nothing is narrowed."""
    base = _demo()
    safety = replace(base.settings.safety, protected_users=frozenset())
    head = replace(base, settings=replace(base.settings, safety=safety))
    assert base.settings.safety.protected_users
    assert changed_scope(base, head).everything
    assert scope_to_changes(base, head) == head
    assert base_scope(base, head) == base


def test_base_scope_matches_the_head_scope() -> None:
    """The base file is narrowed to the same projects as the head file."""
    base = _demo()
    head = _with_member(base, "research", "bob@example.com")
    assert set(base_scope(base, head).org.projects) == {"research"}


def test_split_separates_introduced_drift_and_adopted() -> None:
    """Changes only in the head plan are introduced, shared ones drift, base-only ones adopted."""
    add = Change(
        Kind.PROJECT_USER, Action.CREATE, ("research", "bob@example.com"), after={"role": "member"}
    )
    revert = Change(Kind.USER, Action.UPDATE, ("carol@example.com",), reason="a")
    adopted = Change(Kind.PROJECT_USER, Action.DELETE, ("research", "eve@example.com"))
    split = split_changes(head=[add, replace(revert, reason="b")], base=[revert, adopted])
    assert split.introduced == (add,)
    assert [c.key for c in split.drift] == [("carol@example.com",)]
    assert split.adopted == (adopted,)


def test_an_organization_level_part_is_in_scope_only_when_it_changes() -> None:
    """Unchanged `groups:` is not read by a scoped plan (and is named as not read); a changed
    one is in scope, whole."""
    groups = {"ml": Group(frozenset({"a@x.com"}), frozenset({"reader"}))}
    base = replace(_demo(), org=replace(_demo().org, parts={"groups": groups}))
    same = scope_to_changes(base, base)
    assert same.org.parts == {}
    assert not_read(base, same).parts == ("groups",)
    changed = {**groups, "ops": Group(None, frozenset({"owner"}))}
    head = replace(base, org=replace(base.org, parts={"groups": changed}))
    assert changed_scope(base, head).parts == frozenset({"groups"})
    assert scope_to_changes(base, head).org.parts == {"groups": changed}
