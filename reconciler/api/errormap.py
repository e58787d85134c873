"""Translating HTTP failures into the reconciler error tree, in exactly one place.

Statuses map as the Python SDK maps them: 401/403 → AuthError, 404 → NotFoundError,
400/409/422 → BadRequestError (with the API's own message), 429 → ThrottledError,
5xx → ServerError, anything else unexpected → ProtocolError. 501 Not Implemented and 505 are
permanent refusals, not outages: BadRequestError, so that nobody retries or re-sends them.
httpx transport failures become TransportError. Every message names the operation
("GET /organization/users") and is scrubbed of the admin key.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from reconciler.api.redact import redact
from reconciler.errors import (
    ApiError,
    AuthError,
    BadRequestError,
    NotFoundError,
    ProtocolError,
    ServerError,
    ThrottledError,
    TransportError,
)

_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: BadRequestError,
    422: BadRequestError,
    429: ThrottledError,
    501: BadRequestError,
    505: BadRequestError,
}

# Server statuses that say the request can never succeed as sent: never retried.
PERMANENT = frozenset({501, 505})


def error_class(status: int) -> type[ApiError]:
    """The error type for an HTTP status that is not a success."""
    if status >= 500 and status not in PERMANENT:
        return ServerError
    return _BY_STATUS.get(status, ProtocolError)


def _error_body(response: httpx.Response) -> dict[str, Any]:
    """The inner `error` object of an API error body, or {} when there is none."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    inner = body.get("error") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def api_error(response: httpx.Response, *, operation: str, secret: str, hint: str = "") -> ApiError:
    """The typed error for a non-success response (the API's message when it gave one, then
    `hint`, what to check)."""
    inner = _error_body(response)
    message = _text(inner.get("message")) or response.reason_phrase or "request failed"
    if response.status_code in (401, 403) and not _text(inner.get("message")):
        message = "the admin key was refused (check OPENAI_ADMIN_KEY)"
    if hint:
        message = f"{message} ({hint})"
    return error_class(response.status_code)(
        redact(message, secret),
        operation=operation,
        status=response.status_code,
        error_type=_text(inner.get("type")),
        code=_text(inner.get("code")),
        param=_text(inner.get("param")),
    )


def transport_error(exc: httpx.TransportError, *, operation: str, secret: str) -> TransportError:
    """A transport failure (timeout, refused or dropped connection): the outcome is unknown."""
    detail = redact(str(exc) or type(exc).__name__, secret)
    return TransportError(f"{type(exc).__name__}: {detail}", operation=operation)


def protocol_error(message: str, *, operation: str, status: int | None = None) -> ProtocolError:
    """A response that breaks the API's contract."""
    return ProtocolError(message, operation=operation, status=status)


def decode_object(response: httpx.Response, *, operation: str) -> dict[str, Any]:
    """The JSON object body of a success response, or ProtocolError."""
    try:
        body = json.loads(response.content)
    except ValueError:
        raise protocol_error(
            "the response is not JSON", operation=operation, status=response.status_code
        ) from None
    if not isinstance(body, dict):
        raise protocol_error(
            "the response is not a JSON object", operation=operation, status=response.status_code
        )
    return body
