"""The JSON Schema: committed, up to date, accepting the example, and in step with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from reconciler.config import config_from_dict, json_schema, schema_text
from reconciler.errors import ConfigError

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


NAMES = [
    "a",
    "search prod",
    "Équipe données",
    "gpt-4o",
    "",
    " ",
    " a",
    "a ",
    "a\n",
    "a\nb",
    "a\tb",
    "a\u2028b",
    "\u202ea",
    "a\u00a0",
    "\ufeffa",
    "ci.reconciler-pending",
]


def _documents(name: str) -> list[dict[str, object]]:
    """`name` as a project name, a profile and a model key, a service account name (emails have
    the same rule, and a shape that only the loader checks)."""
    limits = {"max_requests_per_1_minute": 1}
    return [
        {"version": 1, "projects": [{"name": name}]},
        {"version": 1, "rate_limit_profiles": {name: {"gpt-4o": limits}}},
        {"version": 1, "rate_limit_profiles": {"std": {name: limits}}},
        {"version": 1, "projects": [{"name": "p", "service_accounts": [{"name": name}]}]},
    ]


def _loads(document: dict[str, object], tmp_path: Path) -> bool:
    try:
        config_from_dict(document, base_dir=tmp_path)
    except ConfigError:
        return False
    return True


@pytest.mark.parametrize("name", NAMES)
def test_schema_and_loader_agree_on_names(name: str, tmp_path: Path) -> None:
    """An editor flags exactly the names `validate` refuses (blank, padded, control characters,
    the reserved pending suffix on a service account)."""
    validator = jsonschema.Draft202012Validator(json_schema())
    for document in _documents(name):
        assert validator.is_valid(document) == _loads(document, tmp_path), document


@pytest.mark.parametrize("version", [1, 2, "1", True, None])
def test_schema_and_loader_agree_on_the_version(version: object, tmp_path: Path) -> None:
    """Only the integer 1 is a version, for editors as for `validate` (JSON cannot tell 1.0
    from 1, so only the loader refuses that one)."""
    document = {"version": version}
    validator = jsonschema.Draft202012Validator(json_schema())
    accepted = type(version) is int and version == 1
    assert validator.is_valid(document) == _loads(document, tmp_path) == accepted


def test_each_fragment_validates_with_its_modeline() -> None:
    """Every file of examples/org.d passes the schema on its own (no key is required there) and
    its modeline points at the committed schema."""
    validator = jsonschema.Draft202012Validator(json_schema())
    fragments = sorted((ROOT / "examples" / "org.d").rglob("*.yaml"))
    assert len(fragments) >= 2
    for path in fragments:
        text = path.read_text(encoding="utf-8")
        assert not list(validator.iter_errors(yaml.safe_load(text))), path
        modeline = "# yaml-language-server: $schema="
        first = text.splitlines()[0]
        assert first.startswith(modeline)
        assert (
            path.parent / first.removeprefix(modeline)
        ).resolve() == ROOT / "reconciler.schema.json"


@pytest.mark.parametrize("models", ["all", {"allow": ["gpt-4o"]}, {"deny": ["o3"]}])
def test_the_schema_accepts_each_model_policy(models: object) -> None:
    """Editors accept `all` and one allow or deny list."""
    document = {"version": 1, "projects": [{"name": "a", "models": models}]}
    jsonschema.validate(document, json_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("models", ["none", {"block": ["o3"]}, {"allow": ["a"], "deny": ["b"]}])
def test_the_schema_refuses_an_unknown_model_policy(models: object) -> None:
    """Editors flag an unknown mode, as `validate` does."""
    document = {"version": 1, "projects": [{"name": "a", "models": models}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json_schema(), cls=jsonschema.Draft202012Validator)
