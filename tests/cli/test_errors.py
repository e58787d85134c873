"""What a user sees on bad input: one `error: ...` line naming where and what, exit 1, and never
a traceback (through click's CliRunner; the network is a fake transport or the sandbox)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.cli import main, runtime
from reconciler.clock import VirtualClock

KEY = "sk-admin-TEST-not-a-real-key"
LOOPBACK = "http://127.0.0.1:9/v1"


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """The real-API path answers from a fake transport (401 or refused), on virtual time."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "127.0.0.1":
            raise httpx.ConnectError("All connection attempts failed", request=request)
        body = {
            "error": {"message": "Incorrect API key provided.", "type": "invalid_request_error"}
        }
        return httpx.Response(401, json=body)

    monkeypatch.setattr(runtime, "http_transport", lambda: httpx.MockTransport(handler))
    monkeypatch.setattr(runtime, "default_clock", VirtualClock)
    return seen


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the CLI; by default with no admin key and no base URL in the environment."""
    base = {"OPENAI_ADMIN_KEY": None, "OPENAI_BASE_URL": None}
    result = CliRunner().invoke(
        main, list(args), env={**base, **(env or {})}, prog_name="reconciler"
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def _error(stderr: str) -> str:
    """The one `error:` line (the last line of stderr), checked to be the only one."""
    lines = stderr.rstrip("\n").splitlines()
    assert [line for line in lines if line.startswith("error: ")] == lines[-1:]
    return lines[-1]


def _sandbox(state: Path) -> list[str]:
    return ["--sandbox", "--sandbox-state", str(state)]


def test_missing_admin_key(org: Path) -> None:
    """Without OPENAI_ADMIN_KEY (and no --sandbox), plan names the variable and --sandbox."""
    code, out, err = _run("plan", str(org))
    assert (code, out) == (1, "")
    assert _error(err) == (
        "error: OPENAI_ADMIN_KEY is not set: export an OpenAI admin key (or use --sandbox)"
    )


def test_empty_admin_key(org: Path) -> None:
    """An empty (or blank) OPENAI_ADMIN_KEY is called empty, not missing."""
    code, _, err = _run("drift", str(org), env={"OPENAI_ADMIN_KEY": "  "})
    assert code == 1
    assert _error(err).startswith("error: OPENAI_ADMIN_KEY is empty: ")


def test_plain_http_to_a_remote_host(org: Path) -> None:
    """Plain http to a non-loopback host is refused before the key is sent anywhere."""
    env = {"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": "http://example.com/v1"}
    code, _, err = _run("plan", str(org), env=env)
    assert code == 1
    assert _error(err) == (
        "error: OPENAI_BASE_URL 'http://example.com/v1' uses plain http to a non-loopback host; "
        "the admin key would travel in clear text (use https)"
    )
    assert KEY not in err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1", "error: OPENAI_BASE_URL is not a valid URL: Invalid port: ':1'"),
        ("api.openai.com/v1", "error: OPENAI_BASE_URL 'api.openai.com/v1' must be an https:// URL"),
    ],
)
def test_malformed_base_url(url: str, message: str) -> None:
    """A base URL that does not parse, or has no https scheme, is one line naming it."""
    code, _, err = _run("export", env={"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": url})
    assert code == 1
    assert _error(err) == message


def test_connection_refused_gives_up_within_its_budget(
    org: Path, fake_api: list[httpx.Request]
) -> None:
    """A loopback port nobody listens on is retried with backoff until the connect budget is
    spent (not before, and at most one backoff after), then given up in one line naming it."""
    started = time.monotonic()
    code, out, err = _run(
        "plan", str(org), env={"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": LOOPBACK}
    )
    assert time.monotonic() - started < 5
    assert (code, out) == (1, "")
    given_up = re.fullmatch(
        r"error: GET /v1/organization/\w+: cannot connect to http://127\.0\.0\.1:9/v1 "
        r"\(All connection attempts failed\); gave up after (\d+) attempts in (\d+)s: "
        r"is OPENAI_BASE_URL right\?",
        _error(err),
    )
    assert given_up is not None, err
    attempts, seconds = (int(n) for n in given_up.groups())
    assert attempts == len(fake_api) >= 3  # retried with backoff, every attempt counted
    # the first failure after the budget gives up; the wait before it is one jittered backoff,
    # at most the fourth (ceilings 2, 4, 8, 16 s: the fifth starts after 15 s > the budget), so
    # the budget is overshot by at most 16 s (the message rounds to whole seconds)
    assert runtime.CONNECT_BUDGET <= seconds <= runtime.CONNECT_BUDGET + 16


def test_wrong_key_401(org: Path, fake_api: list[httpx.Request]) -> None:
    """A 401 names the request, the API's message and the variable to check."""
    env = {"OPENAI_ADMIN_KEY": KEY, "OPENAI_BASE_URL": "https://api.example.test/v1"}
    code, _, err = _run("plan", str(org), env=env)
    assert code == 1
    assert _error(err) == (
        "error: GET /organization/projects HTTP 401: Incorrect API key provided. "
        "(check OPENAI_ADMIN_KEY: it must be an admin key of this organization)"
    )
    assert len(fake_api) == 1


