"""`reconciler plan CONFIG --base BASE_CONFIG`: a plan scoped to what a pull request changes.

The pipeline (pipeline.py) reads only the projects whose declaration differs between the two
files (and organization-level kinds when they differ), plans the head file and the base file
against that one reading, and reads what the head plan puts at stake (the API keys that stop
working, the last 30 days of cost and requests). This module splits the head plan into what
the pull request introduces and drift already present, and renders it naming what was not read
(`apply --base` leaves that alone, so the merge applies what the comment shows); `plan` handles
--out and exit codes alike for both.
"""

from __future__ import annotations

from reconciler.cli.pipeline import Pipeline
from reconciler.core.pr_scope import NotRead, split_changes
from reconciler.render import Format
from reconciler.render.pr_plan import PrPlan, render_pr


def render_against_base(run: Pipeline, *, fmt: Format, color: bool = False) -> str:
    """The pull-request rendering of a pipeline run with a base file."""
    assert run.base_plan is not None, "a run with a base file plans the base too"
    pr = PrPlan(
        plan=run.plan,
        split=split_changes(head=run.plan.changes, base=run.base_plan.changes),
        refusals=run.refusals,
        stakes=run.stakes,
        not_read=run.source.not_read or NotRead(),
    )
    return render_pr(pr, fmt=fmt, color=color)
