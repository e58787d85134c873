"""Project hosted-tool permissions: each declared tool enabled or not.

A tool left out of `hosted_tools` is not managed; the API has no delete, so every change is an
update of one tool's `enabled`. For a project created by the same plan the server's defaults
are unknown, so a declared tool is an update with no known `before`.
"""

from __future__ import annotations

from reconciler.core.change import Action, Change, FieldChange, Kind
from reconciler.core.kinds.base import DiffContext, KindInfo


def diff_hosted_tools(ctx: DiffContext) -> None:
    """Plan the declared hosted tools of every project in scope."""
    for name, want, have in ctx.projects():
        if want.hosted_tools is None:
            continue
        current = (have.hosted_tools if have is not None else None) or {}
        for tool, enabled in want.hosted_tools.items():
            was = current.get(tool)
            if was == enabled:
                continue
            before = None if was is None else {"enabled": was}
            ctx.out.change(
                Change(
                    Kind.HOSTED_TOOL, Action.UPDATE, (name, tool), before=before,
                    after={"enabled": enabled}, fields=(FieldChange("enabled", was, enabled),),
                )
            )  # fmt: skip


HOSTED_TOOL = KindInfo(
    kind=Kind.HOSTED_TOOL,
    noun="hosted tool",
    key=("project", "tool"),
    scope="project",
    diff=diff_hosted_tools,
    # No event type in the spec's audit log; [inferred] a project's `project.updated`.
    audit_events=("project.updated",),
    audit_id=lambda key, ids: ids.projects.get(key[0]),
)
