"""A config directory end to end: the same plans as the single file with the same content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main


def _run(*args: str, state: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, [*args, "--sandbox", "--sandbox-state", str(state)], env={"OPENAI_ADMIN_KEY": ""}
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_directory_plans_byte_identical_to_the_file(org: Path, fmt: str) -> None:
    """examples/org.d (org.yaml split by team) plans to the same bytes as text and markdown."""
    state = org.parent / "state.json"
    single = _run("plan", str(org), "--allow-archive", "--format", fmt, state=state)
    split = _run("plan", str(org.parent / "org.d"), "--allow-archive", "--format", fmt, state=state)
    assert single[0] == 0
    assert split == single


def test_json_plan_names_each_declaration(org: Path) -> None:
    """The json plan of a directory gives every change and finding its `source` (FILE:LINE,
    relative to the directory); without them it is the single file's plan, byte for byte."""
    state = org.parent / "state.json"
    single = _run("plan", str(org), "--allow-archive", "--format", "json", state=state)
    split = _run("plan", str(org.parent / "org.d"), "--allow-archive", "--format", "json",
                 state=state)  # fmt: skip
    document = json.loads(split[1])
    entries = [*document["changes"], *document["findings"]]
    sources = {tuple(e["key"]): e.pop("source") for e in entries}
    assert _dumped(document) == single[1]
    assert "source" not in single[1]
    assert sources[("support-bot",)] == "teams/support.yaml:4"
    assert sources[("search-staging", "dan@example.com")] == "teams/search.yaml:14"
    assert sources[("corp-mtls-2026",)] == "organization.yaml:31"


def test_drift_items_name_their_declaration(org: Path) -> None:
    """Every drift item but an unmanaged one says where it is declared (`declared_in`)."""
    state = org.parent / "state.json"
    _, out, _ = _run("drift", str(org.parent / "org.d"), "--format", "json", state=state)
    items = json.loads(out)["items"]
    declared = {tuple(i["key"]): i.get("declared_in") for i in items}
    assert declared[("legacy-chatbot",)] == "teams/support.yaml:12"
    assert all((i["status"] == "unmanaged") == ("declared_in" not in i) for i in items)
    _, out, _ = _run("drift", str(org), "--format", "json", state=state)
    assert "declared_in" not in out


