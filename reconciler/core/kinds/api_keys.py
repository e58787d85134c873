"""Project API keys under `settings.api_keys`: the key policy, acted on by plan and apply.

Keys are read (and this step runs) only when the file has `settings.api_keys`, in the
declared projects that exist and are active. Each key is judged by core/key_policy.py:

- without `enforce`, a violating key is a warning finding (plan and drift say it, nothing
  changes);
- with `enforce`, a key to revoke is a DELETE (key: project, key id), which counts for
  `max_deletes`; a key only reported (a service account's, or an owner without access under
  `owner_without_access: report`) stays a warning;
- an exemption that lapsed is an info finding on its key, whatever the key's state.

A delete's `before` is what the plan shows of the key: name, redacted value (never the key
itself, which the API does not list), owner, age and idle days, and why it goes.
"""

from __future__ import annotations

from reconciler.core.change import Action, Change, Kind, Severity
from reconciler.core.key_policy import KeyFinding, evaluate, to_revoke
from reconciler.core.kinds.base import DiffContext, KindInfo
from reconciler.core.model import Organization


def diff_api_keys(ctx: DiffContext) -> None:
    """Judge the keys of every project in scope that were read (see the module docstring)."""
    policy = ctx.desired.settings.api_keys
    if not policy.declared or ctx.live.read_at is None:
        return
    keys = {
        name: tuple(have.api_keys.values())
        for name, _, have in ctx.projects()
        if have is not None and have.api_keys is not None
    }
    findings = evaluate(keys, policy, now=ctx.live.read_at)
    revoked = {(f.project, f.key.id) for f in to_revoke(findings, policy)}
    for found in findings:
        key = (found.project, found.key.id)
        if found.lapsed is not None:
            ctx.out.finding(
                Severity.INFO, Kind.API_KEY, key,
                f"{_name(found)}: exemption lapsed on {found.lapsed.until} "
                f"({found.lapsed.reason}); the policy applies to it again",
            )  # fmt: skip
        if key in revoked:
            ctx.out.change(
                Change(Kind.API_KEY, Action.DELETE, key, before=_shown(found), reason=_why(found))
            )
        elif found.violating:
            remedy = found.remedy(policy)
            action = "not enforced" if remedy == "revoke" else "report only"
            ctx.out.finding(
                Severity.WARNING, Kind.API_KEY, key,
                f"{_name(found)} violates the key policy: {_why(found)} ({action})",
            )  # fmt: skip


def _name(found: KeyFinding) -> str:
    k = found.key
    return f"{k.name} ({k.redacted_value}) of {k.owner}"


def _why(found: KeyFinding) -> str:
    return "; ".join(v.detail for v in found.violations)


def _shown(found: KeyFinding) -> dict[str, object]:
    k = found.key
    return {
        "name": k.name,
        "redacted_value": k.redacted_value,
        "owner_kind": k.owner_kind,
        "owner": k.owner,
        "created_at": k.created_at,
        "last_used_at": k.last_used_at,
        "age_days": found.age_days,
        "idle_days": found.idle_days,
        "violations": [v.rule for v in found.violations],
    }


def _detail(change: Change) -> str:
    """`laptop (sk-...abcd), owner eve@example.com, 200 days old, last used 95 days ago`."""
    b = change.before or {}
    age = "age unknown" if b.get("age_days") is None else f"{b['age_days']} days old"
    if b.get("last_used_at") is None:
        used = "never used"
    else:
        used = f"last used {b.get('idle_days')} days ago"
    return f"{b.get('name')} ({b.get('redacted_value')}), owner {b.get('owner')}, {age}, {used}"


def _count(org: Organization) -> int:
    return sum(len(p.api_keys or {}) for p in org.projects.values())


API_KEY = KindInfo(
    kind=Kind.API_KEY,
    noun="API key",
    key=("project", "key_id"),
    scope="project",
    diff=diff_api_keys,
    audit_events=("api_key.deleted", "api_key.created", "api_key.updated"),
    # The natural key holds the server id, known once its project was read.
    audit_id=lambda key, ids: key[1] if key[0] in ids.projects else None,
    detail=_detail,
    unmanaged_is_drift=False,
    live_count=_count,
    within="in",
)
