"""The `reconciler` command line: a thin click front end.

Each command lives in `reconciler/commands/` and calls the core; this module only assembles
the group and maps errors to one-line messages and exit codes (a traceback only with --debug).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from reconciler import __version__
from reconciler.api.redact import redact
from reconciler.errors import AuthError, ExitCode, ReconcilerError

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn a ReconcilerError into `error: message` on stderr and exit 1 (traceback with --debug).

    Any other exception is a bug: one line naming it (scrubbed of the admin key and anything
    shaped like a key, since its message was not written with secrets in mind), and a pointer
    to --debug.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except ReconcilerError as exc:
            if debug:
                raise
            click.echo(f"error: {exc}{_hint(exc)}", err=True)
            sys.exit(ExitCode.ERROR)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if debug:
                raise
            detail = redact(str(exc), os.environ.get("OPENAI_ADMIN_KEY", "").strip() or None)
            click.echo(
                f"error: internal error ({type(exc).__name__}: {detail}); rerun with --debug",
                err=True,
            )
            sys.exit(ExitCode.ERROR)

    return wrapper  # type: ignore[return-value]


def _hint(exc: ReconcilerError) -> str:
    """What to check next, for the errors whose cause is usually on the user's side."""
    if isinstance(exc, AuthError) and exc.status == 401:
        return " (check OPENAI_ADMIN_KEY: it must be an admin key of this organization)"
    return ""


class UsageError(click.ClickException):
    """A command line click could not parse, shown as one `error:` line; exit 1 as terraform.

    Exit 2 means "changes" for `plan --detailed-exitcode` and `drift`, so a usage error must not
    use click's default 2: a CI job would read a typo as drift.
    """

    exit_code = ExitCode.ERROR

    def __init__(self, message: str, *, command: str) -> None:
        super().__init__(message)
        self.command = command

    def show(self, file: Any = None) -> None:
        """Print `error: message (see 'reconciler plan --help')` on stderr."""
        hint = f" (see '{self.command} --help')" if self.command else ""
        message = self.format_message().rstrip(".")
        click.echo(f"error: {message}{hint}", err=True, file=file)


class _HelpInstead(click.ClickException):
    """A group run without a command: its help on stderr, exit 1 (nothing was done)."""

    exit_code = ExitCode.ERROR

    def __init__(self, ctx: click.Context) -> None:
        super().__init__("no command given")
        self.ctx = ctx

    def show(self, file: Any = None) -> None:
        """Print the group's help."""
        click.echo(self.ctx.get_help(), err=True, file=file)


def _one_line(exc: click.UsageError) -> click.ClickException:
    """Click's usage error as ours; "no arguments, here is the help" keeps its help text."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError) and exc.ctx is not None:
        return _HelpInstead(exc.ctx)
    command = exc.ctx.command_path if exc.ctx is not None else "reconciler"
    return UsageError(exc.format_message(), command=command)


class ReconcilerGroup(click.Group):
    """The root group: every usage error (of it or of a subcommand) becomes one line, exit 1."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Parse the root options; a usage error is one line."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; a usage error while parsing its arguments is one line."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from None


@click.group(cls=ReconcilerGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
