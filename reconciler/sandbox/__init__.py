"""A faithful, stateful simulator of the OpenAI Admin API (tests, demo, rehearsals).

    sandbox = Sandbox.demo()
    client = httpx.Client(transport=sandbox.transport(), base_url="https://api.openai.com/v1",
                          headers={"Authorization": f"Bearer {sandbox.admin_key}"})

See `sandbox.py` for the class, `faults.py` for fault injection, `routes/` for the endpoints
and the rules they enforce, `seed.py` for the seed format.
"""

from __future__ import annotations

from reconciler.errors import SandboxError
from reconciler.sandbox.dashboard import DashboardSession
from reconciler.sandbox.faults import READS, WRITES, Fault, FaultConfig
from reconciler.sandbox.requestlog import RequestLog
from reconciler.sandbox.sandbox import Delivery, Sandbox
from reconciler.sandbox.transport import SandboxTransport

__all__ = [
    "READS",
    "WRITES",
    "DashboardSession",
    "Delivery",
    "Fault",
    "FaultConfig",
    "RequestLog",
    "Sandbox",
    "SandboxError",
    "SandboxTransport",
]
