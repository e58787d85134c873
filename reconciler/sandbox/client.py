"""A small convenience client for the sandbox: rehearsal scripts, benchmarks and tests.

It is an httpx client on the sandbox transport with the sandbox's admin key, plus lookups of
ids by natural key straight from the sandbox's state.
"""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.errors import SandboxError
from reconciler.sandbox.sandbox import Sandbox

BASE_URL = "https://api.openai.com/v1"


class SandboxClient:
    """`get`/`post`/`delete` return the httpx response; `project`/`user` look ids up."""

    def __init__(self, sandbox: Sandbox, *, base_url: str = BASE_URL) -> None:
        self.sandbox = sandbox
        self.http = httpx.Client(
            transport=sandbox.transport(),
            base_url=base_url,
            headers={"Authorization": f"Bearer {sandbox.admin_key}"},
        )

    def __enter__(self) -> SandboxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def get(self, path: str, **params: Any) -> httpx.Response:
        """GET path with query parameters (lists repeat the parameter)."""
        return self.http.get(path, params=params)

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """POST path with a JSON body, or with none."""
        return self.http.post(path, json=body) if body is not None else self.http.post(path)

    def delete(self, path: str) -> httpx.Response:
        """DELETE path."""
        return self.http.delete(path)

    def project(self, name: str) -> str:
        """The id of the project with this name."""
        for project in self.sandbox.state.projects.values():
            if project["name"] == name:
                return str(project["id"])
        raise SandboxError(f"no project named {name!r}")

    def user(self, email: str) -> str:
        """The id of the organization user with this email."""
        found = self.sandbox.state.user_by_email(email)
        if found is None:
            raise SandboxError(f"{email} is not a member")
        return str(found["id"])


def api_error(response: httpx.Response) -> dict[str, Any]:
    """The `error` object of an error response; raises if the body is not the API's shape."""
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if set(body) != {"error"} or not isinstance(error, dict):
        raise SandboxError(f"not an API error body: {body!r}")
    if set(error) != {"message", "type", "param", "code"}:
        raise SandboxError(f"error body has keys {sorted(error)}")
    return error
