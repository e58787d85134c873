"""Twins from overlapping applies: who wins, and what a create does when another apply made the
same object just before (adopt it) or at the same time (settle: the loser's run removes its own)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.config import load_config
from reconciler.core.change import Action, Change, Kind
from reconciler.core.plan import make_plan
from reconciler.errors import BadRequestError
from reconciler.kinds.projects import apply_project
from reconciler.kinds.twins import Twin, winner
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox
from reconciler.write.apply import ApplyReport, apply_plan
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write
from reconciler.write.secrets import DirSink
from tests.support import sandbox_client
from tests.support.apply import EXAMPLE, accounts_named, fast_box

JSON = dict[str, Any]


def test_the_oldest_twin_wins_then_the_smallest_id() -> None:
    """The winner is the smallest created_at; among equally old twins the smallest id; a twin
    without created_at counts as newest; no twins, no winner."""
    assert winner([Twin("b", 5), Twin("a", 6)]) == Twin("b", 5)
    assert winner([Twin("b", 5), Twin("a", 5), Twin("c", 5)]) == Twin("a", 5)
    assert winner([Twin("a", None), Twin("z", 9)]) == Twin("z", 9)
    assert winner([]) is None


@dataclass
class TwinMaker(httpx.AsyncBaseTransport):
    """The sandbox's transport, except that the first POST to `path` is preceded by the same
    POST (another apply's create, committed just before ours); once ours is answered, the
    twin's created_at is set to ours + `age` (negative: the twin is older)."""

    box: Sandbox
    path: str
    age: int
    table: Callable[[Sandbox], dict[str, JSON]]
    twin: str = ""

    def __post_init__(self) -> None:
        self.inner = self.box.transport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward; make the twin around the first matching create."""
        if self.twin or request.method != "POST" or request.url.path != "/v1" + self.path:
            return await self.inner.handle_async_request(request)
        twin = await self.inner.handle_async_request(request)
        self.twin = json.loads(await twin.aread())["id"]
        ours = await self.inner.handle_async_request(request)
        made = json.loads(await ours.aread())
        self.table(self.box)[self.twin]["created_at"] = made["created_at"] + self.age
        return httpx.Response(ours.status_code, headers=ours.headers, json=made)


async def _apply(box: Sandbox, transport: httpx.AsyncBaseTransport, keys: Path) -> ApplyReport:
    desired = load_config(EXAMPLE).desired
    sink = DirSink(keys)
    sink.preflight()
    async with sandbox_client(box, transport=transport) as client:
        live = await fetch_live(client, desired)
        plan = make_plan(desired, live, config_digest="")
        return await apply_plan(plan, client=client, live=live, sink=sink)


def _note(report: ApplyReport, kind: Kind, key: tuple[str, ...]) -> str:
    found = [r for r in report.results if r.change.kind is kind and r.change.key == key]
    assert [r.outcome.value for r in found] == ["applied"], found
    return found[0].message


def _active_projects(box: Sandbox, name: str) -> list[str]:
    projects = box.state.projects.values()
    return [p["id"] for p in projects if p["name"] == name and not p["archived_at"]]


@pytest.mark.parametrize("age", [-1, 1])
def test_a_project_created_at_the_same_time_settles_on_the_older_one(
    age: int, tmp_path: Path
) -> None:
    """Another apply creates support-bot while this one does: when the other is older this run
    archives its own and fills the other's; when the other is newer this run keeps its own
    (the other's run removes the other); the run succeeds either way."""
    maker = TwinMaker(fast_box(), "/organization/projects", age, lambda b: b.state.projects)
    report = asyncio.run(_apply(maker.box, maker, tmp_path / "keys"))
    assert report.ok, report.results
    active = _active_projects(maker.box, "support-bot")
    note = _note(report, Kind.PROJECT, ("support-bot",))
    if age < 0:
        assert active == [maker.twin]
        assert "overlapping apply" in note
        assert "archived" in note
        # the changes inside the project went to the one that was kept
        assert len(maker.box.state.project_users[maker.twin]) == 2  # erin, frank (judy: invited)
        accounts = maker.box.state.service_accounts[maker.twin].values()
        assert [a["name"] for a in accounts] == ["support-ingest"]
    else:
        assert len(active) == 2
        assert maker.twin in active
        assert "overlapping" not in note


def test_an_older_twin_service_account_wins_and_our_key_is_never_delivered(
    tmp_path: Path,
) -> None:
    """Another apply creates ci-deployer at the same time, earlier: this run deletes its own
    account before delivering its key (nothing reaches the sink) and reports the other's."""
    box = fast_box()
    project = next(p["id"] for p in box.state.projects.values() if p["name"] == "search-prod")
    path = f"/organization/projects/{project}/service_accounts"
    maker = TwinMaker(box, path, -1, lambda b: b.state.service_accounts[project])
    report = asyncio.run(_apply(box, maker, tmp_path / "keys"))
    assert report.ok, report.results
    survivors = accounts_named(box, "ci-deployer") + accounts_named(
        box, "ci-deployer.reconciler-pending"
    )
    assert [a["id"] for a in survivors] == [maker.twin]
    assert list((tmp_path / "keys").glob("*.key")) == []
    note = _note(report, Kind.SERVICE_ACCOUNT, ("search-prod", "ci-deployer"))
    assert "overlapping apply" in note
    assert "that apply's sink" in note


def test_an_older_twin_certificate_wins_and_ours_is_deleted(tmp_path: Path) -> None:
    """Another apply uploads corp-mtls-2026 at the same time, earlier: this run deletes its own
    upload and activates the other's, so one copy is left, active."""
    maker = TwinMaker(fast_box(), "/organization/certificates", -1, lambda b: b.state.certificates)
    report = asyncio.run(_apply(maker.box, maker, tmp_path / "keys"))
    assert report.ok, report.results
    copies = [c for c in maker.box.state.certificates.values() if c["name"] == "corp-mtls-2026"]
    assert [(c["id"], c["active"]) for c in copies] == [(maker.twin, True)]


def test_a_project_another_apply_made_since_the_plan_is_adopted_not_created() -> None:
    """A create whose fresh read finds the project (made by another apply after the plan)
    sends no create of its own and points the run's later changes at that project."""
    box = fast_box()

    async def run() -> tuple[ApplyContext, str | None]:
        async with sandbox_client(box) as client:
            live = await fetch_live(client, load_config(EXAMPLE).desired)
            change = Change(Kind.PROJECT, Action.CREATE, ("support-bot",))
            ctx = ApplyContext.start(client=client, live=live, sink=DirSink(Path()), changes=[])
            made = await client.post("/organization/projects", json={"name": "support-bot"})
            before = box.requests.count("POST", "/organization/projects")
            note = await apply_project(change, ctx)
            assert box.requests.count("POST", "/organization/projects") == before
            assert ctx.project_id("support-bot") == made["id"]
            return ctx, note

    _, note = asyncio.run(run())
    assert note is not None
    assert "overlapping apply" in note
    assert len(_active_projects(box, "support-bot")) == 1


def test_a_refused_write_that_already_holds_is_done() -> None:
    """A create refused as a conflict ("already a member") whose read-back finds it done
    returns what the read-back found; one whose read-back finds nothing stays refused."""

    async def refused() -> JSON:
        raise BadRequestError("erin@example.com is already a member of this project.", status=400)

    async def held() -> JSON | None:
        return {"id": "user_1"}

    async def absent() -> JSON | None:
        return None

    assert asyncio.run(send_write(refused, settled=held, what="erin")) == {"id": "user_1"}
    with pytest.raises(BadRequestError):
        asyncio.run(send_write(refused, settled=absent, what="erin"))
