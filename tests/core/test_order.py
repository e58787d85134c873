"""Dependency order: a change follows the creates its kind names (`KindInfo.follows`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.core.change import Action, Change, plug_kind
from reconciler.core.kinds import registry
from reconciler.core.kinds.base import KindInfo
from reconciler.core.order import dependencies_of, order

TEAM = plug_kind("toy_team")
GRANT = plug_kind("toy_grant")


def _info(kind_name: str, **extra: object) -> KindInfo:
    return KindInfo(
        kind=plug_kind(kind_name), noun=kind_name, key=("name",), scope="organization",
        diff=None, audit_events=(), audit_id=lambda key, ids: None, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def toys() -> Iterator[None]:
    """A team kind, and a grant kind registered before it whose grants follow its creates."""
    registry.register(_info("toy_grant", follows=lambda c: (("toy_team", (c.key[0],)),)))
    registry.register(_info("toy_team"))
    try:
        yield
    finally:
        registry.unregister(GRANT)
        registry.unregister(TEAM)


@pytest.mark.usefixtures("toys")
def test_a_change_follows_the_create_its_kind_names() -> None:
    """A grant for team a follows a's create even though grants sort first; b's grant, whose
    team is not created by the plan, depends on nothing."""
    grant_a = Change(GRANT, Action.CREATE, ("a",))
    grant_b = Change(GRANT, Action.CREATE, ("b",))
    team_a = Change(TEAM, Action.CREATE, ("a",))
    assert dependencies_of([grant_a, grant_b, team_a]) == [frozenset({2}), frozenset(), frozenset()]
    assert order([grant_a, grant_b, team_a]) == (grant_b, team_a, grant_a)
