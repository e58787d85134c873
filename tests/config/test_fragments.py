"""A config directory: fragments found in a stable order, joined, every repeat an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config import load_config
from reconciler.config.fragments import find_fragments
from reconciler.errors import ConfigError
from tests.support.config_lab import NOW, ConfigLab

EXAMPLES = Path(__file__).parents[2] / "examples"
ORG = "version: 1\nusers:\n  - {email: a@example.com, role: owner}\n"


def _problems(lab: ConfigLab, files: dict[str, str]) -> list[str]:
    """Write `files` under the lab's `org/` directory; the problems loading it, as printed."""
    for name, text in files.items():
        lab.write(text, name=f"org/{name}")
    with pytest.raises(ConfigError) as info:
        load_config(lab.root / "org", now=NOW)
    return [str(p).removeprefix(str(lab.root) + "/") for p in info.value.problems]


def test_directory_and_single_file_load_the_same() -> None:
    """examples/org.d holds examples/org.yaml split by team: the same model, the same digest."""
    single = load_config(EXAMPLES / "org.yaml", now=NOW)
    split = load_config(EXAMPLES / "org.d", now=NOW)
    assert split.desired == single.desired
    assert split.digest == single.digest


def test_fragments_sorted_recursively_skipping_hidden_and_scratch(lab: ConfigLab) -> None:
    """*.yaml and *.yml files, by relative path; `.`- and `x-`-named files and folders skipped."""
    for name in ("b.yml", "a/z.yaml", "a.yaml", ".hidden.yaml", ".git/c.yaml", "x-wip.yaml",
                 "x-old/d.yaml", "notes.txt", "a/y.YAML.bak"):  # fmt: skip
        lab.write("{}\n", name=f"org/{name}")
    found = [p.relative_to(lab.root / "org").as_posix() for p in find_fragments(lab.root / "org")]
    assert found == ["a.yaml", "a/z.yaml", "b.yml"]


def test_sections_join_across_files(lab: ConfigLab) -> None:
    """Projects, users, certificates and profiles from several files make one organization,
    and a member declared as a user in another file is a user."""
    lab.write(ORG + "rate_limit_profiles:\n  std: {gpt-4o: {max_requests_per_1_minute: 5}}\n",
              name="org/org.yaml")  # fmt: skip
    lab.write("users:\n  - {email: b@example.com, role: reader}\n", name="org/people.yaml")
    lab.write("projects:\n  - name: p\n    members: {b@example.com: owner}\n"
              "    rate_limit_profile: std\n", name="org/teams/p.yaml")  # fmt: skip
    loaded = load_config(lab.root / "org", now=NOW)
    assert loaded.desired.org.users is not None
    assert sorted(loaded.desired.org.users) == ["a@example.com", "b@example.com"]
    project = loaded.desired.org.projects["p"]
    assert project.members == {"b@example.com": "owner"}
    assert project.rate_limits is not None
    assert project.rate_limits["gpt-4o"].max_requests_per_1_minute == 5


def test_the_same_name_in_two_files_names_both(lab: ConfigLab) -> None:
    """A project, user (any case), certificate or profile declared twice: one line each, naming
    both file:line:col; the repeat's path is numbered as in its own file."""
    pem = "    pem: |\n" + _indented((EXAMPLES / "certs" / "corp-mtls-2026.pem").read_text())
    problems = _problems(
        lab,
        {
            "a.yaml": ORG + "rate_limit_profiles:\n  std: {}\n",
            "b.yaml": "projects:\n  - name: p\ncertificates:\n  - name: c\n" + pem,
            "c.yaml": "projects:\n  - name: q\n  - name: p\nusers:\n  - {email: A@Example.com, "
            "role: owner}\ncertificates:\n  - name: c\n" + pem
            + "rate_limit_profiles:\n  std: {}\n",
        },
    )  # fmt: skip
    repeats = [p for p in problems if p.startswith("org/c.yaml")]
    assert repeats[:3] == [
        "org/c.yaml:3:5: projects[1].name: project 'p' is also declared at "
        f"{lab.root}/org/b.yaml:2:5",
        "org/c.yaml:5:6: users[0].email: user 'A@Example.com' is also declared at "
        f"{lab.root}/org/a.yaml:3:6",
        "org/c.yaml:7:5: certificates[0].name: certificate 'c' is also declared at "
        f"{lab.root}/org/b.yaml:4:5",
    ]
    assert repeats[3].endswith(
        f": rate_limit_profiles.std: rate limit profile 'std' is also declared at "
        f"{lab.root}/org/a.yaml:5:3"
    )
    assert len(problems) == 4


