"""The one list of kinds the pure core knows, in dependency order, and lookups by kind.

Order matters twice: diff steps run in this order (a step may read what an earlier one left
in the context: projects first, then users before their members), and within one dependency
depth a plan lists changes by it. A kind of object is added by writing its module in this
package and adding its `KindInfo` to `_KINDS` (or, for a plug-in outside the package, by
calling `register`).
"""

from __future__ import annotations

from reconciler.core.change import Kind
from reconciler.core.kinds.api_keys import API_KEY
from reconciler.core.kinds.base import KindInfo
from reconciler.core.kinds.certificates import CERTIFICATE, CERTIFICATE_ACTIVATION
from reconciler.core.kinds.data_retention import DATA_RETENTION
from reconciler.core.kinds.groups import GROUP, GROUP_ROLE, GROUP_USER
from reconciler.core.kinds.hosted_tools import HOSTED_TOOL
from reconciler.core.kinds.model_permissions import MODEL_PERMISSION
from reconciler.core.kinds.project_groups import PROJECT_GROUP
from reconciler.core.kinds.project_users import PROJECT_USER
from reconciler.core.kinds.projects import PROJECT
from reconciler.core.kinds.rate_limits import RATE_LIMIT
from reconciler.core.kinds.roles import ROLE, ROLE_USER
from reconciler.core.kinds.service_account_keys import SERVICE_ACCOUNT_KEY
from reconciler.core.kinds.service_accounts import SERVICE_ACCOUNT
from reconciler.core.kinds.spend_alerts import SPEND_ALERT
from reconciler.core.kinds.spend_limits import SPEND_LIMIT
from reconciler.core.kinds.users import INVITE, USER

_KINDS: list[KindInfo] = [
    PROJECT,
    CERTIFICATE,
    USER,
    INVITE,
    ROLE,
    GROUP,
    GROUP_USER,
    GROUP_ROLE,
    ROLE_USER,
    PROJECT_USER,
    PROJECT_GROUP,
    SERVICE_ACCOUNT,
    SERVICE_ACCOUNT_KEY,
    RATE_LIMIT,
    MODEL_PERMISSION,
    HOSTED_TOOL,
    CERTIFICATE_ACTIVATION,
    SPEND_LIMIT,
    SPEND_ALERT,
    DATA_RETENTION,
    API_KEY,
]
_BY_KIND: dict[Kind, KindInfo] = {known.kind: known for known in _KINDS}


def register(info: KindInfo) -> None:
    """Add a kind after the registered ones (its diff step runs last; it sorts last)."""
    if info.kind in _BY_KIND:
        raise ValueError(f"kind {info.kind.value!r} is registered already")
    _KINDS.append(info)
    _BY_KIND[info.kind] = info


def unregister(kind: Kind) -> None:
    """Remove a kind added by `register` (tests that plug in a kind clean up with it)."""
    _KINDS[:] = [known for known in _KINDS if known.kind is not kind]
    _BY_KIND.pop(kind, None)


def kinds() -> tuple[KindInfo, ...]:
    """Every registered kind, in dependency order."""
    return tuple(_KINDS)


def info(kind: Kind) -> KindInfo:
    """What the core knows about `kind` (KeyError for a kind nobody registered)."""
    return _BY_KIND[kind]


def rank(kind: Kind) -> int:
    """The kind's place in dependency order (plans list kinds in this order)."""
    for i, known in enumerate(_KINDS):
        if known.kind is kind:
            return i
    raise KeyError(kind.value)


def project_of(kind: Kind, key: tuple[str, ...]) -> str | None:
    """The project an object belongs to, or None for organization-level objects."""
    return info(kind).project_of(key)


def noun(kind: Kind) -> str:
    """What people call an object of this kind ("service account")."""
    return info(kind).noun


def label(kind: Kind, key: tuple[str, ...], *, short: bool = False) -> str:
    """A person's name for an object: `member eve@example.com of search-prod`.

    `short` is the name inside a group of lines: the noun and the key's last part.
    """
    return info(kind).label(key, short=short)
