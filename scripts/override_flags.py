#!/usr/bin/env python3
"""Turn pull-request labels into the safety-override flags of `reconciler plan` and `apply`.

    python scripts/override_flags.py --labels "$PR_LABELS"          # org-plan.yml
    python scripts/override_flags.py --merged-commit "$GITHUB_SHA"  # org-apply.yml

A reviewer grants one safety gate's override by adding its label to the pull request (see
LABEL_FLAGS); any other label grants nothing. `--labels` takes the labels as JSON: a list of
names, or of label objects as the event payload and the REST API give them. `--merged-commit`
reads the labels of the pull request that SHA merged (`gh api repos/R/commits/SHA/pulls`); a
commit no pull request merged (a direct push) grants nothing. The flags are printed
space-joined (`--format args`, for the command line), one per line (`lines`), or as one
Markdown sentence for the plan comment and the run summary (`markdown`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from gh_api import GhError, api, repository

# One label per safety gate; tests/gitops/test_overrides.py checks the flags against
# reconciler.cli.common.SAFETY_FLAGS, so a new gate cannot go without its label.
LABEL_FLAGS: dict[str, str] = {
    "reconciler:force": "--force",
    "reconciler:allow-archive": "--allow-archive",
    "reconciler:allow-fewer-owners": "--allow-fewer-owners",
    "reconciler:allow-key-owner-change": "--allow-key-owner-change",
    "reconciler:allow-protected-removal": "--allow-protected-removal",
    "reconciler:allow-spend-stop": "--allow-spend-stop",
}


class LabelsError(Exception):
    """The labels given are not a JSON list of names or label objects."""


def label_names(labels: Any) -> list[str]:
    """The names in a list of label names or of label objects (`{"name": ...}`)."""
    if not isinstance(labels, list):
        raise LabelsError("labels must be a JSON list of names or of label objects")
    names: list[str] = []
    for label in labels:
        name = label.get("name") if isinstance(label, dict) else label
        if not isinstance(name, str):
            raise LabelsError(f"not a label name or label object: {json.dumps(label)}")
        names.append(name)
    return names


def granted(names: Iterable[str]) -> list[str]:
    """The override labels among `names`, in LABEL_FLAGS order (unknown labels ignored)."""
    present = set(names)
    return [label for label in LABEL_FLAGS if label in present]


def parse_labels(text: str) -> list[str]:
    """The label names in a JSON document (an empty document means no labels)."""
    if not text.strip():
        return []
    try:
        return label_names(json.loads(text))
    except json.JSONDecodeError as exc:
        raise LabelsError(f"labels are not JSON: {exc}") from exc


def merged_pull_labels(*, repo: str, sha: str) -> list[str]:
    """The label names of the pull request whose merge produced commit `sha`, or none.

    Only a pull request merged as exactly this commit counts: an open pull request that merely
    contains the commit grants nothing.
    """
    pulls = api(f"repos/{repo}/commits/{sha}/pulls?per_page=100")
    merged = [p for p in pulls if p.get("merged_at") and p.get("merge_commit_sha") == sha]
    return label_names(merged[0].get("labels", [])) if merged else []


def render(labels: list[str], *, style: str) -> str:
    """The flags the override `labels` grant, in the requested output style."""
    flags = [LABEL_FLAGS[label] for label in labels]
    if style == "lines":
        return "\n".join(flags)
    if style == "args":
        return " ".join(flags)
    if not labels:
        known = ", ".join(f"`{label}`" for label in LABEL_FLAGS)
        return f"No safety overrides granted; a reviewer grants one by adding its label ({known})."
    pairs = ", ".join(f"`{label}` → `{LABEL_FLAGS[label]}`" for label in labels)
    return f"Safety overrides granted by pull-request labels: {pairs}."


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, read the labels, print the flags; exit 1 with one line on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--labels", help="JSON list of label names or label objects")
    source.add_argument("--merged-commit", metavar="SHA", help="read the labels of its PR")
    parser.add_argument("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--format", choices=["args", "lines", "markdown"], default="args")
    args = parser.parse_args(argv)
    try:
        if args.labels is not None:
            names = parse_labels(args.labels)
        else:
            names = merged_pull_labels(repo=repository(args.repo), sha=args.merged_commit)
    except (GhError, LabelsError, OSError) as exc:  # OSError: no `gh` on PATH
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render(granted(names), style=args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
