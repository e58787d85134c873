"""The upload itself sends the certificate block alone: a plan built (or edited) in process so
that its PEM holds a private key, or text around the certificate, never gets either to the API."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import httpx

from reconciler.config import config_from_dict
from reconciler.core.change import Kind
from reconciler.core.plan import Plan, make_plan
from reconciler.sandbox import Sandbox
from reconciler.write.apply import apply_plan
from reconciler.write.report import ApplyReport, Outcome
from reconciler.write.secrets import NoSink
from tests.support import key_material, key_pem, make_pem, sandbox_client
from tests.support.apply import fast_box, live_on

CERT = make_pem("fresh.example.com", days=3650)


class Recording(httpx.AsyncBaseTransport):
    """Passes requests to the sandbox and keeps every request body."""

    def __init__(self, box: Sandbox) -> None:
        self.inner = box.transport()
        self.bodies: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Record, then forward."""
        self.bodies.append((await request.aread()).decode())
        return await self.inner.handle_async_request(request)


def _apply_with_pem(pem: str) -> tuple[Sandbox, Recording, ApplyReport]:
    """Plan the upload of CERT, put `pem` in the change in its place, and apply that."""
    box = fast_box()
    config = {"version": 1, "certificates": [{"name": "fresh", "pem": CERT}]}
    desired = config_from_dict(config, base_dir=Path(".")).desired

    async def run() -> tuple[Recording, ApplyReport]:
        live = await live_on(box, desired)
        plan = make_plan(desired, live, config_digest="")
        changes = tuple(
            replace(c, after={**(c.after or {}), "pem": pem}) if c.kind is Kind.CERTIFICATE else c
            for c in plan.changes
        )
        edited: Plan = replace(plan, changes=changes)
        recording = Recording(box)
        async with sandbox_client(box, transport=recording) as client:
            report = await apply_plan(edited, client=client, live=live, sink=NoSink())
        return recording, report

    recording, report = asyncio.run(run())
    return box, recording, report


def test_an_edited_plan_with_a_key_uploads_nothing() -> None:
    """A plan whose PEM holds a key beside the certificate fails that change, with no upload
    and no key in the message or any request."""
    key = key_pem("EC PRIVATE KEY")
    box, recording, report = _apply_with_pem(CERT + key)
    [result] = [r for r in report.results if r.change.kind is Kind.CERTIFICATE]
    assert result.outcome is Outcome.FAILED
    assert "keep only the CERTIFICATE block" in result.message
    assert all(c["name"] != "fresh" for c in box.state.certificates.values())
    for part in key_material(key):
        assert part not in result.message
        assert not any(part in body for body in recording.bodies)


def test_text_around_the_certificate_is_not_uploaded() -> None:
    """A plan whose PEM has text around the certificate uploads the certificate block alone."""
    box, recording, report = _apply_with_pem("Bag Attributes\r\n" + CERT + "left over\n")
    assert report.ok, report
    uploads = [json.loads(b) for b in recording.bodies if '"certificate"' in b]
    assert uploads == [{"certificate": CERT, "name": "fresh"}]
    [stored] = [c for c in box.state.certificates.values() if c["name"] == "fresh"]
    assert stored["content"] == CERT
