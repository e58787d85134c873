"""Renderings with what the plan puts at stake: golden files, notes, and no change without.

Regenerate the golden files after an intended change with `UPDATE_GOLDEN=1 pytest tests/render`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import ApiKeyInfo, Desired, Live
from reconciler.core.plan import Plan, make_plan
from reconciler.core.pr_scope import PrSplit
from reconciler.core.safety import Overrides, check
from reconciler.core.stakes import Stakes, assemble
from reconciler.core.usage import UsageReport
from reconciler.render import FORMATS, Format, render
from reconciler.render.pr_plan import PrPlan, render_pr

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_with_stakes_matches_golden_file(
    fmt: Format, desired: Desired, live: Live, stakes: Stakes
) -> None:
    """The every-change scenario with its stakes renders exactly as its golden file."""
    plan = make_plan(desired, live, config_digest="sha256:config-digest-for-tests")
    refusals = check(plan, desired=desired, live=live, overrides=Overrides())
    text = render(plan, fmt=fmt, refusals=refusals, stakes=stakes)
    golden = GOLDEN / f"plan_stakes.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_stakes_renders_as_before(fmt: Format, desired: Desired, live: Live) -> None:
    """stakes=None gives the very rendering of the plan alone (the golden file without stakes)."""
    plan = make_plan(desired, live, config_digest="sha256:config-digest-for-tests")
    refusals = check(plan, desired=desired, live=live, overrides=Overrides())
    golden = (GOLDEN / f"plan.{SUFFIX[fmt]}").read_text(encoding="utf-8")
    assert render(plan, fmt=fmt, refusals=refusals, stakes=None) == golden


def test_text_names_the_keys_next_to_the_change_and_usage_by_the_project(
    desired: Desired, live: Live, stakes: Stakes
) -> None:
    """The line under a member's removal names their key; the project title carries its usage."""
    text = render(make_plan(desired, live, config_digest="c"), fmt="text", stakes=stakes)
    lines = text.splitlines()
    eve = next(i for i, line in enumerate(lines) if "member eve@example.com" in line)
    assert lines[eve + 1].strip() == "1 API key stops working: eve-laptop (sk-proj-...eve1)"
    assert "project search-prod   last 30 days: $1,234.50, 45,678 model requests" in text
    assert "zed-laptop (sk-proj-...zed1) in search-prod" in text
    assert "eve2" not in text  # an inactive key does not work today: not at stake


def test_unreadable_keys_and_usage_are_notes_in_every_format(
    desired: Desired, live: Live, scenario_keys: dict[str, tuple[ApiKeyInfo, ...]]
) -> None:
    """When the API refuses keys or usage, each rendering says so instead of failing."""
    plan = make_plan(desired, live, config_digest="c")
    keys: dict[str, Sequence[ApiKeyInfo] | str] = {
        "legacy-chatbot": "API keys could not be read (403 forbidden)",
        "search-prod": scenario_keys["search-prod"],
    }
    note = "usage and costs could not be read (403 forbidden)"
    stakes = assemble(plan, live, keys=keys, usage=UsageReport(note=note))
    text = render(plan, fmt="text", stakes=stakes)
    assert "API keys could not be read (403 forbidden)" in text
    assert "last 30 days: usage unknown" in text
    assert note in text
    markdown = render(plan, fmt="markdown", stakes=stakes)
    assert "| legacy-chatbot | unknown | unknown | unknown |" in markdown
    assert f"- {note}" in markdown
    data = json.loads(render(plan, fmt="json", stakes=stakes))
    assert data["stakes"]["note"] == note
    assert data["stakes"]["projects"]["legacy-chatbot"]["usage"] is None


def test_json_with_stakes_still_reads_back_as_the_plan(
    desired: Desired, live: Live, stakes: Stakes
) -> None:
    """The stakes key is extra: from_json reads the rendering back as the same plan."""
    plan = make_plan(desired, live, config_digest="c")
    data = json.loads(render(plan, fmt="json", stakes=stakes))
    assert Plan.from_json(data) == plan
    archive = next(c for c in data["stakes"]["changes"] if c["kind"] == "project")
    assert [k["redacted_value"] for k in archive["keys_stop_working"]] == [
        "sk-proj-...leg1",
        "sk-svcacct-...leg2",
    ]


def test_long_key_lists_are_cut_but_counted(live: Live) -> None:
    """Past five names the line says how many more, and the count stays exact."""
    keys = tuple(
        ApiKeyInfo(f"key_{n:04d}", f"k{n}", f"sk-...{n:04d}", "user", "x@example.com")
        for n in range(12)
    )
    plan = Plan(changes=(Change(Kind.PROJECT, Action.ARCHIVE, ("legacy-chatbot",)),))
    stakes = assemble(plan, live, keys={"legacy-chatbot": keys}, usage=UsageReport())
    text = render(plan, fmt="text", stakes=stakes)
    assert "12 API keys stop working: k0 (sk-...0000)," in text
    assert "k4 (sk-...0004), … and 7 more" in text
    assert "k5 (" not in text


def test_pull_request_comment_shows_stakes_once_next_to_its_changes(
    desired: Desired, live: Live, stakes: Stakes
) -> None:
    """With stakes, the pull-request comment names lost keys by its changes and has one
    At-stake section."""
    plan = make_plan(desired, live, config_digest="c")
    pr = PrPlan(plan=plan, split=PrSplit(introduced=plan.changes), stakes=stakes)
    markdown = render_pr(pr, fmt="markdown")
    assert markdown.count("At stake (last 30 days)") == 1
    assert "  - 1 API key stops working: `eve-laptop` (`sk-proj-...eve1`)" in markdown
    assert json.loads(render_pr(pr, fmt="json"))["stakes"] == stakes.to_json()
