"""A fake GitHub for the `reconciler github` tests: a fake `gh` (tests/support/fake_gh.py) on
PATH serving a stateful repository `acme/org-config`, and a way to run commands under it."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from reconciler.cli.group import main

FAKE_GH = Path(__file__).resolve().parent / "fake_gh.py"


@dataclass
class FakeGitHub:
    """A fake `gh` with its state and call log, and a way to run `reconciler github` under it."""

    state_file: Path
    log_file: Path
    env: dict[str, str]

    def run(self, command: str, *args: str) -> Result:
        """Run `reconciler github <command> ARGS` in process, the fake gh first on PATH."""
        return CliRunner().invoke(main, ["github", command, *args], env=self.env)

    def state(self) -> dict[str, Any]:
        """The fake repository's issues and comments now."""
        data: dict[str, Any] = json.loads(self.state_file.read_text())
        return data

    def calls(self) -> list[dict[str, Any]]:
        """Every gh invocation so far: argv and stdin."""
        if not self.log_file.exists():
            return []
        return [json.loads(line) for line in self.log_file.read_text().splitlines()]

    def methods(self) -> list[str]:
        """The HTTP method of each recorded call, in order."""
        return [c["argv"][c["argv"].index("--method") + 1] for c in self.calls()]


def install_fake_gh(bin_dir: Path) -> Path:
    """Write an executable `gh` into `bin_dir` that runs the fake; returns its path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_GH}" "$@"\n')
    gh.chmod(0o755)
    return gh


def fake_github(tmp_path: Path) -> FakeGitHub:
    """A fake GitHub in `tmp_path`: its `gh` first on PATH, state and log files beside it."""
    bin_dir = tmp_path / "bin"
    install_fake_gh(bin_dir)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_REPOSITORY": "acme/org-config",
        "FAKE_GH_STATE": str(tmp_path / "gh-state.json"),
        "FAKE_GH_LOG": str(tmp_path / "gh-calls.jsonl"),
    }
    return FakeGitHub(tmp_path / "gh-state.json", tmp_path / "gh-calls.jsonl", env)
