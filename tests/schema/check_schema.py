#!/usr/bin/python3
"""Checks instruments/schema.json with a real JSON Schema 2020-12 validator:
the schema itself is valid, every bundled definition and the BGQ example
pass it, and definitions the loader rejects for their shape fail it too.
Usage: check_schema.py SOURCE_DIR
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

source = pathlib.Path(sys.argv[1])
schema = json.loads((source / "instruments" / "schema.json").read_text())
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)

failures = []
definitions = sorted(p for p in (source / "instruments").glob("*.json") if p.name != "schema.json")
definitions.append(source / "docs" / "examples" / "bgq-example.json")
for path in definitions:
    for error in validator.iter_errors(json.loads(path.read_text())):
        failures.append(f"{path.name}: {'/'.join(map(str, error.absolute_path))}: {error.message}")

valid = json.loads((source / "instruments" / "gad-7.json").read_text())
broken = {
    "unknown top-level key": lambda d: d.update(nmae="x"),
    "unknown subscale key": lambda d: d["subscales"][0].update(min_answerd=2),
    "unknown item key": lambda d: d["items"][0].update(reversed=True),
    "bad id": lambda d: d.update(id="GAD 7"),
    "bad version": lambda d: d.update(version="1.0"),
    "unknown method": lambda d: d["subscales"][0].update(method="median"),
    "band without label": lambda d: d["subscales"][0]["bands"][0].pop("label"),
    "scale without max": lambda d: d["scale"].pop("max"),
    "reverse not boolean": lambda d: d["items"][0].update(reverse="yes"),
}
for name, damage in broken.items():
    definition = json.loads(json.dumps(valid))
    damage(definition)
    if validator.is_valid(definition):
        failures.append(f"schema accepts a definition with {name}")

checked = len(definitions) + len(broken)
for failure in failures:
    print(failure)
print(f"{checked - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