@pytest.mark.parametrize(
    "key",
    [f"{KEY}\nSECRET-TAIL", f"{KEY}\r\nX-Injected: SECRET-TAIL", f"{KEY} SECRET-TAIL",
     f"{KEY}\u00e9SECRET-TAIL"],
)  # fmt: skip
def test_malformed_admin_key_is_refused_before_any_request(
    org: Path, fake_api: list[httpx.Request], key: str
) -> None:
    """A key with a line break, space or non-ASCII character inside is one line that shows no
    part of it (an HTTP library would quote the header), and nothing is sent."""
    env = {"OPENAI_ADMIN_KEY": key, "OPENAI_BASE_URL": "https://api.example.test/v1"}
    code, out, err = _run("plan", str(org), env=env)
    assert code == 1
    assert _error(err) == (
        "error: OPENAI_ADMIN_KEY contains spaces, line breaks, control or non-ASCII characters, "
        "which no admin key has: was it pasted with extra text?"
    )
    assert "SECRET-TAIL" not in out + err
    assert fake_api == []


def test_corrupt_sandbox_state(org: Path, tmp_path: Path) -> None:
    """A sandbox state that is not JSON is named, with the parser's reason."""
    state = tmp_path / "state.json"
    state.write_text("{not json")
    code, _, err = _run("plan", str(org), *_sandbox(state))
    assert code == 1
    assert _error(err).startswith(f"error: cannot read sandbox state {state}: Expecting property")


def test_sandbox_state_of_another_shape(tmp_path: Path) -> None:
    """JSON that is not a sandbox state says so and how to start over."""
    state = tmp_path / "state.json"
    state.write_text("[1, 2]")
    code, _, err = _run("sandbox", "key", "--state", str(state))
    assert code == 1
    assert _error(err).startswith(f"error: {state} is not a sandbox state file (")
    assert _error(err).endswith(f"run `reconciler sandbox reset --state {state}`")


def test_sandbox_state_is_a_directory(org: Path, tmp_path: Path) -> None:
    """A directory given as the state file is a usage error: one line, exit 1."""
    code, _, err = _run("drift", str(org), *_sandbox(tmp_path))
    assert code == 1
    assert _error(err) == (
        f"error: Invalid value for '--sandbox-state': File '{tmp_path}' is a directory "
        "(see 'reconciler drift --help')"
    )


def test_sandbox_state_unwritable(org: Path, tmp_path: Path) -> None:
    """A state file that cannot be written is refused before anything runs."""
    (tmp_path / "afile").write_text("")
    state = tmp_path / "afile" / "state.json"
    code, out, err = _run("plan", str(org), *_sandbox(state))
    assert (code, out) == (1, "")
    assert _error(err) == (
        f"error: cannot write sandbox state {state}: {tmp_path / 'afile'} is not a directory"
    )


@pytest.mark.parametrize("command", [["validate"], ["plan", "--sandbox"], ["drift", "--sandbox"]])
def test_missing_config(command: list[str], tmp_path: Path) -> None:
    """A config that does not exist: its own problem line, then the one error line."""
    missing = tmp_path / "missing.yaml"
    code, out, err = _run(*command, str(missing))
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == f"{missing}: no such file"
    assert _error(err) == f"error: 1 problem found in {missing}"


def test_config_is_a_directory(tmp_path: Path) -> None:
    """A directory given as CONFIG is read as fragments; one without any says so."""
    code, _, err = _run("validate", str(tmp_path))
    assert code == 1
    assert err.splitlines()[0] == f"{tmp_path}: the directory holds no *.yaml or *.yml file"
    assert _error(err) == f"error: 1 problem found in {tmp_path}"


def test_invalid_config_in_drift(tmp_path: Path) -> None:
    """drift with an invalid config lists every problem with file:line, then exits 1."""
    config = tmp_path / "org.yaml"
    config.write_text("version: 1\nprojects:\n  - nme: x\n")
    code, out, err = _run("drift", str(config), *_sandbox(tmp_path / "s.json"))
    assert (code, out) == (1, "")
    assert err.splitlines()[:2] == [
        f"{config}:3:5: projects[0]: missing required key 'name'",
        f"{config}:3:5: projects[0].nme: unknown key 'nme' (did you mean 'name'?)",
    ]
    assert _error(err) == f"error: 2 problems found in {config}"
    assert not (tmp_path / "s.json").exists()


