"""Sandbox usage and costs over a large organization: time to answer one grouped page.

An organization of 500 projects, each with three members and three user keys (one in use, one
last used two months ago, one never used), is asked for 90 days of daily costs and completions
(one full page each: 180 and 31 buckets), grouped by project, by key, and by everything the
endpoint allows, and for a week of hourly completions grouped by project. Each row prints the
buckets, the results returned and the wall time of the request through the sandbox transport.
"""

from __future__ import annotations

import time
from typing import Any

from reconciler.clock import VirtualClock
from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient

PROJECTS = 500
DAY = 86_400
NOW = 1_767_225_600


def _seed() -> dict[str, Any]:
    members = [f"dev{n}@example.com" for n in range(3)]
    keys = [
        {"name": "service", "owner": members[0], "created_days_ago": 200, "last_used_days_ago": 0},
        {"name": "old", "owner": members[1], "created_days_ago": 150, "last_used_days_ago": 60},
        {
            "name": "unused",
            "owner": members[2],
            "created_days_ago": 100,
            "last_used_days_ago": None,
        },
    ]
    return {
        "organization": "org-bench-usage",
        "admin_key": {"owner": "admin@example.com"},
        "users": [{"email": e, "role": "reader"} for e in members]
        + [{"email": "admin@example.com", "role": "owner"}],
        "projects": [
            {"name": f"p{n:03d}", "members": dict.fromkeys(members, "member"), "api_keys": keys}
            for n in range(PROJECTS)
        ],
    }


CASES: list[tuple[str, dict[str, Any]]] = [
    ("/organization/costs", {"limit": 180, "group_by": ["project_id"]}),
    ("/organization/costs", {"limit": 180, "group_by": ["line_item", "api_key_id"]}),
    ("/organization/usage/completions", {"limit": 31, "group_by": ["project_id"]}),
    ("/organization/usage/completions", {"limit": 31, "group_by": ["api_key_id", "model"]}),
    ("/organization/usage/completions", {"bucket_width": "1h", "limit": 168}),
    ("/organization/usage/images", {"limit": 31, "group_by": ["project_id", "size", "source"]}),
]


def main() -> None:
    """Print one row per request: path, grouping, buckets, results, seconds."""
    sandbox = Sandbox.from_seed(_seed(), clock=VirtualClock(epoch=NOW))
    print(f"{'endpoint':34} {'group_by / width':28} {'buckets':>7} {'results':>8} {'seconds':>8}")
    with SandboxClient(sandbox) as api:
        for path, params in CASES:
            began = time.perf_counter()
            body = api.get(path, start_time=NOW - 90 * DAY, end_time=NOW, **params).json()
            elapsed = time.perf_counter() - began
            results = sum(len(b["results"]) for b in body["data"])
            how = ",".join(params.get("group_by", [])) or params.get("bucket_width", "1d")
            print(f"{path:34} {how:28} {len(body['data']):>7} {results:>8} {elapsed:>8.3f}")
