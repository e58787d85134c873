"""Every module imports on its own (no cycles), and the pure core loads no I/O, transitively.

Both are checked in fresh interpreters: a forked child per module, so a module that only
imports because another one happened to be loaded first fails here, as it would for a user.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "reconciler"
# The pure core: values in, values out (DESIGN.md). render/progress.py draws on a terminal.
PURE_PACKAGES = ("core", "render")
IMPURE = {"reconciler.render.progress"}
BANNED = ["httpx", "click", "subprocess", "socket"]

# Each child imports one module and reports (error, banned modules it loaded). The parent
# preloads the third-party libraries (not reconciler) when told to, which keeps the run short
# without hiding a cycle: cycles are between reconciler's own modules.
PROBE = r"""
import importlib, json, os, sys
names, preload, banned = json.loads(sys.argv[1]), sys.argv[2] == "1", json.loads(sys.argv[3])
if preload:
    for lib in ("pydantic", "yaml", "httpx", "click", "rich", "cryptography.x509"):
        importlib.import_module(lib)
results = {}
for name in names:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            out = {"error": None, "loaded": sorted(set(banned) & set(sys.modules))}
        except BaseException as exc:  # noqa: BLE001 - reported, not raised
            out = {"error": f"{type(exc).__name__}: {exc}", "loaded": []}
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    results[name] = json.loads(b"".join(chunks))
print(json.dumps(results))
"""


def _module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def _probe(names: list[str], *, preload: bool) -> dict[str, dict[str, object]]:
    args = [sys.executable, "-c", PROBE, json.dumps(names), "1" if preload else "0"]
    done = subprocess.run([*args, json.dumps(BANNED)], capture_output=True, text=True, check=True)
    results: dict[str, dict[str, object]] = json.loads(done.stdout)
    return results


def _pure(name: str) -> bool:
    parts = name.split(".")
    return len(parts) > 1 and parts[1] in PURE_PACKAGES and name not in IMPURE


def test_every_module_imports_on_its_own() -> None:
    """`import reconciler.X` works in a fresh interpreter for every module X (no import cycle)."""
    results = _probe(_module_names(), preload=True)
    failures = {name: r["error"] for name, r in results.items() if r["error"]}
    assert failures == {}
    assert len(results) > 100


def test_the_pure_core_loads_no_http_cli_process_or_socket_module() -> None:
    """Importing any module of core/ or render/ (but the progress bar) loads, transitively, none
    of httpx, click, subprocess or socket."""
    pure = [name for name in _module_names() if _pure(name)]
    results = _probe(pure, preload=False)
    offenders = {
        name: r["loaded"] or r["error"] for name, r in results.items() if r["loaded"] or r["error"]
    }
    assert offenders == {}
    assert "reconciler.core.plan" in pure
    assert "reconciler.render.text" in pure
