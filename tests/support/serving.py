"""Start `reconciler sandbox serve` on a port the OS picks (port 0), shared by the tests that
need a real HTTP sandbox: no free-port guess that another process can take in between."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

URL = re.compile(r"sandbox listening on (http://127\.0\.0\.1:\d+/v1)")


def start_serve(
    state: Path, *extra: str, timeout: float = 20.0
) -> tuple[subprocess.Popen[str], str]:
    """`sandbox serve --port 0 --state STATE EXTRA...` and the base URL it printed once
    listening; the caller stops the process (send_signal, then communicate)."""
    command = [sys.executable, "-m", "reconciler", "sandbox", "serve", "--port", "0",
               "--state", str(state), *extra]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    stdout = process.stdout
    assert stdout is not None
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    found = URL.search(first[0]) if first else None
    if found is None:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"sandbox serve did not start: {first!r} {err!r}")
    return process, found.group(1)
