"""CPU of `validate` on a config directory: 5,000 projects in 200 files, owned by teams.

`organization.yaml` declares the settings, 2,000 users and a rate-limit profile; 200 team files
declare 25 projects each (5 members, a service account, a profile and an override). The same
content as one file is timed too, for comparison. Target: under 2 s of CPU for the directory.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from reconciler.config import load_config

PROJECTS = 5_000
FILES = 200
USERS = 2_000
ORGANIZATION = """\
version: 1
settings:
  prune: {project_users: true, service_accounts: true}
rate_limit_profiles:
  standard:
    gpt-4o: {max_requests_per_1_minute: 500, max_tokens_per_1_minute: 150000}
"""


def _users() -> str:
    lines = [f"  - {{email: user{i:05}@example.com, role: reader}}" for i in range(USERS)]
    return "users:\n  - {email: admin@example.com, role: owner}\n" + "\n".join(lines) + "\n"


def _project(n: int) -> str:
    members = "\n".join(
        f"      user{(n * 7 + k) % USERS:05}@example.com: {'owner' if k == 0 else 'member'}"
        for k in range(5)
    )
    return (
        f"  - name: project-{n:05}\n    members:\n{members}\n"
        f"    service_accounts:\n      - {{name: ci-{n}, role: member}}\n"
        "    rate_limit_profile: standard\n"
        "    rate_limits:\n      gpt-4o-mini: {max_requests_per_1_minute: 100}\n"
    )


def _write(root: Path) -> tuple[Path, Path]:
    """The directory (root/org) and the same content as one file (root/org.yaml)."""
    per_file = PROJECTS // FILES
    teams = []
    for team in range(FILES):
        first = team * per_file
        body = "".join(_project(n) for n in range(first, first + per_file))
        teams.append((f"teams/team-{team:03}.yaml", f"projects:\n{body}"))
    directory = root / "org"
    (directory / "teams").mkdir(parents=True)
    (directory / "organization.yaml").write_text(ORGANIZATION + _users())
    for name, text in teams:
        (directory / name).write_text(text)
    single = root / "org.yaml"
    projects = "".join(text.removeprefix("projects:\n") for _, text in teams)
    single.write_text(ORGANIZATION + _users() + "projects:\n" + projects)
    return directory, single


def _cpu(path: Path) -> float:
    start = time.process_time()
    loaded = load_config(path)
    cpu = time.process_time() - start
    assert len(loaded.desired.org.projects) == PROJECTS
    return cpu


def main() -> None:
    """Print the CPU seconds of loading the directory and the single file."""
    with tempfile.TemporaryDirectory() as tmp:
        directory, single = _write(Path(tmp))
        print(f"{PROJECTS} projects, {USERS} users; load_config CPU (target < 2.00 s, directory)")
        print(f"{'config':<34}{'CPU s':>10}")
        print(f"{f'directory of {FILES + 1} files':<34}{_cpu(directory):>10.2f}")
        print(f"{'one file':<34}{_cpu(single):>10.2f}")