def test_out_to_an_unwritable_path(org: Path, tmp_path: Path) -> None:
    """`--out` where no file can be written fails before reading the organization."""
    (tmp_path / "afile").write_text("")
    out_file = tmp_path / "afile" / "plan.json"
    state = tmp_path / "s.json"
    code, out, err = _run("plan", str(org), "--out", str(out_file), *_sandbox(state))
    assert (code, out) == (1, "")
    assert _error(err) == (
        f"error: cannot write the plan file {out_file}: {tmp_path / 'afile'} is not a directory"
    )
    assert not state.exists()


def _saved_plan(org: Path, tmp_path: Path) -> dict[str, object]:
    """A real saved plan of the example, as JSON data."""
    saved = tmp_path / "plan.json"
    code, _, _ = _run(
        "plan", str(org), "--allow-archive", "--out", str(saved), *_sandbox(tmp_path / "s.json")
    )
    assert code == 0
    data: dict[str, object] = json.loads(saved.read_text())
    return data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "error: cannot read {plan}: No such file or directory"),
        ("nope", "error: {plan} is not JSON: Expecting value: line 1 column 1 (char 0)"),
        ('{"a": 1}', "error: not a reconciler plan (expected format 'reconciler-plan')"),
        ("version 99", "error: unsupported plan version 99; this reconciler reads 1"),
    ],
)
def test_bad_saved_plan(org: Path, tmp_path: Path, content: str | None, message: str) -> None:
    """`apply --plan` with a missing, non-JSON, foreign or newer plan file: one line, exit 1."""
    plan = tmp_path / "given.json"
    if content == "version 99":
        plan.write_text(json.dumps({**_saved_plan(org, tmp_path), "version": 99}))
    elif content is not None:
        plan.write_text(content)
    code, _, err = _run(
        "apply", "--plan", str(plan), "--auto-approve", *_sandbox(tmp_path / "s.json")
    )
    assert code == 1
    assert _error(err) == message.format(plan=plan)


def test_export_over_an_existing_file(tmp_path: Path) -> None:
    """export never overwrites a file without --force, and refuses before reading anything."""
    existing = tmp_path / "org.yaml"
    existing.write_text("keep me\n")
    state = tmp_path / "s.json"
    code, out, err = _run("export", "--output", str(existing), *_sandbox(state))
    assert (code, out) == (1, "")
    assert _error(err) == f"error: {existing} exists; pass --force to overwrite it"
    assert existing.read_text() == "keep me\n"
    assert not state.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "org.yaml", "--bogus"],
         "error: No such option '--bogus'. (Did you mean one of: '--base', '--out'?) "
         "(see 'reconciler plan --help')"),
        (["plan"], "error: Missing argument 'CONFIG' (see 'reconciler plan --help')"),
        (["nosuch"], "error: No such command 'nosuch' (see 'reconciler --help')"),
        (["drift", "org.yaml", "--format", "xml"],
         "error: Invalid value for '--format': 'xml' is not one of 'text', 'markdown', 'json' "
         "(see 'reconciler drift --help')"),
    ],
)  # fmt: skip
def test_usage_errors_exit_1(args: list[str], message: str) -> None:
    """Usage errors are one line and exit 1: exit 2 means "changes" to plan and drift in CI."""
    code, out, err = _run(*args)
    assert (code, out) == (1, "")
    assert _error(err) == message


def test_bad_fault_spec_for_sandbox_serve(tmp_path: Path) -> None:
    """`sandbox serve --fault` with a bad spec is refused before serving."""
    code, _, err = _run(
        "sandbox", "serve", "--fault", "nope=2", "--state", str(tmp_path / "s.json")
    )
    assert code == 1
    assert _error(err).startswith("error: --fault 'nope=2': expected NAME=PROBABILITY")


def test_sandbox_reset_with_a_broken_seed(tmp_path: Path) -> None:
    """A seed with a YAML syntax error is one line with its file and line, not a YAML dump."""
    seed = tmp_path / "seed.yaml"
    seed.write_text("projects: [ {name: x\n")
    code, _, err = _run("sandbox", "reset", "--seed", str(seed), "--state", str(tmp_path / "s"))
    assert code == 1
    assert (
        _error(err)
        == f"error: cannot read seed {seed}:2: expected ',' or '}}', but got '<stream end>'"
    )


def test_internal_error_message_is_scrubbed_of_keys(
    org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug whose exception message quotes a key is one `error:` line with the key redacted."""
    admin = "adm-TEST-short-admin-key"  # not shaped like sk-...: scrubbed by value

    def broken(*_: object, **__: object) -> None:
        raise ValueError(f"unexpected {admin} and sk-svcacct-TEST-not-a-real-key-77")

    monkeypatch.setattr(runtime, "load_sandbox", broken)
    args = ["plan", str(org), *_sandbox(tmp_path / "sb.json")]
    code, out, err = _run(*args, env={"OPENAI_ADMIN_KEY": admin})
    assert code == 1
    assert _error(err) == (
        "error: internal error (ValueError: unexpected [REDACTED] and [REDACTED]); "
        "rerun with --debug"
    )
    assert admin not in out + err
