"""A tiny wrapper over `gh api`: every GitHub call goes through the `gh` on PATH, authenticated
by GH_TOKEN as GitHub Actions sets it; tests put a fake `gh` first on PATH."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from reconciler.errors import GitHubError

# GitHub refuses comment and issue bodies above 65,536 characters.
MAX_BODY = 65_000


def repository(explicit: str | None) -> str:
    """The `owner/name` to act on: --repo, else $GITHUB_REPOSITORY."""
    repo = explicit or os.environ.get("GITHUB_REPOSITORY", "")
    if "/" not in repo:
        raise GitHubError("no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
    return repo


def api(path: str, *, method: str = "GET", body: dict[str, Any] | None = None) -> Any:
    """One REST call through `gh api`; a GET is paginated and its pages joined into one list."""
    args = ["gh", "api", "--method", method, path]
    if method == "GET":
        args.append("--paginate")
    if body is not None:
        args += ["--input", "-"]
    stdin = json.dumps(body) if body is not None else None
    try:
        done = subprocess.run(args, input=stdin, capture_output=True, text=True, check=False)
    except OSError as exc:  # no `gh` on PATH
        raise GitHubError(f"gh api {method} {path} failed: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise GitHubError(f"gh api {method} {path} failed: {done.stderr.strip()}")
    return _decode(done.stdout) if method == "GET" else json.loads(done.stdout or "null")


def _decode(text: str) -> list[Any]:
    """`gh api --paginate` prints one JSON array per page back to back: join them."""
    decoder = json.JSONDecoder()
    items: list[Any] = []
    position = 0
    text = text.strip()
    while position < len(text):
        page, position = decoder.raw_decode(text, position)
        items.extend(page if isinstance(page, list) else [page])
        while position < len(text) and text[position].isspace():
            position += 1
    return items


def with_marker(marker: str, body: str) -> str:
    """The body as posted: starts with the hidden marker, and fits GitHub's size limit."""
    if not body.lstrip().startswith(marker):
        body = f"{marker}\n{body}"
    if len(body) > MAX_BODY:
        note = "\n\n…truncated: the full report is in the workflow run's step summary.\n"
        body = body[: MAX_BODY - len(note)] + note
    return body
