"""`reconciler terraform-handoff`: the README's guide runs as written against the fixture, and
the command behaves as a file-writing command should (no overwrite without --force, one-line
errors)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "examples" / "terraform" / "show.json"


def _guide() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## From Terraform\n(.*?)(?=^## )", readme, flags=re.M | re.S)
    assert match, "README has no section '## From Terraform'"
    return match.group(1)


def _blocks(text: str, lang: str) -> list[str]:
    """The fenced blocks of `text` with this info string, in order."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            current = [] if current is None else None
            if current is not None:
                blocks.append((line[3:].strip(), current))
        elif current is not None:
            current.append(line)
    return ["".join(body) for info, body in blocks if info == lang]


def test_readme_guide_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide's commands run in order (export and plan against the sandbox, `terraform show`
    replaced by the fixture): the export plans empty, and the handoff writes the file the
    README shows parts of and prints its summary line."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    [commands] = _blocks(_guide(), "sh")
    ran = []
    for line in commands.splitlines():
        words = shlex.split(line, comments=True)
        if words[0] == "terraform":
            shutil.copy(FIXTURE, tmp_path / "state.json")
            continue
        assert words[0] == "reconciler"
        if words[1] in ("export", "plan"):
            words += ["--sandbox", "--sandbox-state", "sandbox.json"]
        result = CliRunner().invoke(main, words[1:])
        assert result.exit_code == 0, result.output
        ran.append((words[1], result))
    assert [name for name, _ in ran] == ["export", "plan", "terraform-handoff"]
    assert "No changes." in ran[1][1].stdout
    written = (tmp_path / "reconciler-handoff.tf").read_text()
    samples = _blocks(_guide(), "hcl")
    assert len(samples) == 2
    for sample in samples:
        assert sample in written
    [summary] = _blocks(_guide(), "")
    assert ran[2][1].stderr == summary


def test_readme_table_lists_every_type_handed_over() -> None:
    """The guide's table names exactly the resource types the command hands over."""
    from reconciler.reports.terraform import MANAGED

    table = set(re.findall(r"`(openai_\w+)`", _guide().split("| resource type |")[1]))
    assert table == set(MANAGED)


def test_output_is_not_replaced_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An existing --output is refused (exit 1, untouched) and replaced with --force."""
    monkeypatch.chdir(tmp_path)
    Path("handoff.tf").write_text("mine\n")
    args = ["terraform-handoff", str(FIXTURE), "--output", "handoff.tf"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1
    assert refused.stderr == "error: handoff.tf exists; pass --force to overwrite it\n"
    assert Path("handoff.tf").read_text() == "mine\n"
    replaced = CliRunner().invoke(main, [*args, "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert "removed {" in Path("handoff.tf").read_text()


def test_stdin_is_read_for_a_dash() -> None:
    """`terraform show -json | reconciler terraform-handoff -` writes the blocks to stdout."""
    result = CliRunner().invoke(main, ["terraform-handoff", "-"], input=FIXTURE.read_text())
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Written by `reconciler terraform-handoff stdin`")
    assert "  from = openai_project.search\n" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "error: {path}: cannot read (No such file or directory)\n"),
        (b"\xff\xfe", "error: {path}: not UTF-8 (byte 0)\n"),
        (b'{"version": 4, "resources": []}',
         "error: {path}: this is a raw state file; pass the output of `terraform show -json`\n"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_1(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    """A missing file, bytes that are not UTF-8 or the wrong kind of JSON: one line, exit 1."""
    path = tmp_path / "state.json"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["terraform-handoff", str(path)])
    assert result.exit_code == 1
    assert result.stderr == message.format(path=path)
    assert result.stdout == ""