def _dumped(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _pull_request(org: Path) -> tuple[Path, Path, Path]:
    """Head versions of the example, as a directory and a file, with one member re-roled in
    the search team's file; and the base directory."""
    base_dir = org.parent / "org.d"
    head_dir = org.parent / "head.d"
    head_dir.mkdir()
    for path in base_dir.rglob("*.yaml"):
        target = head_dir / path.relative_to(base_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text())
    edit = ("      carol@example.com: member\n", "      carol@example.com: owner\n")
    search = head_dir / "teams" / "search.yaml"
    search.write_text(search.read_text().replace(*edit))
    head_file = org.parent / "head.yaml"
    head_file.write_text(org.read_text().replace(*edit))
    return head_dir, head_file, base_dir


def test_plan_base_with_directories(org: Path) -> None:
    """A pull request that edits one team's file plans as the same edit to the single file."""
    state = org.parent / "state.json"
    head_dir, head_file, base_dir = _pull_request(org)
    args = ("--allow-archive", "--format", "markdown")
    single = _run("plan", str(head_file), "--base", str(org), *args, state=state)
    split = _run("plan", str(head_dir), "--base", str(base_dir), *args, state=state)
    assert single[0] == 0
    assert "carol@example.com" in single[1]
    assert split == single


def test_validate_a_directory(org: Path) -> None:
    """`validate DIR` counts the whole organization, as for the file."""
    result = CliRunner().invoke(main, ["validate", str(org.parent / "org.d")])
    code, out = result.exit_code, result.stdout
    assert code == 0
    assert out.endswith(": 12 users, 6 projects, 1 certificate\n")


def test_plan_out_then_apply_plan_of_a_directory_converges(org: Path) -> None:
    """`plan DIR --out` saves every fragment's content; `apply --plan` applies it without the
    directory, and `apply DIR` then `plan DIR` are empty."""
    state, saved, keys = org.parent / "state.json", org.parent / "plan.json", org.parent / "k"
    config = str(org.parent / "org.d")
    code, _, err = _run("plan", config, "--out", str(saved), "--allow-archive", state=state)
    assert code == 0, err
    carried = json.loads(saved.read_text())["config"]
    assert len(carried["projects"]) == 6
    assert len(carried["users"]) == 12
    flags = ("--auto-approve", "--allow-archive", "--secrets-dir", str(keys))
    code, out, err = _run("apply", "--plan", str(saved), *flags, state=state)
    assert code == 0, err
    code, out, err = _run("apply", config, "--base", config, *flags, state=state)
    assert code == 0, err
    assert "No changes" in out
    code, out, err = _run("plan", config, "--detailed-exitcode", state=state)
    assert code == 0, out + err


def _repository(org: Path) -> Path:
    """A repository holding examples/org.d as `org/` and a .github/CODEOWNERS file."""
    repo = org.parent / "repo"
    (repo / ".github").mkdir(parents=True)
    (org.parent / "org.d").rename(repo / "org")
    (org.parent / "certs").rename(repo / "certs")
    (repo / ".github" / "CODEOWNERS").write_text(
        "*                      @acme/platform\n"
        "/org/teams/            @acme/team-leads\n"
        "/org/teams/search.yaml @acme/search\n"
    )
    return repo


def test_markdown_names_the_owners_of_each_file(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a repository with .github/CODEOWNERS, the markdown plan of a directory ends with the
    owners each file's changes need (last match wins); before it, it is the file's plan."""
    state = org.parent / "state.json"
    single = _run("plan", str(org), "--allow-archive", "--format", "markdown", state=state)
    repo = _repository(org)
    monkeypatch.chdir(repo)
    code, out, _ = _run("plan", "org", "--allow-archive", "--format", "markdown", state=state)
    assert code == 0
    body, section = out.split("\n## Review by owner\n")
    assert body == single[1]
    assert "| `organization.yaml` | 5 | @acme/platform |" in section
    assert "| `teams/search.yaml` | 9 | @acme/search |" in section
    assert "| `teams/support.yaml` | 5 | @acme/team-leads |" in section


def test_codeowners_option_and_a_missing_file(org: Path) -> None:
    """--codeowners names the file to use; one that does not exist is a one-line error."""
    state, repo = org.parent / "state.json", _repository(org)
    rules = repo / ".github" / "CODEOWNERS"
    args = ("plan", str(repo / "org"), "--allow-archive", "--format", "markdown")
    code, out, _ = _run(*args, "--codeowners", str(rules), state=state)
    assert code == 0
    assert "| `teams/data.yaml` | " not in out  # no change comes from it
    assert "@acme/search" in out
    code, out, err = _run(*args, "--codeowners", str(repo / "nope"), state=state)
    assert code == 1
    assert err.strip().splitlines()[-1].endswith("nope: cannot read: No such file or directory")


def test_plan_base_json_names_sources(org: Path) -> None:
    """`plan --base --format json` of directories gives each change its source; without them
    it is the single files' document."""
    state = org.parent / "state.json"
    head_dir, head_file, base_dir = _pull_request(org)
    args = ("--allow-archive", "--format", "json")
    single = _run("plan", str(head_file), "--base", str(org), *args, state=state)
    split = _run("plan", str(head_dir), "--base", str(base_dir), *args, state=state)
    document = json.loads(split[1])
    introduced = document["pull_request"]
    assert [(c["key"], c["source"]) for c in introduced] == [
        (["search-staging", "carol@example.com"], "teams/search.yaml:14")
    ]
    for part in (document["plan"]["changes"], document["plan"]["findings"], introduced,
                 document["drift"], document["adopted"]):  # fmt: skip
        for entry in part:
            del entry["source"]
    assert document == json.loads(single[1])


def test_drift_text_and_markdown_name_the_fragment(org: Path) -> None:
    """For a config directory, text drift says `declared in:` under each counted item and the
    markdown table gains a `declared in` column; a single file's drift shows neither."""
    state = org.parent / "state.json"
    _run("apply", str(org), "--auto-approve", "--allow-archive", state=state)
    CliRunner().invoke(
        main, ["sandbox", "set-role", "bob@example.com", "owner", "--state", str(state)]
    )
    directory = str(org.parent / "org.d")
    code, text, _ = _run("drift", directory, state=state)
    assert code == 2, text
    assert "      declared in: organization.yaml:" in text
    _, markdown, _ = _run("drift", directory, "--format", "markdown", state=state)
    assert "| changed by | declared in |" in markdown
    _, single, _ = _run("drift", str(org), state=state)
    assert "declared in" not in single
    _, single_md, _ = _run("drift", str(org), "--format", "markdown", state=state)
    assert "declared in" not in single_md
