"""`reconciler report …`: the read side of governance (usage and cost, API keys, access).

Each report is its own module, named in REPORTS and imported when it is run.
"""

from __future__ import annotations

from typing import ClassVar

import click

from reconciler.cli.lazy import LazyGroup

# Each report: the module that defines it and the click command's name there.
REPORTS: dict[str, tuple[str, str]] = {
    "access": ("reconciler.cli.report_access", "access"),
    "keys": ("reconciler.cli.report_keys", "keys"),
    "usage": ("reconciler.cli.report_usage", "usage"),
}


class ReportGroup(LazyGroup):
    """The reports, imported on first use."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = REPORTS


@click.group(cls=ReportGroup)
def report() -> None:
    """Governance reports over the live organization (read only)."""
