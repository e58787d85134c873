"""kinds/registry: every kind has its I/O half, and a kind plugged in through `register`
flows through diff, plan, rendering, plan files and apply without touching anything else."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from reconciler.clock import Clock, VirtualClock
from reconciler.core.change import Action, Change, Kind, plug_kind
from reconciler.core.kinds import registry as core_registry
from reconciler.core.kinds.base import DiffContext, KindInfo
from reconciler.core.model import Desired, Live, Organization, Project
from reconciler.core.plan import Plan, make_plan
from reconciler.kinds import registry
from reconciler.kinds.spec import KindSpec
from reconciler.render.text import render_text
from reconciler.write.apply import apply_plan
from reconciler.write.context import ApplyContext
from reconciler.write.secrets import NoSink

JSON = dict[str, Any]


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_spec_with_exactly_one_writer(kind: Kind) -> None:
    """Each kind is written one change at a time or in batches (never both, never neither),
    and its spec carries the same pure half the core knows."""
    spec = registry.spec(kind)
    assert (spec.write is None) != (spec.batch is None)
    assert spec.info is core_registry.info(kind)
    assert (kind in registry.HANDLERS) == (spec.write is not None)
    assert (kind in registry.BATCHED) == (spec.batch is not None)


def test_both_halves_list_the_kinds_in_the_same_order() -> None:
    """apply's registry and the core's list the same kinds in the same dependency order."""
    assert [s.kind for s in registry.specs()] == [i.kind for i in core_registry.kinds()]


# A toy kind: a tag on a project, key (project, tag). Its desired and live values live in the
# test (a real kind keeps them in the model); everything else goes through the registry.
TAG = plug_kind("project_tag")
WANTED = {"web": {"env": "prod", "team": "search"}}
EXISTING = {"web": {"team": "ads", "old": "x"}}


def diff_tags(ctx: DiffContext) -> None:
    """Create, update and delete the tags of each project in scope."""
    for name, _want, _have in ctx.projects():
        want, have = WANTED.get(name, {}), EXISTING.get(name, {})
        for tag, value in want.items():
            if tag not in have:
                ctx.out.change(Change(TAG, Action.CREATE, (name, tag), after={"value": value}))
            elif have[tag] != value:
                before, after = {"value": have[tag]}, {"value": value}
                ctx.out.change(Change(TAG, Action.UPDATE, (name, tag), before, after))
        for tag in sorted(set(have) - set(want)):
            ctx.out.change(Change(TAG, Action.DELETE, (name, tag), before={"value": have[tag]}))


async def write_tag(change: Change, ctx: ApplyContext) -> str | None:
    """Write one tag through the client."""
    path = f"/organization/projects/{ctx.project_id(change.key[0])}/tags/{change.key[1]}"
    if change.action is Action.DELETE:
        await ctx.client.delete(path)
    else:
        await ctx.client.post(path, json=change.after)
    return None


TAG_SPEC = KindSpec(
    KindInfo(
        kind=TAG, noun="tag", key=("project", "tag"), scope="project", diff=diff_tags,
        audit_events=("project_tag.updated",), audit_id=lambda key, ids: None,
    ),
    write=write_tag,
)  # fmt: skip


class RecordingClient:
    """A write client that records every write and answers with an empty object."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, str, Mapping[str, Any] | None]] = []
        self._clock = VirtualClock()

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> list[JSON]:
        return []

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> JSON:
        return {}

    async def post(self, path: str, *, json: Mapping[str, Any] | None = None) -> JSON:
        self.writes.append(("POST", path, json))
        return {}

    async def delete(self, path: str) -> JSON:
        self.writes.append(("DELETE", path, None))
        return {}

    @property
    def clock(self) -> Clock:
        return self._clock


@pytest.fixture
def tags() -> Iterator[KindSpec]:
    """The toy kind, registered for one test."""
    registry.register(TAG_SPEC)
    try:
        yield TAG_SPEC
    finally:
        registry.unregister(TAG)


def test_a_plugged_in_kind_flows_through_diff_plan_and_apply(tags: KindSpec) -> None:
    """A kind registered through `register` is diffed, ordered, labelled, saved in plan files
    and applied by its own handler, with no other code knowing it."""
    desired = Desired(Organization(projects={"web": Project("web")}))
    live = Live(Organization(projects={"web": Project("web", id="proj_1")}))
    plan = make_plan(desired, live, config_digest="sha256:x")
    assert [(c.action, c.key) for c in plan.changes] == [
        (Action.DELETE, ("web", "old")),
        (Action.UPDATE, ("web", "team")),
        (Action.CREATE, ("web", "env")),
    ]
    assert Plan.from_json(plan.to_json()) == plan
    text = render_text(plan)
    assert "project web" in text
    assert "tag env" in text
    assert "tag old" in text
    client = RecordingClient()
    report = asyncio.run(apply_plan(plan, client=client, live=live, sink=NoSink(), concurrency=1))
    assert report.ok
    assert client.writes == [
        ("DELETE", "/organization/projects/proj_1/tags/old", None),
        ("POST", "/organization/projects/proj_1/tags/team", {"value": "search"}),
        ("POST", "/organization/projects/proj_1/tags/env", {"value": "prod"}),
    ]


def test_an_unregistered_kind_is_gone_from_both_halves(tags: KindSpec) -> None:
    """`unregister` takes a plugged-in kind out of the core's list and apply's tables."""
    registry.unregister(TAG)
    assert TAG not in registry.HANDLERS
    assert TAG not in [info.kind for info in core_registry.kinds()]
    registry.register(TAG_SPEC)  # the fixture unregisters it again
