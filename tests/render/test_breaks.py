"""render/breaks: a change that takes a model or tool away says what, with its last 30 days,
and why it is destructive; a plan that takes nothing renders nothing more."""

from __future__ import annotations

from reconciler.core.breaks import Breaks, Loss, Use
from reconciler.core.change import Action, Change, Kind
from reconciler.core.plan import Plan
from reconciler.core.stakes import Stakes
from reconciler.render import render
from reconciler.render.breaks import breaks_phrase, breaks_section

POLICY = Change(
    Kind.MODEL_PERMISSION, Action.UPDATE, ("web", "permissions"),
    {"mode": "allow", "models": ["gpt-4o", "o3"]}, {"mode": "allow", "models": ["gpt-4o"]},
)  # fmt: skip
TOOL = Change(
    Kind.HOSTED_TOOL, Action.UPDATE, ("web", "mcp"), {"enabled": True}, {"enabled": False}
)
MODEL_LOSS = Loss("web", "model", (("o3", Use(1234, 5.6)),), destructive=True)
MCP_LOSS = Loss("web", "tool", (("mcp", Use(None, None)),), "the usage API does not count mcp")
STAKES = Stakes(
    breaks=Breaks({(POLICY.kind, POLICY.key): MODEL_LOSS, (TOOL.kind, TOOL.key): MCP_LOSS})
)


def test_the_phrase_gives_use_and_why_it_is_destructive() -> None:
    """A model in use: its requests and cost, and that it counts for max_deletes."""
    assert breaks_phrase(POLICY, STAKES) == (
        "takes away o3 (1,234 requests, $5.60 in 30 days) — destructive: counts for max_deletes"
    )


def test_unknown_tool_use_is_said_and_not_destructive_when_never_countable() -> None:
    """mcp has no usage endpoint: its use is unknown and the phrase says why."""
    assert breaks_phrase(TOOL, STAKES) == (
        "takes away mcp; use unknown (the usage API does not count mcp)"
    )


def test_an_open_ended_change_with_no_use_says_so() -> None:
    """A new allow list that takes no model in use says none was used."""
    loss = Loss("web", "model", open_ended=True)
    stakes = Stakes(breaks=Breaks({(POLICY.kind, POLICY.key): loss}))
    assert breaks_phrase(POLICY, stakes) == (
        "takes away every model outside the new list; none used in the last 30 days"
    )


def test_each_rendering_shows_it_and_markdown_lists_it_as_destructive() -> None:
    """Text puts the phrase under the change; markdown lists the update under destructive
    changes and tabulates it; json carries `takes_away`."""
    plan = Plan(changes=(POLICY, TOOL))
    text = render(plan, fmt="text", stakes=STAKES)
    assert "takes away o3 (1,234 requests, $5.60 in 30 days)" in text
    markdown = render(plan, fmt="markdown", stakes=STAKES)
    destructive = markdown.split("#### Destructive changes")[1].split("####")[0]
    assert "model permissions of web" in destructive
    assert "hosted tool mcp" not in destructive
    assert "| web | `o3` | 1,234 requests | $5.60 | **yes** |" in markdown
    assert '"takes_away": [' in render(plan, fmt="json", stakes=STAKES)


def test_nothing_taken_renders_nothing() -> None:
    """Without a loss there is no phrase and no section."""
    assert breaks_phrase(POLICY, Stakes()) is None
    assert breaks_section(Stakes()) == []
    assert "takes_away" not in Stakes().to_json()


def test_an_open_ended_taking_with_unknown_use_is_destructive_in_the_table() -> None:
    """A new allow list whose project's usage could not be read takes every other model with
    unknown use: the comment's table says unknown and destructive, as the plan line does; with
    the use read and none found, it says 0 and not destructive."""
    unread = Loss("web", "model", (), "usage could not be read", open_ended=True, destructive=True)
    idle = Loss("web", "model", (), open_ended=True)
    for loss, row in (
        (unread, "| web | every model outside the new list | unknown | unknown | **yes** |"),
        (idle, "| web | every model outside the new list | 0 | — | no |"),
    ):
        section = breaks_section(Stakes(breaks=Breaks({(POLICY.kind, POLICY.key): loss})))
        assert row in section
