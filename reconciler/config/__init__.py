"""The configuration file: YAML with file:line:col provenance, its schema, checks and model.

    load_config(path, *, now=None) -> LoadedConfig      read, validate, cross-check, convert
                                                        (a file, or a directory of fragments)
    config_from_dict(data, *, base_dir, source, now)    the same checks on parsed data
    desired_to_config_dict(desired) -> dict             the model back in the file's format
    json_schema() -> dict                               the JSON Schema, for editors and CI
    schema_text() -> str                                it as committed in reconciler.schema.json

Every problem is reported at once, in a ConfigError, as `FILE:LINE:COL: path: message`.
"""

from reconciler.config.convert import desired_to_config_dict
from reconciler.config.json_schema import json_schema, schema_text
from reconciler.config.load import LoadedConfig, config_from_dict, digest_of, load_config

__all__ = [
    "LoadedConfig",
    "config_from_dict",
    "desired_to_config_dict",
    "digest_of",
    "json_schema",
    "load_config",
    "schema_text",
]
