"""`reconciler report access` against the sandbox: every principal once per scope, each row
with the config line that grants it, a digest that two reads agree on, and inert CSV cells."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from reconciler.sandbox.seed import demo_seed

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "org.yaml"


def run(state: Path, *args: str) -> Result:
    """`reconciler report access ARGS` on the sandbox kept in `state` (the demo if new)."""
    return CliRunner().invoke(
        main, ["report", "access", *args, "--sandbox", "--sandbox-state", str(state)]
    )


def rows(result: Result) -> list[dict[str, Any]]:
    """The rows of a JSON run."""
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)["rows"]
    return found


def direct(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of access held directly (not through a group or a custom role)."""
    return [r for r in found if r["granted_through"] == "direct"]


def line_of(needle: str, *, after: str = "") -> int:
    """The 1-based line of the first line holding `needle` (after the first holding `after`)."""
    lines = EXAMPLE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def test_every_principal_appears_once_per_scope_with_its_declaration(tmp_path: Path) -> None:
    """Users and invites at the organization, members, invitees and key holders per project,
    each held directly once per scope; declared_in is the line of the granting entry in the
    config, else `undeclared`; a declared user with no access at all is named in a note."""
    result = run(tmp_path / "s.json", str(EXAMPLE), "--format", "json")
    found = direct(rows(result))
    notes = json.loads(result.stdout)["notes"]
    assert "declared in the config but neither a user nor invited: judy@example.com" in notes
    scopes = [(r["principal"], r["scope"]) for r in found]
    assert len(scopes) == len(set(scopes)) == 28
    by = {(r["principal"], r["scope"]): r for r in found}
    config = str(EXAMPLE)
    bob = by[("bob@example.com", "organization")]
    assert (bob["role"], bob["declared_in"]) == (
        "owner",
        f"{config}:{line_of('bob@example.com')}",
    )
    member = by[("heidi@example.com", "project:data-platform")]
    heidi_line = line_of("heidi@example.com", after="name: data-platform")
    assert (member["role"], member["declared_in"]) == ("member", f"{config}:{heidi_line}")
    assert by[("kim@example.com", "project:research")]["type"] == "invite"
    assert by[("eve@example.com", "project:search-prod")]["declared_in"] == "undeclared"
    assert by[("mallory@example.com", "organization")]["declared_in"] == "undeclared"
    left = by[("frank@example.com", "project:data-platform")]
    assert (left["role"], left["api_keys"], left["declared_in"]) == (
        "none (not a member; holds keys)",
        1,
        "undeclared",
    )
    ivan = by[("ivan@example.com", "organization")]
    assert (ivan["api_keys"], ivan["oldest_key_age_days"], ivan["last_key_use"]) == (
        1,
        150,
        "never",
    )


def test_service_accounts_are_rows_of_their_project(tmp_path: Path) -> None:
    """A service account is a row of its project with the line that declares it."""
    seed = demo_seed()
    prod = next(p for p in seed["projects"] if p["name"] == "search-prod")
    prod["service_accounts"] = [{"name": "ci-deployer", "role": "member"}]
    state = tmp_path / "s.json"
    Sandbox.from_seed(seed).save(state)
    by = {
        (r["principal"], r["scope"]): r for r in rows(run(state, str(EXAMPLE), "--format", "json"))
    }
    ci = by[("ci-deployer", "project:search-prod")]
    line = line_of("name: ci-deployer")
    assert (ci["type"], ci["role"], ci["declared_in"]) == (
        "service_account",
        "member",
        f"{EXAMPLE}:{line}",
    )


def test_two_reads_of_one_organization_have_one_digest(tmp_path: Path) -> None:
    """The digest covers the rows only, so two reads agree; without a config rows say so."""
    state = tmp_path / "s.json"
    first, second = (json.loads(run(state, "--format", "json").stdout) for _ in range(2))
    assert first["digest"] == second["digest"]
    assert first["digest"].startswith("sha256:")
    assert {r["declared_in"] for r in first["rows"]} == {"no config"}


def test_csv_cells_that_look_like_formulas_are_inert(tmp_path: Path) -> None:
    """A user and a service account named like spreadsheet formulas come out prefixed with `'`; the
    header lines are `# ` comments carrying the digest."""
    seed = {
        "organization": "org-evil",
        "admin_key": {"owner": "admin@example.com"},
        "users": [
            {"email": "admin@example.com", "role": "owner"},
            {"email": "=HYPERLINK(1)@example.com", "role": "reader"},
        ],
        "projects": [
            {
                "name": "@SUM(A1)",
                "members": {"=HYPERLINK(1)@example.com": "member"},
                "service_accounts": [{"name": "+cmd|' /C calc'!A0", "role": "member"}],
            }
        ],
    }
    state = tmp_path / "s.json"
    Sandbox.from_seed(seed).save(state)
    text = run(state, "--format", "csv").stdout
    header = [line for line in text.splitlines() if line.startswith("# ")]
    assert any(line.startswith("# digest: sha256:") for line in header)
    table = list(
        csv.DictReader(
            io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("# ")))
        )
    )
    cells = {(r["principal"], r["scope"]) for r in table}
    assert ("'=hyperlink(1)@example.com", "organization") in cells
    assert ("'+cmd|' /C calc'!A0", "project:@SUM(A1)") in cells
    assert not any(v.startswith(("=", "+", "-", "@")) for r in table for v in r.values())


