"""The Admin API client: auth, one request path, pagination, pacing, retries and errors.

The client's names are loaded on first use (PEP 562), so that `reconciler.api.protocols` and
`reconciler.api.parsing`, which the pure layers may use, do not pull httpx in with them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reconciler.api.client import DEFAULT_BASE_URL, PAGE_LIMIT, AdminClient
    from reconciler.api.pacing import Pacing, endpoint_family, endpoint_template
    from reconciler.api.stats import RequestStats

_WHERE = {
    "DEFAULT_BASE_URL": "reconciler.api.client",
    "PAGE_LIMIT": "reconciler.api.client",
    "AdminClient": "reconciler.api.client",
    "Pacing": "reconciler.api.pacing",
    "endpoint_family": "reconciler.api.pacing",
    "endpoint_template": "reconciler.api.pacing",
    "RequestStats": "reconciler.api.stats",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "PAGE_LIMIT",
    "AdminClient",
    "Pacing",
    "RequestStats",
    "endpoint_family",
    "endpoint_template",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines `name` when it is first asked for."""
    if name not in _WHERE:
        raise AttributeError(f"module 'reconciler.api' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
