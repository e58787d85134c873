"""`reconciler github comment`: one sticky pull-request comment, under a fake `gh`."""

from __future__ import annotations

from pathlib import Path

from tests.support.github import FakeGitHub

PLAN_MARKER = "<!-- reconciler:plan -->"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_sticky_comment_is_created_once_then_updated(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """The first run creates the marked comment; the second edits it instead of adding one."""
    first = _write(tmp_path, "one.md", "Plan: 1 to add.")
    args = ["--pr", "7", "--marker", PLAN_MARKER]
    done = fake_gh.run("comment", *args, "--body-file", first)
    assert done.exit_code == 0, done.stderr
    assert "created" in done.stdout
    second = _write(tmp_path, "two.md", "Plan: 2 to add.")
    done = fake_gh.run("comment", *args, "--body-file", second)
    assert done.exit_code == 0, done.stderr
    assert "updated" in done.stdout
    comments = fake_gh.state()["comments"]
    assert len(comments) == 1
    assert comments[0]["body"] == f"{PLAN_MARKER}\nPlan: 2 to add."
    assert fake_gh.methods() == ["GET", "POST", "GET", "PATCH"]


def test_sticky_comment_ignores_other_peoples_comments(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """A comment without the marker is never edited, even when it mentions reconciler."""
    body = _write(tmp_path, "plan.md", "Plan: no changes.")
    human = _write(tmp_path, "human.md", "LGTM, reconciler plan looks right")
    fake_gh.run("comment", "--pr", "3", "--marker", "<!-- other -->", "--body-file", human)
    fake_gh.run("comment", "--pr", "3", "--marker", PLAN_MARKER, "--body-file", body)
    bodies = [c["body"] for c in fake_gh.state()["comments"]]
    assert len(bodies) == 2
    assert bodies[0].endswith("LGTM, reconciler plan looks right")


def test_sticky_comment_truncates_a_huge_plan(fake_gh: FakeGitHub, tmp_path: Path) -> None:
    """A body over GitHub's limit is cut with a note pointing at the step summary."""
    body = _write(tmp_path, "big.md", "x" * 100_000)
    done = fake_gh.run("comment", "--pr", "1", "--marker", PLAN_MARKER, "--body-file", body)
    assert done.exit_code == 0, done.stderr
    posted = fake_gh.state()["comments"][0]["body"]
    assert len(posted) <= 65_536
    assert "truncated" in posted


def test_sticky_comment_reports_a_gh_failure_in_one_line(
    fake_gh: FakeGitHub, tmp_path: Path
) -> None:
    """When gh fails, the script exits 1 with one `error:` line and no traceback."""
    body = _write(tmp_path, "plan.md", "Plan")
    fake_gh.env["PATH"] = str(tmp_path / "nowhere")  # no gh at all
    done = fake_gh.run("comment", "--pr", "1", "--marker", PLAN_MARKER, "--body-file", body)
    assert done.exit_code == 1
    assert done.stderr.startswith("error:")
    assert len(done.stderr.strip().splitlines()) == 1
