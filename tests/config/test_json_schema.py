"""The JSON Schema: committed, up to date, and accepting the example."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import yaml

from reconciler.config import json_schema, schema_text

ROOT = Path(__file__).parents[2]


def test_committed_schema_is_up_to_date() -> None:
    """reconciler.schema.json is exactly what `reconciler schema` prints (regenerate if not)."""
    committed = (ROOT / "reconciler.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: .venv/bin/reconciler schema > reconciler.schema.json"
    assert json.loads(committed) == json_schema()


def test_example_validates_against_the_schema() -> None:
    """examples/org.yaml satisfies the JSON Schema editors use."""
    document = yaml.safe_load((ROOT / "examples" / "org.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(document, json_schema(), cls=jsonschema.Draft202012Validator)


def test_schema_rejects_unknown_keys() -> None:
    """The schema forbids unknown keys, as the loader does, so editors flag typos."""
    validator = jsonschema.Draft202012Validator(json_schema())
    errors = list(validator.iter_errors({"version": 1, "projects": [{"name": "a", "memebrs": {}}]}))
    assert len(errors) == 1
    assert "'memebrs' was unexpected" in errors[0].message


def test_example_starts_with_the_modeline() -> None:
    """examples/org.yaml points yaml-language-server at the committed schema."""
    first = (ROOT / "examples" / "org.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../reconciler.schema.json"
