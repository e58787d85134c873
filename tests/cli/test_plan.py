"""`reconciler plan` end to end through click, against the sandbox (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.core.plan import Plan


def _plan(org: Path, *args: str) -> tuple[int, str, str]:
    state = org.parent.parent / "state.json"
    runner = CliRunner()
    result = runner.invoke(
        main, ["plan", str(org), "--sandbox", "--sandbox-state", str(state), *args],
        env={"OPENAI_ADMIN_KEY": ""},
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


def test_archive_is_refused_with_rule_and_flag(org: Path) -> None:
    """The example archives a project: the plan is shown, the refusal names the flag, exit 1."""
    code, out, err = _plan(org)
    assert code == 1
    assert "! " in out
    assert "project legacy-chatbot" in out
    assert "Refused without --allow-archive" in out
    assert "archive:" in err
    assert "--allow-archive" in err
    assert "Traceback" not in err


def test_detailed_exitcode_and_saved_plan(org: Path, tmp_path: Path) -> None:
    """With the archive allowed, changes exit 2 and --out saves a plan apply can read back."""
    saved = tmp_path / "plan.json"
    code, out, _ = _plan(org, "--allow-archive", "--detailed-exitcode", "--out", str(saved))
    assert code == 2
    assert out.rstrip().splitlines()[-1].startswith("Plan: ")
    plan = Plan.from_json(json.loads(saved.read_text()))
    assert not plan.is_empty
    assert plan.config is not None
    assert plan.live_digest.startswith("sha256:")
    code, _, _ = _plan(org, "--allow-archive")
    assert code == 0


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_machine_and_comment_formats(org: Path, fmt: str) -> None:
    """json is the versioned plan document; markdown starts with the sticky-comment marker."""
    code, out, _ = _plan(org, "--allow-archive", "--format", fmt)
    assert code == 0
    if fmt == "json":
        data = json.loads(out)
        assert (data["format"], data["version"]) == ("reconciler-plan", 1)
        assert data["refusals"] == []
    else:
        assert out.startswith("<!-- reconciler:plan -->\n")


def test_apply_then_plan_is_empty(org: Path, tmp_path: Path) -> None:
    """After apply, planning the same file finds nothing to do (exit 0 with the flag)."""
    state = tmp_path / "state.json"
    applied = CliRunner().invoke(
        main,
        ["apply", str(org), "--sandbox", "--sandbox-state", str(state), "--auto-approve",
         "--allow-archive", "--secrets-dir", str(tmp_path / "keys")],
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    code, out, _ = _plan(org, "--detailed-exitcode")
    assert code == 0, out
    assert "No changes." in out


def test_bad_config_is_a_located_one_line_error(tmp_path: Path) -> None:
    """An invalid config lists its problems with file:line, exits 1, and never reaches the API."""
    bad = tmp_path / "org.yaml"
    bad.write_text("version: 1\nusers:\n  - {email: nope, role: emperor}\n")
    code, out, err = _plan(bad)
    assert code == 1
    assert out == ""
    assert "org.yaml:3" in err
    assert "Traceback" not in err


def test_plan_with_errors_is_shown_then_exits_1(org: Path) -> None:
    """A rate limit for a model the project lacks is listed as an error, and the exit code is 1."""
    text = org.read_text().replace(
        "  - name: data-platform\n",
        "  - name: data-platform\n"
        "    rate_limits:\n"
        "      no-such-model: {max_requests_per_1_minute: 5}\n",
    )
    assert "no-such-model" in text
    org.write_text(text)
    code, out, err = _plan(org, "--allow-archive")
    assert code == 1
    assert "no-such-model" in out
    assert "the API cannot create one" in out
    assert "error: the plan has 1 error(s)" in err


def test_unwritable_out_is_a_one_line_error(org: Path, tmp_path: Path) -> None:
    """--out into a missing directory fails with one line naming the file, not a traceback."""
    target = tmp_path / "missing" / "plan.json"
    code, _, err = _plan(org, "--allow-archive", "--out", str(target))
    assert code == 1
    assert f"cannot write {target}" in err
    assert "Traceback" not in err
