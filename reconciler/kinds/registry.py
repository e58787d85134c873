"""The one list of kinds apply dispatches on, in dependency order, and lookups by kind.

`HANDLERS` and `BATCHED` are what apply performs changes with; both follow `_SPECS`. A kind of
object is added by writing its module here (and its pure half in `reconciler.core.kinds`), then
adding its `SPEC` to `_SPECS` and its `KindInfo` to `reconciler.core.kinds.registry` (a plug-in
outside the package calls `register`, which does both).
"""

from __future__ import annotations

from reconciler.core.change import Kind
from reconciler.core.kinds import registry as core_registry
from reconciler.kinds import (
    api_keys,
    certificate_activations,
    certificates,
    data_retention,
    group_roles,
    groups,
    hosted_tools,
    invites,
    model_permissions,
    project_groups,
    project_users,
    projects,
    rate_limits,
    roles,
    service_account_keys,
    service_accounts,
    spend_alerts,
    spend_limits,
    users,
)
from reconciler.kinds.spec import KindSpec
from reconciler.write.context import BatchHandler, Handler

_SPECS: list[KindSpec] = [
    projects.SPEC,
    certificates.SPEC,
    users.SPEC,
    invites.SPEC,
    roles.SPEC,
    groups.SPEC,
    groups.USER_SPEC,
    group_roles.SPEC,
    roles.USERS_SPEC,
    project_users.SPEC,
    project_groups.SPEC,
    service_accounts.SPEC,
    service_account_keys.SPEC,
    rate_limits.SPEC,
    model_permissions.SPEC,
    hosted_tools.SPEC,
    certificate_activations.SPEC,
    spend_limits.SPEC,
    spend_alerts.SPEC,
    data_retention.SPEC,
    api_keys.SPEC,
]

HANDLERS: dict[Kind, Handler] = {}
BATCHED: dict[Kind, BatchHandler] = {}


def _index(spec: KindSpec) -> None:
    if spec.write is not None:
        HANDLERS[spec.kind] = spec.write
    if spec.batch is not None:
        BATCHED[spec.kind] = spec.batch


for _spec in _SPECS:
    _index(_spec)


def register(spec: KindSpec) -> None:
    """Add a kind (both halves) after the registered ones: diff, plan, apply and drift take
    it from now on."""
    core_registry.register(spec.info)
    _SPECS.append(spec)
    _index(spec)


def unregister(kind: Kind) -> None:
    """Remove a kind added by `register` (both halves)."""
    core_registry.unregister(kind)
    _SPECS[:] = [spec for spec in _SPECS if spec.kind is not kind]
    for table in (HANDLERS, BATCHED):
        table.pop(kind, None)


def specs() -> tuple[KindSpec, ...]:
    """Every registered kind's spec, in dependency order."""
    return tuple(_SPECS)


def spec(kind: Kind) -> KindSpec:
    """The spec of `kind` (KeyError for a kind nobody registered)."""
    for known in _SPECS:
        if known.kind is kind:
            return known
    raise KeyError(kind.value)
