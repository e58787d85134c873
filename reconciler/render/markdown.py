"""The pull-request comment: verdict and counts first, then what a reviewer must not miss.

Layout: a hidden marker (`<!-- reconciler:plan -->`, so CI updates one sticky comment), a
one-line verdict, a table of counts, safety refusals, destructive changes (with the API keys
each one makes stop working, given `stakes`; and the changes that take a model or hosted tool in
use away), what is at stake per project, what the plan takes away, findings, then the
details of each group folded in `<details>`, and the digests. A comment must stay under
GitHub's 65,536-character limit: past `BUDGET` characters the details are summarised as counts
and the long lists cut, with a note saying so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from reconciler.core.change import Action, Change, Severity
from reconciler.core.plan import Plan, label
from reconciler.core.safety import Refusal
from reconciler.core.stakes import Stakes
from reconciler.render.breaks import breaks_phrase, breaks_section
from reconciler.render.lines import MARKERS, change_lines, groups, unmanaged_summary
from reconciler.render.stakes_markdown import stakes_section
from reconciler.render.stakes_text import DETAIL_PAD, keys_phrase

MARKER = "<!-- reconciler:plan -->"
BUDGET = 60_000
_LIST_CAP = 50
_ORDER = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE, Action.ARCHIVE)


def render_markdown(
    plan: Plan,
    *,
    color: bool = False,
    refusals: Sequence[Refusal] = (),
    stakes: Stakes | None = None,
) -> str:
    """The plan as a GitHub comment (colour does not apply; accepted for a uniform signature)."""
    text = _document(plan, refusals, stakes, detailed=True, cap=None)
    if len(text) > BUDGET:
        text = _document(plan, refusals, stakes, detailed=False, cap=_LIST_CAP)
    if len(text) > BUDGET:
        cut = text[:BUDGET].rsplit("\n", 1)[0]
        text = cut + "\n\n_… cut to fit a GitHub comment; run `reconciler plan` for the rest._\n"
    return text


def _document(
    plan: Plan,
    refusals: Sequence[Refusal],
    stakes: Stakes | None,
    *,
    detailed: bool,
    cap: int | None,
) -> str:
    parts = [MARKER, _verdict(plan, refusals), "", *_table(plan)]
    parts += _refusals(refusals)
    destructive = [c for c in plan.changes if c.destructive or _takes_in_use(c, stakes)]
    parts += _section("Destructive changes", [_bullet(c, stakes) for c in destructive], cap)
    parts += stakes_section(stakes, cap)
    parts += breaks_section(stakes, cap)
    for severity, title in ((Severity.ERROR, "Errors"), (Severity.WARNING, "Warnings")):
        items = [
            f"- {label(f.kind, f.key) if f.key else f.kind.value}: {f.message}"
            for f in plan.findings
            if f.severity is severity
        ]
        parts += _section(title, items, cap)
    parts += _details(plan, stakes) if detailed else _summarised(plan)
    if plan.unmanaged:
        lines = [f"- {line}" for line in unmanaged_summary(plan.unmanaged)]
        parts += ["", _fold(f"Unmanaged (left alone): {len(plan.unmanaged)}", "\n".join(lines))]
    parts += ["", f"<sub>config `{plan.config_digest}` · live `{plan.live_digest}`</sub>", ""]
    return "\n".join(parts)


def _verdict(plan: Plan, refusals: Sequence[Refusal]) -> str:
    if refusals:
        rules = ", ".join(sorted({r.rule for r in refusals}))
        return f"⛔ **Refused by safety ({rules}).** {plan.summary()}"
    errors = sum(f.severity is Severity.ERROR for f in plan.findings)
    if errors:
        return f"❌ **Cannot be applied: {errors} error(s).** {plan.summary()}"
    if plan.is_empty:
        return f"✅ **{plan.summary()}**"
    return f"📋 **{plan.summary()}**"


def _table(plan: Plan) -> list[str]:
    counts = plan.counts()
    return [
        "| " + " | ".join(a.value for a in _ORDER) + " |",
        "|" + "---:|" * len(_ORDER),
        "| " + " | ".join(str(counts[a]) for a in _ORDER) + " |",
    ]


def _refusals(refusals: Sequence[Refusal]) -> list[str]:
    items = [f"- **{r.rule}**: {r.message} — override with `{r.override_flag}`" for r in refusals]
    return _section("Safety refusals", items, None)


def _takes_in_use(change: Change, stakes: Stakes | None) -> bool:
    """Taking a model or hosted tool in use is destructive too (core/breaks.py)."""
    return stakes is not None and stakes.breaks.destructive(change)


def _bullet(change: Change, stakes: Stakes | None) -> str:
    why = f" — {change.reason}" if change.reason else ""
    phrases = (keys_phrase(change, stakes, code=True), breaks_phrase(change, stakes, code=True))
    keys = "".join(f"\n  - {phrase}" for phrase in phrases if phrase)
    return (
        f"- `{MARKERS[change.action]}` {change.action.value} "
        f"{label(change.kind, change.key)}{why}{keys}"
    )


def _section(title: str, items: list[str], cap: int | None) -> list[str]:
    if not items:
        return []
    shown = items if cap is None else items[:cap]
    more = [f"- … and {len(items) - len(shown)} more"] if len(shown) < len(items) else []
    return ["", f"#### {title}", "", *shown, *more]


def _details(plan: Plan, stakes: Stakes | None) -> list[str]:
    out: list[str] = []
    for title, changes in groups(plan):
        body = "\n".join(line for c in changes for line in _lines(c, stakes))
        out += ["", _fold(f"{title} ({_counted(changes)})", f"```diff\n{body}\n```")]
    return out


def _lines(change: Change, stakes: Stakes | None) -> list[str]:
    phrases = (keys_phrase(change, stakes), breaks_phrase(change, stakes))
    return change_lines(change) + [DETAIL_PAD + phrase for phrase in phrases if phrase]


def _summarised(plan: Plan) -> list[str]:
    rows = [f"| {title} | {_counted(changes)} |" for title, changes in groups(plan)]
    note = "_The plan is too large for one comment: details are summarised per group._"
    return ["", "#### Changes by group", "", note, "", "| group | changes |", "|---|---|", *rows]


def _counted(changes: Sequence[Change]) -> str:
    counts = Counter(c.action for c in changes)
    return ", ".join(
        f"{n} to {a.value}" for a, n in sorted(counts.items(), key=lambda i: i[0].value)
    )


def _fold(summary: str, body: str) -> str:
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"
