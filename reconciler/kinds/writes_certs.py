"""Write side of certificates: upload, rename, delete, and batched (de)activation.

Certificates are matched by the SHA-256 fingerprint of their DER, so the read-back after an
ambiguous upload fetches the content of the candidates (same name) and compares fingerprints.
Activation changes are performed in batches of at most 10 ids per request, one scope (the
organization, or one project) and one direction per batch; the API applies a batch atomically.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.change import Action, Change, Kind
from reconciler.config.certs import CertificateParseError, parse_pem
from reconciler.errors import ReconcilerError
from reconciler.kinds.write_context import JSON, ApplyContext, WriteClient, send_write
from reconciler.kinds.writes_org import PROJECTS, gone, matches, unsupported

CERTS = "/organization/certificates"
MAX_PER_TOGGLE = 10


async def apply_certificate(change: Change, ctx: ApplyContext) -> str | None:
    """Upload, rename or delete one organization certificate."""
    name = change.key[0]
    if change.action is Action.CREATE:
        return await _upload(ctx, name, change.after or {})
    path = f"{CERTS}/{_cert_id(ctx, name, change)}"
    client = ctx.client
    if change.action is Action.UPDATE:
        body = {"name": name}
        await send_write(
            lambda: client.post(path, json=body),
            settled=lambda: matches(client, path, body),
            what=f"rename certificate {name}",
        )
        return None
    if change.action is Action.DELETE:
        await send_write(
            lambda: client.delete(path),
            settled=lambda: gone(client, path),
            what=f"delete certificate {name}",
            delete=True,
        )
        return None
    raise unsupported(change)


def _cert_id(ctx: ApplyContext, name: str, change: Change | None = None) -> str:
    found = ctx.ids.certificates.get(name)
    if found is None and change is not None and change.before:
        found = ctx.ids.certificates.get(str(change.before.get("name")))
    if found is None:
        raise ReconcilerError(f"certificate {name} has no known id (was its upload skipped?)")
    return found


async def _with_fingerprint(client: WriteClient, name: str, fingerprint: str) -> JSON | None:
    """The uploaded certificate named `name` whose content has this fingerprint, if any."""
    for item in await client.list_all(CERTS):
        if item.get("name") != name:
            continue
        full = await client.get(f"{CERTS}/{item['id']}", params={"include": ["content"]})
        content = (full.get("certificate_details") or {}).get("content")
        try:
            if isinstance(content, str) and parse_pem(content).fingerprint == fingerprint:
                return item
        except CertificateParseError:
            continue
    return None


async def _upload(ctx: ApplyContext, name: str, after: JSON) -> str:
    pem = after.get("pem")
    if not isinstance(pem, str):
        raise ReconcilerError(f"certificate {name}: the plan carries no PEM to upload")
    body = {"certificate": pem, "name": name}
    fingerprint = str(after.get("fingerprint", ""))
    made = await send_write(
        lambda: ctx.client.post(CERTS, json=body),
        settled=lambda: _with_fingerprint(ctx.client, name, fingerprint),
        what=f"upload certificate {name}",
    )
    ctx.ids.certificates[name] = str(made["id"])
    return f"id {made['id']}"


def activation_group(change: Change) -> tuple[str, ...]:
    """Activations that may share one request: same direction, same scope."""
    return (change.kind.value, change.action.value, change.key[0])


async def apply_activations(changes: Sequence[Change], ctx: ApplyContext) -> str | None:
    """Activate (CREATE) or deactivate (DELETE) up to 10 certificates in one scope, atomically."""
    first = changes[0]
    if len(changes) > MAX_PER_TOGGLE or any(
        c.kind is not Kind.CERTIFICATE_ACTIVATION or activation_group(c) != activation_group(first)
        for c in changes
    ):
        raise ReconcilerError("an activation batch must be one scope and direction, at most 10")
    if first.action not in (Action.CREATE, Action.DELETE):
        raise unsupported(first)
    active = first.action is Action.CREATE
    scope = first.key[0]
    base = f"{PROJECTS}/{ctx.project_id(scope)}/certificates" if scope else CERTS
    ids = [_cert_id(ctx, c.key[1]) for c in changes]
    body = {"certificate_ids": ids}
    path = f"{base}/{'activate' if active else 'deactivate'}"

    async def settled() -> JSON | None:
        state = {str(i.get("id")): i.get("active") for i in await ctx.client.list_all(base)}
        return {} if all(state.get(i) is active for i in ids) else None

    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=path)
    return f"{len(ids)} in one request"
