"""`reconciler sandbox`: run the Admin API simulator and act on it as people would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler.cli.errors import handle_errors
from reconciler.sandbox.faults import Fault, FaultConfig

if TYPE_CHECKING:
    from reconciler.sandbox import Sandbox

DEFAULT_STATE = Path(".reconciler-sandbox.json")
state_option = click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STATE,
    show_default=True,
    help="Sandbox state file (created with the demo organization if missing).",
)


def _open(state_file: Path, *, read_only: bool = False) -> Sandbox:
    """The sandbox in `state_file` (one line if it is not a sandbox state), created if new."""
    from reconciler.cli.runtime import load_sandbox

    return load_sandbox(state_file, read_only=read_only)


@contextmanager
def _changing(state_file: Path) -> Iterator[Sandbox]:
    """The sandbox for a command that changes it; its journal is folded into the state file
    when the command ends (each change is already on disk, in the journal)."""
    box = _open(state_file)
    try:
        yield box
    finally:
        box.close()


@click.group()
def sandbox() -> None:
    """The OpenAI Admin API simulator: a safe place to rehearse a change."""


@sandbox.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True)
@state_option
@click.option("--latency", type=float, default=0.0, help="Seconds added to every answer.")
@click.option("--throttle", type=click.IntRange(1), help="Requests per minute per endpoint.")
@click.option("--retry-after/--no-retry-after", default=False, help="Throttled 429s say when.")
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="NAME=P",
    help="Inject a fault with probability P: " + ", ".join(f.value for f in Fault) + ".",
)
@click.option("--fault-seed", type=int, default=0, show_default=True)
@click.option("--writes-only", is_flag=True, help="Faults and latency only on POST/DELETE.")
@handle_errors
def serve(
    *,
    port: int,
    state_file: Path,
    latency: float,
    throttle: int | None,
    retry_after: bool,
    faults: tuple[str, ...],
    fault_seed: int,
    writes_only: bool,
) -> None:
    """Serve the sandbox on 127.0.0.1 until Ctrl-C (or SIGTERM)."""
    from reconciler.sandbox import WRITES
    from reconciler.sandbox.server import serve as run

    box = _open(state_file)
    box.faults = FaultConfig(
        seed=fault_seed,
        latency=latency,
        throttle_per_minute=throttle,
        throttle_retry_after=retry_after,
        methods=WRITES if writes_only else None,
    )
    for name, probability in map(_fault, faults):
        setattr(box.faults, name, probability)

    def ready(url: str) -> None:
        click.echo(f"sandbox listening on {url}  (state: {state_file})")
        click.echo(f"admin key (sandbox-only): reconciler sandbox key --state {state_file}")

    run(box, port=port, ready=ready)
    click.echo("sandbox stopped", err=True)


def _fault(spec: str) -> tuple[str, float]:
    """`NAME=P` as a FaultConfig field and a probability (SandboxError if malformed)."""
    from reconciler.sandbox import SandboxError

    name, _, raw = spec.partition("=")
    try:
        probability = float(raw)
        Fault(name)
    except ValueError as exc:
        raise SandboxError(f"--fault {spec!r}: expected NAME=PROBABILITY ({exc})") from exc
    if not 0.0 <= probability <= 1.0:
        raise SandboxError(f"--fault {spec!r}: the probability must be between 0 and 1")
    return name, probability


@sandbox.command()
@state_option
@handle_errors
def key(state_file: Path) -> None:
    """Print the sandbox's admin key (a sandbox-only value, useless anywhere else)."""
    click.echo(_open(state_file, read_only=True).admin_key)
    click.echo("(this key only works against this sandbox)", err=True)


@sandbox.command("accept-invite")
@click.argument("email")
@state_option
@handle_errors
def accept_invite(email: str, state_file: Path) -> None:
    """Accept EMAIL's pending invite, as the invitee would."""
    with _changing(state_file) as box:
        box.accept_invite(email)
    click.echo(f"{email} accepted their invite")


@sandbox.command("set-role")
@click.argument("email")
@click.argument("role")
@click.option("--project", help="Project name (default: the organization role).")
@click.option("--as", "actor", help="Owner making the change (default: the admin key's owner).")
@state_option
@handle_errors
def set_role(
    email: str, role: str, project: str | None, actor: str | None, state_file: Path
) -> None:
    """Change EMAIL's role out of band, as an owner in the dashboard (drift)."""
    with _changing(state_file) as box:
        session = box.act_as(actor or _key_owner(box))
        if project is None:
            session.set_org_role(email, role)
        else:
            session.set_project_role(project, email, role)
    click.echo(f"{email} is now {role}" + (f" in {project}" if project else ""))


@sandbox.command("exec")
@click.argument("method", type=click.Choice(["GET", "POST", "DELETE"], case_sensitive=False))
@click.argument("path")
@click.option("--data", help="JSON body.")
@click.option("--as", "actor", help="Owner making the call (default: the admin key's owner).")
@state_option
@handle_errors
def exec_(method: str, path: str, data: str | None, actor: str | None, state_file: Path) -> None:
    """Call any endpoint out of band, as an owner in the dashboard; prints the JSON answer."""
    from reconciler.sandbox import SandboxError

    try:
        body = json.loads(data) if data else None
    except ValueError as exc:
        raise SandboxError(f"--data is not valid JSON: {exc}") from exc
    with _changing(state_file) as box:
        result = box.act_as(actor or _key_owner(box)).request(method, path, body)
    click.echo(json.dumps(result, indent=2))


@sandbox.command()
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Seed YAML (default: the demo organization).",
)
@state_option
@handle_errors
def reset(seed: Path | None, state_file: Path) -> None:
    """Start the sandbox over from a seed."""
    import yaml

    from reconciler.sandbox import Sandbox, SandboxError

    try:
        box = Sandbox.from_seed(yaml.safe_load(seed.read_text())) if seed else Sandbox.demo()
    except SandboxError:
        raise
    except yaml.MarkedYAMLError as exc:
        where = f":{exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise SandboxError(f"cannot read seed {seed}{where}: {exc.problem}") from None
    except (OSError, yaml.YAMLError, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise SandboxError(f"cannot read seed {seed}: {type(exc).__name__}: {exc}") from None
    box.save(state_file)
    click.echo(f"sandbox reset ({state_file})")


def _key_owner(box: Sandbox) -> str:
    owner = box.state.users.get(box.state.admin_keys[0]["owner_id"])
    if owner is None:
        from reconciler.sandbox import SandboxError

        raise SandboxError("the admin key's owner has left the organization; pass --as")
    return str(owner["email"])
