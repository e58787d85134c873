"""The `reconciler` command line: a thin click front end.

Each command lives in its own module of `reconciler/cli/` and calls the core; this module only
assembles the group, and is where the exit code a command returns (its errors already turned
into codes by cli/errors.py's handle_errors) becomes the process's: nothing else exits.
Commands are imported when they are run (or listed by --help), so `import reconciler.cli`
loads no command, and no command module imports this one.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from reconciler import __version__
from reconciler.cli.errors import one_line
from reconciler.cli.lazy import LazyGroup
from reconciler.errors import ExitCode

# Each command: the module that defines it and the click command's name there.
COMMANDS: dict[str, tuple[str, str]] = {
    "apply": ("reconciler.cli.apply", "apply"),
    "drift": ("reconciler.cli.drift", "drift"),
    "export": ("reconciler.cli.export", "export"),
    "github": ("reconciler.cli.github", "github"),
    "plan": ("reconciler.cli.plan", "plan"),
    "report": ("reconciler.cli.report", "report"),
    "sandbox": ("reconciler.cli.sandbox", "sandbox"),
    "schema": ("reconciler.cli.validate", "schema"),
    "terraform-handoff": ("reconciler.cli.terraform_handoff", "terraform_handoff"),
    "validate": ("reconciler.cli.validate", "validate"),
}


class ReconcilerGroup(LazyGroup):
    """The root group: every usage error (of it or of a subcommand) becomes one line, exit 1;
    its commands (COMMANDS) are imported on first use."""

    lazy = COMMANDS

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
            raise one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand and exit with the code it returns (handle_errors has turned its
        errors into codes); a usage error while parsing its arguments is one line."""
        try:
            code = super().invoke(ctx)
        except click.UsageError as exc:
            raise one_line(exc) from None
        if isinstance(code, int) and code != ExitCode.OK:
            sys.exit(code)
        return code


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
