"""Data retention: the organization's mode and each project's, by name.

The first kind added as a plug-in (core/parts.py): its values are the part `data_retention`
of the organization and of each project, a mode name. There is always a mode (the API has no
delete), so every change is an update that names both modes. Key: (scope, "mode"), scope ""
the organization (labelled `data retention mode of search-prod`). For a project created by
the same plan the current mode is the server's default, `organization_default`. No audit-log
event type names data retention, so drift reports it without attribution.
"""

from __future__ import annotations

from reconciler.core.change import Action, Change, FieldChange, Kind
from reconciler.core.kinds.base import DiffContext, KindInfo
from reconciler.core.model import Organization, Project
from reconciler.core.parts import typed

PART = "data_retention"
# The organization's modes; each needs an agreement with OpenAI (the API refuses otherwise).
ORGANIZATION_MODES = (
    "zero_data_retention",
    "modified_abuse_monitoring",
    "enhanced_zero_data_retention",
    "enhanced_modified_abuse_monitoring",
)
# A project's: the organization's, or its own (`none`: no special retention for this project).
PROJECT_MODES = ("organization_default", "none", *ORGANIZATION_MODES)
# What a new project has.
PROJECT_DEFAULT = "organization_default"
# No special retention: a project's explicit choice, and how an organization that never chose
# a mode reads (the API answers 404 there; the organization cannot be set back to it).
NO_MODE = "none"


def mode_of(owner: Organization | Project) -> str | None:
    """The declared (desired) or read (live) mode, or None when not in scope."""
    return typed(owner, PART, str)


def diff_data_retention(ctx: DiffContext) -> None:
    """An update where the declared mode differs from the live one."""
    _plan("", mode_of(ctx.desired.org), mode_of(ctx.live.org), ctx)
    for name, want, have in ctx.projects():
        _plan(name, mode_of(want), PROJECT_DEFAULT if have is None else mode_of(have), ctx)


def _plan(scope: str, want: str | None, have: str | None, ctx: DiffContext) -> None:
    if want is None or have is None or want == have:
        return
    ctx.out.change(
        Change(
            Kind.DATA_RETENTION, Action.UPDATE, (scope, "mode"), before={"mode": have},
            after={"mode": want}, fields=(FieldChange("mode", have, want),),
        )
    )  # fmt: skip


DATA_RETENTION = KindInfo(
    kind=Kind.DATA_RETENTION,
    noun="data retention",
    key=("scope", "setting"),
    scope="either",
    diff=diff_data_retention,
    within="of",
    audit_events=(),  # the audit log has no data-retention event type
    audit_id=lambda key, ids: None,
)
