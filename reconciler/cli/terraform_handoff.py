"""`reconciler terraform-handoff STATE.json [--output FILE]`: hand resources over from Terraform.

Reads the output of `terraform show -json` (a file, or `-` for stdin) and writes the `removed`
blocks (lifecycle `destroy = false`) that make Terraform forget the official provider's
resources reconciler now manages, with the resources left in Terraform listed as comments; a
one-line count goes to stderr. Only addresses, names, emails, models and project ids are ever
written: the state's other values (certificates, keys) are never read out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconciler.cli.errors import handle_errors
from reconciler.files.output import output_target, write_output


@click.command(name="terraform-handoff")
@click.argument("state", metavar="STATE.json", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the removed blocks here, e.g. reconciler-handoff.tf (default: stdout).",
)
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
@handle_errors
def terraform_handoff(state: Path, output: Path | None, force: bool) -> None:
    """Write the `removed` blocks that hand STATE.json's OpenAI resources to reconciler."""
    from reconciler.errors import HandoffError
    from reconciler.reports.terraform import parse_state, render_removed, summary

    out = None
    if output is not None:
        out = output_target(output, what="the handoff file", protect={"the state": state})
        if out.kind == "file" and not force:
            raise HandoffError(f"{output} exists; pass --force to overwrite it")
    source = "stdin" if str(state) == "-" else str(state)
    handoff = parse_state(_read(state), source=source)
    text = render_removed(handoff, source=source)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_output(out, text, make_parents=True)
    click.echo(summary(handoff), err=True)


def _read(state: Path) -> str:
    """The file's text (or stdin's, for `-`); an unreadable file is one line."""
    from reconciler.errors import HandoffError

    try:
        data = sys.stdin.buffer.read() if str(state) == "-" else state.read_bytes()
    except OSError as exc:
        raise HandoffError(f"{state}: cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HandoffError(f"{state}: not UTF-8 (byte {exc.start})") from None
