"""What a project's permissions let its usage contain: models its policy allows, tools enabled.

The sandbox derives usage from the current state (as it does from the current API keys), so a
project never reports completions of a model its model policy excludes, nor calls of a hosted
tool it has disabled: usage by model and per tool stays consistent with what it may call.

    allowed_choices(state, project_id, kind, dim, values)   the values a record may take
    tool_disabled(state, project_id, kind)            whether an endpoint's tool is off
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.state import State

# Usage endpoint → the hosted tool whose calls it counts (images: only its generation source).
TOOL_ENDPOINTS = {
    "web_search_calls": "web_search",
    "file_search_calls": "file_search",
    "code_interpreter_sessions": "code_interpreter",
}
IMAGE_TOOL_SOURCE = "image.generation"


def _enabled(state: State, project_id: str, tool: str) -> bool:
    return (state.hosted_tools.get(project_id) or {}).get(tool, True)


def tool_disabled(state: State, project_id: str, kind: str) -> bool:
    """Whether the usage endpoint `kind` counts a hosted tool the project has disabled."""
    tool = TOOL_ENDPOINTS.get(kind)
    return tool is not None and not _enabled(state, project_id, tool)


def _model_allowed(policy: dict[str, Any] | None, model: str) -> bool:
    if not policy:
        return True
    listed = model in policy.get("model_ids", ())
    return listed if policy.get("mode") == "allow_list" else not listed


def allowed_choices(
    state: State, project_id: str, kind: str, dim: str, values: tuple[Any, ...]
) -> tuple[Any, ...]:
    """The values of `dim` one of the project's records of endpoint `kind` may take (empty: no
    record). The model policy shapes completions only: the other endpoints' demo models (tts,
    whisper, embeddings) are outside any demo policy, and would leave those endpoints empty."""
    if dim == "model" and kind == "completions":
        policy = state.model_permissions.get(project_id)
        return tuple(v for v in values if _model_allowed(policy, v))
    if dim == "source" and not _enabled(state, project_id, "image_generation"):
        return tuple(v for v in values if v != IMAGE_TOOL_SOURCE)
    return values
