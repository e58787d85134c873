"""`report keys`: every project API key, whose it is, how old, when last used, what it violates.

    found = await read_principals(client, memberships=False)     (read/principals.py, I/O)
    report = keys_report(found, policy, now=now, source=...)     (pure, here)

One row per key of every active project, in its redacted form only (the API lists nothing
else). The policy is `settings.api_keys` of the config, judged by core/key_policy.py; without
a config only `owner_without_access` (always checked) can be violated.
"""

from __future__ import annotations

from reconciler.core.key_policy import KeyFinding, evaluate, unmatched_exemptions
from reconciler.core.model import ApiKeyPolicy
from reconciler.core.report_table import Cell, Report
from reconciler.read.principals import Principals
from reconciler.reports.source import Source, day, instant

COLUMNS = (
    "project",
    "key_id",
    "name",
    "redacted_value",
    "owner_type",
    "owner",
    "owner_access",
    "created",
    "last_used",
    "age_days",
    "violations",
    "remedy",
    "exemption",
)
NOT_KNOWN = (
    "what each key may do (its permissions): the Admin API does not list them",
    "where a key was used from: only when it was last used",
)


def keys_report(found: Principals, policy: ApiKeyPolicy, *, source: Source) -> Report:
    """The keys report: one row per key; `findings` counted in the facts."""
    keys = {p.name: p.keys for p in found.projects}
    findings = evaluate(keys, policy, now=source.now)
    violating = sum(1 for f in findings if f.violating)
    notes = [f"archived projects not read (their keys no longer work): {', '.join(found.archived)}"]
    notes = notes if found.archived else []
    notes += [
        f"exemption for {e.name!r}{f' in {e.project}' if e.project else ''} matches no key"
        for e in unmatched_exemptions(findings, policy)
    ]
    return Report(
        kind="keys",
        title="API keys",
        facts=(
            ("read_at", instant(source.now)),
            ("organization", source.organization),
            ("config", source.config or "none (only owner_without_access is checked)"),
            ("policy", policy_text(policy)),
            ("keys", str(len(findings))),
            ("violating", str(violating)),
        ),
        columns=COLUMNS,
        rows=tuple(_row(f, policy) for f in findings),
        not_known=NOT_KNOWN,
        notes=tuple(notes),
    )


def violation_count(report: Report) -> int:
    """How many keys of a keys report violate the policy (from its facts)."""
    return int(dict(report.facts)["violating"])


def policy_text(policy: ApiKeyPolicy) -> str:
    """`max_age_days=180, unused_days=90, owner_without_access=report, enforce=off`."""
    parts = [
        f"max_age_days={policy.max_age_days or 'unset'}",
        f"unused_days={policy.unused_days or 'unset'}",
        f"owner_without_access={policy.owner_without_access}",
        f"enforce={'on' if policy.enforce else 'off'}",
    ]
    return ", ".join(parts)


def _row(finding: KeyFinding, policy: ApiKeyPolicy) -> tuple[Cell, ...]:
    key = finding.key
    violations = "; ".join(f"{v.rule}: {v.detail}" for v in finding.violations) or "none"
    return (
        finding.project,
        key.id,
        key.name,
        key.redacted_value,
        key.owner_kind,
        key.owner,
        "active" if key.active else "left the project",
        day(key.created_at, missing="unknown"),
        day(key.last_used_at, missing="never"),
        "unknown" if finding.age_days is None else finding.age_days,
        violations,
        finding.remedy(policy) or "none",
        _exemption(finding),
    )


def _exemption(finding: KeyFinding) -> str:
    if finding.exemption is not None:
        return f"until {finding.exemption.until}: {finding.exemption.reason}"
    if finding.lapsed is not None:
        return f"lapsed after {finding.lapsed.until}: {finding.lapsed.reason}"
    return "none"
