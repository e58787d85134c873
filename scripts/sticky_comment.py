#!/usr/bin/env python3
"""Create or update ONE pull-request comment, found by a hidden marker at the start of its body.

    python scripts/sticky_comment.py --pr 42 --marker '<!-- reconciler:plan -->' --body-file plan.md

The first run creates the comment; later runs edit it in place, so a pull request carries one
up-to-date plan instead of a comment per push. Needs only `gh` (GH_TOKEN) and GITHUB_REPOSITORY.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gh_api import GhError, api, repository, with_marker


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


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, upsert, and report; exit 1 with one line on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pr", type=int, required=True, help="pull request number")
    parser.add_argument(
        "--marker", required=True, help="hidden marker, e.g. <!-- reconciler:plan -->"
    )
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    args = parser.parse_args(argv)
    try:
        body = args.body_file.read_text(encoding="utf-8")
        outcome = upsert(repo=repository(args.repo), pr=args.pr, marker=args.marker, body=body)
    except (GhError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"comment {outcome} on pull request #{args.pr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
