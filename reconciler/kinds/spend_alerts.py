"""Spend alerts: list a scope's alerts, create, update (all four fields, as the API requires)
and delete one, at `/organization/spend_alerts` and `/organization/projects/{id}/spend_alerts`.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.api.parsing import optional_int, optional_text, text
from reconciler.api.protocols import JSON, Reader
from reconciler.core.change import Action, Change
from reconciler.core.kinds.spend_alerts import SPEND_ALERT
from reconciler.core.model import SpendAlert, normalize_email
from reconciler.errors import ReconcilerError
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import send_write, unsupported


def spend_alerts_path(project_id: str | None) -> str:
    """The URL path of the organization's alerts (None) or a project's."""
    if project_id is None:
        return "/organization/spend_alerts"
    return f"/organization/projects/{project_id}/spend_alerts"


def parse_spend_alert(item: JSON) -> tuple[SpendAlert, str]:
    """A listed alert and its id (recipients lower-cased and sorted)."""
    ident = text(item, "id", what="a spend alert")
    channel = item.get("notification_channel")
    channel = channel if isinstance(channel, dict) else {}
    recipients = channel.get("recipients")
    emails = [normalize_email(r) for r in recipients or [] if isinstance(r, str)]
    alert = SpendAlert(
        cents=optional_int(item, "threshold_amount") or 0,
        recipients=tuple(sorted(set(emails))),
        subject_prefix=optional_text(channel, "subject_prefix"),
    )
    return alert, ident


async def read_spend_alerts(
    client: Reader, project_id: str | None
) -> dict[int, tuple[SpendAlert, str]]:
    """Every alert of a scope by threshold in cents, with its id (of alerts sharing a
    threshold, the first listed, with `copies` saying how many there are)."""
    found: dict[int, tuple[SpendAlert, str]] = {}
    for cents, listed in (await _by_threshold(client, project_id)).items():
        alert, ident = listed[0]
        found[cents] = (replace(alert, copies=len(listed)), ident)
    return found


async def _by_threshold(
    client: Reader, project_id: str | None
) -> dict[int, list[tuple[SpendAlert, str]]]:
    """Every alert of a scope with its id, grouped by threshold in cents, as listed."""
    items = await client.list_all(spend_alerts_path(project_id), params={"limit": 100})
    found: dict[int, list[tuple[SpendAlert, str]]] = {}
    for item in items:
        alert, ident = parse_spend_alert(item)
        found.setdefault(alert.cents, []).append((alert, ident))
    return found


def _body(change: Change) -> JSON:
    values = change.after or {}
    channel: JSON = {"type": "email", "recipients": list(values["recipients"])}
    if values.get("subject_prefix") is not None:
        channel["subject_prefix"] = values["subject_prefix"]
    return {
        "threshold_amount": int(values["cents"]),
        "currency": "USD",
        "interval": "month",
        "notification_channel": channel,
    }


async def apply_spend_alert(change: Change, ctx: ApplyContext) -> str | None:
    """Create, update or delete one alert."""
    scope = change.key[0]
    project_id = ctx.project_id(scope) if scope else None
    base = spend_alerts_path(project_id)
    cents = int((change.after or change.before or {})["cents"])
    what = f"spend alert {change.key[1]} of {scope or 'the organization'}"

    async def current() -> tuple[SpendAlert, str] | None:
        return (await read_spend_alerts(ctx.client, project_id)).get(cents)

    if change.action is Action.CREATE:
        body = _body(change)

        async def created() -> JSON | None:
            found = await current()
            return {"id": found[1]} if found is not None else None

        await send_write(lambda: ctx.client.post(base, json=body), settled=created, what=what)
        return None
    ident = ctx.live.ids.spend_alerts.get((scope, cents))
    if ident is None:
        found = await current()
        if found is None and change.action is Action.DELETE:
            return None
        if found is None:
            raise ReconcilerError(f"{what}: no such alert")
        ident = found[1]
    path = f"{base}/{ident}"
    if change.action is Action.DELETE:

        async def gone() -> JSON | None:
            return {} if await current() is None else None

        await send_write(lambda: ctx.client.delete(path), settled=gone, what=what, delete=True)
        await _drop_copies(ctx, change, project_id, keep=None)
        return None
    if change.action is not Action.UPDATE:
        raise unsupported(change)
    body = _body(change)

    async def updated() -> JSON | None:
        """Settled when the alert reads back as wanted: recipients and subject prefix."""
        found = await current()
        channel = body["notification_channel"]
        wanted = (tuple(channel["recipients"]), channel.get("subject_prefix"))
        held = None if found is None else (found[0].recipients, found[0].subject_prefix)
        return {"id": ident} if held == wanted else None

    await send_write(lambda: ctx.client.post(path, json=body), settled=updated, what=what)
    await _drop_copies(ctx, change, project_id, keep=ident)
    return None


async def _drop_copies(
    ctx: ApplyContext, change: Change, project_id: str | None, *, keep: str | None
) -> None:
    """Delete the other alerts at the change's threshold when the plan saw several there (an
    update keeps `keep`; a delete keeps none), so one alert, or none, is left."""
    if int((change.before or {}).get("copies", 1)) < 2:
        return
    cents = int((change.before or {})["cents"])
    listed = (await _by_threshold(ctx.client, project_id)).get(cents, [])
    what = f"spend alert {change.key[1]} of {change.key[0] or 'the organization'} (a copy)"
    for _, ident in listed:
        if ident != keep:
            await _delete_copy(ctx, project_id, ident, cents=cents, what=what)


async def _delete_copy(
    ctx: ApplyContext, project_id: str | None, ident: str, *, cents: int, what: str
) -> None:
    """Delete one alert by id; settled once no alert at the threshold has that id."""

    async def gone() -> JSON | None:
        listed = (await _by_threshold(ctx.client, project_id)).get(cents, [])
        return {} if all(other != ident for _, other in listed) else None

    path = f"{spend_alerts_path(project_id)}/{ident}"
    await send_write(lambda: ctx.client.delete(path), settled=gone, what=what, delete=True)


SPEC = KindSpec(SPEND_ALERT, write=apply_spend_alert)
