"""Secret sinks: where service-account API keys go, and where they never go."""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import stat
import sys
import time
from pathlib import Path

import pytest

from reconciler.errors import SecretSinkError
from reconciler.write import secrets as secrets_module
from reconciler.write.secrets import (
    CommandSink,
    DirSink,
    KeyMetadata,
    MaskingSink,
    NoSink,
    Secret,
    make_sink,
)

FAKE_KEY = "sk-svcacct-TEST-not-a-real-key-0001"
ADMIN_KEY = "sk-admin-TEST-not-a-real-key-0002"
META = KeyMetadata(
    project="search prod/../x",
    project_id="proj_1",
    service_account="ci-deployer",
    service_account_id="svc_1",
    key_id="key_1",
)


def test_secret_is_redacted_in_repr_str_and_format() -> None:
    """A Secret never shows its value through repr, str, f-strings or logging."""
    secret = Secret(FAKE_KEY)
    shown = [repr(secret), str(secret), f"{secret:>20}", str([secret])]
    assert all(FAKE_KEY not in text for text in shown)
    assert secret.reveal() == FAKE_KEY


def test_secret_refuses_pickling() -> None:
    """A Secret cannot be serialized by pickle (which would bypass redaction)."""
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Secret(FAKE_KEY))


def test_dir_sink_creates_0700_dir_and_0600_file(tmp_path: Path) -> None:
    """The directory is created 0700, the key file 0600, with a sanitized name and metadata."""
    sink = DirSink(tmp_path / "keys")
    sink.preflight()
    where = Path(sink.deliver(Secret(FAKE_KEY), META))
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert stat.S_IMODE(where.stat().st_mode) == 0o600
    assert where.parent == tmp_path / "keys"
    assert where.name == "search_prod_x__ci-deployer.key"
    assert where.read_text() == FAKE_KEY + "\n"
    meta = json.loads(where.with_suffix(".json").read_text())
    assert meta["service_account_id"] == "svc_1"
    assert FAKE_KEY not in where.with_suffix(".json").read_text()


def test_dir_sink_never_overwrites(tmp_path: Path) -> None:
    """A second key for the same account goes to a fresh file; the first is kept."""
    sink = DirSink(tmp_path)
    os.chmod(tmp_path, 0o700)
    first = Path(sink.deliver(Secret(FAKE_KEY), META))
    second = Path(sink.deliver(Secret(FAKE_KEY + "-2"), META))
    assert first != second
    assert first.read_text() == FAKE_KEY + "\n"
    assert second.read_text() == FAKE_KEY + "-2\n"


def test_dir_sink_refuses_world_readable_dir(tmp_path: Path) -> None:
    """An existing directory that others can read is refused in preflight."""
    os.chmod(tmp_path, 0o755)
    with pytest.raises(SecretSinkError, match="chmod 700"):
        DirSink(tmp_path).preflight()


def test_dir_sink_refuses_a_file(tmp_path: Path) -> None:
    """A path that is a file is not a secrets dir."""
    target = tmp_path / "f"
    target.write_text("")
    os.chmod(target, 0o600)
    with pytest.raises(SecretSinkError, match="not a directory"):
        DirSink(target).preflight()


def _script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "sink.py"
    script.write_text(body)
    return f"{sys.executable} {script}"


def test_command_sink_passes_key_on_stdin_and_metadata_in_env(tmp_path: Path) -> None:
    """The command reads the key on stdin and sees RECONCILER_* metadata."""
    out = tmp_path / "got.json"
    body = (
        "import json, os, sys\n"
        f"json.dump({{'key': sys.stdin.read(), 'sa': os.environ['RECONCILER_SERVICE_ACCOUNT'],"
        f" 'kid': os.environ['RECONCILER_KEY_ID']}}, open({str(out)!r}, 'w'))\n"
    )
    sink = CommandSink(_script(tmp_path, body), env=dict(os.environ))
    sink.preflight()
    sink.deliver(Secret(FAKE_KEY), META)
    got = json.loads(out.read_text())
    assert got == {"key": FAKE_KEY, "sa": "ci-deployer", "kid": "key_1"}


def test_failing_command_error_never_contains_the_key(tmp_path: Path) -> None:
    """A failing command raises SecretSinkError whose message redacts the key it echoed."""
    body = "import sys\nk = sys.stdin.read()\nsys.stderr.write('bad key ' + k)\nsys.exit(3)\n"
    sink = CommandSink(_script(tmp_path, body), env=dict(os.environ))
    with pytest.raises(SecretSinkError) as caught:
        sink.deliver(Secret(FAKE_KEY), META)
    assert "exited 3" in str(caught.value)
    assert FAKE_KEY not in str(caught.value)


def test_command_sink_preflight_refuses_missing_program() -> None:
    """A command that does not exist is refused before any write."""
    with pytest.raises(SecretSinkError, match="not found"):
        CommandSink("no-such-program-reconciler-test", env={"PATH": "/nonexistent"}).preflight()


