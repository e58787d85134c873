"""CODEOWNERS as GitHub reads it, checked against the examples of GitHub's documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config.codeowners import (
    compile_pattern,
    default_codeowners,
    parse_codeowners,
    read_codeowners,
)
from reconciler.errors import ConfigError

# The example file of GitHub's "About code owners" page (comments shortened).
GITHUB_EXAMPLE = """\
# These owners will be the default owners for everything in the repo.
*       @global-owner1 @global-owner2
# Order is important; the last matching pattern takes the most precedence.
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
"""
OWNERS = parse_codeowners(GITHUB_EXAMPLE, root=Path("."))


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ("@global-owner1", "@global-owner2")),
        ("src/app.js", ("@js-owner",)),
        ("main.go", ("docs@example.com",)),
        ("notes/a.txt", ("@octo-org/octocats",)),
        ("build/logs/today.log", ("@octocat",)),  # `**/logs` comes later and wins
        ("docs/getting-started.md", ("@doctocat",)),  # `/docs/` comes after `docs/*`
        ("web/apps/index.html", ("@octocat",)),
        ("scripts/deploy.sh", ("@doctocat", "@octocat")),
        ("deeply/nested/logs/x.log", ("@octocat",)),
        ("apps/main.py", ("@octocat",)),
        ("apps/github/main.py", ()),  # a pattern without owners: unowned
    ],
)
def test_githubs_example_last_match_wins(path: str, owners: tuple[str, ...]) -> None:
    """Each path gets the owners of the last line that matches it, as GitHub documents."""
    assert OWNERS.owners_of(path) == owners


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("*", ["a", "a/b/c.yaml"], []),
        ("*.yaml", ["a.yaml", "teams/a.yaml"], ["a.yml", "a.yaml.bak"]),
        ("docs/*", ["docs/getting-started.md"], ["docs/build-app/troubleshooting.md", "x/docs/a"]),
        ("apps/", ["apps/a", "x/apps/a/b"], ["apps", "xapps/a"]),
        ("/docs/", ["docs/a", "docs/a/b"], ["x/docs/a"]),
        ("/build/logs/", ["build/logs/a"], ["logs/a", "x/build/logs/a"]),
        ("**/logs", ["logs", "logs/a", "build/logs/a", "a/b/logs/c"], ["logsx/a"]),
        ("teams/**", ["teams/a.yaml", "teams/x/y.yaml"], ["teams", "org/teams/a"]),
        ("a/**/b", ["a/b", "a/x/b", "a/x/y/b/c"], ["b", "x/a/b"]),
        ("org/teams/search.yaml", ["org/teams/search.yaml"], ["teams/search.yaml"]),
        ("search.yaml", ["search.yaml", "org/teams/search.yaml"], ["search.yaml.bak"]),
        ("?.yaml", ["a.yaml", "x/b.yaml"], ["ab.yaml"]),
        ("!apps/", [], ["apps/a"]),  # negation is not supported: matched literally
    ],
)
def test_gitignore_style_patterns(pattern: str, matches: list[str], misses: list[str]) -> None:
    """`*`, `**`, anchoring by a slash, directory patterns, as gitignore (and GitHub) mean them."""
    regex = compile_pattern(pattern)
    assert [p for p in matches if not regex.match(p)] == []
    assert [p for p in misses if regex.match(p)] == []


def test_root_is_above_dot_github(tmp_path: Path) -> None:
    """A file in .github/ governs the directory above it; one at the root, its own directory."""
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("* @a\n")
    (tmp_path / "CODEOWNERS").write_text("* @b\n")
    found = default_codeowners(tmp_path)
    assert found == tmp_path / ".github" / "CODEOWNERS"
    assert read_codeowners(found).root == tmp_path
    assert read_codeowners(tmp_path / "CODEOWNERS").root == tmp_path
    (tmp_path / "empty").mkdir()
    assert default_codeowners(tmp_path / "empty") is None


def test_unreadable_codeowners_is_one_line(tmp_path: Path) -> None:
    """A missing CODEOWNERS file is a one-line error naming it."""
    with pytest.raises(ConfigError) as info:
        read_codeowners(tmp_path / "CODEOWNERS")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path}/CODEOWNERS: cannot read: No such file or directory"
    ]
