#!/usr/bin/python3
"""Checks that docs/openapi.json documents exactly the HTTP API of the contract
and of the server:

- every method and path of the HTTP table of docs/api.md (section 3) is an operation of
  docs/openapi.json, and every operation is in that table;
- every route of the server's route table (service/router.cpp, kRoutes) is
  documented, and every documented operation is routed;
- components/schemas/InstrumentDefinition and the schemas it references are
  instruments/schema.json (its $defs become components; nothing else differs).

Usage: check_paths.py SOURCE_DIR. Python 3 standard library only.
"""
import json
import pathlib
import re
import sys

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def normalize(path):
    """/v1/instruments/{id}/score and /v1/instruments/{name}/score are one path."""
    return re.sub(r"\{[^}/]*\}", "{}", path)


def openapi_operations(document):
    operations = {}
    for path, item in document.get("paths", {}).items():
        for method in item:
            if method in HTTP_METHODS:
                operations[(method.upper(), normalize(path))] = f"{method.upper()} {path}"
    return operations


def api_md_operations(text):
    """The (method, path) pairs of the table in docs/api.md section 3. A first cell
    lists `METHOD /path` items; an item without a method takes the previous one
    (`POST /v1/score`, `/v1/reliability`)."""
    section = re.search(r"^## 3\..*?(?=^## )", text, re.S | re.M)
    if not section:
        raise ValueError("docs/api.md has no section 3")
    operations = {}
    for line in section.group(0).splitlines():
        if not line.startswith("|"):
            continue
        first_cell = line.split("|")[1]
        method = None
        for item in re.findall(r"`([^`]*)`", first_cell):
            match = re.fullmatch(r"\s*(?:([A-Z]+)\s+)?(/\S*)\s*", item)
            if not match:
                continue
            method = match.group(1) or method
            if method is None:
                raise ValueError(f"docs/api.md: no method for {item!r} in: {line}")
            operations[(method, normalize(match.group(2)))] = f"{method} {match.group(2)}"
    if not operations:
        raise ValueError("docs/api.md section 3 has no table of methods and paths")
    return operations


def router_operations(text):
    """The entries {"METHOD", "/path", handler, heavy} of the kRoutes table."""
    table = re.search(r"kRoutes\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
    if not table:
        return {}
    operations = {}
    for method, path in re.findall(r'\{\s*"([A-Z]+)"\s*,\s*"(/[^"]*)"', table.group(1)):
        operations[(method, normalize(path))] = f"{method} {path}"
    return operations


def resolve(node, document):
    """node with every local $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return resolve({**target, **rest}, document)
        return {k: resolve(v, document) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, document) for v in node]
    return node


def compare(left, right, where=""):
    """The first difference between two JSON values, or None."""
    if type(left) is not type(right):
        return f"{where or '/'}: {json.dumps(left)[:80]} != {json.dumps(right)[:80]}"
    if isinstance(left, dict):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                side = "instruments/schema.json" if key in right else "docs/openapi.json"
                return f"{where}/{key}: only in {side}"
            difference = compare(left[key], right[key], f"{where}/{key}")
            if difference:
                return difference
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{where}: {len(left)} entries != {len(right)}"
        for i, (a, b) in enumerate(zip(left, right)):
            difference = compare(a, b, f"{where}/{i}")
            if difference:
                return difference
        return None
    return None if left == right else f"{where}: {json.dumps(left)[:80]} != {json.dumps(right)[:80]}"


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source = pathlib.Path(argv[1])
    document = json.loads((source / "docs" / "openapi.json").read_text())
    documented = openapi_operations(document)

    api_md = source / "docs" / "api.md"
    passed, failures = 0, []

    def check(ok, failure):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(failure)

    contract = api_md_operations(api_md.read_text())
    for key, name in sorted(contract.items()):
        check(key in documented, f"{name}: in the HTTP table of docs/api.md, not in docs/openapi.json")
    for key, name in sorted(documented.items()):
        check(key in contract, f"{name}: in docs/openapi.json, not in the HTTP table of docs/api.md")

    router = source / "service" / "router.cpp"
    routed = router_operations(router.read_text()) if router.is_file() else {}
    check(bool(routed), f"no route table (kRoutes) found in {router}")
    if routed:
        for key, name in sorted(routed.items()):
            check(key in documented, f"{name}: routed in service/router.cpp, not in docs/openapi.json")
        for key, name in sorted(documented.items()):
            check(key in routed, f"{name}: in docs/openapi.json, not routed in service/router.cpp")

    schema = json.loads((source / "instruments" / "schema.json").read_text())
    expected = resolve({k: v for k, v in schema.items() if k not in ("$schema", "title", "$defs")}, schema)
    actual = resolve(document["components"]["schemas"]["InstrumentDefinition"], document)
    difference = compare(actual, expected)
    check(difference is None, f"components/schemas/InstrumentDefinition differs from instruments/schema.json at {difference}")

    for failure in failures:
        print(failure)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
