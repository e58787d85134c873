"""`models:` of a project, the model policy: `all`, `{allow: [...]}` or `{deny: [...]}`.

`all` is a mode of its own (held as `every`), so an unknown word or key is one located problem
rather than one per branch of a union; the JSON Schema editors see is written out here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from reconciler.config.names import NAME_PATTERN, check_name

ModelName = Annotated[
    str,
    Field(max_length=200, json_schema_extra={"pattern": NAME_PATTERN}),
    AfterValidator(check_name),
]


class ModelsConfig(BaseModel):
    """A project's model policy: `all` (no policy), or exactly one of `allow` (only these
    models) and `deny` (every model but these). `every` is how `all` is held once read."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    allow: list[ModelName] | None = Field(default=None, description="Only these models.")
    deny: list[ModelName] | None = Field(default=None, description="Every model but these.")
    every: bool = Field(default=False, exclude=True)  # internal: how `all` is held

    @model_validator(mode="before")
    @classmethod
    def _all_or_lists(cls, data: Any) -> Any:
        """`all` is a policy of its own; any other word is an unknown mode."""
        if data == "all":
            return {"every": True}
        if not isinstance(data, dict):
            raise ValueError(
                f"unknown mode {data!r}: expected all, {{allow: [...]}} or {{deny: [...]}}"
            )
        if "every" in data:
            raise ValueError("unknown key 'every'")
        return data

    @model_validator(mode="after")
    def _one_list(self) -> ModelsConfig:
        """Exactly one of allow and deny (neither for `all`)."""
        if not self.every and (self.allow is None) == (self.deny is None):
            raise ValueError("give exactly one of `allow` and `deny` (or `models: all`)")
        return self


_MODEL_LIST = {"type": "array", "items": {"type": "string", "pattern": NAME_PATTERN}}
MODELS_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"const": "all"},
        {"type": "object", "additionalProperties": False, "required": ["allow"],
         "properties": {"allow": _MODEL_LIST}},
        {"type": "object", "additionalProperties": False, "required": ["deny"],
         "properties": {"deny": _MODEL_LIST}},
        {"type": "null"},
    ],
    "description": "{allow: [models]} or {deny: [models]}; `all` removes the policy.",
}  # fmt: skip


class HostedToolsConfig(BaseModel):
    """`hosted_tools:` of a project: each listed tool enabled (true) or not; one left out is
    not managed. The tools are the Admin API's five."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    file_search: bool | None = None
    web_search: bool | None = None
    image_generation: bool | None = None
    mcp: bool | None = None
    code_interpreter: bool | None = None

    def declared(self) -> dict[str, bool]:
        """The tools given, by name."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return {name: value for name, value in values.items() if value is not None}
