"""Hard monthly spend limits, of the organization and of each project.

A scope has at most one limit. A limit left out of the file is not managed; `spend_limit:
none` removes one (so deleting a line never silently lifts a limit). Amounts are written in
dollars and kept in cents, as the API has them; the plan shows dollars. A key is (scope,
"limit"), scope "" the organization.

A limit set below what its scope has spent this month stops the scope's traffic at once: the
`spend_stop` gate (core/safety.py) refuses such a plan, with the month's spend beside the new
limit, which the pipeline reads (`Live.spend_to_date`) only when a plan sets a lower limit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from reconciler.core.change import Action, Change, FieldChange, Kind
from reconciler.core.kinds.base import DiffContext, KindInfo
from reconciler.core.model import SpendLimit

LIMIT = "limit"  # the key's last part: one limit per scope


def usd(cents: int) -> str:
    """Cents as people write dollars: `$2,000`, `$1,999.50`."""
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}" + (f".{rest:02d}" if rest else "")


def diff_spend_limits(ctx: DiffContext) -> None:
    """Set, change or remove the organization's limit and that of every project in scope that
    declares one (a project created by this plan has none yet)."""
    _plan("", ctx.desired.org.spend_limit, ctx.live.org.spend_limit, ctx)
    for name, want, have in ctx.projects():
        current = have.spend_limit if have is not None else SpendLimit(None)
        _plan(name, want.spend_limit, current, ctx)


def _plan(scope: str, want: SpendLimit | None, have: SpendLimit | None, ctx: DiffContext) -> None:
    if want is None or have is None or want.cents == have.cents:
        return  # not managed, not read, or as declared
    key = (scope, LIMIT)
    if want.cents is None:
        before = {"usd_per_month": usd(have.cents or 0), "cents": have.cents}
        reason = "spend_limit: none; spending is no longer capped"
        ctx.out.change(Change(Kind.SPEND_LIMIT, Action.DELETE, key, before=before, reason=reason))
        return
    after = {"usd_per_month": usd(want.cents), "cents": want.cents}
    if have.cents is None:
        ctx.out.change(Change(Kind.SPEND_LIMIT, Action.CREATE, key, after=after))
        return
    before = {"usd_per_month": usd(have.cents), "cents": have.cents}
    field = FieldChange("usd_per_month", before["usd_per_month"], after["usd_per_month"])
    ctx.out.change(
        Change(Kind.SPEND_LIMIT, Action.UPDATE, key, before=before, after=after, fields=(field,))
    )


def lowered(changes: Sequence[Change]) -> Iterator[tuple[str, int]]:
    """(scope, new limit in cents) for every limit the changes set lower than it was (a new
    limit where there was none counts: it lowers an unlimited scope)."""
    for change in changes:
        if change.kind is not Kind.SPEND_LIMIT or change.after is None:
            continue
        new = int(change.after["cents"])
        old = (change.before or {}).get("cents")
        if old is None or new < int(old):
            yield change.key[0], new


def spend_stops(
    changes: Sequence[Change], spent: Mapping[str, int] | None
) -> list[tuple[tuple[str, ...], int, int | None]]:
    """(key, new limit, month-to-date spend or None if unknown) of every lowered limit that
    would stop its scope's traffic: below this month's spend, or with the spend unknown."""
    stops: list[tuple[tuple[str, ...], int, int | None]] = []
    for scope, cents in lowered(changes):
        done = None if spent is None else spent.get(scope)
        if done is None or done >= cents:
            stops.append(((scope, LIMIT), cents, done))
    return stops


def _detail(change: Change) -> str:
    """`$2,000 per month`, `lifts the limit of $2,000 per month`."""
    if change.action is Action.CREATE:
        return f"{(change.after or {}).get('usd_per_month')} per month"
    if change.action is Action.DELETE:
        return f"lifts the limit of {(change.before or {}).get('usd_per_month')} per month"
    return ""


SPEND_LIMIT = KindInfo(
    kind=Kind.SPEND_LIMIT,
    noun="monthly spend",
    key=("scope", "limit"),
    scope="either",
    diff=diff_spend_limits,
    within="for",
    audit_events=(),  # the audit log has no spend-limit event type
    audit_id=lambda key, ids: None,
    detail=_detail,
)
