"""The `reconciler` command line: a thin click front end.

Each command lives in `reconciler/commands/` and calls the core; this module only assembles
the group and maps errors to one-line messages and exit codes (a traceback only with --debug).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from reconciler import __version__
from reconciler.errors import ExitCode, ReconcilerError

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn a ReconcilerError into `error: message` on stderr and exit 1 (traceback with --debug).

    Any other exception is a bug: one line naming it, and a pointer to --debug.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except ReconcilerError as exc:
            if debug:
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(ExitCode.ERROR)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug",
                err=True,
            )
            sys.exit(ExitCode.ERROR)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs (never secrets).")
def main(debug: bool) -> None:
    """GitOps for an OpenAI organization: validate, plan and apply a YAML file."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _register() -> None:
    """Attach the commands (one module each, so this file stays a table of contents)."""
    from reconciler.commands import sandbox, validate

    main.add_command(validate.validate)
    main.add_command(validate.schema)
    main.add_command(sandbox.sandbox)
    from reconciler.commands import apply as apply_command

    main.add_command(apply_command.apply)
    from reconciler.commands import drift as drift_command

    main.add_command(drift_command.drift)
    from reconciler.commands import export as export_command

    main.add_command(export_command.export)
    from reconciler.commands import plan as plan_command

    main.add_command(plan_command.plan)


_register()
