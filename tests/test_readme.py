"""README.md is true: its commands exist, its samples are real output, the demo tells its story."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reconciler.cli import main

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# The config behind the README's sample of `reconciler validate` output.
VALIDATE_SAMPLE_CONFIG = """\
version: 1
users:
  - {email: alice@example.com, role: owner}
  - {email: bob@example.com, role: reader}
projects:
  - name: search-prod
    members:
      alice@example.com: owner
      bob@exmaple.com: member
  - name: support-bot
    members: {bob@example.com: owner}
    rate_limits:
      gpt-4o: {max_requests_per_1_minute: 100}
    certificates: [corp-mtls-2025]
"""


def _blocks(text: str, lang: str) -> list[str]:
    """The fenced code blocks of `text` whose info string is `lang`, in order."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("```") and current is None:
            current = []
            blocks.append((line[3:].strip(), current))
        elif line.startswith("```"):
            current = None
        elif current is not None:
            current.append(line)
    return ["".join(body) for info, body in blocks if info == lang]


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def _command_lines() -> list[list[str]]:
    """Every `reconciler …` command in the README's sh blocks, as words (comments dropped)."""
    lines = []
    for block in _blocks(README, "sh"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line.replace("[", " ").replace("]", " "), comments=True)
            if words[:1] == ["reconciler"]:
                lines.append(words[1:])
    return lines


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = main
    rest = list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"README: no command '{rest[0]}' in {words}"
        command, rest = sub, rest[1:]
    return command, rest


def _option_names(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        names.update(param.opts + param.secondary_opts)
    return names


def test_readme_commands_name_real_commands_and_options() -> None:
    """Every `reconciler` command line in the README names a real command and only its options."""
    lines = _command_lines()
    assert len(lines) > 20
    for words in lines:
        command, rest = _resolve(words)
        flags = {word.split("=")[0] for word in rest if word.startswith("-")}
        unknown = flags - _option_names(command)
        assert not unknown, f"README: {' '.join(words)!r} uses unknown options {sorted(unknown)}"


def test_command_line_section_lists_every_command() -> None:
    """The 'Command line' section gives a synopsis of every command and sandbox subcommand."""
    section = _section("Command line")
    assert isinstance(main, click.Group)
    ctx = click.Context(main)
    sandbox = main.get_command(ctx, "sandbox")
    assert isinstance(sandbox, click.Group)
    names = [name for name in main.list_commands(ctx) if name != "sandbox"]
    names += [f"sandbox {name}" for name in sandbox.list_commands(click.Context(sandbox))]
    assert len(names) > 8
    missing = [name for name in names if f"reconciler {name}" not in section]
    assert not missing, f"'Command line' does not list: {missing}"


def test_set_up_commands_come_first() -> None:
    """The first commands in the README are `make demo` and `make test`, in that order."""
    first = _blocks(README, "sh")[0].splitlines()
    assert [line.split()[:2] for line in first[:2]] == [["make", "demo"], ["make", "test"]]
    assert README.index("## What it does") < README.index("## Command line")
    assert README.index("## Command line") < README.index("## The configuration file")


def test_sandbox_snippets_use_one_state_file() -> None:
    """Each sandbox command in the Sandbox section's snippet names the same --state file."""
    block = _blocks(_section("Sandbox"), "sh")[0]
    commands = [w for w in _command_lines() if w[:1] == ["sandbox"] and " ".join(w) in block]
    assert commands
    for words in commands:
        assert "--state" in words, f"README: {' '.join(words)!r} uses the default state file"
        assert words[words.index("--state") + 1] == "sandbox.json"


def test_validate_sample_is_real_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's sample of `reconciler validate` problems is what the CLI prints, exit 1."""
    section = _section("The configuration file")
    sample = next(b for b in _blocks(section, "") if "problems found" in b)
    (tmp_path / "org.yaml").write_text(VALIDATE_SAMPLE_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "org.yaml"])
    assert result.exit_code == 1
    assert result.stderr == sample


def test_demo_tells_the_story(tmp_path: Path) -> None:
    """`make demo` runs validate, a plan with every kind of change, apply, an empty plan, drift."""
    env = {
        **os.environ,
        "RECONCILER": str(Path(sys.executable).parent / "reconciler"),
        "DEMO_DIR": str(tmp_path / "demo"),
    }
    env.pop("OPENAI_ADMIN_KEY", None)
    done = subprocess.run(
        ["bash", str(ROOT / "examples" / "demo.sh")],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for marker in ("\n  +   ", "\n  ~   ", "\n  -   ", "\n  -/+ ", "\n  !   "):
        assert marker in out, f"demo plan has no {marker.strip()!r} change"
    story = ["ok: examples/org.yaml", "Apply: ", "No changes.", "is now owner", "Drift: "]
    positions = [out.index(line) for line in story]
    assert positions == sorted(positions)
    assert "changed by: alice@example.com via dashboard" in out
    teams = out[out.index("== 8. access by team") : out.index("== 10.")]
    assert "+   group role billing-viewer of finance" in teams
    assert "2 members lose access: carol@example.com, dan@example.com" in teams
    assert "No changes." in teams
    assert "(role.assignment.created)" in teams
    keys = sorted((tmp_path / "demo" / "keys").glob("*.key"))
    assert keys
    assert all(not key.stat().st_mode & 0o077 for key in keys)
