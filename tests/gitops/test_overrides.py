"""scripts/override_flags.py: pull-request labels → the CLI's safety-override flags."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from reconciler.cli.common import SAFETY_FLAGS

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "override_flags.py"


def _module() -> ModuleType:
    """scripts/override_flags.py imported in process (its sibling gh_api on sys.path)."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        spec = importlib.util.spec_from_file_location("override_flags", SCRIPT)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return module


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the script as the workflows do."""
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _label_objects(*names: str) -> str:
    """Labels shaped as the event payload and the REST API give them."""
    return json.dumps([{"id": i, "name": n, "color": "ededed"} for i, n in enumerate(names)])


def test_every_safety_flag_has_exactly_one_label() -> None:
    """The label table grants exactly the CLI's safety flags, each under `reconciler:<flag>`."""
    table: dict[str, str] = _module().LABEL_FLAGS
    flags = [flag for flag, _, _ in SAFETY_FLAGS]
    assert sorted(table.values()) == sorted(flags)
    assert len(set(table.values())) == len(table)
    assert all(label == f"reconciler:{flag[2:]}" for label, flag in table.items())
    assert all(len(label) <= 50 for label in table)  # GitHub's limit on a label name


@pytest.mark.parametrize("flag", [flag for flag, _, _ in SAFETY_FLAGS])
def test_each_label_grants_its_flag(flag: str) -> None:
    """A pull request carrying one override label gets that one flag and nothing else."""
    done = _run("--labels", json.dumps([f"reconciler:{flag[2:]}"]))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{flag}\n"


def test_no_labels_grant_no_flags() -> None:
    """An empty label list, or an empty document, prints an empty line: no flags."""
    assert _run("--labels", "[]").stdout == "\n"
    assert _run("--labels", "").stdout == "\n"


def test_unknown_labels_are_ignored() -> None:
    """Labels that are not override labels, even look-alikes, grant nothing."""
    labels = ["bug", "reconciler:allow-everything", "Reconciler:Force", "reconciler:force "]
    done = _run("--labels", json.dumps(labels), "--format", "lines")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "\n"


def test_label_objects_and_names_give_the_same_flags() -> None:
    """The payload's label objects and a list of names grant the same flags, in table order."""
    names = ["reconciler:allow-archive", "documentation", "reconciler:force"]
    from_objects = _run("--labels", _label_objects(*names))
    from_names = _run("--labels", json.dumps(names))
    assert from_objects.stdout == from_names.stdout == "--force --allow-archive\n"


def test_lines_format_prints_one_flag_per_line() -> None:
    """`--format lines` prints each granted flag on its own line."""
    labels = _label_objects("reconciler:allow-fewer-owners", "reconciler:allow-protected-removal")
    done = _run("--labels", labels, "--format", "lines")
    assert done.stdout.splitlines() == ["--allow-fewer-owners", "--allow-protected-removal"]


def test_markdown_names_the_granted_overrides_or_how_to_grant_one() -> None:
    """The comment line names each granted label and flag, or lists the labels when none is."""
    done = _run("--labels", json.dumps(["reconciler:allow-archive"]), "--format", "markdown")
    assert "`reconciler:allow-archive` → `--allow-archive`" in done.stdout
    none = _run("--labels", json.dumps(["bug"]), "--format", "markdown").stdout
    assert none.startswith("No safety overrides granted")
    assert all(f"reconciler:{flag[2:]}" in none for flag, _, _ in SAFETY_FLAGS)


@pytest.mark.parametrize("text", ["{not json", '{"name": "reconciler:force"}', "[1]", '[{"x": 1}]'])
def test_bad_labels_are_one_line_errors(text: str) -> None:
    """Input that is not a JSON list of names or label objects exits 1 with one `error:` line."""
    done = _run("--labels", text)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_readme_documents_every_override_label() -> None:
    """The README's label table lists every label with the flag it grants."""
    readme = (SCRIPT.parents[1] / "README.md").read_text(encoding="utf-8")
    table: dict[str, str] = _module().LABEL_FLAGS
    assert all(f"| `{label}` | `{flag}`" in readme for label, flag in table.items())
