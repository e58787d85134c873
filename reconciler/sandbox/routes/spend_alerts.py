"""Spend alerts of the organization and of each project: list, create, get, update, delete.

Create and update take the same body with all four fields required: `threshold_amount`
(integer cents, at least 0), `currency` `USD`, `interval` `month`, and `notification_channel`
`{type: email, recipients: [...], subject_prefix?}`. Lists page as the spec's style A (default
20, at most 100, oldest first). An unknown alert id is a 404. The audit log has no event type
for spend alerts, so changes to them are not logged.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.context import Context
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request, not_found

ORG = "/organization/spend_alerts"
PROJECT = "/organization/projects/{project_id}/spend_alerts"


def _scope(ctx: Context, *, write: bool = False) -> tuple[dict[str, JSON], str]:
    """(the scope's alerts by id, object prefix `organization` or `project`)."""
    project_id = ctx.params.get("project_id")
    if project_id is None:
        key, prefix = "", "organization"
    else:
        project = ctx.state.active_project(project_id) if write else ctx.state.project(project_id)
        key, prefix = str(project["id"]), "project"
    return ctx.state.spend_alerts.setdefault(key, {}), prefix


def render(prefix: str, alert: JSON) -> JSON:
    """A spend alert as the API returns it."""
    return {"object": f"{prefix}.spend_alert", **alert}


def _alert(ctx: Context, alerts: dict[str, JSON]) -> JSON:
    found = alerts.get(ctx.params["alert_id"])
    if found is None:
        raise not_found("spend alert", ctx.params["alert_id"])
    return found


def _fields(ctx: Context) -> JSON:
    """The validated body of a create or update."""
    body = ctx.body()
    amount = body.get("threshold_amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        message = "'threshold_amount' must be an integer of at least 0 (cents)."
        raise bad_request(message, param="threshold_amount")
    for name, allowed in (("currency", "USD"), ("interval", "month")):
        if body.get(name) != allowed:
            raise bad_request(f"'{name}' must be '{allowed}'.", param=name)
    channel: Any = body.get("notification_channel")
    if not isinstance(channel, dict) or channel.get("type") != "email":
        message = "'notification_channel' must be an object with type 'email'."
        raise bad_request(message, param="notification_channel")
    recipients = channel.get("recipients")
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        message = "'notification_channel.recipients' must be a list of email addresses."
        raise bad_request(message, param="notification_channel.recipients")
    prefix = channel.get("subject_prefix")
    if prefix is not None and not isinstance(prefix, str):
        message = "'notification_channel.subject_prefix' must be a string."
        raise bad_request(message, param="notification_channel.subject_prefix")
    return {
        "threshold_amount": amount,
        "currency": "USD",
        "interval": "month",
        "notification_channel": {
            "type": "email",
            "recipients": list(recipients),
            "subject_prefix": prefix,
        },
    }


def list_alerts(ctx: Context) -> JSON:
    """GET .../spend_alerts (default page size 20, oldest first)."""
    alerts, prefix = _scope(ctx)
    rendered = [render(prefix, a) for a in alerts.values()]
    return page(ctx, rendered, default_limit=20, descending=ctx.query_one("order") == "desc")


def create_alert(ctx: Context) -> JSON:
    """POST .../spend_alerts."""
    alerts, prefix = _scope(ctx, write=True)
    fields = _fields(ctx)
    alert_id = ctx.state.new_id("alert_")
    alerts[alert_id] = {"id": alert_id, **fields}
    return render(prefix, alerts[alert_id])


def get_alert(ctx: Context) -> JSON:
    """GET .../spend_alerts/{alert_id}."""
    alerts, prefix = _scope(ctx)
    return render(prefix, _alert(ctx, alerts))


def update_alert(ctx: Context) -> JSON:
    """POST .../spend_alerts/{alert_id} (the whole body, as on create)."""
    alerts, prefix = _scope(ctx, write=True)
    alert = _alert(ctx, alerts)
    alert.update(_fields(ctx))
    return render(prefix, alert)


def delete_alert(ctx: Context) -> JSON:
    """DELETE .../spend_alerts/{alert_id}."""
    alerts, prefix = _scope(ctx, write=True)
    alert = _alert(ctx, alerts)
    del alerts[alert["id"]]
    return {"id": alert["id"], "object": f"{prefix}.spend_alert.deleted", "deleted": True}


ROUTES: list[RouteSpec] = [
    (method, base + tail, handler)
    for base in (ORG, PROJECT)
    for method, tail, handler in (
        ("GET", "", list_alerts),
        ("POST", "", create_alert),
        ("GET", "/{alert_id}", get_alert),
        ("POST", "/{alert_id}", update_alert),
        ("DELETE", "/{alert_id}", delete_alert),
    )
]
