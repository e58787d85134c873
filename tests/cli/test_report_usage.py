"""`reconciler report usage` end to end through click, against the sandbox (no network)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import main

# A window that is over (no partial day), so runs a moment apart read the same numbers.
LAST = (datetime.now(UTC) - timedelta(days=2)).date()
FIRST = LAST - timedelta(days=9)
WINDOW = ["--from", FIRST.isoformat(), "--to", LAST.isoformat()]
CONFIG = """\
version: 1
budget: {usd_per_month: 1000000}
projects:
  - name: search-prod
    labels: {team: search}
    budget: {usd_per_month: %s}
  - name: search-staging
    labels: {team: search}
  - name: data-platform
    labels: {team: data}
"""


def _run(tmp_path: Path, *args: str) -> Result:
    state = tmp_path / "state.json"
    return CliRunner().invoke(
        main, ["report", "usage", *args, "--sandbox", "--sandbox-state", str(state)],
        env={"OPENAI_ADMIN_KEY": ""},
    )  # fmt: skip


def _config(tmp_path: Path, budget: float) -> str:
    path = tmp_path / "org.yaml"
    path.write_text(CONFIG % budget, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "markdown"])
def test_every_format_runs_and_agrees_on_the_total(tmp_path: Path, fmt: str) -> None:
    """Each format exits 0 (no budget, spikes out of reach) and shows the json's total."""
    whole = _run(tmp_path, *WINDOW, "--format", "json", "--spike-factor", "1000")
    assert whole.exit_code == 0, whole.output
    total = json.loads(whole.stdout)["total_cost"]
    result = _run(tmp_path, *WINDOW, "--format", fmt, "--spike-factor", "1000")
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(result.stdout))
        assert sum(float(r["BilledCost"] or 0) for r in rows) == pytest.approx(total)
    elif fmt != "json":
        assert f"Total cost ${total:,.2f}" in result.stdout


def test_a_budget_exceeded_exits_2_and_a_team_is_charged_back(tmp_path: Path) -> None:
    """A $1 budget on search-prod is over (exit 2); by team, search is its two projects."""
    config = _config(tmp_path, 1)
    result = _run(tmp_path, config, *WINDOW, "--by", "team", "--format", "json",
                  "--spike-factor", "1000")  # fmt: skip
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    budgets = {b["scope"]: b["status"] for b in doc["budgets"]}
    assert budgets == {"(organization)": "ok", "search-prod": "over"}
    teams = {r["group"]["team"] for r in doc["money"]["rows"]}
    assert teams == {"search", "data", "(unlabelled)"}
    generous = _run(tmp_path, _config(tmp_path, 1e9), *WINDOW, "--spike-factor", "1000")
    assert generous.exit_code == 0, generous.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "teem"], "error: --by 'teem' is not a dimension; choose among"),
        (["--since", "7d", "--month", "2026-10"], "error: choose one of --since"),
        (["--since", "week"], "error: --since must be a number of days such as 30d"),
        (["--month", "10/2026"], "error: --month must be YYYY-MM"),
        (["--from", "2026-13-01"], "error: --from must be a date YYYY-MM-DD"),
        (["--to", "2026-10-01"], "error: --to needs --from"),
    ],
)
def test_bad_options_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    """Each mistake is one line on stderr, exit 1, no traceback."""
    result = _run(tmp_path, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_spike_exits_2_and_is_named(tmp_path: Path) -> None:
    """At factor 1, some project's day costs more than its trailing median: exit 2, listed."""
    result = _run(tmp_path, *WINDOW, "--format", "json", "--spike-factor", "1")
    assert result.exit_code == 2, result.output
    spikes = json.loads(result.stdout)["spikes"]
    assert spikes
    assert all(s["ratio"] > 1 and s["cost"] > s["trailing_median"] for s in spikes)