def _indented(text: str) -> str:
    return "".join(f"      {line}\n" for line in text.splitlines())


@pytest.mark.parametrize("key", ["settings", "version"])
def test_settings_and_version_are_declared_once(lab: ConfigLab, key: str) -> None:
    """`settings` (or `version`) in a second file is an error naming the first."""
    value = "{}" if key == "settings" else "1"
    problems = _problems(
        lab, {"a.yaml": "version: 1\nsettings: {}\n", "b.yaml": f"{key}: {value}\n"}
    )
    line = 2 if key == "settings" else 1
    assert problems == [
        f"org/b.yaml:1:1: {key}: {key!r} is already declared at {lab.root}/org/a.yaml:{line}:1; "
        "declare it in one file only"
    ]


def test_repeat_within_one_file_reported_as_for_a_single_file(lab: ConfigLab) -> None:
    """A name repeated inside one fragment gets the single file's message, in that file."""
    problems = _problems(
        lab, {"a.yaml": "version: 1\n", "b.yaml": "projects:\n  - name: p\n  - name: p\n"}
    )
    assert problems == [
        "org/b.yaml:3:5: projects[1].name: duplicate project name 'p' (first on line 2)"
    ]


def test_a_member_declared_nowhere_is_located_in_its_file(lab: ConfigLab) -> None:
    """A project member who is no declared user is reported at the member, in the team's file."""
    problems = _problems(lab, {"org.yaml": ORG, "teams/t.yaml": "projects:\n  - name: p\n"
                               "    members: {zed@example.com: owner}\n"})  # fmt: skip
    assert len(problems) == 1
    assert problems[0].startswith("org/teams/t.yaml:3:15: projects[0].members[")
    assert "'zed@example.com' is not declared in users" in problems[0]


def test_a_yaml_error_in_one_of_sixty_files_names_that_file(lab: ConfigLab) -> None:
    """A syntax error in the 37th of 60 files is one line, at that file's line and column."""
    files = {"org.yaml": ORG}
    files |= {f"teams/t{n:02}.yaml": f"projects:\n  - name: p{n}\n" for n in range(1, 60)}
    files["teams/t37.yaml"] = "projects:\n  - name: [p37\n"
    problems = _problems(lab, files)
    assert len(problems) == 1
    assert problems[0].startswith("org/teams/t37.yaml:3:1: YAML syntax error:")


def test_version_required_of_the_whole(lab: ConfigLab) -> None:
    """Fragments need no `version`, but one of them must declare it."""
    problems = _problems(lab, {"a.yaml": "projects: []\n"})
    assert problems == ["org: missing required key 'version'"]


def test_a_directory_without_fragments(lab: ConfigLab) -> None:
    """A directory with no YAML file is one clear error, not an empty organization."""
    (lab.root / "org").mkdir()
    with pytest.raises(ConfigError, match=r"holds no \*\.yaml or \*\.yml file"):
        load_config(lab.root / "org", now=NOW)


def test_certificate_file_relative_to_its_fragment(lab: ConfigLab) -> None:
    """A certificate's `file` is read relative to the fragment that names it."""
    lab.write((EXAMPLES / "certs" / "corp-mtls-2026.pem").read_text(), name="org/tls/c.pem")
    lab.write("certificates:\n  - {name: c, file: c.pem}\n", name="org/tls/certs.yaml")
    lab.write("version: 1\n", name="org/org.yaml")
    loaded = load_config(lab.root / "org", now=NOW)
    assert loaded.desired.org.certificates is not None
    assert "c" in loaded.desired.org.certificates


def test_provenance_of_a_directory_only() -> None:
    """A directory's model knows where each object is declared; a single file's has none."""
    provenance = load_config(EXAMPLES / "org.d", now=NOW).desired.provenance
    assert provenance is not None
    assert str(provenance.organization) == "organization.yaml:5"
    assert str(provenance.places["projects", "research"]) == "teams/data.yaml:10"
    assert str(provenance.places["users", "kim@example.com"]) == "organization.yaml:28"
    assert load_config(EXAMPLES / "org.yaml", now=NOW).desired.provenance is None


def test_a_fragment_with_only_comments_declares_nothing(lab: ConfigLab) -> None:
    """An empty fragment (a team's placeholder, only comments) is no error, unlike an empty file."""
    lab.write("version: 1\n", name="org/org.yaml")
    lab.write("# projects of the new team go here\n", name="org/teams/new.yaml")
    assert load_config(lab.root / "org", now=NOW).desired.org.projects == {}
