"""`reconciler validate CONFIG...` and `reconciler schema`: offline checks of config files.

`validate` prints a one-line summary on stdout and any warnings on stderr (exit 0), or every
problem on its own line on stderr followed by `error: N problems found in CONFIG` (exit 1).
Several files (as pre-commit passes them) are each checked and reported in turn; any that
fails makes the exit 1.
`schema` prints the JSON Schema of the config for editors (indent 2, sorted keys).
"""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.errors import handle_errors, problems_found
from reconciler.cli.pipeline import load_file
from reconciler.config import LoadedConfig, schema_text
from reconciler.errors import ConfigError, ExitCode


@click.command()
@click.argument("configs", metavar="CONFIG...", nargs=-1, required=True,
                type=click.Path(path_type=Path))  # fmt: skip
@handle_errors
def validate(configs: tuple[Path, ...]) -> int:
    """Check each CONFIG offline: schema, references between keys, certificate files."""
    failed = False
    for config in configs:
        try:
            loaded = load_file(config)
        except ConfigError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"error: {problems_found(exc, config)}", err=True)
            failed = True
            continue
        click.echo(summary(loaded))
    return ExitCode.ERROR if failed else ExitCode.OK


def summary(loaded: LoadedConfig) -> str:
    """`ok: org.yaml: 12 users, 6 projects, 1 certificate` (undeclared kinds are not counted)."""
    org = loaded.desired.org
    parts = []
    if org.users is not None:
        parts.append(_count(len(org.users), "user"))
    parts.append(_count(len(org.projects), "project"))
    if org.certificates is not None:
        parts.append(_count(len(org.certificates), "certificate"))
    if loaded.warnings:
        parts.append(_count(len(loaded.warnings), "warning"))
    return f"ok: {loaded.path}: {', '.join(parts)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@click.command()
@handle_errors
def schema() -> None:
    """Print the JSON Schema of the config file (for editor completion and CI)."""
    click.echo(schema_text(), nl=False)