def test_no_sink_refuses_delivery() -> None:
    """Without a sink, delivering a key is an error naming the account, not the key."""
    with pytest.raises(SecretSinkError, match="ci-deployer") as caught:
        NoSink().deliver(Secret(FAKE_KEY), META)
    assert FAKE_KEY not in str(caught.value)


def test_masking_sink_masks_before_delivery(tmp_path: Path) -> None:
    """In GitHub Actions the mask line is emitted before the inner sink receives the key."""
    events: list[str] = []

    class Recorder:
        configured = True

        def preflight(self) -> None:
            events.append("preflight")

        def deliver(self, key: Secret, meta: KeyMetadata) -> str:
            events.append("deliver")
            return "recorder"

    sink = MaskingSink(Recorder(), emit=events.append)
    sink.deliver(Secret(FAKE_KEY), META)
    assert events == [f"::add-mask::{FAKE_KEY}", "deliver"]


def test_make_sink_masks_only_under_github_actions(tmp_path: Path) -> None:
    """make_sink wraps in MaskingSink exactly when GITHUB_ACTIONS=true."""
    plain = make_sink(secrets_dir=tmp_path, secrets_command=None, env={}, emit=print)
    masked = make_sink(
        secrets_dir=tmp_path, secrets_command=None, env={"GITHUB_ACTIONS": "true"}, emit=print
    )
    assert isinstance(plain, DirSink)
    assert isinstance(masked, MaskingSink)
    assert not make_sink(secrets_dir=None, secrets_command=None, env={}, emit=print).configured


def test_make_sink_refuses_both_flags(tmp_path: Path) -> None:
    """Only one sink may be named."""
    with pytest.raises(SecretSinkError, match="not both"):
        make_sink(secrets_dir=tmp_path, secrets_command="cat", env={}, emit=print)


def test_logging_a_secret_shows_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """A Secret passed to a logger as an argument is rendered redacted."""
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("t").debug("key %s %r", Secret(FAKE_KEY), Secret(FAKE_KEY))
    assert FAKE_KEY not in caplog.text


def test_command_sink_withholds_the_admin_key(tmp_path: Path) -> None:
    """The secrets command's environment has everything but OPENAI_ADMIN_KEY."""
    out = tmp_path / "env.json"
    body = f"import json, os\njson.dump(dict(os.environ), open({str(out)!r}, 'w'))\n"
    env = {**os.environ, "OPENAI_ADMIN_KEY": ADMIN_KEY, "VAULT_ADDR": "https://vault.test"}
    sink = make_sink(secrets_dir=None, secrets_command=_script(tmp_path, body), env=env, emit=print)
    sink.deliver(Secret(FAKE_KEY), META)
    seen = json.loads(out.read_text())
    assert "OPENAI_ADMIN_KEY" not in seen
    assert ADMIN_KEY not in out.read_text()
    assert seen["VAULT_ADDR"] == "https://vault.test"
    assert seen["RECONCILER_SERVICE_ACCOUNT"] == "ci-deployer"


def test_hung_command_and_its_children_are_killed_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command that hangs (with a grandchild holding its stderr) fails at the timeout,
    without waiting for the grandchild, with a one-line error that says it was killed; the
    grandchild is killed too, not left running."""
    monkeypatch.setattr(secrets_module, "COMMAND_TIMEOUT_SECONDS", 0.3)
    pid_file = tmp_path / "grandchild.pid"
    body = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(8)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(8)\n"
    )
    sink = CommandSink(_script(tmp_path, body), env=dict(os.environ))
    started = time.monotonic()
    with pytest.raises(SecretSinkError, match=r"did not finish within 0.3s .*\(killed\)"):
        sink.deliver(Secret(FAKE_KEY), META)
    assert time.monotonic() - started < 4
    assert _gone(int(pid_file.read_text()), within=3.0)


def _gone(pid: int, *, within: float) -> bool:
    """Whether process `pid` is dead (exited, or a zombie nobody reaped) within `within` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


def test_command_stdout_is_discarded(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A command that echoes the key on stdout prints nothing into our output."""
    body = "import sys\nsys.stdout.write(sys.stdin.read())\n"
    CommandSink(_script(tmp_path, body), env=dict(os.environ)).deliver(Secret(FAKE_KEY), META)
    out = capfd.readouterr()
    assert FAKE_KEY not in out.out + out.err


def test_disk_full_leaves_no_partial_key_file(tmp_path: Path) -> None:
    """A key file that cannot be written whole (file size limit, as on a full disk) is
    removed, and the error names the file but not the key."""
    directory = tmp_path / "keys"
    sink = DirSink(directory)
    sink.preflight()
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (10, limits[1]))
    try:
        with pytest.raises(SecretSinkError, match="cannot write") as caught:
            sink.deliver(Secret(FAKE_KEY), META)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous_handler)
    assert FAKE_KEY not in str(caught.value)
    assert list(directory.iterdir()) == []
