"""The simulator's endpoints, one module per resource family; each exports `ROUTES`."""

from __future__ import annotations

from collections.abc import Callable

from reconciler.sandbox.context import Context
from reconciler.sandbox.wire import JSON

RouteHandler = Callable[[Context], JSON]
RouteSpec = tuple[str, str, RouteHandler]
