"""Project rate limits: update the declared fields that differ.

The API can neither create nor reset a limit: a declared limit the project lacks is an error,
an undeclared one is left as is. For a project created by the same plan (which the server seeds
with defaults) a declared limit is an update of the declared fields with no known `before`.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo, field_changes
from reconciler.core.model import RateLimit


def diff_rate_limits(ctx: DiffContext) -> None:
    """Plan the rate limits of every project in scope that declares them."""
    for name, want, have in ctx.projects():
        if want.rate_limits is not None:
            live_limits = have.rate_limits if have else None
            _rate_limits(name, want.rate_limits, live_limits, have is None, ctx.out)


def _rate_limits(
    project: str,
    wanted: Mapping[str, RateLimit],
    existing: Mapping[str, RateLimit] | None,
    new_project: bool,
    out: Collector,
) -> None:
    """Update the declared fields that differ; the API can neither create nor reset a limit."""
    current_limits = existing or {}
    for model, limit in wanted.items():
        after = limit.limits()
        current = current_limits.get(model)
        if current is None and not new_project:
            out.finding(
                Severity.ERROR, Kind.RATE_LIMIT, (project, model),
                f"project {project} has no rate limit for {model}; the API cannot create one",
            )  # fmt: skip
            continue
        if current is not None:
            after = _offered(project, model, after, current, out)
        before = {f: getattr(current, f) for f in after} if current is not None else {}
        fields = field_changes(before, after)
        if fields:
            changed = {f.field: f.after for f in fields}
            was = {f.field: f.before for f in fields} if current is not None else None
            key = (project, model)
            out.change(
                Change(
                    Kind.RATE_LIMIT, Action.UPDATE, key, before=was, after=changed, fields=fields
                )
            )
    for model in current_limits:
        if model not in wanted:
            reason = "the API cannot reset a rate limit; left as is"
            out.unmanaged.append(Unmanaged(Kind.RATE_LIMIT, (project, model), reason))


def _offered(
    project: str, model: str, after: dict[str, int], current: RateLimit, out: Collector
) -> dict[str, int]:
    """The declared fields the live limit has; each one it lacks (the model does not offer it,
    and the API refuses to set it) is an error instead of an update that can never land."""
    lacking = [name for name in after if getattr(current, name) is None]
    for name in lacking:
        out.finding(
            Severity.ERROR, Kind.RATE_LIMIT, (project, model),
            f"project {project}: the {model} rate limit has no {name} (the model does not "
            "offer it), so it cannot be set; remove it from the config",
        )  # fmt: skip
    return {name: value for name, value in after.items() if name not in lacking}


RATE_LIMIT = KindInfo(
    kind=Kind.RATE_LIMIT,
    noun="rate limit",
    key=("project", "model"),
    scope="project",
    diff=diff_rate_limits,
    audit_events=("rate_limit.updated", "rate_limit.deleted"),
    audit_id=lambda key, ids: ids.rate_limits.get((key[0], key[1])),
    unmanaged_is_drift=False,
)
