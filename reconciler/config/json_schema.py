"""The JSON Schema of the configuration file, generated from its pydantic models (schema.py):
what `reconciler schema` prints and `reconciler.schema.json` holds, for editors and CI."""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from reconciler.config.schema import ConfigFile


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the configuration file, for editors and CI."""
    schema = ConfigFile.model_json_schema(mode="validation", schema_generator=_KeyPatterns)
    # Every top-level key optional, so each fragment of a config directory validates in an
    # editor; the loader still requires `version` of the whole.
    schema.pop("required", None)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """The JSON Schema as `reconciler schema` prints it (indent 2, sorted keys, final newline)."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class _KeyPatterns(GenerateJsonSchema):
    """Dict keys with a pattern as `propertyNames` (pydantic writes `patternProperties`, which
    would let a key that breaks the pattern through unchecked)."""

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        out = super().dict_schema(schema)
        patterns = out.pop("patternProperties", None)
        if patterns:
            ((pattern, values),) = patterns.items()
            out["additionalProperties"] = values
            out["propertyNames"] = {**out.get("propertyNames", {}), "pattern": pattern}
        return out
