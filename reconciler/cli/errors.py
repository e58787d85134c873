"""How the command line reports failure: one `error:` line and an exit code, never a traceback
(unless --debug); click's usage errors as one line, exit 1 (exit 2 means "changes"). With
group.py, the only place errors become exit codes."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from reconciler.api.redact import redact
from reconciler.errors import AuthError, ConfigError, ExitCode, ReconcilerError

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Run a command and return its exit code: a ReconcilerError becomes `error: message` on
    stderr and exit 1 (a traceback with --debug); the root group (group.py) exits with the code.

    A ConfigError that names its file prints every problem, then `error: N problems found in
    FILE` (with --debug too). Any other exception is a bug: one line naming it (scrubbed of the
    admin key and anything shaped like a key, since its message was not written with secrets in
    mind), and a pointer to --debug. Ctrl-C is `interrupted`, exit 130.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            code = func(*args, **kwargs)
        except ConfigError as exc:
            if exc.source is None:
                return _reconciler_error(exc, debug=debug)
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"error: {problems_found(exc, exc.source)}", err=True)
            return ExitCode.ERROR
        except ReconcilerError as exc:
            return _reconciler_error(exc, debug=debug)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            return ExitCode.CTRL_C
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
            return ExitCode.ERROR
        return ExitCode.OK if code is None else int(code)

    return wrapper  # type: ignore[return-value]


def _reconciler_error(exc: ReconcilerError, *, debug: bool) -> int:
    """`error: message` (with a hint) on stderr, exit 1; with --debug, the traceback instead."""
    if debug:
        raise exc
    click.echo(f"error: {exc}{_hint(exc)}", err=True)
    return ExitCode.ERROR


def problems_found(exc: ConfigError, config: object) -> str:
    """`2 problems found in org.yaml`."""
    count = len(exc.problems)
    return f"{count} problem{'s' if count != 1 else ''} found in {config}"


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


def one_line(exc: click.UsageError) -> click.ClickException:
    """Click's usage error as ours; "no arguments, here is the help" keeps its help text."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError) and exc.ctx is not None:
        return _HelpInstead(exc.ctx)
    command = exc.ctx.command_path if exc.ctx is not None else "reconciler"
    return UsageError(exc.format_message(), command=command)
