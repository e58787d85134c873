"""A fake `gh` for the workflow-script tests: a stateful mini GitHub REST API on a JSON file.

It understands only the `gh api --method M PATH [--paginate] [--input -]` calls the scripts make,
records every call (argv and stdin) as a JSON line in $FAKE_GH_LOG, and keeps issues, comments
and (under "commit_pulls", by SHA) the pull requests of a commit in $FAKE_GH_STATE. Anything
else exits 1, as gh does on a failed call.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

State = dict[str, Any]


def load(path: Path) -> State:
    """The fake repository's issues and comments."""
    if path.exists():
        data: State = json.loads(path.read_text())
        return data
    return {"next_id": 1000, "issues": [], "comments": []}


def serve(state: State, method: str, path: str, body: Any) -> Any:
    """Serve one REST call: a commit's pull requests here, issues and comments in `route`."""
    match method, urlsplit(path).path.strip("/").split("/")[3:]:
        case "GET", ["commits", sha, "pulls"]:
            pulls: list[Any] = state.get("commit_pulls", {}).get(sha, [])
            return pulls
    return route(state, method, path, body)


def route(state: State, method: str, path: str, body: Any) -> Any:
    """Serve one REST call against the state (mutating it)."""
    url = urlsplit(path)
    parts = url.path.strip("/").split("/")[3:]  # drop repos/OWNER/NAME
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    match method, parts:
        case "GET", ["issues", number, "comments"]:
            return [c for c in state["comments"] if c["issue"] == int(number)]
        case "POST", ["issues", number, "comments"]:
            state["next_id"] += 1
            comment = {"id": state["next_id"], "issue": int(number), "body": body["body"]}
            state["comments"].append(comment)
            return comment
        case "PATCH", ["issues", "comments", comment_id]:
            comment = next(c for c in state["comments"] if c["id"] == int(comment_id))
            comment["body"] = body["body"]
            return comment
        case "GET", ["issues"]:
            return [
                i
                for i in state["issues"]
                if i["state"] == query.get("state", "open")
                and query.get("labels", "") in i["labels"] + [""]
            ]
        case "POST", ["issues"]:
            issue = {"number": len(state["issues"]) + 1, "state": "open", **body}
            state["issues"].append(issue)
            return issue
        case "PATCH", ["issues", number]:
            issue = next(i for i in state["issues"] if i["number"] == int(number))
            issue.update(body)
            return issue
    raise LookupError(f"fake gh: no route for {method} {path}")


def main(argv: list[str]) -> int:
    """Record the call, serve it, print the JSON answer like gh does."""
    stdin = sys.stdin.read() if "--input" in argv else ""
    with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"argv": argv, "stdin": stdin}) + "\n")
    if argv[:1] != ["api"]:
        print(f"fake gh: unsupported command {argv}", file=sys.stderr)
        return 1
    method = argv[argv.index("--method") + 1] if "--method" in argv else "GET"
    path = next(a for a in argv[1:] if a.startswith("repos/"))
    state_path = Path(os.environ["FAKE_GH_STATE"])
    state = load(state_path)
    try:
        answer = serve(state, method, path, json.loads(stdin) if stdin else None)
    except (LookupError, StopIteration) as exc:
        print(f"gh: Not Found (HTTP 404) {exc}", file=sys.stderr)
        return 1
    state_path.write_text(json.dumps(state))
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
