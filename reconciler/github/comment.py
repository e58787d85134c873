"""ONE pull-request comment, found by a hidden marker at the start of its body: the first run
creates it, later runs edit it in place, so a pull request carries one up-to-date plan."""

from __future__ import annotations

from reconciler.github.gh import api, with_marker


def upsert(*, repo: str, pr: int, marker: str, body: str) -> str:
    """Create the marked comment, or edit the existing one; returns "created" or "updated"."""
    text = with_marker(marker, body)
    comments = api(f"repos/{repo}/issues/{pr}/comments?per_page=100")
    existing = [c for c in comments if str(c.get("body", "")).lstrip().startswith(marker)]
    if existing:
        api(
            f"repos/{repo}/issues/comments/{existing[0]['id']}", method="PATCH", body={"body": text}
        )
        return "updated"
    api(f"repos/{repo}/issues/{pr}/comments", method="POST", body={"body": text})
    return "created"
