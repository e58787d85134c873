"""Certificate activations: activate or deactivate certificates for the organization or a
project, up to 10 per request, atomically (the API's limit); apply batches them per scope and
direction. Read back by listing the scope's certificates and their activation.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.api.protocols import JSON
from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.certificates import CERTIFICATE_ACTIVATION
from reconciler.errors import ReconcilerError
from reconciler.kinds.certificates import (
    PATH,
    cert_id,
    parse_listed_certificate,
    project_certificates_path,
)
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import ApplyContext, BatchHandler
from reconciler.write.recovery import send_write, unsupported

MAX_PER_TOGGLE = 10


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
    base = project_certificates_path(ctx.project_id(scope)) if scope else PATH
    ids = [cert_id(ctx, c.key[1]) for c in changes]
    path = f"{base}/{'activate' if active else 'deactivate'}"

    async def settled() -> JSON | None:
        listed = [parse_listed_certificate(i) for i in await ctx.client.list_all(base)]
        state = {c.id: c.active for c in listed}
        return {} if all(state.get(i) is active for i in ids) else None

    body = {"certificate_ids": ids}
    await send_write(lambda: ctx.client.post(path, json=body), settled=settled, what=path)
    return f"{len(ids)} in one request"


SPEC = KindSpec(
    CERTIFICATE_ACTIVATION,
    batch=BatchHandler(perform=apply_activations, group=activation_group, max_size=MAX_PER_TOGGLE),
)
