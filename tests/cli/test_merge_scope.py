"""What a pull request's plan shows is what its merge applies: `plan --base` and `apply --base`
cover the same scope, the comment names what it did not read, and drift there is left alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.config import load_config
from reconciler.core.model import Live, Organization, User
from reconciler.core.pr_scope import PrScope, with_invitees
from reconciler.sandbox import Sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def _seed() -> dict[str, Any]:
    """Two projects and a few readers, in sync with the file export writes."""
    return {
        "organization": "org-merge-scope",
        "admin_key": {"owner": "admin@example.com"},
        "users": [
            {"email": "admin@example.com", "role": "owner"},
            {"email": "alice@example.com", "role": "owner"},
            {"email": "bob@example.com", "role": "reader"},
            {"email": "dan@example.com", "role": "reader"},
            {"email": "grace@example.com", "role": "reader"},
            {"email": "heidi@example.com", "role": "reader"},
        ],
        "projects": [
            {"name": "research", "members": {"alice@example.com": "owner"}},
            {
                "name": "data-platform",
                "members": {"grace@example.com": "owner", "heidi@example.com": "member"},
            },
        ],
    }


def _setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Sandbox state, base file (exported, in sync), head file (bob joins research); then drift
    outside the pull request: dan made an organization owner, heidi a data-platform owner."""
    state = tmp_path / "sandbox.json"
    Sandbox.from_seed(_seed()).save(state)
    base = tmp_path / "base.yaml"
    args = ["export", "-o", str(base), "--sandbox", "--sandbox-state", str(state)]
    assert CliRunner().invoke(main, args).exit_code == 0
    text = base.read_text()
    at = text.index("      alice@example.com: owner\n", text.index("  - name: research\n"))
    head = tmp_path / "head.yaml"
    head.write_text(text[:at] + "      bob@example.com: member\n" + text[at:])
    sandbox = Sandbox.load(state)
    dashboard = sandbox.act_as("alice@example.com")
    dashboard.set_org_role("dan@example.com", "owner")
    dashboard.set_project_role("data-platform", "heidi@example.com", "owner")
    sandbox.save(state)
    return state, base, head


def _cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def _roles(state: Path) -> tuple[str, dict[str, str], dict[str, str]]:
    """dan's organization role, research's and data-platform's members, as live now."""
    live = Sandbox.load(state).state
    emails = {uid: u["email"] for uid, u in live.users.items()}
    dan = next(u["role"] for u in live.users.values() if u["email"] == "dan@example.com")
    members = {
        project["name"]: {emails[uid]: m["role"] for uid, m in live.project_users[pid].items()}
        for pid, project in live.projects.items()
        if project["name"] in ("research", "data-platform")
    }
    return dan, members["research"], members["data-platform"]


