"""The access part of a seed: the demo's teams, roles and retention, ids that leave the rest of
the organization unchanged, and located errors for bad references."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.errors import SandboxError
from reconciler.sandbox.seed import build_state, demo_seed
from reconciler.sandbox.seed_access import ACCESS_KEYS

NOW = 1_767_225_600


def _without_access(seed: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in seed.items() if k not in ACCESS_KEYS}


def test_seeding_access_moves_no_other_id() -> None:
    """The demo with its access part has the same state as without it, but for the access
    fields, and the same id sequence, so objects created later get the same ids too."""
    with_access = build_state(demo_seed(), now=NOW).to_json()
    without = build_state(_without_access(demo_seed()), now=NOW).to_json()
    access_fields = {
        "groups", "group_users", "roles", "user_roles", "group_roles", "project_groups",
        "data_retention", "retention_eligible",
    }  # fmt: skip
    assert {k: v for k, v in with_access.items() if k not in access_fields | {"admin_keys"}} == {
        k: v for k, v in without.items() if k not in access_fields | {"admin_keys"}
    }
    assert all(not without[k] for k in access_fields)


def test_the_demo_has_two_teams_one_scim_managed() -> None:
    """ml-platform (three members, billing-viewer) and finance (SCIM, two members, reader)."""
    state = build_state(demo_seed(), now=NOW)
    emails = {u["id"]: u["email"] for u in state.users.values()}
    teams = {
        g["name"]: (g["is_scim_managed"], sorted(emails[u] for u in state.group_users[g["id"]]))
        for g in state.groups.values()
    }
    assert teams == {
        "ml-platform": (False, ["alice@example.com", "bob@example.com", "grace@example.com"]),
        "finance": (True, ["carol@example.com", "dan@example.com"]),
    }
    assert [r["name"] for r in state.roles.values()] == ["billing-viewer"]
    assert state.retention_eligible == ["zero_data_retention"]


@pytest.mark.parametrize(
    ("part", "names"),
    [
        ({"groups": [{"name": "g", "roles": ["admin"]}]}, "admin"),
        ({"groups": [{"name": "g", "members": ["nobody@example.com"]}]}, "nobody@example.com"),
        ({"project_groups": {"research": {"ml-platform": "reader"}}}, "reader"),
        ({"project_groups": {"research": {"ghosts": "member"}}}, "ghosts"),
        ({"data_retention": {"eligible": ["forever"]}}, "forever"),
        ({"data_retention": {"organization": "none"}}, "none"),
        ({"data_retention": {"projects": {"research": "forever"}}}, "forever"),
    ],
)
def test_a_bad_access_reference_is_a_located_error(part: dict[str, Any], names: str) -> None:
    """A role, user, group or mode the seed does not have is a SandboxError naming it."""
    seed = {**demo_seed(), **part}
    with pytest.raises(SandboxError, match=names):
        build_state(seed, now=NOW)
