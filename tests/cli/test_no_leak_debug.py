"""No secret anywhere, even with --debug: the whole CLI (plan, apply with a keyed service
account, drift, export) on the sandbox, on the real-API path through respx, and on failures
whose messages echo the key; every byte of output, every log record of every logger at DEBUG
(httpx and httpcore included), every traceback --debug would show, and every file written."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from click.testing import CliRunner, Result

from reconciler.cli import main, runtime
from reconciler.clock import ScaledClock
from reconciler.sandbox import Sandbox, SandboxTransport
from tests.support.rotation import ROTATING, sandbox_cli

ADMIN_KEY = "sk-admin-TEST-not-a-real-key-LEAKCHECK-0123456789"
BASE = "https://api.example.test/v1"


class Everything(logging.Handler):
    """Keeps every record of every logger, formatted with its arguments and traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the formatted record, and the raw args in case a formatter would hide one."""
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))


@pytest.fixture
def records() -> Iterator[Everything]:
    """Every log record at DEBUG from every logger while the test runs."""
    handler, root = Everything(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _use_fake_admin_key(box: Sandbox) -> None:
    """The sandbox's admin key becomes ADMIN_KEY (its listed, redacted form too)."""
    box.state.admin_keys[0]["value"] = ADMIN_KEY
    box.state.admin_keys[0]["redacted_value"] = f"sk-admin...{ADMIN_KEY[-4:]}"


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["--debug", *args], env=env, prog_name="reconciler")


def _shown(result: Result) -> str:
    """Every byte the command wrote, and the traceback Python would print under --debug."""
    shown = [result.stdout, result.stderr]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        shown.append("".join(traceback.format_exception(result.exception)))
    return "\n".join(shown)


def _session(org: Path, work: Path, *common: str, env: dict[str, str] | None = None) -> str:
    """plan --out, apply (keyed service account), drift, export --output: all they showed."""
    plan_file, keys, exported = work / "plan.json", work / "keys", work / "export.yaml"
    safety = ["--allow-archive", "--auto-approve", "--secrets-dir", str(keys)]
    runs = [
        _invoke(
            "plan",
            str(org),
            "--out",
            str(plan_file),
            "--format",
            "json",
            "--allow-archive",
            *common,
            env=env,
        ),
        _invoke("apply", str(org), *safety, *common, env=env),
        _invoke("drift", str(org), "--format", "markdown", *common, env=env),
        _invoke("export", "--output", str(exported), *common, env=env),
    ]
    assert [r.exit_code for r in runs] == [0, 0, 2, 0], [_shown(r) for r in runs]
    return "\n".join(_shown(r) for r in runs)


def _created_keys(keys: Path) -> list[str]:
    created = [p.read_text().strip() for p in sorted(keys.glob("*.key"))]
    assert created, "apply created no keyed service account: the test would prove nothing"
    assert all(key.startswith("sk-svcacct-") for key in created)
    return created


def _files_outside(work: Path, keys: Path) -> str:
    """Every file written outside the secrets dir (plan, export, sandbox state, metadata)."""
    files = [p for p in work.rglob("*") if p.is_file() and keys not in p.parents]
    metadata = list(keys.glob("*.json"))
    assert metadata
    return "\n".join(p.read_text(errors="replace") for p in [*files, *metadata])


def _assert_absent(secrets: list[str], *texts: str) -> None:
    for secret in secrets:
        for text in texts:
            assert secret not in text


