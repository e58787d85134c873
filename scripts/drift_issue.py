#!/usr/bin/env python3
"""Keep ONE drift issue in step with `reconciler drift`'s exit code.

    python scripts/drift_issue.py --exit-code 2 --report-file drift.md

Exit code 2 (drifted): open the issue with the report, or update the open one. Exit code 0 (in
sync): close the open issue, with a comment. Anything else: the drift run failed; touch nothing
and exit 1. The issue is found by its label and the hidden marker at the start of its body.
Needs only `gh` (GH_TOKEN) and GITHUB_REPOSITORY.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gh_api import GhError, api, repository, with_marker

MARKER = "<!-- reconciler:drift -->"
TITLE = "Organization drift: the live organization differs from the config"


def open_issue(repo: str, label: str) -> dict[str, Any] | None:
    """The open drift issue (labelled and marked), if there is one."""
    issues = api(f"repos/{repo}/issues?state=open&labels={label}&per_page=100")
    marked = [i for i in issues if str(i.get("body") or "").lstrip().startswith(MARKER)]
    return marked[0] if marked else None


def sync(*, repo: str, exit_code: int, report: str, label: str) -> str:
    """Open, update or close the issue for this exit code; returns what was done."""
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


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and sync the issue; exit 1 when drift failed or `gh` did."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exit-code", type=int, required=True, help="reconciler drift's exit code")
    parser.add_argument("--report-file", type=Path, required=True, help="its markdown report")
    parser.add_argument("--label", default="reconciler-drift")
    parser.add_argument("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    args = parser.parse_args(argv)
    try:
        report = args.report_file.read_text(encoding="utf-8") if args.exit_code == 2 else ""
        outcome = sync(
            repo=repository(args.repo), exit_code=args.exit_code, report=report, label=args.label
        )
    except (GhError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if outcome == "failed":
        print(
            f"error: reconciler drift failed (exit {args.exit_code}); see its output",
            file=sys.stderr,
        )
        return 1
    print(f"drift issue: {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
