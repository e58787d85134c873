"""A private key beside a certificate, through the real CLI: `validate` refuses it at the
certificate's entry without echoing it, and no plan file, plan output, sandbox state or request
body ever holds key material; only the certificate block itself is ever carried or uploaded."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import respx
from click.testing import CliRunner, Result

from reconciler.cli import main, runtime
from reconciler.clock import ScaledClock
from reconciler.sandbox import Sandbox, SandboxTransport
from reconciler.sandbox.seed import demo_seed
from tests.support import KEY_KINDS, key_material, key_pem, make_pem, pem_label

BASE = "https://api.example.test/v1"
ADMIN_KEY = "sk-admin-TEST-not-a-real-key-PEMCHECK-0123456789"


def _config(tmp_path: Path, pem: str, *, inline: bool) -> Path:
    """org.yaml declaring one new certificate `fresh` (c.pem, or inline), nothing else."""
    (tmp_path / "c.pem").write_text(pem)
    entry = (
        "  - name: fresh\n    pem: |\n" + textwrap.indent(pem, "      ")
        if inline
        else "  - {name: fresh, file: c.pem}\n"
    )
    path = tmp_path / "org.yaml"
    path.write_text("version: 1\ncertificates:\n" + entry)
    return path


def _cert_and_key(kind: str, *, key_first: bool) -> str:
    cert, key = make_pem("fresh.example.com", days=3650), key_pem(kind)
    return key + cert if key_first else cert + key


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _assert_no_key(kind: str, *texts: str) -> None:
    for part in key_material(key_pem(kind)):
        for text in texts:
            assert part not in text


@pytest.mark.parametrize("inline", [False, True], ids=["file", "inline"])
@pytest.mark.parametrize("key_first", [False, True], ids=["key-after", "key-before"])
@pytest.mark.parametrize("kind", KEY_KINDS)
def test_validate_refuses_a_key_beside_the_certificate(
    tmp_path: Path, kind: str, key_first: bool, inline: bool
) -> None:
    """validate exits 1 with one located line at the certificate's entry, key not echoed."""
    config = _config(tmp_path, _cert_and_key(kind, key_first=key_first), inline=inline)
    result = _invoke("validate", str(config))
    assert result.exit_code == 1
    assert result.stdout == ""
    where = (
        f"{config}:3:19: certificates[0].file"
        if not inline
        else (f"{config}:4:5: certificates[0].pem")
    )
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{where}: holds a '{pem_label(kind)}' block (line ")
    assert lines[0].endswith("keep only the CERTIFICATE block")
    assert lines[1] == f"error: 1 problem found in {config}"
    _assert_no_key(kind, result.output)


@pytest.mark.parametrize("inline", [False, True], ids=["file", "inline"])
@pytest.mark.parametrize("key_first", [False, True], ids=["key-after", "key-before"])
@pytest.mark.parametrize("kind", KEY_KINDS)
def test_plan_never_carries_a_key(tmp_path: Path, kind: str, key_first: bool, inline: bool) -> None:
    """plan --out --format json refuses the config: no plan file, and neither its output nor
    the sandbox state holds any of the key."""
    config = _config(tmp_path, _cert_and_key(kind, key_first=key_first), inline=inline)
    state, saved = tmp_path / "sandbox.json", tmp_path / "plan.json"
    sandbox = ["--sandbox", "--sandbox-state", str(state)]
    result = _invoke("plan", str(config), "--out", str(saved), "--format", "json", *sandbox)
    assert result.exit_code == 1
    assert "keep only the CERTIFICATE block" in result.stderr
    assert not saved.exists()
    _assert_no_key(kind, result.output, state.read_text() if state.exists() else "")


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.Router]:
    """The real-API path answered through respx by the demo sandbox: every request recorded."""
    box = Sandbox.demo(clock=ScaledClock(speed=100_000, epoch=1_700_000_000))
    box.state.admin_keys[0]["value"] = ADMIN_KEY
    transport = SandboxTransport(box)
    monkeypatch.setattr(runtime, "default_clock", lambda: ScaledClock(speed=100_000))
    monkeypatch.setenv("OPENAI_ADMIN_KEY", ADMIN_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", BASE)
    monkeypatch.setenv("RECONCILER_REQUESTS_PER_MINUTE", "1000000")
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.route().mock(side_effect=transport.handle_request)
        yield router


def _bodies(router: respx.Router) -> list[str]:
    return [call.request.content.decode() for call in router.calls]


@pytest.mark.parametrize("key_first", [False, True], ids=["key-after", "key-before"])
@pytest.mark.parametrize("kind", KEY_KINDS)
def test_apply_sends_no_key(tmp_path: Path, api: respx.Router, kind: str, key_first: bool) -> None:
    """apply on the real-API path refuses before any request: no body ever holds the key."""
    config = _config(tmp_path, _cert_and_key(kind, key_first=key_first), inline=False)
    result = _invoke("apply", str(config), "--auto-approve")
    assert result.exit_code == 1
    assert "keep only the CERTIFICATE block" in result.stderr
    assert not [c for c in api.calls if c.request.method == "POST"]
    _assert_no_key(kind, result.output, *_bodies(api))


def test_only_the_certificate_block_is_planned_and_uploaded(
    tmp_path: Path, api: respx.Router
) -> None:
    """Text around the certificate (openssl bag attributes, CRLF, a trailer) loads, but the
    plan (change and config) and the upload carry the certificate block alone."""
    cert = make_pem("fresh.example.com", days=3650)
    noisy = "Bag Attributes\n    friendlyName: fresh\n" + cert + "left over\n"
    config = _config(tmp_path, noisy.replace("\n", "\r\n"), inline=False)
    saved = tmp_path / "plan.json"
    planned = _invoke("plan", str(config), "--out", str(saved))
    assert planned.exit_code == 0, planned.output
    plan = json.loads(saved.read_text())
    assert [c["after"]["pem"] for c in plan["changes"]] == [cert]
    assert [c["pem"] for c in plan["config"]["certificates"]] == [cert]
    applied = _invoke("apply", "--plan", str(saved), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    uploads = [
        json.loads(c.request.content)
        for c in api.calls
        if c.request.method == "POST" and c.request.url.path.endswith("/organization/certificates")
    ]
    assert uploads == [{"certificate": cert, "name": "fresh"}]


def test_a_saved_plan_carrying_a_key_is_refused(tmp_path: Path, api: respx.Router) -> None:
    """A plan file edited to carry a key beside the certificate (in its change and its config)
    is refused by apply --plan before any write, without echoing the key."""
    config = _config(tmp_path, make_pem("fresh.example.com", days=3650), inline=False)
    saved = tmp_path / "plan.json"
    assert _invoke("plan", str(config), "--out", str(saved)).exit_code == 0
    key = key_pem("PRIVATE KEY")
    plan = json.loads(saved.read_text())
    plan["changes"][0]["after"]["pem"] += key
    plan["config"]["certificates"][0]["pem"] += key
    saved.write_text(json.dumps(plan))
    result = _invoke("apply", "--plan", str(saved), "--auto-approve")
    assert result.exit_code == 1
    assert "keep only the CERTIFICATE block" in result.stderr
    assert not [c for c in api.calls if c.request.method == "POST"]
    _assert_no_key("PRIVATE KEY", result.output, *_bodies(api))


def test_export_writes_the_certificate_without_what_the_api_stored_beside_it(
    tmp_path: Path,
) -> None:
    """A certificate whose stored content carries a key (an older upload) is exported as the
    certificate block alone: the file holds no key material and validates."""
    state, out = tmp_path / "sandbox.json", tmp_path / "exported.yaml"
    cert, key = make_pem("old.example.com", days=3650), key_pem("RSA PRIVATE KEY")
    seed = demo_seed() | {"certificates": [{"name": "old", "pem": cert + key}]}
    Sandbox.from_seed(seed).save(state)
    stored = [c["content"] for c in Sandbox.load(state).state.certificates.values()]
    assert stored == [cert + key]  # the sandbox, like an API might, kept what it was sent
    sandbox = ["--sandbox", "--sandbox-state", str(state)]
    exported = _invoke("export", "--output", str(out), *sandbox)
    assert exported.exit_code == 0, exported.output
    text = out.read_text()
    assert textwrap.indent(cert.strip(), "      ") in text
    _assert_no_key("RSA PRIVATE KEY", text, exported.output)
    assert _invoke("validate", str(out)).exit_code == 0
