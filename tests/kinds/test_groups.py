"""Reading and writing groups on the sandbox: every group with its members and roles (SCIM
groups included), a group created in an apply found by its members and roles in the same
apply, a create whose answer was lost not made twice, and export's view of SCIM groups."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from reconciler.core.kinds.groups import Group
from reconciler.core.model import Desired, Organization, Settings
from reconciler.kinds.group_roles import read_roles_part
from reconciler.kinds.groups import SPEC, read_groups_part
from reconciler.kinds.spec import PartRead
from reconciler.sandbox import Sandbox
from reconciler.sandbox.faults import FaultConfig
from reconciler.write.apply import Outcome
from reconciler.write.secrets import NoSink
from tests.support.apply import apply_on, client_for, fast_box


def _desired(groups: Mapping[str, Group]) -> Desired:
    return Desired(Organization(parts={"groups": groups}), Settings())


def test_every_group_is_read_with_its_members_roles_and_id() -> None:
    """The demo's groups read with their members' emails, their roles' names, whether SCIM
    manages them, and their ids by name, in two requests a group beyond the two lists; the
    organization's roles include the predefined ones."""
    box = fast_box()

    async def read() -> tuple[PartRead, PartRead]:
        async with client_for(box) as client:
            desired = _desired({})
            return await read_groups_part(client, desired), await read_roles_part(client, desired)

    (groups, ids), (roles, role_ids) = asyncio.run(read())
    assert isinstance(groups, dict)
    assert groups["ml-platform"] == Group(
        frozenset({"alice@example.com", "bob@example.com", "grace@example.com"}),
        frozenset({"billing-viewer"}),
    )
    assert groups["finance"].scim
    assert groups["finance"].roles == frozenset({"reader"})
    finance = next(g["id"] for g in box.state.groups.values() if g["name"] == "finance")
    assert ids[("finance",)] == finance
    assert roles == frozenset({"owner", "reader", "billing-viewer"})
    assert set(role_ids) == {(r,) for r in roles}
    assert box.requests.total == 2 + 2 * len(groups)  # both lists, each group's users and roles


def test_a_new_group_gets_its_members_and_roles_in_the_same_apply() -> None:
    """Apply creates the group, records its id, then adds its members and its role by name."""
    box = fast_box()
    wanted = Group(frozenset({"carol@example.com"}), frozenset({"reader", "billing-viewer"}))
    run = asyncio.run(apply_on(box, _desired({"support": wanted}), NoSink()))
    assert [r.outcome for r in run.report.results] == [Outcome.APPLIED] * 4
    (group,) = [g for g in box.state.groups.values() if g["name"] == "support"]
    assert len(box.state.group_users[group["id"]]) == 1
    assert len(box.state.group_roles[group["id"]]) == 2
    again = asyncio.run(apply_on(box, _desired({"support": wanted}), NoSink()))
    assert again.plan.changes == ()


def test_a_create_whose_answer_was_lost_is_not_made_twice() -> None:
    """When the connection drops after the group was made, the read-back finds it by name and
    apply goes on with its members, leaving one group of that name."""
    box = fast_box()
    box.faults = FaultConfig(
        drop_after_commit=1.0,
        methods=frozenset({"POST"}),
        paths=frozenset({"/organization/groups"}),
    )
    wanted = Group(frozenset({"dan@example.com"}), None)
    run = asyncio.run(apply_on(box, _desired({"support": wanted}), NoSink()))
    assert [r.outcome for r in run.report.results] == [Outcome.APPLIED] * 2
    assert [g["name"] for g in box.state.groups.values()].count("support") == 1


def test_export_declares_a_scim_groups_roles_but_not_its_members() -> None:
    """Every group is exported; a SCIM group without members (the identity provider's)."""
    scim = Group(frozenset({"a@x.com"}), frozenset({"reader"}), scim=True)
    plain = Group(frozenset({"b@x.com"}), frozenset())
    assert SPEC.exported({"fin": scim, "ml": plain}) == {
        "fin": Group(None, frozenset({"reader"})),
        "ml": Group(frozenset({"b@x.com"}), frozenset()),
    }


def test_more_groups_than_a_page_are_all_read() -> None:
    """The groups list pages with a `next` cursor: 150 groups take two pages of the list, and
    every one is read (before, a second page was a protocol error)."""
    box = fast_box()
    listed = asyncio.run(_create_groups(box, 150))
    assert listed == 150

    async def read() -> PartRead:
        async with client_for(box) as client:
            return await read_groups_part(client, _desired({}))

    before = box.requests.total
    groups, ids = asyncio.run(read())
    assert isinstance(groups, dict)
    assert {f"team-{n:03d}" for n in range(150)} <= set(groups)
    assert len(ids) == len(groups)
    assert box.requests.total - before == 2 + 2 * len(groups)  # two pages, then each group


async def _create_groups(box: Sandbox, count: int) -> int:
    async with client_for(box) as client:
        for n in range(count):
            await client.post("/organization/groups", json={"name": f"team-{n:03d}"})
        return count
