"""Audit logs (read only): list with the spec's filters, newest first.

The spec states no order, but its example lists `effective_at` 1722461446 before 1720804190, and
the real service pages backwards in time: `after` gives older entries, `before` newer ones.
Entries made in the same second list the later one first. `resource_ids[]` matches an entry's
`details.id`, a certificate's in it, and a role assignment's `principal_id` ([inferred]: the
spec's "events performed on these targets"; a role assignment's target is its principal).
"""

from __future__ import annotations

from reconciler.sandbox.context import Context
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request

_COMPARISONS = {
    "gt": lambda value, bound: value > bound,
    "gte": lambda value, bound: value >= bound,
    "lt": lambda value, bound: value < bound,
    "lte": lambda value, bound: value <= bound,
}


def list_audit_logs(ctx: Context) -> JSON:
    """GET /organization/audit_logs."""
    bounds = _time_bounds(ctx)
    filters = {
        "project": set(ctx.query_list("project_ids")),
        "type": set(ctx.query_list("event_types")),
        "actor": set(ctx.query_list("actor_ids")),
        "email": {e.lower() for e in ctx.query_list("actor_emails")},
        "resource": set(ctx.query_list("resource_ids")),
    }
    entries = [
        e
        for e in ctx.state.audit_logs
        if all(_COMPARISONS[op](e["effective_at"], b) for op, b in bounds) and _matches(e, filters)
    ]
    oldest_first = sorted(entries, key=lambda e: int(e["effective_at"]))  # stable: made order
    return page(ctx, oldest_first, descending=True)


def _time_bounds(ctx: Context) -> list[tuple[str, int]]:
    bounds = []
    for op in _COMPARISONS:
        name = f"effective_at[{op}]"
        raw = ctx.query_one(name)
        if raw is None:
            continue
        try:
            bounds.append((op, int(raw)))
        except ValueError as exc:
            raise bad_request(f"'{name}' must be a Unix timestamp.", param=name) from exc
    return bounds


def _matches(entry: JSON, filters: dict[str, set[str]]) -> bool:
    actor_ids, actor_emails = _actor_keys(entry)
    details = entry.get(entry["type"], {})
    resources = {details.get("id"), details.get("principal_id")}
    resources |= {c["id"] for c in details.get("certificates", [])}
    checks = (
        ("project", {entry.get("project", {}).get("id")}),
        ("type", {entry["type"]}),
        ("actor", actor_ids),
        ("email", actor_emails),
        ("resource", resources),
    )
    return all(not filters[name] or filters[name] & found for name, found in checks)


def _actor_keys(entry: JSON) -> tuple[set[str | None], set[str | None]]:
    actor = entry.get("actor") or {}
    holder = actor.get("session") or actor.get("api_key") or {}
    user = holder.get("user") or {}
    ids = {user.get("id"), holder.get("id")}
    email = user.get("email")
    return ids, {email.lower() if email else None}


ROUTES: list[RouteSpec] = [("GET", "/organization/audit_logs", list_audit_logs)]
