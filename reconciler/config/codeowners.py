"""A CODEOWNERS file: who must review a change to which file, as GitHub decides it.

    read_codeowners(path) -> CodeOwners        parse (one-line ConfigError when unreadable)
    CodeOwners.owners_of("teams/a.yaml")       the owners of a path relative to the repository
    default_codeowners(cwd) -> Path | None     .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS

GitHub's rules (docs: "About code owners"): each line is a pattern then owners; `#` starts a
comment; the *last* matching line wins, and a pattern without owners leaves the path unowned.
Patterns follow .gitignore: a pattern with a `/` at its start or middle is anchored to the
repository root, otherwise it matches at any depth; `*` and `?` stay within one path segment;
`**` crosses segments; a trailing `/` means a directory (everything in it); a pattern matches
a path or any directory above it, except that `dir/*` matches only the files directly in `dir`.
What GitHub does not support in CODEOWNERS (`!` negation, `[...]` ranges, `\\` escapes) is
matched literally, so such a line matches nothing. Implemented here (about 40 lines of pattern
translation) rather than with a gitignore library, whose negation and ranges GitHub ignores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reconciler.errors import ConfigError, Problem

# Where GitHub looks, in its order of precedence.
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True, slots=True)
class Rule:
    """One CODEOWNERS line: its pattern, compiled, and its owners (none: unowned)."""

    pattern: str
    regex: re.Pattern[str]
    owners: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class CodeOwners:
    """The rules of one CODEOWNERS file, in file order, and the repository root it governs."""

    rules: tuple[Rule, ...]
    root: Path

    def rule_for(self, path: str) -> Rule | None:
        """The last rule matching `path` (`/`-separated, relative to the root), if any."""
        for rule in reversed(self.rules):
            if rule.regex.match(path):
                return rule
        return None

    def owners_of(self, path: str) -> tuple[str, ...]:
        """Who must review a change to `path` (empty: nobody in particular)."""
        rule = self.rule_for(path)
        return () if rule is None else rule.owners


def parse_codeowners(text: str, *, root: Path) -> CodeOwners:
    """The rules of a CODEOWNERS text (blank lines and comments skipped)."""
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].split() if not raw.lstrip().startswith("#") else []
        if words:
            rules.append(Rule(words[0], compile_pattern(words[0]), tuple(words[1:]), number))
    return CodeOwners(rules=tuple(rules), root=root)


def read_codeowners(path: Path) -> CodeOwners:
    """Read and parse `path`; its rules govern the repository root above it (`.github/`,
    `docs/` or the root itself)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problem = Problem(
            file=str(path), line=None, column=None, path="", message=f"cannot read: {why}"
        )
        raise ConfigError([problem]) from None
    root = path.parent
    if root.name in (".github", "docs"):
        root = root.parent
    return parse_codeowners(text, root=root)


def default_codeowners(cwd: Path) -> Path | None:
    """The CODEOWNERS file GitHub would use in the repository at `cwd`, if there is one."""
    for name in LOCATIONS:
        if (cwd / name).is_file():
            return cwd / name
    return None


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A gitignore-style CODEOWNERS pattern as a regex over root-relative `/`-separated paths."""
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    regex = "" if anchored or body.startswith("**/") else "(?:.*/)?"
    regex += _translate(body)
    if directory:
        regex += "/.*"
    elif not body.endswith("/*"):
        regex += "(?:/.*)?"  # a file, or everything in the directory of that name
    return re.compile(regex + r"\Z")


def _translate(body: str) -> str:
    out = ""
    for index, part in enumerate(re.split(r"(/\*\*/|\*\*/|/\*\*|\*|\?)", body)):
        if index % 2 == 0:
            out += re.escape(part)
        elif part == "/**/":
            out += "/(?:.*/)?"
        elif part == "**/":
            out += "(?:.*/)?"
        elif part == "/**":
            out += "/.*"
        else:
            out += "[^/]*" if part == "*" else "[^/]"
    return out
