"""The terminal rendering of a plan: Terraform-like lines grouped by project, then a summary.

Colour (ANSI) only when asked for (the CLI asks on a TTY). With `stakes`, a project at stake
has its last 30 days after its title, and a change that makes API keys stop working says which
under its line, as does one that takes a model or hosted tool away (with its last 30 days).
Findings, unmanaged objects and safety refusals follow the changes; the summary line comes last
but for refusals, so the last thing a person reads is what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.core.change import Action, Finding, Severity
from reconciler.core.kinds.registry import project_of
from reconciler.core.plan import Plan, label
from reconciler.core.safety import Refusal
from reconciler.core.stakes import Stakes
from reconciler.render.breaks import breaks_phrase
from reconciler.render.lines import (
    LABEL_WIDTH,
    MARKERS,
    change_lines,
    groups,
    unmanaged_summary,
)
from reconciler.render.stakes_text import DETAIL_PAD, keys_phrase, usage_phrase

_COLORS: dict[str, str] = {
    MARKERS[Action.CREATE]: "32",
    MARKERS[Action.UPDATE]: "33",
    MARKERS[Action.DELETE]: "31",
    MARKERS[Action.REPLACE]: "35",
    MARKERS[Action.ARCHIVE]: "1;31",
    "bold": "1",
    "error": "1;31",
    "warning": "33",
}


def render_text(
    plan: Plan,
    *,
    color: bool = False,
    refusals: Sequence[Refusal] = (),
    stakes: Stakes | None = None,
) -> str:
    """The whole plan as text for a terminal or a CI log (with what is at stake, when given)."""
    paint = _painter(color)
    out: list[str] = []
    for title, changes in groups(plan):
        project = project_of(changes[0].kind, changes[0].key)
        out += ["", "  " + paint("bold", title) + _usage(project, stakes)]
        out += _keys_notes(project, stakes)
        for change in changes:
            lines = change_lines(change)
            marker = lines[0].split(" ", 1)[0]
            out.append("  " + paint(marker, lines[0]))
            out += ["  " + line for line in lines[1:]]
            for phrase in (keys_phrase(change, stakes), breaks_phrase(change, stakes)):
                out += [f"  {DETAIL_PAD}{phrase}"] if phrase else []
    out += _other_stakes(plan, stakes)
    out += _findings(plan.findings, paint)
    if plan.unmanaged:
        summary = unmanaged_summary(plan.unmanaged)
        out += ["", "  unmanaged (left alone): " + summary[0]]
        out += ["                          " + line for line in summary[1:]]
    out += ["", paint("bold", plan.summary())]
    for refusal in refusals:
        out.append(paint("error", f"Refused without {refusal.override_flag}: ") + refusal.message)
    return "\n".join(out).lstrip("\n") + "\n"


def _usage(project: str | None, stakes: Stakes | None) -> str:
    """`   last 30 days: $123.45, 4,567 model requests` after a project at stake's title."""
    stake = stakes.projects.get(project) if stakes is not None and project else None
    return f"   {usage_phrase(stake)}" if stake is not None else ""


def _keys_notes(project: str | None, stakes: Stakes | None) -> list[str]:
    stake = stakes.projects.get(project) if stakes is not None and project else None
    return [f"  {DETAIL_PAD}{stake.keys_note}"] if stake is not None and stake.keys_note else []


def _other_stakes(plan: Plan, stakes: Stakes | None) -> list[str]:
    """Projects at stake with no group of their own (a removed user's), and why usage is
    missing."""
    if stakes is None:
        return []
    grouped = {project_of(c.kind, c.key) for c in plan.changes}
    rows = [
        f"  project {name:<{LABEL_WIDTH - 4}}{usage_phrase(stake)}"
        + (f"; {stake.keys_note}" if stake.keys_note else "")
        for name, stake in sorted(stakes.projects.items())
        if name not in grouped
    ]
    notes = [f"  {stakes.note}"] if stakes.note else []
    return ["", "  at stake:", *rows, *notes] if rows or notes else []


def _findings(findings: Sequence[Finding], paint: _Paint) -> list[str]:
    out: list[str] = []
    for severity, title in (
        (Severity.ERROR, "errors (the plan cannot be applied until they are fixed):"),
        (Severity.WARNING, "warnings:"),
        (Severity.INFO, "notes:"),
    ):
        chosen = [f for f in findings if f.severity is severity]
        if not chosen:
            continue
        out += ["", "  " + paint(severity.value, title)]
        for finding in chosen:
            where = label(finding.kind, finding.key) if finding.key else finding.kind.value
            out.append(f"  {paint(severity.value, '!')} {where}: {finding.message}")
    return out


class _Paint:
    """Wrap text in an ANSI colour by style name, or leave it plain."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        code = _COLORS.get(style)
        if not self.enabled or code is None:
            return text
        return f"\x1b[{code}m{text}\x1b[0m"


def _painter(color: bool) -> _Paint:
    return _Paint(color)
