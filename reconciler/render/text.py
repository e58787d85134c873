"""The terminal rendering of a plan: Terraform-like lines grouped by project, then a summary.

Colour (ANSI) only when asked for (the CLI asks on a TTY). Findings, unmanaged objects and
safety refusals follow the changes; the summary line comes last but for refusals, so the
last thing a person reads is what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.change import Action, Finding, Severity
from reconciler.plan import Plan, label
from reconciler.render.lines import MARKERS, change_lines, groups, unmanaged_summary
from reconciler.safety import Refusal

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


def render_text(plan: Plan, *, color: bool = False, refusals: Sequence[Refusal] = ()) -> str:
    """The whole plan as text for a terminal or a CI log."""
    paint = _painter(color)
    out: list[str] = []
    for title, changes in groups(plan):
        out += ["", "  " + paint("bold", title)]
        for change in changes:
            lines = change_lines(change)
            marker = lines[0].split(" ", 1)[0]
            out.append("  " + paint(marker, lines[0]))
            out += ["  " + line for line in lines[1:]]
    out += _findings(plan.findings, paint)
    if plan.unmanaged:
        summary = unmanaged_summary(plan.unmanaged)
        out += ["", "  unmanaged (left alone): " + summary[0]]
        out += ["                          " + line for line in summary[1:]]
    out += ["", paint("bold", plan.summary())]
    for refusal in refusals:
        out.append(paint("error", f"Refused without {refusal.override_flag}: ") + refusal.message)
    return "\n".join(out).lstrip("\n") + "\n"


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
