"""`reconciler github`: the CI glue the action runs (sticky plan comment, drift issue, label
overrides), talking to GitHub through the `gh` on PATH (GH_TOKEN, GITHUB_REPOSITORY)."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.errors import handle_errors
from reconciler.errors import GitHubError

repo_option = click.option("--repo", help="OWNER/NAME (default: $GITHUB_REPOSITORY).")


def _read(path: Path) -> str:
    """A body or report file's text; an unreadable one is a one-line error."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GitHubError(f"cannot read {path}: {exc.strerror or exc}") from None


@click.group()
def github() -> None:
    """Pull-request comment, drift issue and label overrides for GitHub Actions (via `gh`)."""


@github.command()
@click.option("--pr", type=int, required=True, help="Pull request number.")
@click.option("--marker", required=True, help="Hidden marker, e.g. <!-- reconciler:plan -->.")
@click.option("--body-file", type=click.Path(path_type=Path), required=True)
@repo_option
@handle_errors
def comment(*, pr: int, marker: str, body_file: Path, repo: str | None) -> int:
    """Create or update ONE pull-request comment, found by the marker at its start."""
    from reconciler.github.comment import upsert
    from reconciler.github.gh import repository

    outcome = upsert(repo=repository(repo), pr=pr, marker=marker, body=_read(body_file))
    click.echo(f"comment {outcome} on pull request #{pr}")
    return 0


@github.command("drift-issue")
@click.option("--exit-code", type=int, required=True, help="`reconciler drift`'s exit code.")
@click.option("--report-file", type=click.Path(path_type=Path), required=True, help="Its report.")
@click.option("--label", default="reconciler-drift", show_default=True)
@repo_option
@handle_errors
def drift_issue(*, exit_code: int, report_file: Path, label: str, repo: str | None) -> int:
    """Open, update (exit 2) or close (exit 0) ONE drift issue; a failed drift touches nothing."""
    from reconciler.github.drift_issue import sync
    from reconciler.github.gh import repository

    if exit_code not in (0, 2):
        raise GitHubError(f"reconciler drift failed (exit {exit_code}); see its output")
    report = _read(report_file) if exit_code == 2 else ""
    outcome = sync(repo=repository(repo), exit_code=exit_code, report=report, label=label)
    click.echo(f"drift issue: {outcome}")
    return 0


@github.command()
@click.option("--labels", help="JSON list of label names or label objects.")
@click.option("--merged-commit", metavar="SHA", help="Read the labels of the PR it merged.")
@repo_option
@click.option(
    "--format",
    "style",
    type=click.Choice(["args", "lines", "markdown"]),
    default="args",
    show_default=True,
)
@handle_errors
def overrides(
    *, labels: str | None, merged_commit: str | None, repo: str | None, style: str
) -> int:
    """Print the safety-override flags the pull request's labels grant."""
    from reconciler.github.gh import repository
    from reconciler.github.overrides import granted, merged_pull_labels, parse_labels, render

    if (labels is None) == (merged_commit is None):
        raise click.UsageError("give exactly one of --labels and --merged-commit")
    if labels is not None:
        names = parse_labels(labels)
    else:
        names = merged_pull_labels(repo=repository(repo), sha=str(merged_commit))
    click.echo(render(granted(names), style=style))
    return 0
