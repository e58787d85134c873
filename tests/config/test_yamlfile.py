"""Reading the file: every way it can be unusable is one clear, located line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reconciler.config import load_config
from reconciler.errors import ConfigError

if TYPE_CHECKING:
    from tests.support.config_lab import ConfigLab


def _only_problem(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert len(info.value.problems) == 1
    return str(info.value.problems[0])


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is `FILE: no such file`."""
    path = tmp_path / "nope.yaml"
    assert _only_problem(path) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    """A directory is a config directory (see test_fragments.py): one without fragments is
    named as such, not a traceback."""
    expected = f"{tmp_path}: the directory holds no *.yaml or *.yml file"
    assert _only_problem(tmp_path) == expected


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(lab: ConfigLab, text: str) -> None:
    """An empty file (or one with only comments) says so."""
    path = lab.write(text)
    message = _only_problem(path)
    assert message.startswith(f"{path}")
    assert "the file is empty" in message


def test_non_utf8_names_line_and_column(lab: ConfigLab) -> None:
    """A byte that is not UTF-8 is reported at its line and column."""
    lab.path.write_bytes(b"version: 1\nusers:\n  - {email: a\xe9@x.com}\n")
    assert _only_problem(lab.path) == f"{lab.path}:3:14: not valid UTF-8 (byte 0xe9)"


def test_utf8_bom_is_accepted(lab: ConfigLab) -> None:
    """A UTF-8 byte-order mark (as some editors write) is not an error."""
    lab.path.write_bytes(b"\xef\xbb\xbfversion: 1\n")
    assert load_config(lab.path).desired.org.projects == {}


def test_yaml_syntax_error_has_line_and_column(lab: ConfigLab) -> None:
    """A YAML syntax error is one line, located where the parser stopped."""
    path = lab.write("version: 1\nprojects:\n  - name: a\n   bad: [\n")
    message = _only_problem(path)
    assert message.startswith(f"{path}:4:")
    assert "YAML syntax error" in message
    assert "\n" not in message


def test_two_documents_are_an_error(lab: ConfigLab) -> None:
    """A file with two YAML documents is refused, not half-read."""
    path = lab.write("version: 1\n---\nversion: 1\n")
    assert "YAML syntax error" in _only_problem(path)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("- a\n- b\n", "a list"),
        ("hello\n", "a single value ('hello')"),
        ("42\n", "a single value (42)"),
    ],
)
def test_wrong_top_level_type(lab: ConfigLab, text: str, kind: str) -> None:
    """The top level must be a mapping; a list or a scalar says what it got."""
    path = lab.write(text)
    message = _only_problem(path)
    assert message == f"{path}:1:1: the top level must be a mapping (with `version: 1`), not {kind}"


def test_duplicate_keys_name_both_lines(lab: ConfigLab) -> None:
    """A key repeated in one mapping is an error at the repeat, naming the first line."""
    found = lab.problems(
        """
        version: 1
        projects:
          - name: a
            archived: false
            name: b
        """
    )
    assert found == [
        "org.yaml:5:5: projects[0].name: duplicate key 'name' (first defined on line 3)"
    ]


def test_merge_keys_and_anchors_work(lab: ConfigLab) -> None:
    """`<<: *anchor` merges a mapping, explicit keys override it, `x-` keys hold anchors."""
    loaded = lab.load(
        """
        version: 1
        x-limits: &limits {max_requests_per_1_minute: 10, max_tokens_per_1_minute: 20}
        projects:
          - name: a
            rate_limits:
              gpt-4o: {<<: *limits, max_tokens_per_1_minute: 99}
              o3: *limits
        """
    )
    limits = loaded.desired.org.projects["a"].rate_limits
    assert limits is not None
    assert {name: rl.limits() for name, rl in limits.items()} == {
        "gpt-4o": {"max_requests_per_1_minute": 10, "max_tokens_per_1_minute": 99},
        "o3": {"max_requests_per_1_minute": 10, "max_tokens_per_1_minute": 20},
    }


def test_merged_values_are_located_at_the_merge_key(lab: ConfigLab) -> None:
    """A bad value that came through a merge key is reported at the `<<` that brings it in,
    naming the line where it is written."""
    found = lab.problems(
        """
        version: 1
        x-bad: &bad {max_requests_per_1_minute: 0}
        projects:
          - name: a
            rate_limits:
              gpt-4o: {<<: *bad}
        """
    )
    assert found == [
        "org.yaml:6:16: projects[0].rate_limits.gpt-4o.max_requests_per_1_minute: "
        "Input should be greater than 0 (merged from line 2)"
    ]


def test_recursive_alias_is_an_error(lab: ConfigLab) -> None:
    """A self-referencing alias is refused instead of looping forever."""
    path = lab.write("version: 1\nprojects: &a [*a]\n")
    assert "recursive alias" in _only_problem(path)


def test_alias_bomb_is_refused(lab: ConfigLab) -> None:
    """Exponentially expanding aliases ("billion laughs") stop with an error, quickly."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    path = lab.write("\n".join(lines) + "\n")
    assert "too many nodes" in _only_problem(path)


def test_non_scalar_key_is_located(lab: ConfigLab) -> None:
    """A mapping key that is itself a list is reported at its place."""
    found = lab.problems("version: 1\n? [a, b]\n: 1\n")
    assert found == ["org.yaml:2:3: a mapping key must be a plain value"]


def test_absurd_nesting_is_an_error(lab: ConfigLab) -> None:
    """Thousands of nested brackets are a clear error, not a RecursionError traceback."""
    path = lab.write("version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n")
    message = _only_problem(path)
    assert message.startswith(str(path))
    assert "nest" in message  # libyaml and pure-Python PyYAML word it differently
    assert "\n" not in message


def test_nul_character_is_located(lab: ConfigLab) -> None:
    """A character YAML forbids is reported at its line and column."""
    path = lab.write("version: 1\nx: a\x00\n")
    assert _only_problem(path) == f"{path}:2:5: YAML does not allow the character U+0000 here"
