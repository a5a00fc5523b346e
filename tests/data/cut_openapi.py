"""Cut the parts of Atlassian's OpenAPI documents that the sandbox tests validate against.

    python tests/data/cut_openapi.py DIRECTORY_WITH_THE_FULL_SPECS

DIRECTORY holds Atlassian's two published documents, downloaded whole (URLs in README.md).
For every path listed in openapi-paths.txt, each method keeps its summary, operationId,
`deprecated` flag and responses (media-type examples dropped); components.schemas keeps only
the schemas those responses reach through $ref, plus the ones named on `schema` lines.
Schemas are copied unchanged. The result is written beside this script, under the same file
names, so that JIRA_REFERENCE_DIR may point the tests at the full documents instead.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LIST = HERE / "openapi-paths.txt"
SPECS = {
    "jira-platform-v3.openapi.json": (
        "https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json"
    ),
    "jira-software.openapi.json": "https://developer.atlassian.com/cloud/jira/software/swagger.v3.json",
}
OPERATION_KEYS = ("summary", "operationId", "deprecated", "responses")
METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
SCHEMA_PREFIX = "#/components/schemas/"


def wanted() -> tuple[list[str], list[str]]:
    """(path templates, extra schema names) from openapi-paths.txt."""
    paths: list[str] = []
    schemas: list[str] = []
    for raw in LIST.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("/"):
            paths.append(line)
        elif line.startswith("schema "):
            schemas.append(line.removeprefix("schema ").strip())
    return paths, schemas


def refs(node: Any) -> set[str]:
    """Names of the component schemas that `node` refers to directly."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            found.add(ref.removeprefix(SCHEMA_PREFIX))
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def closure(start: set[str], schemas: dict[str, Any]) -> set[str]:
    """`start` and every schema reachable from it."""
    seen: set[str] = set()
    todo = sorted(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(refs(schemas[name]) - seen)
    return seen


def cut_response(response: dict[str, Any]) -> dict[str, Any]:
    """A response without its media-type examples."""
    out = dict(response)
    if "content" in out:
        out["content"] = {
            media: {k: v for k, v in body.items() if k == "schema"}
            for media, body in out["content"].items()
        }
    return out


def cut_operation(operation: dict[str, Any]) -> dict[str, Any]:
    """The parts of an operation the validator reads, and what names it for people."""
    out = {k: operation[k] for k in OPERATION_KEYS if k in operation}
    out["responses"] = {s: cut_response(r) for s, r in operation["responses"].items()}
    return out


def cut(document: dict[str, Any], source: Path, paths: list[str], extra: list[str]) -> Any:
    """The listed paths of `document` with the $ref closure of their responses."""
    kept = {
        template: {m: cut_operation(op) for m, op in item.items() if m in METHODS}
        for template, item in document["paths"].items()
        if template in paths
    }
    schemas = document["components"]["schemas"]
    names = closure(refs(kept) | {n for n in extra if n in schemas}, schemas)
    raw = source.read_bytes()
    return {
        "openapi": document["openapi"],
        "info": document["info"],
        "x-cut": {
            "source": SPECS[source.name],
            "sha256": hashlib.sha256(raw).hexdigest(),
            "licence": "Atlassian's published API documentation (c) Atlassian",
            "how": "tests/data/cut_openapi.py with tests/data/openapi-paths.txt",
        },
        "paths": kept,
        "components": {"schemas": {n: schemas[n] for n in sorted(names)}},
    }


def main(directory: Path) -> None:
    """Write the cut of both documents beside this script."""
    paths, extra = wanted()
    missing = set(paths)
    for name in SPECS:
        source = directory / name
        document = json.loads(source.read_text(encoding="utf-8"))
        result = cut(document, source, paths, extra)
        missing -= set(result["paths"])
        text = json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        (HERE / name).write_text(text, encoding="utf-8")
        schemas = len(result["components"]["schemas"])
        print(f"{name}: {len(result['paths'])} paths, {schemas} schemas, {len(text):,} bytes")
    if missing:
        raise SystemExit(f"not in either document: {sorted(missing)}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
