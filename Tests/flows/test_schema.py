"""Flows/schema.json agrees with the Swift validator on every example flow and fixture.

Every example flow and every fixture in Tests/FlowTests/Fixtures/valid/ must pass the schema.
Each fixture in Tests/FlowTests/Fixtures/invalid/ starts with `# schema: reject` (the schema must
reject it, as the validator does), `# schema: accept` (a mistake only the validator can see:
references, prompt files, expressions, reachability, loops) or `# schema: skip` (not YAML at all).
Needs: pip install jsonschema PyYAML pytest.
"""
import json
import pathlib

import jsonschema
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "Flows" / "schema.json").read_text())
FIXTURES = ROOT / "Tests" / "FlowTests" / "Fixtures"
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def as_json(path):
    """The YAML document as JSON sees it (mapping keys become strings, as YAML 1.2 readers do)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


def errors(path):
    return list(VALIDATOR.iter_errors(as_json(path)))


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


EXAMPLES = sorted((ROOT / "Flows").glob("*.yaml"))
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))


def test_there_are_examples_and_fixtures():
    assert len(EXAMPLES) >= 3 and VALID and INVALID


@pytest.mark.parametrize("path", EXAMPLES + VALID, ids=lambda p: p.name)
def test_valid_flow_passes_the_schema(path):
    assert [e.message for e in errors(path)] == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_names_the_schema(path):
    assert path.read_text().startswith("# yaml-language-server: $schema=./schema.json\n")


def verdict(path):
    first = path.read_text().splitlines()[0]
    assert first.startswith("# schema: "), f"{path.name} must start with '# schema: reject|accept|skip'"
    return first.split()[2]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_gets_the_schema_verdict_it_declares(path):
    v = verdict(path)
    assert v in ("reject", "accept", "skip")
    if v == "skip":
        return
    found = errors(path)
    if v == "reject":
        assert found, f"{path.name}: the validator rejects it, so the schema must too"
    else:
        assert [e.message for e in found] == [], f"{path.name}: declared beyond the schema"
