"""The one pipeline: load → fetch → plan → safety returns a value and raises typed errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli.pipeline import load_source, run_pipeline
from reconciler.core.safety import Overrides
from reconciler.errors import ConfigError, ReconcilerError
from reconciler.sandbox import Sandbox

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def test_refusals_are_returned_not_raised(tmp_path: Path) -> None:
    """A plan a safety gate refuses comes back with its refusals; the override clears them."""
    state = tmp_path / "sb.json"
    Sandbox.load(state).save(state)
    writes = len(Sandbox.load(state).state.audit_logs)
    source = load_source(EXAMPLE)
    refused = run_pipeline(source, sandbox_state=state, overrides=Overrides())
    assert "--allow-archive" in {r.override_flag for r in refused.refusals}
    assert not refused.plan.is_empty
    assert refused.stakes is None
    allowed = run_pipeline(source, sandbox_state=state, overrides=Overrides(allow_archive=True))
    assert "--allow-archive" not in {r.override_flag for r in allowed.refusals}
    assert allowed.plan.changes == refused.plan.changes
    assert len(Sandbox.load(state).state.audit_logs) == writes  # the pipeline only reads


def test_a_config_problem_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    """The load step raises ConfigError carrying every problem and the file it was given."""
    config = tmp_path / "org.yaml"
    config.write_text("organization: [\n")
    with pytest.raises(ConfigError) as raised:
        load_source(config)
    assert raised.value.source == str(config)
    assert raised.value.problems


def test_a_saved_plan_cannot_be_scoped_by_a_base(tmp_path: Path) -> None:
    """A saved plan is applied as reviewed: --base with --plan is a one-line error."""
    state, saved = tmp_path / "sb.json", tmp_path / "plan.json"
    Sandbox.load(state).save(state)
    run = run_pipeline(load_source(EXAMPLE), sandbox_state=state, overrides=Overrides())
    saved.write_text(json.dumps(run.plan.to_json()))
    assert load_source(EXAMPLE, plan_file=saved).saved is not None
    with pytest.raises(ReconcilerError, match="--base scopes"):
        load_source(EXAMPLE, plan_file=saved, base=EXAMPLE)
