"""The simulator as one function: a `Request` in, a `Response` out, whatever carries it.

Routing matches `/v1` + a path template from the route modules; authentication checks the
bearer key against the organization's admin keys; a handler's `ApiFailure` becomes the API's
error body. An unknown path is 404 "Invalid URL"; a served path with another method is 405 with
an `Allow` header (the spec declares neither; both carry the API's error body). A trailing slash
is tolerated. The app never sleeps and never fails on purpose: faults live in `faults.py`.
"""

from __future__ import annotations

import hmac
import logging
import re
from dataclasses import dataclass

from reconciler.sandbox.context import Actor, Context
from reconciler.sandbox.routes import (
    RouteHandler,
    RouteSpec,
    api_keys,
    audit_logs,
    certificates,
    data_retention,
    groups,
    hosted_tools,
    invites,
    members,
    model_permissions,
    project_groups,
    projects,
    rate_limits,
    role_assignments,
    roles,
    service_accounts,
    spend_alerts,
    spend_limits,
    usage,
    users,
)
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import ApiFailure, Request, Response, error_response

logger = logging.getLogger(__name__)

PREFIX = "/v1"
ALL_ROUTES: list[RouteSpec] = [
    *projects.ROUTES,
    *users.ROUTES,
    *invites.ROUTES,
    *members.ROUTES,
    *service_accounts.ROUTES,
    *api_keys.ROUTES,
    *rate_limits.ROUTES,
    *model_permissions.ROUTES,
    *hosted_tools.ROUTES,
    *certificates.ROUTES,
    *audit_logs.ROUTES,
    *usage.ROUTES,
    *spend_limits.ROUTES,
    *spend_alerts.ROUTES,
    *data_retention.ROUTES,
    *groups.ROUTES,
    *roles.ROUTES,
    *role_assignments.ROUTES,
    *project_groups.ROUTES,
]


@dataclass(frozen=True, slots=True)
class Route:
    """A method and path template bound to its handler."""

    method: str
    template: str
    handler: RouteHandler
    pattern: re.Pattern[str]


def _compile(spec: RouteSpec) -> Route:
    method, template, handler = spec
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, template, handler, re.compile(f"^{regex}$"))


ROUTES: tuple[Route, ...] = tuple(_compile(spec) for spec in ALL_ROUTES)


def resolve(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route serving `method path` (path including `/v1`) and its path parameters."""
    if not path.startswith(PREFIX + "/"):
        return None
    inner = path[len(PREFIX) :].rstrip("/") or "/"
    for route in ROUTES:
        if route.method != method:
            continue
        match = route.pattern.match(inner)
        if match:
            return route, match.groupdict()
    return None


def allowed_methods(path: str) -> list[str]:
    """The methods some route serves at `path` (empty for an unknown path)."""
    if not path.startswith(PREFIX + "/"):
        return []
    inner = path[len(PREFIX) :].rstrip("/") or "/"
    methods = {route.method for route in ROUTES if route.pattern.match(inner)}
    return [m for m in ("GET", "POST", "DELETE") if m in methods]


def _unrouted(request: Request) -> ApiFailure:
    """404 for an unknown path; 405 (with `Allow`) for a served path and another method."""
    allowed = allowed_methods(request.path)
    where = f"{request.method} {request.path}"
    if not allowed:
        return ApiFailure(404, f"Invalid URL ({where})", code="unknown_url")
    return ApiFailure(
        405,
        f"Invalid method for URL ({where}): use {' or '.join(allowed)}.",
        code="method_not_allowed",
        headers={"allow": ", ".join(allowed)},
    )


def template_of(method: str, path: str) -> str:
    """The path template a request is counted under (the raw path when no route matches)."""
    found = resolve(method, path)
    return found[0].template if found else path


def authenticate(state: State, request: Request) -> Actor:
    """The actor behind the request's bearer key (401 when missing or unknown)."""
    header = request.header("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiFailure(
            401,
            "You didn't provide an API key. Provide it in the Authorization header (Bearer auth).",
            code="missing_api_key",
        )
    for key in state.admin_keys:
        if hmac.compare_digest(key["value"].encode(), token.strip().encode()):
            owner = state.users.get(key["owner_id"])
            email = owner["email"] if owner else ""
            return Actor(kind="api_key", user_id=key["owner_id"], email=email, key_id=key["id"])
    raise ApiFailure(401, "Incorrect API key provided.", code="invalid_api_key")


def actor_of(state: State, request: Request) -> Actor | None:
    """The actor behind the request's bearer key, or None when it authenticates no one."""
    try:
        return authenticate(state, request)
    except ApiFailure:
        return None


def handle(
    state: State,
    request: Request,
    *,
    now: int,
    actor: Actor | None = None,
    issued: list[str] | None = None,
    replaying: bool = False,
) -> Response:
    """Serve one request against `state` (mutating it for writes); never raises.

    `issued` collects the redacted forms of keys the request issues (the journal records them);
    with `replaying`, it holds the recorded ones to reuse (see `Context.issue`).

    An unexpected error inside a handler (a sandbox bug) is a 500 in the API's error shape; the
    fuzz tests make sure no request reaches one.
    """
    found = resolve(request.method, request.path)
    try:
        who = actor or authenticate(state, request)
        if found is None:
            raise _unrouted(request)
        route, params = found
        ctx = Context(
            state=state,
            actor=who,
            now=now,
            request=request,
            params=params,
            issued=issued if issued is not None else [],
            replaying=replaying,
        )
        return Response.json(200, route.handler(ctx))
    except ApiFailure as failure:
        logger.debug("sandbox %s %s -> %s", request.method, request.path, failure.status)
        return failure.response()
    except Exception as exc:  # a sandbox bug: answer as the API would, never raise
        logger.error("sandbox %s %s failed: %r", request.method, request.path, exc)
        logger.debug("sandbox failure", exc_info=True)
        return error_response(
            500, "The server had an error while processing your request.", error_type="server_error"
        )


__all__ = [
    "ROUTES",
    "Route",
    "actor_of",
    "allowed_methods",
    "authenticate",
    "error_response",
    "handle",
    "resolve",
    "template_of",
]
