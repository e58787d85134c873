"""Running the real CLI against a sandbox whose state lives in a test's tmp_path.

run_on(tmp_path, "plan", str(config))      # adds --sandbox --sandbox-state tmp_path/state.json
write_config(tmp_path, text)               # tmp_path/org.yaml
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli import main


def run_on(tmp_path: Path, *args: str) -> Result:
    """`reconciler ARGS --sandbox --sandbox-state tmp_path/state.json`, with no admin key."""
    state = ["--sandbox", "--sandbox-state", str(tmp_path / "state.json")]
    return CliRunner().invoke(main, [*args, *state], env={"OPENAI_ADMIN_KEY": ""})


def write_config(tmp_path: Path, text: str) -> Path:
    """`text` as tmp_path/org.yaml."""
    path = tmp_path / "org.yaml"
    path.write_text(text)
    return path
