"""Fuzzing: random requests over the route table never break the sandbox.

Each example starts from the demo organization and sends a short random sequence of requests
(any method, a served path template with real or random ids, random query strings and random
JSON bodies, sometimes not JSON at all). No fault is injected, so: never a 5xx, never an
exception; every body is JSON, either a success object or the API's error shape; and the state
still saves and loads afterwards.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.clock import ScaledClock
from reconciler.core.model import HOSTED_TOOLS
from reconciler.sandbox import Sandbox
from reconciler.sandbox.app import ROUTES
from reconciler.sandbox.state import State
from reconciler.sandbox.wire import Request, Response
from tests.support.examples import examples

EPOCH = 1_767_225_600.0
_DEMO = Sandbox.demo(clock=ScaledClock(speed=1000.0, epoch=EPOCH))
_SEED_STATE = copy.deepcopy(_DEMO.state.to_json())
_AUTH = {"Authorization": f"Bearer {_DEMO.admin_key}"}

FIELDS = (
    "name",
    "role",
    "email",
    "user_id",
    "projects",
    "certificate",
    "certificate_ids",
    "create_service_account_only",
    "external_key_id",
    "residency",
    "max_requests_per_1_minute",
    "max_tokens_per_1_minute",
    "max_images_per_1_minute",
    "group_id",
    "role_id",
    "role_name",
    "permissions",
    "description",
    "retention_type",
    "scopes",
)
QUERY_NAMES = (
    "limit",
    "after",
    "before",
    "order",
    "include_archived",
    "emails",
    "emails[]",
    "include",
    "include[]",
    "effective_at[gt]",
    "effective_at[lte]",
    "event_types[]",
    "project_ids[]",
    "project_ids",
    "group_by",
    "start_time",
    "end_time",
    "bucket_width",
    "page",
    "unknown_param",
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["owner", "member", "reader", "none", "a@example.com", "rl-gpt-4o"]),
    st.sampled_from(["zero_data_retention", "organization_default", *_DEMO.state.groups]),
    st.sampled_from([*_DEMO.state.users, *_DEMO.state.roles]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
bodies = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    json_values,
    st.binary(max_size=20),
)
query_values = st.one_of(
    st.text(max_size=8),
    st.integers(min_value=-(2**64), max_value=2**64).map(str),
    st.sampled_from(["true", "false", "asc", "desc", "content", "1d", "1h", "1m", "project_id"]),
)
queries = st.lists(st.tuples(st.sampled_from(QUERY_NAMES), query_values), max_size=4)
# The spec's other objects without `object`: a group's user, and a role as assigned.
GROUP_MEMBER_USER = {"id", "name", "email", "picture", "is_service_account", "user_type"}
ASSIGNED_ROLE = {
    "id", "name", "permissions", "resource_type", "predefined_role", "description", "created_at",
    "updated_at", "created_by", "created_by_user_obj", "metadata", "assignment_sources",
}  # fmt: skip
ID_SLOTS = re.compile(r"\{(\w+)\}")


def _ids_by_slot(state: State) -> dict[str, list[str]]:
    """Real ids of the demo organization per path slot, so fuzzed paths hit real objects."""
    nested = {
        "service_account_id": state.service_accounts,
        "api_key_id": state.api_keys,
        "rate_limit_id": state.rate_limits,
    }
    found = {
        "project_id": list(state.projects),
        "user_id": list(state.users),
        "invite_id": list(state.invites),
        "certificate_id": list(state.certificates),
        "group_id": list(state.groups),
        "role_id": [*state.roles, *(r for held in state.group_roles.values() for r in held)],
    }
    for slot, records in nested.items():
        found[slot] = sorted({i for per_project in records.values() for i in per_project})
    return found


_IDS = _ids_by_slot(_DEMO.state)
random_ids = st.text(min_size=1, max_size=10).map(lambda s: s.replace("/", "_"))


def _id_for(slot: str) -> st.SearchStrategy[str]:
    """Mostly a real id of the slot's kind, sometimes any other string."""
    known = _IDS.get(slot) or ["missing"]
    return st.one_of(st.sampled_from(known), st.sampled_from(known), random_ids)


@st.composite
def requests(draw: st.DrawFn) -> Request:
    """One random request against a served path template (or a near miss of one)."""
    route = draw(st.sampled_from(ROUTES))
    path = ID_SLOTS.sub(lambda slot: draw(_id_for(slot.group(1))), route.template)
    suffix = draw(st.sampled_from(["", "", "", "/", "/extra"]))
    method = draw(st.sampled_from([route.method] * 4 + ["GET", "POST", "DELETE", "PUT", "PATCH"]))
    body = draw(bodies)
    raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    return Request(
        method=method,
        path="/v1" + path + suffix,
        query=tuple(draw(queries)),
        headers=_AUTH,
        body=raw,
    )


def _check_shape(response: Response) -> None:
    """A success object, or exactly the API's error shape."""
    payload: Any = json.loads(response.body)
    assert isinstance(payload, dict)
    if response.status == 200:
        assert "error" not in payload
        if set(payload) == set(HOSTED_TOOLS):  # the spec's objects without `object`
            assert all(set(v) == {"enabled"} for v in payload.values())
            return
        if set(payload) in (GROUP_MEMBER_USER, ASSIGNED_ROLE):
            return
        assert isinstance(payload.get("object"), str)
        return
    assert set(payload) == {"error"}
    assert set(payload["error"]) == {"message", "type", "param", "code"}
    assert isinstance(payload["error"]["message"], str)
    assert payload["error"]["message"]


def _sweep(sandbox: Sandbox) -> None:
    """Every list and object the state holds still renders (no dangling references)."""
    paths = ["/organization/users", "/organization/invites", "/organization/certificates"]
    paths += ["/organization/groups", "/organization/roles"]
    paths += [f"/organization/groups/{gid}/users" for gid in sandbox.state.groups]
    paths += ["/organization/audit_logs?limit=100", "/organization/projects?include_archived=true"]
    for pid in sandbox.state.projects:
        kinds = ("users", "service_accounts", "api_keys", "rate_limits", "certificates", "groups")
        for kind in kinds:
            paths.append(f"/organization/projects/{pid}/{kind}?limit=100")
    for path in paths:
        route, _, query = path.partition("?")
        request = Request("GET", "/v1" + route, tuple(parse_qsl(query)), _AUTH)
        outcome = sandbox.process(request)
        assert outcome.response is not None
        assert outcome.response.status in (200, 400), path  # 400: an archived project's lists
        _check_shape(outcome.response)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(requests(), min_size=1, max_size=8))
def test_random_requests_never_break_the_sandbox(
    batch: list[Request], tmp_path_factory: Any
) -> None:
    """No 5xx or exception without faults; every body has a known shape; the state reloads."""
    sandbox = Sandbox(
        State.from_json(copy.deepcopy(_SEED_STATE)),
        clock=ScaledClock(speed=1000.0, epoch=EPOCH),
    )
    for request in batch:
        outcome = sandbox.process(request)
        assert outcome.response is not None
        assert outcome.response.status < 500, (request, outcome.response.body)
        _check_shape(outcome.response)
    _sweep(sandbox)
    state_file = Path(tmp_path_factory.mktemp("fuzz")) / "state.json"
    sandbox.save(state_file)
    reloaded = Sandbox.load(state_file)
    assert reloaded.state.to_json() == json.loads(json.dumps(sandbox.state.to_json()))
