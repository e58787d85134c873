"""The registry apply dispatches on: one write handler per kind, and the batched kinds.

Adding a kind means adding its handler here; apply itself stays generic.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.change import Kind
from reconciler.kinds.write_context import BatchHandler, Handler
from reconciler.kinds.writes_certs import (
    MAX_PER_TOGGLE,
    activation_group,
    apply_activations,
    apply_certificate,
)
from reconciler.kinds.writes_org import apply_invite, apply_project, apply_user
from reconciler.kinds.writes_project import (
    apply_project_user,
    apply_rate_limit,
    apply_service_account,
)

HANDLERS: Mapping[Kind, Handler] = {
    Kind.PROJECT: apply_project,
    Kind.USER: apply_user,
    Kind.INVITE: apply_invite,
    Kind.PROJECT_USER: apply_project_user,
    Kind.SERVICE_ACCOUNT: apply_service_account,
    Kind.RATE_LIMIT: apply_rate_limit,
    Kind.CERTIFICATE: apply_certificate,
}

BATCHED: Mapping[Kind, BatchHandler] = {
    Kind.CERTIFICATE_ACTIVATION: BatchHandler(
        perform=apply_activations, group=activation_group, max_size=MAX_PER_TOGGLE
    ),
}
