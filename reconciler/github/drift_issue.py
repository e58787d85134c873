"""ONE drift issue kept in step with `reconciler drift`'s exit code: 2 (drifted) opens it with
the report or updates the open one; 0 (in sync) closes it with a comment; anything else touches
nothing. The issue is found by its label and the hidden marker at the start of its body."""

from __future__ import annotations

from typing import Any

from reconciler.github.gh import api, with_marker

MARKER = "<!-- reconciler:drift -->"
TITLE = "Organization drift: the live organization differs from the config"


def open_issue(repo: str, label: str) -> dict[str, Any] | None:
    """The open drift issue (labelled and marked), if there is one."""
    issues = api(f"repos/{repo}/issues?state=open&labels={label}&per_page=100")
    marked = [i for i in issues if str(i.get("body") or "").lstrip().startswith(MARKER)]
    return marked[0] if marked else None


def sync(*, repo: str, exit_code: int, report: str, label: str) -> str:
    """Open, update or close the issue for this exit code; returns what was done ("failed"
    when the drift run itself failed: nothing is touched)."""
    if exit_code not in (0, 2):
        return "failed"
    issue = open_issue(repo, label)
    if exit_code == 2:
        body = with_marker(MARKER, report)
        if issue is None:
            created = api(
                f"repos/{repo}/issues",
                method="POST",
                body={"title": TITLE, "body": body, "labels": [label]},
            )
            return f"opened #{created['number']}"
        api(f"repos/{repo}/issues/{issue['number']}", method="PATCH", body={"body": body})
        return f"updated #{issue['number']}"
    if issue is None:
        return "in sync"
    number = issue["number"]
    note = {"body": "The organization matches the config again; closing."}
    api(f"repos/{repo}/issues/{number}/comments", method="POST", body=note)
    closing = {"state": "closed", "state_reason": "completed"}
    api(f"repos/{repo}/issues/{number}", method="PATCH", body=closing)
    return f"closed #{number}"
