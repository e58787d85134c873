"""Project model permissions: one policy per project, an allow list, a deny list or none.

`models: all` removes the policy (a delete: every model becomes usable again); a project that
leaves `models` out is not managed. Going from one list to another is an update (the API's
POST replaces the policy); from none to a list is a create. A plan line names the models.
"""

from __future__ import annotations

from reconciler.core.change import Action, Change, Kind
from reconciler.core.kinds.base import DiffContext, KindInfo, field_changes
from reconciler.core.model import ModelPolicy

NO_POLICY = ModelPolicy()


def policy_json(policy: ModelPolicy) -> dict[str, object]:
    """A policy as a plan shows it: `{"mode": "allow", "models": [...sorted]}`."""
    return {"mode": policy.mode, "models": sorted(policy.models)}


def diff_model_permissions(ctx: DiffContext) -> None:
    """Plan the model policy of every project in scope that declares `models`."""
    for name, want, have in ctx.projects():
        wanted = want.models
        if wanted is None:
            continue
        current = (have.models if have is not None else None) or NO_POLICY
        if current == wanted:
            continue
        key = (name, "permissions")
        before, after = policy_json(current), policy_json(wanted)
        if wanted.mode == "all":
            change = Change(
                Kind.MODEL_PERMISSION, Action.DELETE, key, before=before,
                reason="models: all; every model becomes usable",
            )  # fmt: skip
        elif current.mode == "all":
            change = Change(Kind.MODEL_PERMISSION, Action.CREATE, key, after=after)
        else:
            fields = field_changes(before, after)
            change = Change(
                Kind.MODEL_PERMISSION, Action.UPDATE, key, before=before, after=after, fields=fields
            )
        ctx.out.change(change)


def _detail(change: Change) -> str:
    """`allow gpt-4o, gpt-4o-mini` for a create; the removed policy for a delete."""
    shown = change.after if change.action is Action.CREATE else change.before
    if not shown:
        return ""
    models = ", ".join(shown.get("models") or []) or "no model"
    return f"{shown.get('mode')} {models}"


MODEL_PERMISSION = KindInfo(
    kind=Kind.MODEL_PERMISSION,
    noun="model",
    key=("project", "permissions"),
    scope="project",
    diff=diff_model_permissions,
    # The spec's audit log has no event type for model permissions; [inferred] a change to a
    # project's settings is a `project.updated` of the project, so drift names who last
    # updated the project (the event type it shows says so), or no one.
    audit_events=("project.updated",),
    audit_id=lambda key, ids: ids.projects.get(key[0]),
    detail=_detail,
    plural="model policies",
)
