"""Pull-request labels → the safety-override flags of `reconciler plan` and `apply`.

A reviewer grants one safety gate's override by adding its label to the pull request (see
LABEL_FLAGS); any other label grants nothing. Labels come as JSON (a list of names, or of label
objects as the event payload and the REST API give them), or from the pull request a merge
commit merged; a commit no pull request merged (a direct push) grants nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from reconciler.errors import GitHubError
from reconciler.github.gh import api

# One label per safety gate; tests/github/test_overrides.py checks the flags against
# reconciler.cli.common.SAFETY_FLAGS, so a new gate cannot go without its label.
LABEL_FLAGS: dict[str, str] = {
    "reconciler:force": "--force",
    "reconciler:allow-archive": "--allow-archive",
    "reconciler:allow-fewer-owners": "--allow-fewer-owners",
    "reconciler:allow-key-owner-change": "--allow-key-owner-change",
    "reconciler:allow-protected-removal": "--allow-protected-removal",
    "reconciler:allow-spend-stop": "--allow-spend-stop",
}


def label_names(labels: Any) -> list[str]:
    """The names in a list of label names or of label objects (`{"name": ...}`)."""
    if not isinstance(labels, list):
        raise GitHubError("labels must be a JSON list of names or of label objects")
    names: list[str] = []
    for label in labels:
        name = label.get("name") if isinstance(label, dict) else label
        if not isinstance(name, str):
            raise GitHubError(f"not a label name or label object: {json.dumps(label)}")
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
        raise GitHubError(f"labels are not JSON: {exc}") from None


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
