"""The registry apply dispatches on: one write handler per kind, and the batched kinds.

Each handler lives in its kind's module, next to that kind's reads. Adding a kind means adding
its handler here; apply itself stays generic.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Kind
from reconciler.kinds.certificates import (
    MAX_PER_TOGGLE,
    activation_group,
    apply_activations,
    apply_certificate,
)
from reconciler.kinds.invites import apply_invite
from reconciler.kinds.project_users import apply_project_user
from reconciler.kinds.projects import apply_project
from reconciler.kinds.rate_limits import apply_rate_limit
from reconciler.kinds.service_accounts import apply_service_account
from reconciler.kinds.users import apply_user
from reconciler.write.context import BatchHandler, Handler

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
