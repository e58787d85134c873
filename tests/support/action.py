"""Run the repository's composite action (action.yml) locally, step by step, as GitHub would:
each `run:` in `bash -eo pipefail` with its `env:` expressions evaluated, a GITHUB_OUTPUT file
per step, one GITHUB_STEP_SUMMARY, and a fake `gh` first on PATH.

The evaluator knows only the expression forms action.yml uses: `inputs.x`, `github.a.b`,
`runner.temp`, `steps.id.outputs.x` and `toJSON(github.…)`; anything else fails the test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.support.github import FakeGitHub, fake_github

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def load_action() -> dict[str, Any]:
    """action.yml, parsed."""
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def _lookup(context: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted path of the context (None when any part is missing)."""
    value: Any = context
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def evaluate(text: str, context: dict[str, Any]) -> str:
    """`text` with each `${{ … }}` replaced by its value in `context` (missing → "")."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        if call := re.fullmatch(r"toJSON\((.+)\)", expression):
            return json.dumps(_lookup(context, call.group(1)))
        if not re.fullmatch(r"[A-Za-z_][\w.-]*", expression):
            raise ValueError(f"expression the test evaluator does not know: {expression}")
        value = _lookup(context, expression)
        return "" if value is None else str(value)

    return EXPRESSION.sub(one, text)


@dataclass
class ActionRun:
    """One run of the action: each step's outcome and outputs, the summary, the outputs."""

    returncode: int = 0
    steps: dict[str, dict[str, str]] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""
    summary: str = ""


@dataclass
class ActionRunner:
    """A workspace, a fake GitHub and a runner temp directory to run the action in."""

    workspace: Path
    temp: Path
    github: FakeGitHub
    env: dict[str, str]

    def run(
        self,
        inputs: dict[str, str],
        event: dict[str, Any],
        *,
        only: str | None = None,
        **env: str,
    ) -> ActionRun:
        """Run the action's steps (or only the step with id `only`) until one fails."""
        action = load_action()
        given = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
        result = ActionRun()
        context: dict[str, Any] = {"github": {}, "runner": {"temp": str(self.temp)}}
        context["github"] = {
            "action_path": str(ROOT),
            "token": "ghs_test_token",
            "sha": "0" * 40,
            **event,
        }
        context["inputs"] = {k: evaluate(v, context) for k, v in {**given, **inputs}.items()}
        context["steps"] = {}
        summary = self.temp / "step-summary.md"
        summary.touch()
        for number, step in enumerate(action["runs"]["steps"]):
            step_id = str(step.get("id", f"step{number}"))
            if only is not None and step_id != only:
                continue
            output = self.temp / f"output-{step_id}"
            output.write_text("")
            step_env = {k: evaluate(str(v), context) for k, v in step.get("env", {}).items()}
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                cwd=self.workspace,
                env={
                    **self.env,
                    **step_env,
                    **env,
                    "GITHUB_OUTPUT": str(output),
                    "GITHUB_STEP_SUMMARY": str(summary),
                },
                capture_output=True,
                text=True,
                check=False,
            )
            result.log += f"--- {step['name']}\n{done.stdout}{done.stderr}"
            lines = output.read_text().splitlines()
            outputs = dict(line.split("=", 1) for line in lines if "=" in line)
            result.steps[step_id] = outputs
            context["steps"][step_id] = {"outputs": outputs}
            if done.returncode != 0:
                result.returncode = done.returncode
                break
        result.outputs = {
            name: evaluate(str(spec["value"]), context) for name, spec in action["outputs"].items()
        }
        result.summary = summary.read_text()
        return result


def action_runner(tmp_path: Path) -> ActionRunner:
    """A runner whose PATH has the fake `gh`, then this interpreter's `reconciler`."""
    github = fake_github(tmp_path)
    workspace, temp = tmp_path / "workspace", tmp_path / "runner-temp"
    workspace.mkdir()
    temp.mkdir()
    venv_bin = Path(sys.executable).parent
    env = {
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{venv_bin}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "GITHUB_REPOSITORY": "acme/org-config",
        "FAKE_GH_STATE": github.env["FAKE_GH_STATE"],
        "FAKE_GH_LOG": github.env["FAKE_GH_LOG"],
    }
    return ActionRunner(workspace, temp, github, env)