def test_pr_plan_names_what_it_did_not_read_and_the_merge_apply_leaves_it_alone(
    tmp_path: Path,
) -> None:
    """Drift in a project and a user the pull request does not touch is named as not read in the
    comment, and `apply --base` changes only what the comment shows."""
    state, base, head = _setup(tmp_path)
    code, comment = _cli("plan", head, "--base", base, "--format", "markdown",
                         "--detailed-exitcode", "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 2, comment
    mine, rest = comment.split("## Drift already present", 1)
    assert "+   member bob@example.com" in mine
    drift, not_read = rest.split("## Not read by this plan", 1)
    assert "None." in drift
    assert (
        "- 2 declared projects the pull request does not change: Default project, data-platform\n"
        in not_read
    )
    assert "- organization users and invites" in not_read
    assert "leaves it alone" in not_read

    code, out = _cli("apply", head, "--base", base, "--auto-approve",
                     "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 0, out
    assert "data-platform" in out.split("Not read", 1)[1]
    assert "Plan: 1 to create, 0 to update, 0 to delete" in out
    assert "unmanaged" not in out  # projects out of scope are declared, not unmanaged
    dan, research, data_platform = _roles(state)
    assert research == {"alice@example.com": "owner", "bob@example.com": "member"}
    assert dan == "owner"
    assert data_platform == {"grace@example.com": "owner", "heidi@example.com": "owner"}


def test_without_base_the_same_apply_reverts_the_drift(tmp_path: Path) -> None:
    """The drift is real: applying the whole head file (a manual run) demotes dan and heidi."""
    state, _, head = _setup(tmp_path)
    code, out = _cli("apply", head, "--auto-approve", "--sandbox", "--sandbox-state", state)
    assert code == 0, out
    dan, _, data_platform = _roles(state)
    assert dan == "reader"
    assert data_platform["heidi@example.com"] == "member"


def test_pr_plan_that_reads_everything_says_so(tmp_path: Path) -> None:
    """When the pull request changes settings every declaration is read: drift anywhere is shown
    under drift already present, and the comment says nothing was left unread."""
    state, base, head = _setup(tmp_path)
    head.write_text(head.read_text().replace("max_deletes: 10", "max_deletes: 11"))
    code, comment = _cli("plan", head, "--base", base, "--format", "markdown",
                         "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 0, comment
    drift = comment.split("## Drift already present", 1)[1].split("## Drift this", 1)[0]
    assert "user dan@example.com" in drift
    assert "member heidi@example.com" in drift
    assert comment.rstrip().endswith("Nothing: this plan read everything the file declares.")


def test_apply_base_refuses_a_saved_plan(tmp_path: Path) -> None:
    """--base narrows a CONFIG apply; with --plan it is a one-line error, nothing applied."""
    state, base, head = _setup(tmp_path)
    saved = tmp_path / "plan.json"
    assert _cli("plan", head, "--out", saved, "--sandbox", "--sandbox-state", state)[0] == 0
    code, out = _cli("apply", "--plan", saved, "--base", base, "--auto-approve",
                     "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 1
    assert "error: --base scopes `apply CONFIG`" in out
    assert _roles(state)[0] == "owner"


def test_invite_outside_the_changed_projects_is_planned_from_all_its_memberships(
    tmp_path: Path,
) -> None:
    """A pull request that changes `users` reads the projects a pending invite carries, so the
    invite is not re-sent with fewer projects, by the plan or by `apply --base`."""
    seed = _seed()
    seed["invites"] = [{"email": "kim@example.com", "role": "reader",
                        "projects": {"data-platform": "member"}, "days_ago": 1}]  # fmt: skip
    state = tmp_path / "sandbox.json"
    Sandbox.from_seed(seed).save(state)
    base = tmp_path / "base.yaml"
    assert _cli("export", "-o", base, "--sandbox", "--sandbox-state", state)[0] == 0
    head = tmp_path / "head.yaml"
    promoted = "{email: bob@example.com, role: owner}"
    head.write_text(base.read_text().replace("{email: bob@example.com, role: reader}", promoted))
    invites = Sandbox.load(state).state.invites

    code, comment = _cli("plan", head, "--base", base, "--format", "markdown",
                         "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 0, comment
    assert "user bob@example.com" in comment
    assert "kim@example.com" not in comment
    not_read = comment.split("## Not read by this plan", 1)[1]
    assert "does not change: Default project, research\n" in not_read  # data-platform is read

    code, out = _cli("apply", head, "--base", base, "--auto-approve",
                     "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 0, out
    assert "Plan: 0 to create, 1 to update, 0 to delete" in out
    assert Sandbox.load(state).state.invites == invites


def test_invitees_bring_only_their_projects_into_scope() -> None:
    """A declared user who is not a member adds the projects declaring them (with `users` in
    scope) or `users` (when a scoped project declares them); when every declared user is a
    member the scope is unchanged (no second read)."""
    head = load_config(EXAMPLE).desired
    everyone = {e: User(e, u.role) for e, u in (head.org.users or {}).items()}
    scope = PrScope(projects=frozenset({"search-prod"}), users=True)
    assert with_invitees(scope, head, Live(Organization(users=everyone))) == scope
    without_kim = {e: u for e, u in everyone.items() if e != "kim@example.com"}
    wider = with_invitees(scope, head, Live(Organization(users=without_kim)))
    assert wider.projects == {"search-prod", "research"}
    unscoped_users = PrScope(projects=frozenset({"search-prod"}))
    assert with_invitees(unscoped_users, head, Live(Organization(users=without_kim))) == (
        unscoped_users
    )
    joining = with_invitees(PrScope(projects=frozenset({"research"})), head,
                            Live(Organization(users=without_kim)))  # fmt: skip
    assert joining == PrScope(projects=frozenset({"research"}), users=True)


def test_invitee_joining_a_changed_project_is_invited_with_all_their_projects(
    tmp_path: Path,
) -> None:
    """A pull request adding someone whose invite is pending to a project re-sends the invite
    with every project they are declared in, in the comment and in `apply --base` alike."""
    seed = _seed()
    seed["invites"] = [{"email": "kim@example.com", "role": "reader",
                        "projects": {"data-platform": "member"}, "days_ago": 1}]  # fmt: skip
    state = tmp_path / "sandbox.json"
    Sandbox.from_seed(seed).save(state)
    base = tmp_path / "base.yaml"
    assert _cli("export", "-o", base, "--sandbox", "--sandbox-state", state)[0] == 0
    text = base.read_text()
    at = text.index("      alice@example.com: owner\n", text.index("  - name: research\n"))
    head = tmp_path / "head.yaml"
    head.write_text(text[:at] + "      kim@example.com: member\n" + text[at:])

    code, comment = _cli("plan", head, "--base", base, "--format", "markdown",
                         "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 0, comment
    mine = comment.split("## Drift already present", 1)[0]
    assert "-/+ invite kim@example.com" in mine
    assert "data-platform (member), research (member)" in mine

    code, out = _cli("apply", head, "--base", base, "--auto-approve",
                     "--sandbox", "--sandbox-state", state)  # fmt: skip
    assert code == 0, out
    live = Sandbox.load(state).state
    names = {pid: p["name"] for pid, p in live.projects.items()}
    [invite] = [i for i in live.invites.values() if i["status"] == "pending"]
    assert invite["email"] == "kim@example.com"
    assert {names[p["id"]] for p in invite["projects"]} == {"data-platform", "research"}
