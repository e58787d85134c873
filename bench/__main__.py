"""`python -m bench [NAME ...]`: run every benchmark module (or the named ones) in turn.

A benchmark module is `bench/bench_<name>.py` with a `main() -> None` that prints its table.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def _modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")]
    return sorted(names)


def run(selected: list[str]) -> None:
    """Run the selected benchmarks (all when none are named)."""
    for name in _modules():
        short = name.removeprefix("bench_")
        if selected and short not in selected:
            continue
        print(f"== {short}")
        module = importlib.import_module(f"bench.{name}")
        module.main()


if __name__ == "__main__":
    run(sys.argv[1:])
