"""`report keys`: every project API key, whose it is, how old, when last used, what it violates.

    found = await read_principals(client, memberships=False)     (read/principals.py, I/O)
    report = keys_report(found, policy, now=now, source=...)     (pure, here)

One row per key of every active project, in its redacted form only (the API lists nothing
else). The policy is `settings.api_keys` of the config, judged by core/key_policy.py; without
a config only `owner_without_access` (always checked) can be violated. A key of a service
account whose config entry has `key:` (a rotation policy) shows where it stands in the rotation
(`rotation`: current, due, overlapping, retire, never delivered; core/rotation.py) and the
account's `next_rotation` day; every other key shows `none` in both.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.key_policy import KeyFinding, evaluate, unmatched_exemptions
from reconciler.core.model import ApiKeyPolicy, KeyRotation
from reconciler.core.pending import rotating_of
from reconciler.core.report_table import Cell, Report
from reconciler.core.rotation import RotationState, key_step, project_states
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
    "rotation",
    "next_rotation",
)
NOT_KNOWN = (
    "what each key may do (its permissions): the Admin API does not list them",
    "where a key was used from: only when it was last used",
)


def keys_report(
    found: Principals,
    policy: ApiKeyPolicy,
    *,
    source: Source,
    rotations: Mapping[tuple[str, str], KeyRotation] | None = None,
) -> Report:
    """The keys report: one row per key; `findings` counted in the facts; `rotations` are the
    config's key rotation policies, by (project, service account)."""
    keys = {p.name: p.keys for p in found.projects}
    findings = evaluate(keys, policy, now=source.now)
    states = {
        (name, account): state
        for name, listed in keys.items()
        for account, state in project_states(name, listed, rotations or {}, now=source.now).items()
    }
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
        rows=tuple(_row(f, policy, _state(f, states)) for f in findings),
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


def _state(
    finding: KeyFinding, states: Mapping[tuple[str, str], RotationState]
) -> RotationState | None:
    """The rotation state of the account owning the finding's key (None: not rotated)."""
    if finding.key.owner_kind != "service_account":
        return None
    return states.get((finding.project, rotating_of(finding.key.owner)[0]))


def _row(
    finding: KeyFinding, policy: ApiKeyPolicy, state: RotationState | None
) -> tuple[Cell, ...]:
    key = finding.key
    rotation = ("none", "none")
    if state is not None:
        when = "now" if state.rotate else day(state.next_rotation, missing="now")
        rotation = (key_step(state, key), when)
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
        *rotation,
    )


def _exemption(finding: KeyFinding) -> str:
    if finding.exemption is not None:
        return f"until {finding.exemption.until}: {finding.exemption.reason}"
    if finding.lapsed is not None:
        return f"lapsed after {finding.lapsed.until}: {finding.lapsed.reason}"
    return "none"