def test_a_config_directory_names_the_fragment_that_grants_each_row(tmp_path: Path) -> None:
    """With a config directory, declared_in is the team file and its line, not the directory;
    the rows are those of the same config as one file."""
    directory = ROOT / "examples" / "org.d"
    from_dir = rows(run(tmp_path / "d.json", str(directory), "--format", "json"))
    from_file = rows(run(tmp_path / "f.json", str(EXAMPLE), "--format", "json"))
    assert [(r["principal"], r["scope"]) for r in from_dir] == [
        (r["principal"], r["scope"]) for r in from_file
    ]
    by = {(r["principal"], r["scope"]): r for r in from_dir}
    team = directory / "teams" / "data.yaml"
    lines = team.read_text().splitlines()
    heidi = next(i for i, line in enumerate(lines) if "heidi@example.com" in line) + 1
    assert by[("heidi@example.com", "project:data-platform")]["declared_in"] == f"{team}:{heidi}"
    assert all(not r["declared_in"].startswith(f"{directory}:") for r in from_dir)


TEAMS = ROOT / "examples" / "teams.yaml"


def teams_line(needle: str, *, after: str = "") -> str:
    """`examples/teams.yaml:LINE` of the first line holding `needle` (after `after`)."""
    lines = TEAMS.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    found = next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1
    return f"{TEAMS}:{found}"


def test_access_through_teams_names_the_group_and_the_entry_that_grants_it(
    tmp_path: Path,
) -> None:
    """On the demo's teams: a group member's project and organization rows say `group <name>`
    and point at the project's `groups` entry or the group's `roles`; a member the config's
    group does not list, or a group the project does not declare, is `undeclared`; a custom
    role held directly points at the role's `users`; groups are no longer `not known`."""
    result = run(tmp_path / "s.json", str(TEAMS), "--format", "json")
    found = rows(result)
    by = {
        (r["principal"], r["scope"], r["role"], r["granted_through"]): r["declared_in"]
        for r in found
        if r["granted_through"] != "direct"
    }
    assert by == {
        **{
            (email, "project:search-prod", "member", "group ml-platform"): where
            for email, where in (
                ("alice@example.com", teams_line("groups: {ml-platform: member")),
                ("bob@example.com", teams_line("groups: {ml-platform: member")),
                ("grace@example.com", "undeclared"),
            )
        },
        **{
            (email, "project:data-platform", "owner", "group ml-platform"): where
            for email, where in (
                ("alice@example.com", teams_line("ml-platform: owner")),
                ("bob@example.com", teams_line("ml-platform: owner")),
                ("grace@example.com", "undeclared"),
            )
        },
        **{
            (email, "organization", "billing-viewer", "group ml-platform"): where
            for email, where in (
                ("alice@example.com", teams_line("roles: [billing-viewer]")),
                ("bob@example.com", teams_line("roles: [billing-viewer]")),
                ("grace@example.com", "undeclared"),
            )
        },
        ("carol@example.com", "project:data-platform", "member", "group finance"): "undeclared",
        ("dan@example.com", "project:data-platform", "member", "group finance"): "undeclared",
        ("carol@example.com", "organization", "reader", "group finance"): teams_line(
            "roles: [reader, billing-viewer]"
        ),
        ("dan@example.com", "organization", "reader", "group finance"): teams_line(
            "roles: [reader, billing-viewer]"
        ),
        ("heidi@example.com", "organization", "billing-viewer", "custom role"): teams_line(
            "users: [heidi@example.com"
        ),
    }
    not_known = json.loads(result.stdout)["not_known"]
    assert not any("groups" in line for line in not_known)
    assert "admin API keys: not read by this report" in not_known


def test_every_format_says_how_a_grant_is_held(tmp_path: Path) -> None:
    """Table, CSV, JSON and Markdown all carry the `granted_through` column last, with the
    group that grants a row."""
    state = tmp_path / "s.json"
    for fmt in ("table", "csv", "json", "markdown"):
        result = run(state, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "group ml-platform" in result.stdout, fmt
    table = csv.reader(io.StringIO(run(state, "--format", "csv").stdout))
    header = next(row for row in table if not row[0].startswith("#"))
    assert header[-1] == "granted_through"
