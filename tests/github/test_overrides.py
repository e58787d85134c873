"""`reconciler github overrides`: pull-request labels → the CLI's safety-override flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reconciler.cli.common import SAFETY_FLAGS
from reconciler.cli.group import main
from reconciler.github.overrides import LABEL_FLAGS
from tests.support.github import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> Result:
    """Run the command as the action does (in process)."""
    return CliRunner().invoke(main, ["github", "overrides", *args])


def _label_objects(*names: str) -> str:
    """Labels shaped as the event payload and the REST API give them."""
    return json.dumps([{"id": i, "name": n, "color": "ededed"} for i, n in enumerate(names)])


def test_every_safety_flag_has_exactly_one_label() -> None:
    """The label table grants exactly the CLI's safety flags, each under `reconciler:<flag>`."""
    table: dict[str, str] = LABEL_FLAGS
    flags = [flag for flag, _, _ in SAFETY_FLAGS]
    assert sorted(table.values()) == sorted(flags)
    assert len(set(table.values())) == len(table)
    assert all(label == f"reconciler:{flag[2:]}" for label, flag in table.items())
    assert all(len(label) <= 50 for label in table)  # GitHub's limit on a label name


@pytest.mark.parametrize("flag", [flag for flag, _, _ in SAFETY_FLAGS])
def test_each_label_grants_its_flag(flag: str) -> None:
    """A pull request carrying one override label gets that one flag and nothing else."""
    done = _run("--labels", json.dumps([f"reconciler:{flag[2:]}"]))
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"{flag}\n"


def test_no_labels_grant_no_flags() -> None:
    """An empty label list, or an empty document, prints an empty line: no flags."""
    assert _run("--labels", "[]").stdout == "\n"
    assert _run("--labels", "").stdout == "\n"


def test_unknown_labels_are_ignored() -> None:
    """Labels that are not override labels, even look-alikes, grant nothing."""
    labels = ["bug", "reconciler:allow-everything", "Reconciler:Force", "reconciler:force "]
    done = _run("--labels", json.dumps(labels), "--format", "lines")
    assert done.exit_code == 0, done.stderr
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
    assert done.exit_code == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_readme_documents_every_override_label() -> None:
    """The README's label table lists every label with the flag it grants."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table: dict[str, str] = LABEL_FLAGS
    assert all(f"| `{label}` | `{flag}`" in readme for label, flag in table.items())


MERGE_SHA = "0123456789abcdef0123456789abcdef01234567"


def _seed_commit_pulls(fake_gh: FakeGitHub, pulls: list[dict[str, Any]]) -> None:
    """Make the fake repository answer commits/MERGE_SHA/pulls with `pulls`."""
    state = {"next_id": 1000, "issues": [], "comments": [], "commit_pulls": {MERGE_SHA: pulls}}
    fake_gh.state_file.write_text(json.dumps(state))


def _pull(number: int, *labels: str, merge_sha: str | None = MERGE_SHA) -> dict[str, Any]:
    """A pull request as the commits/{sha}/pulls call returns it (merged unless no sha)."""
    return {
        "number": number,
        "merged_at": "2024-05-01T12:00:00Z" if merge_sha else None,
        "merge_commit_sha": merge_sha,
        "labels": [{"id": i, "name": name} for i, name in enumerate(labels)],
    }


def test_override_flags_reads_the_labels_of_the_merged_pull_request(fake_gh: FakeGitHub) -> None:
    """The apply side grants the flags of the labels on the pull request the commit merged."""
    _seed_commit_pulls(fake_gh, [_pull(12, "reconciler:allow-archive", "reconciler:force", "ok")])
    done = fake_gh.run("overrides", "--merged-commit", MERGE_SHA)
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "--force --allow-archive\n"
    [call] = fake_gh.calls()
    assert f"repos/acme/org-config/commits/{MERGE_SHA}/pulls?per_page=100" in call["argv"]


def test_override_flags_ignores_pull_requests_that_only_contain_the_commit(
    fake_gh: FakeGitHub,
) -> None:
    """An open pull request, or one merged as another commit, grants nothing to this push."""
    _seed_commit_pulls(
        fake_gh,
        [
            _pull(13, "reconciler:force", merge_sha=None),
            _pull(14, "reconciler:allow-archive", merge_sha="f" * 40),
        ],
    )
    done = fake_gh.run("overrides", "--merged-commit", MERGE_SHA, "--format", "lines")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "\n"


def test_override_flags_direct_push_gets_no_overrides(fake_gh: FakeGitHub) -> None:
    """A commit pushed straight to main (no pull request) grants no flags."""
    _seed_commit_pulls(fake_gh, [])
    done = fake_gh.run("overrides", "--merged-commit", "9" * 40, "--format", "markdown")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("No safety overrides granted")


def test_override_flags_reports_a_gh_failure_in_one_line(
    fake_gh: FakeGitHub, tmp_path: Path
) -> None:
    """When the lookup fails, the script exits 1 with one `error:` line and prints no flags."""
    fake_gh.env["PATH"] = str(tmp_path / "nowhere")
    done = fake_gh.run("overrides", "--merged-commit", MERGE_SHA)
    assert done.exit_code == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error:")
    assert len(done.stderr.strip().splitlines()) == 1
