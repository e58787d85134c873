"""`apply --secrets-dir`: every key file's metadata describes that key, whatever the dir held."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from tests.support.apply import EXAMPLE

STALE = {
    "key_id": "key_from_an_earlier_apply",
    "key_name": "Secret Key",
    "project": "search-prod",
    "project_id": "proj_earlier",
    "service_account": "ci-deployer",
    "service_account_id": "svc_acct_earlier",
}


def test_a_stale_metadata_file_is_never_paired_with_a_new_key(tmp_path: Path) -> None:
    """When an earlier key's `.json` is left without its `.key` (the key was moved away), the
    new key goes to a name of its own: its metadata names it and holds its own key id, and
    the stale file is left untouched."""
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    keys.mkdir(mode=0o700)
    keys.chmod(0o700)
    stale = keys / "search-prod__ci-deployer.json"
    stale.write_text(json.dumps(STALE), encoding="utf-8")
    args = ["apply", str(EXAMPLE), "--sandbox", "--sandbox-state", str(state), "--auto-approve",
            "--allow-archive", "--secrets-dir", str(keys)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    live_keys = {
        key["id"]: key
        for project in Sandbox.load(state).state.api_keys.values()
        for key in project.values()
    }
    key_files = sorted(keys.glob("*.key"))
    assert key_files, sorted(p.name for p in keys.iterdir())
    for key_file in key_files:
        meta = json.loads(key_file.with_suffix(".json").read_text(encoding="utf-8"))
        assert meta["key_id"] in live_keys, (key_file.name, meta)
        live = live_keys[meta["key_id"]]
        assert live["owner_id"] == meta["service_account_id"]
        secret = key_file.read_text(encoding="utf-8").strip()
        assert live["redacted_value"][-4:] == secret[-4:]
        assert meta["key_file"] == key_file.name
    assert json.loads(stale.read_text(encoding="utf-8")) == STALE
