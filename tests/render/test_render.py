"""Renderings: golden files for text, markdown and json; colour; the GitHub comment size limit.

Regenerate the golden files after an intended change with `UPDATE_GOLDEN=1 pytest tests/render`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import Desired, Live
from reconciler.core.plan import Plan, make_plan
from reconciler.core.safety import Overrides, check
from reconciler.render import FORMATS, Format, render
from reconciler.render.markdown import MARKER

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_matches_golden_file(fmt: Format, desired: Desired, live: Live) -> None:
    """The every-change scenario renders exactly as its golden file."""
    plan = make_plan(desired, live, config_digest="sha256:config-digest-for-tests")
    refusals = check(plan, desired=desired, live=live, overrides=Overrides())
    text = render(plan, fmt=fmt, refusals=refusals)
    golden = GOLDEN / f"plan.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_text_has_every_marker_summary_and_refusals(desired: Desired, live: Live) -> None:
    """Text shows + ~ - ! -/+ lines, field-level before → after, the summary and the refusals."""
    plan = make_plan(desired, live, config_digest="c")
    refusals = check(plan, desired=desired, live=live, overrides=Overrides())
    text = render(plan, fmt="text", refusals=refusals)
    starts = {
        line.split()[0] for line in text.splitlines() if line.startswith("  ") and line.split()
    }
    assert {"+", "~", "-", "!", "-/+"} <= starts
    assert "role: reader → owner" in text
    assert "Plan: 8 to create, 6 to update, 3 to replace, 7 to delete, 1 to archive." in text
    assert "Refused without --allow-archive" in text
    assert "\x1b[" not in text


def test_colour_only_when_asked(desired: Desired, live: Live) -> None:
    """ANSI colour appears with color=True and never in markdown."""
    plan = make_plan(desired, live, config_digest="c")
    assert "\x1b[32m" in render(plan, fmt="text", color=True)
    assert "\x1b[" not in render(plan, fmt="markdown", color=True)


def test_json_rendering_reads_back_as_the_plan(desired: Desired, live: Live) -> None:
    """The json rendering is the canonical plan plus refusals; from_json reads it back."""
    plan = make_plan(desired, live, config_digest="c")
    data = json.loads(render(plan, fmt="json"))
    assert data["refusals"] == []
    assert Plan.from_json(data) == plan


def test_empty_plan_renders_no_changes() -> None:
    """An empty plan says so in every format."""
    plan = Plan(config_digest="c", live_digest="l")
    assert "No changes." in render(plan, fmt="text")
    assert "✅" in render(plan, fmt="markdown")


def test_huge_plan_markdown_stays_under_github_limit() -> None:
    """A plan of 30,000 changes is summarised under GitHub's 65,536-character comment limit."""
    changes = tuple(
        Change(Kind.PROJECT_USER, Action.DELETE if i % 3 == 0 else Action.CREATE,
               (f"project-{i % 700:04}", f"user{i}@example.com"), after={"role": "member"},
               reason="not in the config; prune.project_users is on")
        for i in range(30_000)
    )  # fmt: skip
    text = render(Plan(changes=changes), fmt="markdown")
    assert len(text) < 65_536
    assert text.startswith(MARKER)
    assert "summarised" in text
    assert "… and" in text
