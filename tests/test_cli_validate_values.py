"""`reconciler validate` on values that look right but are not: where merged values and profile
entries are reported."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main


def _validate(tmp_path: Path, text: str) -> tuple[int, list[str], Path]:
    """Write org.yaml, run `reconciler validate` on it: exit code, stderr lines, the path."""
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result.exit_code, result.stderr.splitlines(), path


def _one_problem(tmp_path: Path, text: str) -> str:
    """The single problem line `validate` prints for `text`, without the file name."""
    code, lines, path = _validate(tmp_path, text)
    assert code == 1, lines
    assert lines[1:] == [f"error: 1 problem found in {path}"], lines
    return lines[0].removeprefix(f"{path}:")


def test_merged_value_is_located_at_the_merge_key(tmp_path: Path) -> None:
    """A bad value brought in by `<<: *anchor` is reported at the `<<`, naming the anchor's line."""
    found = _one_problem(
        tmp_path,
        "version: 1\n"
        "x-bad: &bad {max_requests_per_1_minute: 0}\n"
        "projects:\n"
        "  - name: a\n"
        "    rate_limits:\n"
        "      gpt-4o: {<<: *bad}\n",
    )
    assert found == (
        "6:16: projects[0].rate_limits.gpt-4o.max_requests_per_1_minute: "
        "Input should be greater than 0 (merged from line 2)"
    )


def test_key_written_beside_a_merge_key_is_located_where_it_is_written(tmp_path: Path) -> None:
    """A key written next to `<<` overrides the merged one and is reported at its own line,
    not at the anchor's key it overrides; the first of several sources wins, as in YAML."""
    found = _one_problem(
        tmp_path,
        "version: 1\n"
        "x-std: &std {max_requests_per_1_minute: 5, max_tokens_per_1_minute: 7}\n"
        "x-bad: &bad {max_tokens_per_1_minute: 0}\n"
        "projects:\n"
        "  - name: a\n"
        "    rate_limits:\n"
        "      gpt-4o:\n"
        "        <<: [*std, *bad]\n"
        "        max_requests_per_1_minute: 0\n",
    )
    assert found == (
        "9:9: projects[0].rate_limits.gpt-4o.max_requests_per_1_minute: "
        "Input should be greater than 0"
    )


def test_empty_profile_model_is_reported_at_the_profile(tmp_path: Path) -> None:
    """A profile's model entry with no limit is one error at its own line, not one per project
    that uses the profile at the project's line."""
    found = _one_problem(
        tmp_path,
        "version: 1\n"
        "rate_limit_profiles:\n"
        "  std:\n"
        "    gpt-4o: {}\n"
        "projects:\n"
        "  - {name: a, rate_limit_profile: std}\n"
        "  - {name: b, rate_limit_profile: std}\n",
    )
    assert found == "4:5: rate_limit_profiles.std.gpt-4o: no limits given for model 'gpt-4o'"
