"""Key-rotation helpers: a rotating config, and the real CLI on a sandbox whose clock the test
moves forward (days pass between commands, as months do between real applies)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import strategies as st

from reconciler.cli import main, runtime
from reconciler.core.model import ApiKeyInfo
from reconciler.sandbox import Sandbox
from tests.support.drift_org import StepClock

DAY = 86400


def aged_key(
    ident: str, age_days: float, *, now: int, owner: str = "ci", name: str = "Secret Key"
) -> ApiKeyInfo:
    """A service account's key as listed, created `age_days` before `now`."""
    return ApiKeyInfo(
        id=ident,
        name=name,
        redacted_value=f"sk-svcacct...{ident[-4:]}",
        owner_kind="service_account",
        owner=owner,
        created_at=int(now - age_days * DAY),
    )


ROTATING = """version: 1
settings: {prune: {service_accounts: false}}
projects:
  - name: search-prod
    service_accounts:
      - {name: ci-deployer, role: member, key: {rotate_every_days: 90, overlap_days: 7}}
"""


class SandboxCli:
    """`reconciler ... --sandbox` in `tmp_path`, its sandbox on a clock the test advances."""

    def __init__(self, tmp_path: Path, clock: StepClock) -> None:
        self.state = tmp_path / "sandbox.json"
        self.keys = tmp_path / "keys"
        self.clock = clock

    def __call__(self, *args: str, **env: str) -> Result:
        """Run one command against the sandbox (apply gets --secrets-dir and --auto-approve)."""
        extra = ["--sandbox", "--sandbox-state", str(self.state)]
        if "apply" in args[:2]:  # `--debug apply` too
            extra += ["--auto-approve", "--secrets-dir", str(self.keys)]
        return CliRunner().invoke(main, [*args, *extra], env=env or None)

    def days_pass(self, days: float) -> None:
        """Move the sandbox's clock `days` forward."""
        self.clock.advance(days * DAY)

    def sandbox(self) -> Sandbox:
        """The sandbox as the last command left it."""
        return Sandbox.load(self.state, clock=self.clock)

    def account_keys(self, name: str = "ci-deployer") -> list[dict[str, Any]]:
        """The sandbox's keys of service account `name` (any project), oldest first."""
        state = self.sandbox().state
        owners = {
            sid for accounts in state.service_accounts.values() for sid, a in accounts.items()
            if a["name"].split(".reconciler-rotating-")[0] == name
        }  # fmt: skip
        found = [k for keys in state.api_keys.values() for k in keys.values()]
        return sorted((k for k in found if k["owner_id"] in owners), key=lambda k: k["created_at"])

    def delivered(self) -> list[str]:
        """The key values the secrets dir received, in file-name order."""
        return [p.read_text().strip() for p in sorted(self.keys.glob("*.key"))]


@contextmanager
def sandbox_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxCli]:
    """A `SandboxCli` whose sandbox runs on a step clock starting now (wall time)."""
    clock = StepClock(epoch=float(int(time.time())))
    loader = runtime.load_sandbox

    def load(state_file: Path, *, clock: Any = None, read_only: bool = False) -> Sandbox:
        return loader(state_file, clock=step, read_only=read_only)

    step = clock
    monkeypatch.setattr(runtime, "load_sandbox", load)
    yield SandboxCli(tmp_path, clock)


@st.composite
def rotation_policies(draw: st.DrawFn) -> dict[str, int]:
    """A `key:` block: rotate every 30 to 365 days, with an overlap of up to 29."""
    every = draw(st.integers(30, 365))
    return {"rotate_every_days": every, "overlap_days": draw(st.integers(0, 29))}


@st.composite
def with_rotations(draw: st.DrawFn, seed: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """`config` with key rotation policies: on some keyed accounts it declares, and on the live
    accounts of some active projects (declared for the purpose, so that rotations happen)."""
    declared = {p["name"]: p for p in config["projects"]}
    for live in seed["projects"]:
        if live["archived"] or not live["service_accounts"] or not draw(st.booleans()):
            continue
        project = declared.get(live["name"])
        if project is None:
            project = {"name": live["name"]}
            config["projects"].append(project)
        if project.get("archived"):
            continue
        accounts = project.setdefault("service_accounts", [])
        names = {a["name"] for a in accounts}
        accounts += [{"name": a["name"], "role": a["role"]} for a in live["service_accounts"]
                     if a["name"] not in names]  # fmt: skip
    for project in config["projects"]:
        for account in project.get("service_accounts", []):
            keyed = account.get("role") != "none" and account.get("api_key", True)
            if keyed and draw(st.integers(0, 3)):
                account["key"] = draw(rotation_policies())
    return config
