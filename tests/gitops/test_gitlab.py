"""The GitLab example pipeline: valid YAML with the four jobs, and its merge-request plan job,
run with a fake `reconciler` against a fake GitLab notes API on loopback, keeps one note."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "examples" / "gitlab" / ".gitlab-ci.yml"
FAKE_RECONCILER = """#!/bin/sh
echo "<!-- reconciler:plan -->"
echo "args: $*"
exit "${FAKE_RECONCILER_EXIT:-0}"
"""


def _load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PIPELINE.read_text())
    return data


def _script(job: str) -> str:
    return "\n".join(_load()[job]["script"])


def test_pipeline_has_the_jobs_and_wires_the_cli_as_on_github() -> None:
    """validate and plan run on merge requests, apply on the default branch one at a time with
    a secret sink, drift on a schedule; every job installs the pinned package."""
    pipeline = _load()
    assert {"validate", "plan", "apply", "drift"} <= set(pipeline)
    merge_request = [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert pipeline["validate"]["rules"] == pipeline["plan"]["rules"] == merge_request
    assert 'reconciler validate "$CONFIG"' in _script("validate")
    plan = _script("plan")
    assert "--format markdown --detailed-exitcode" in plan
    assert "$BASE_ARGS" in plan
    apply = pipeline["apply"]
    assert apply["resource_group"] == "org-apply"
    assert "$CI_DEFAULT_BRANCH" in apply["rules"][0]["if"]
    assert "--auto-approve" in _script("apply")
    assert '--secrets-command "$SECRETS_COMMAND"' in _script("apply")
    assert pipeline["drift"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert (
        'python -m pip install --quiet "$RECONCILER_PACKAGE"'
        in pipeline["default"]["before_script"]
    )
    assert "sk-" not in PIPELINE.read_text()


class _Notes(BaseHTTPRequestHandler):
    """GitLab's merge-request notes endpoint, in memory: GET lists, POST adds, PUT edits."""

    notes: list[dict[str, Any]]
    calls: list[tuple[str, str]]

    def _reply(self, data: Any) -> None:
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        self.calls.append((self.command, self.path))
        if self.headers.get("PRIVATE-TOKEN") != "glpat-test":
            self.send_error(401)
            return
        length = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(length)) if length else {}
        if self.command == "GET":
            self._reply(self.notes)
        elif self.command == "POST":
            self.notes.append({"id": len(self.notes) + 1, "body": data["body"]})
            self._reply(self.notes[-1])
        else:
            note = next(n for n in self.notes if self.path.endswith(f"/notes/{n['id']}"))
            note["body"] = data["body"]
            self._reply(note)

    do_GET = do_POST = do_PUT = _handle

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def gitlab() -> Iterator[tuple[str, type[_Notes]]]:
    """A fake GitLab API on 127.0.0.1 holding one note by someone else."""
    handler = type("Notes", (_Notes,), {"notes": [{"id": 1, "body": "LGTM"}], "calls": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v4", handler
    server.shutdown()
    thread.join(timeout=5)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_plan_job_keeps_one_note_and_fails_only_on_an_error(
    tmp_path: Path, gitlab: tuple[str, type[_Notes]]
) -> None:
    """The plan job plans against the target branch's file, posts the plan as a note, edits
    that note on the next run, passes on exit 2 (changes) and fails on exit 1."""
    api, notes = gitlab
    origin, work, bin_dir = tmp_path / "origin", tmp_path / "work", tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "reconciler").write_text(FAKE_RECONCILER)
    (bin_dir / "reconciler").chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    (origin / "org.yaml").write_text("version: 1\n")
    _git(origin, "add", "org.yaml")
    _git(origin, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "CONFIG": "org.yaml",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_API_V4_URL": api,
        "CI_PROJECT_ID": "7",
        "CI_MERGE_REQUEST_IID": "12",
        "RECONCILER_NOTE_TOKEN": "glpat-test",
    }

    def run(code: int) -> subprocess.CompletedProcess[str]:
        shutil.rmtree(tmp_path / "base", ignore_errors=True)  # a fresh job: no worktree yet
        _git(work, "worktree", "prune")
        return subprocess.run(
            ["bash", "-e", "-c", _script("plan")],
            cwd=work,
            env={**env, "FAKE_RECONCILER_EXIT": str(code)},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    first = run(2)
    assert first.returncode == 0, first.stderr
    assert notes.notes[1]["body"].startswith("<!-- reconciler:plan -->\n")
    assert "--base ../base/org.yaml --format markdown --detailed-exitcode" in notes.notes[1]["body"]
    second = run(1)
    assert second.returncode != 0
    assert len(notes.notes) == 2
    assert notes.notes[0]["body"] == "LGTM"
    methods = [method for method, _ in notes.calls]
    assert methods == ["GET", "POST", "GET", "PUT"]
    assert notes.calls[1][1] == "/api/v4/projects/7/merge_requests/12/notes"
