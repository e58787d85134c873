"""The command line: the click group (`main`), one module per command, and the one pipeline."""

from reconciler.cli.group import main

__all__ = ["main"]
