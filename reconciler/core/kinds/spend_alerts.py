"""Spend alerts, of the organization and of each project: an email when spend reaches a threshold.

An alert is identified by its threshold: one per threshold per scope, so changing who is
notified (or the subject prefix) is an update, and a new threshold is a new alert. A declared
list is authoritative for its scope (`spend_alerts: []` removes them all); left out, alerts
are not managed. Live alerts that share a threshold (`copies`) are one alert to the plan: an
update leaves one of them, a delete removes them all. A key is (scope, threshold as the plan
shows it, `$1,500`), scope "" the organization; the threshold in cents travels in the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.core.change import Action, Change, FieldChange, Kind
from reconciler.core.kinds.base import DiffContext, KindInfo, field_changes
from reconciler.core.kinds.spend_limits import usd
from reconciler.core.model import SpendAlert


def diff_spend_alerts(ctx: DiffContext) -> None:
    """Create, update and delete the alerts of the organization and of every project in scope
    that declares them (a project created by this plan has none yet)."""
    _plan("", ctx.desired.org.spend_alerts, ctx.live.org.spend_alerts, ctx)
    for name, want, have in ctx.projects():
        current = have.spend_alerts if have is not None else {}
        _plan(name, want.spend_alerts, current, ctx)


def fields(alert: SpendAlert) -> dict[str, Any]:
    """What the plan shows of an alert (recipients as one comma-separated string)."""
    return {"notify": ", ".join(alert.recipients), "subject_prefix": alert.subject_prefix}


def _before(have: SpendAlert) -> dict[str, Any]:
    """A live alert as a change's `before`, with how many share its threshold when several."""
    before = {**fields(have), "cents": have.cents, "recipients": list(have.recipients)}
    return before | ({"copies": have.copies} if have.copies > 1 else {})


def _plan(
    scope: str,
    wanted: Mapping[int, SpendAlert] | None,
    existing: Mapping[int, SpendAlert] | None,
    ctx: DiffContext,
) -> None:
    if wanted is None or existing is None:
        return
    for cents, alert in sorted(wanted.items()):
        key = (scope, usd(cents))
        after = {**fields(alert), "cents": cents, "recipients": list(alert.recipients)}
        have = existing.get(cents)
        if have is None:
            ctx.out.change(Change(Kind.SPEND_ALERT, Action.CREATE, key, after=after))
        elif have != alert:
            before = _before(have)
            changed = field_changes(fields(have), fields(alert))
            if have.copies != alert.copies:  # the update leaves one alert at the threshold
                changed += (FieldChange("copies", have.copies, alert.copies),)
            ctx.out.change(
                Change(
                    Kind.SPEND_ALERT, Action.UPDATE, key, before=before, after=after,
                    fields=changed,
                )
            )  # fmt: skip
    for cents, have in sorted(existing.items()):
        if cents not in wanted:
            before = _before(have)
            reason = "not in the config; a declared spend_alerts list is authoritative"
            key = (scope, usd(cents))
            ctx.out.change(
                Change(Kind.SPEND_ALERT, Action.DELETE, key, before=before, reason=reason)
            )


def _detail(change: Change) -> str:
    """`notify finance@example.com`: who an alert created or deleted emails."""
    values = change.after if change.action is Action.CREATE else change.before
    return f"notify {(values or {}).get('notify', '')}" if values else ""


SPEND_ALERT = KindInfo(
    kind=Kind.SPEND_ALERT,
    noun="spend alert at",
    key=("scope", "threshold"),
    scope="either",
    diff=diff_spend_alerts,
    within="for",
    audit_events=(),  # the audit log has no spend-alert event type
    audit_id=lambda key, ids: None,
    detail=_detail,
)
