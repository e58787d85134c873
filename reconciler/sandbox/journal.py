"""Journal entries: a change as one JSON line, and its replay on another process's state.

A change is recorded as the request that made it (method, path, query, body), who made it, when,
and the redacted forms of the keys it issued. Given those the app is deterministic (ids come
from the state's sequence), so replaying the entries in order on the snapshot they extend
rebuilds the same state. An invite accepted out of band (`sandbox accept-invite`) is an entry of
its own. No entry holds a key value: not the admin key (the actor is recorded, not the header),
not a service account's key (only its redacted form).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from reconciler.errors import SandboxError
from reconciler.sandbox import app
from reconciler.sandbox.context import Actor, Context
from reconciler.sandbox.routes import invites
from reconciler.sandbox.seed import display_name
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import JSON, Request


def request_entry(request: Request, *, actor: Actor, now: int, issued: list[str]) -> JSON:
    """The journal entry of a request that changed the state."""
    return {
        "op": "request",
        "method": request.method,
        "path": request.path,
        "query": [list(pair) for pair in request.query],
        "body": request.body.decode("utf-8", "surrogateescape"),
        "actor": asdict(actor),
        "now": now,
        "issued": issued,
    }


def accept_entry(email: str, *, now: int) -> JSON:
    """The journal entry of an invite accepted by its invitee."""
    return {"op": "accept_invite", "email": email, "now": now}


def accept_invite(state: State, email: str, *, now: int) -> None:
    """Accept the pending invite for `email`, as the invitee would (SandboxError if none)."""
    actor = Actor(kind="session", user_id="", email=email)
    ctx = Context(state=state, actor=actor, now=now, request=Request("POST", "/"))
    invite = invites.pending_invite(ctx, email)
    if invite is None:
        raise SandboxError(f"no pending invite for {email}")
    invites.accept(ctx, invite, name=display_name(email))


def replay(state: State, entry: dict[str, Any]) -> None:
    """Apply one journal entry to `state` (SandboxError if it does not apply as it did)."""
    try:
        if entry["op"] == "accept_invite":
            accept_invite(state, entry["email"], now=int(entry["now"]))
            return
        request = Request(
            method=entry["method"],
            path=entry["path"],
            query=tuple((str(k), str(v)) for k, v in entry["query"]),
            body=entry["body"].encode("utf-8", "surrogateescape"),
        )
        actor = Actor(**entry["actor"])
        issued = list(entry["issued"])
        now = int(entry["now"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SandboxError(f"a journal entry is malformed ({type(exc).__name__}: {exc})") from None
    response = app.handle(state, request, now=now, actor=actor, issued=issued, replaying=True)
    if response.status != 200:
        raise SandboxError(
            f"the journaled {request.method} {request.path} no longer applies "
            f"(status {response.status})"
        )
