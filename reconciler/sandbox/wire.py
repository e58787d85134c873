"""The sandbox's wire values: a request in, a response out, and the API's error shape.

The simulator is written once against these plain values; the httpx transport and the loopback
HTTP server only translate to and from them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request as the simulator sees it (path without the query string)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A header's value, matched case-insensitively."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response: status, headers and a JSON body already encoded."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, status: int, payload: JSON, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        """A JSON response with the content type set."""
        all_headers = {"content-type": "application/json", **(headers or {})}
        return cls(status=status, body=json.dumps(payload).encode(), headers=all_headers)

    def payload(self) -> JSON:
        """The decoded JSON body."""
        decoded: JSON = json.loads(self.body)
        return decoded


class ApiFailure(Exception):
    """Raised inside a handler to answer with the API's `{"error": {...}}` shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        error_type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def response(self) -> Response:
        """The error as the API would send it."""
        return error_response(
            self.status,
            self.message,
            error_type=self.error_type,
            param=self.param,
            code=self.code,
            headers=self.headers,
        )


def error_response(
    status: int,
    message: str,
    *,
    error_type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A response with the API's error body."""
    body = {"error": {"message": message, "type": error_type, "param": param, "code": code}}
    return Response.json(status, body, headers=headers)


def bad_request(message: str, *, param: str | None = None, code: str | None = None) -> ApiFailure:
    """A 400 refusal with a clear message."""
    return ApiFailure(400, message, param=param, code=code)


def not_found(what: str, ident: str) -> ApiFailure:
    """A 404 for an id that does not exist."""
    return ApiFailure(404, f"No {what} found with id '{ident}'.", code="not_found")
