"""`reconciler report usage [CONFIG]`: cost and usage for a period, grouped, with budgets and
spikes.

Exit 0, or 2 when a budget is exceeded or a spike was found (for a scheduled job, as `drift`),
1 on error, including costs that could not be read (the report is still printed).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, overload

import click

from reconciler.cli.common import sandbox_options
from reconciler.cli.errors import handle_errors
from reconciler.cli.pipeline import load_file
from reconciler.core.model import ReportSettings
from reconciler.errors import ExitCode, ReconcilerError

if TYPE_CHECKING:
    from reconciler.core.period import Period
    from reconciler.reports.usage import UsageReport

FORMATS = ("text", "csv", "json", "markdown")


@click.command()
@click.argument("config", required=False, type=click.Path(path_type=Path))
@click.option("--since", default=None, help="The last N days, today included: 30d (default).")
@click.option("--from", "first", default=None, help="First day (YYYY-MM-DD, UTC).")
@click.option("--to", "last", default=None, help="Last day, included (YYYY-MM-DD; default today).")
@click.option("--month", default=None, help="One calendar month (YYYY-MM).")
@click.option(
    "--by",
    multiple=True,
    help="project (default), model, line_item, api_key, user, or a label key from CONFIG; "
    "repeat or separate with commas to group by several.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--spike-factor",
    type=click.FloatRange(min=1.0),
    default=5.0,
    show_default=True,
    help="Flag a day costing more than this times its project's trailing 14-day median.",
)
@sandbox_options
@handle_errors
def usage(
    *,
    config: Path | None,
    since: str | None,
    first: str | None,
    last: str | None,
    month: str | None,
    by: tuple[str, ...],
    fmt: str,
    spike_factor: float,
    sandbox: bool,
    sandbox_state: Path,
) -> int:
    """Report cost (as invoiced) and usage of the organization for a period (read only)."""
    from reconciler.render.usage import render_usage
    from reconciler.reports.usage import check_by

    settings = load_file(config).desired.reports if config else ReportSettings()
    wanted = check_by([d.strip() for b in by or ("project",) for d in b.split(",")], settings)
    if sum(x is not None for x in (since, first or last, month)) > 1:
        raise ReconcilerError("choose one of --since, --from/--to and --month")

    def period_at(now: int) -> Period:
        return _period(now, since=since, first=first, last=last, month=month)

    state = sandbox_state if sandbox else None
    report = asyncio.run(_report(wanted, settings, period_at, state=state, factor=spike_factor))
    width = shutil.get_terminal_size((160, 24)).columns if sys.stdout.isatty() else 160
    click.echo(render_usage(report, fmt=fmt, width=width), nl=False)
    if report.total_cost is None:
        click.echo(f"error: costs could not be read ({report.costs_error})", err=True)
        return ExitCode.ERROR
    return ExitCode.CHANGES if report.alerting else ExitCode.OK


def _period(
    now: int, *, since: str | None, first: str | None, last: str | None, month: str | None
) -> Period:
    """The period the options ask for, as of `now`."""
    from reconciler.core import period

    if month is not None:
        return period.month(month, now=now)
    if first is not None:
        return period.between(_date(first, "--from"), _date(last, "--to"), now=now)
    if last is not None:
        raise ReconcilerError("--to needs --from")
    return period.last_days(period.parse_since(since or "30d"), now=now)


@overload
def _date(text: str, option: str) -> date: ...
@overload
def _date(text: str | None, option: str) -> date | None: ...
def _date(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option's date (None when not given)."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ReconcilerError(f"{option} must be a date YYYY-MM-DD, not {text!r}") from None


async def _report(
    by: tuple[str, ...],
    settings: ReportSettings,
    period_at: Callable[[int], Period],
    *,
    state: Path | None,
    factor: float,
) -> UsageReport:
    """Read (on the client's clock: the sandbox's own on --sandbox), then build the report."""
    from reconciler.cli.runtime import open_client
    from reconciler.read.usage_report import read_usage_data
    from reconciler.reports.budgets import history_start
    from reconciler.reports.usage import build_report, plan_reads

    async with open_client(env=os.environ, sandbox_state=state, read_only=True) as client:
        period: Period = period_at(int(client.clock.time()))
        reads = plan_reads(by)
        data = await read_usage_data(
            client,
            period=period,
            cost_fields=reads.cost_fields,
            usage_fields=reads.usage_fields,
            history_start=history_start(period),
        )
    return build_report(data, by=by, settings=settings, spike_factor=factor)
