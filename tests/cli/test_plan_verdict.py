"""The verdict of `reconciler plan`: a plan with errors never says the organization matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_plan_with_only_errors_does_not_claim_the_organization_matches(
    org: Path, tmp_path: Path, fmt: str
) -> None:
    """After an apply, a config whose only difference is an error (a rate limit for a model the
    project lacks) plans no change; the verdict says the organization does not match and to
    fix the error, never that it matches, and the exit code is 1."""
    sandbox = ["--sandbox", "--sandbox-state", str(tmp_path / "state.json")]
    applied = CliRunner().invoke(
        main, ["apply", str(org), *sandbox, "--auto-approve", "--allow-archive",
               "--secrets-dir", str(tmp_path / "keys")],
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    org.write_text(
        org.read_text().replace(
            "  - name: data-platform\n",
            "  - name: data-platform\n    rate_limits:\n"
            "      no-such-model: {max_requests_per_1_minute: 5}\n",
        )
    )
    result = CliRunner().invoke(main, ["plan", str(org), *sandbox, "--format", fmt])
    assert result.exit_code == 1, result.output
    assert "no-such-model" in result.stdout
    assert "matches the configuration" not in result.stdout
    assert "does not match the configuration: fix the 1 error(s) first" in result.stdout
    assert "error: the plan has 1 error(s)" in result.stderr