def test_sandbox_session_with_debug_shows_no_secret(
    org: Path, tmp_path: Path, records: Everything
) -> None:
    """On the sandbox, with --debug: no admin key or created key in output, logs or files."""
    state = tmp_path / "sandbox.json"
    box = Sandbox.load(state)
    _use_fake_admin_key(box)
    box.save(state)
    shown = _session(org, tmp_path, "--sandbox", "--sandbox-state", str(state))
    created = _created_keys(tmp_path / "keys")
    assert any(line.startswith("DEBUG reconciler.") for line in records.lines)
    _assert_absent(created, shown, *records.lines, _files_outside(tmp_path, tmp_path / "keys"))
    _assert_absent([ADMIN_KEY], shown, *records.lines)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The real-API path (OPENAI_ADMIN_KEY, base URL, httpx transport) answered through respx
    by a sandbox that knows the fake admin key."""
    box = Sandbox.demo(clock=ScaledClock(speed=100_000, epoch=1_700_000_000))
    _use_fake_admin_key(box)
    transport = SandboxTransport(box)
    monkeypatch.setattr(runtime, "default_clock", lambda: ScaledClock(speed=100_000))
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.route().mock(side_effect=transport.handle_request)
        yield box


def _env() -> dict[str, str]:
    return {
        "OPENAI_ADMIN_KEY": ADMIN_KEY,
        "OPENAI_BASE_URL": BASE,
        "RECONCILER_REQUESTS_PER_MINUTE": "1000000",
    }


def test_real_api_session_with_debug_shows_no_secret(
    org: Path, tmp_path: Path, records: Everything, api: Sandbox
) -> None:
    """Through the real-API path, with --debug: the key went out in the Authorization header
    and nowhere else; created keys reached only the secrets dir."""
    work = tmp_path / "work"
    work.mkdir()
    shown = _session(org, work, env=_env())
    created = _created_keys(work / "keys")
    assert any(line.startswith("DEBUG httpx") or "HTTP Request" in line for line in records.lines)
    _assert_absent(created, shown, *records.lines, _files_outside(work, work / "keys"))
    _assert_absent([ADMIN_KEY], shown, *records.lines)
    assert api.state.audit_logs  # apply did write through this path


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(
            401, json={"error": {"message": f"Incorrect API key provided: {ADMIN_KEY}"}}
        ),
        httpx.Response(500, text=f"upstream said Bearer {ADMIN_KEY}"),
        httpx.ConnectError(f"cannot connect with Authorization: Bearer {ADMIN_KEY}"),
        httpx.ReadTimeout("timed out"),
    ],
    ids=["401-echo", "500-echo", "connect-error-echo", "timeout"],
)
def test_failures_with_debug_show_no_secret(
    org: Path,
    records: Everything,
    failure: httpx.Response | Exception,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failing API under --debug: the error, its traceback (with its exception chain) and the
    debug logs never show the admin key or the Authorization header."""
    monkeypatch.setattr(runtime, "default_clock", lambda: ScaledClock(speed=1_000_000))
    with respx.mock(base_url=BASE) as router:
        route = router.route()
        if isinstance(failure, Exception):
            route.mock(side_effect=failure)
        else:
            route.mock(return_value=failure)
        result = _invoke("plan", str(org), env=_env())
    assert result.exit_code == 1
    assert result.exception is not None
    assert not isinstance(result.exception, SystemExit)  # --debug: the traceback is shown
    shown = _shown(result)
    assert "Traceback" in shown
    assert route.calls[0].request.headers["authorization"] == f"Bearer {ADMIN_KEY}"
    _assert_absent([ADMIN_KEY], shown, *records.lines)
    logged = json.dumps(records.lines)
    assert "Bearer sk-" not in shown + logged  # the Authorization header's value, in any form
    assert "LEAKCHECK" not in shown + logged  # nor any fragment of the key


def test_key_rotation_session_with_debug_shows_no_secret(
    tmp_path: Path, records: Everything, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Months of key rotation on the sandbox, with --debug: create, rotate (the plan saved to a
    file), the overlap and the keys to retire in plan and drift, both reports, export: no
    delivered key in any output, log record or file outside the secrets dir."""
    (tmp_path / "org.yaml").write_text(ROTATING, encoding="utf-8")
    config = str(tmp_path / "org.yaml")
    with sandbox_cli(tmp_path, monkeypatch) as cli:
        runs = [cli("--debug", "apply", config)]
        cli.days_pass(91)
        plan_file = tmp_path / "plan.json"
        runs.append(cli("--debug", "plan", config, "--out", str(plan_file), "--format", "json"))
        runs.append(cli("--debug", "apply", config))
        cli.days_pass(8)
        runs += [
            cli("--debug", "plan", config),
            cli("--debug", "drift", config, "--format", "markdown"),
            cli("--debug", "report", "keys", config, "--format", "json"),
            cli("--debug", "report", "access", config, "--format", "markdown"),
            cli("--debug", "export", "--output", str(tmp_path / "export.yaml")),
        ]
    assert [r.exit_code for r in runs] == [0, 0, 0, 0, 2, 2, 0, 0], [_shown(r) for r in runs]
    assert "retire key_" in runs[3].stdout
    created = _created_keys(tmp_path / "keys")
    assert len(created) == 2
    shown = "\n".join(_shown(r) for r in runs)
    _assert_absent(created, shown, *records.lines, _files_outside(tmp_path, tmp_path / "keys"))
