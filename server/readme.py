"""The README's generated parts: the configuration table and the tool table.

    python -m server.readme          rewrite them in README.md
    python -m server.readme --check  exit 1 when README.md is out of date

They come from the Settings model and the tool registry, so they cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined

from server.config import Settings
from tools import all_tools

README = Path(__file__).resolve().parents[1] / "README.md"
MARKERS = {
    "config": ("<!-- config-table:start -->", "<!-- config-table:end -->"),
    "tools": ("<!-- tool-table:start -->", "<!-- tool-table:end -->"),
}


def config_table() -> str:
    """One row per setting: variable, default, meaning."""
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{name.upper()}` | {_default(field)} | {field.description or ''} |")
    return "\n".join(rows)


def _default(field: Any) -> str:
    value = field.default_factory() if field.default_factory is not None else field.default
    if value is PydanticUndefined or value is None or value == []:
        return "-"
    if isinstance(value, list):
        return "`" + ",".join(str(v) for v in value) + "`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def tool_table() -> str:
    """One row per tool: name, what it does, parameters, and its hints."""
    rows = ["| tool | what it does | parameters | hints |", "|---|---|---|---|"]
    for spec in all_tools():
        params = ", ".join(
            name if field.is_required() else f"{name}?"
            for name, field in spec.params.model_fields.items()
        )
        hints = "read-only" if spec.read_only else "writes"
        if not spec.read_only:
            hints += ", destructive" if spec.destructive else ", additive"
        if spec.idempotent:
            hints += ", idempotent"
        rows.append(f"| `{spec.name}` | {spec.title} | {params} | {hints} |")
    return "\n".join(rows)


def render(text: str) -> str:
    """``text`` with every generated section replaced by its current content."""
    for kind, (start, end) in MARKERS.items():
        body = config_table() if kind == "config" else tool_table()
        head, found, rest = text.partition(start)
        if not found:
            raise ValueError(f"README.md lacks the marker {start}")
        _, found, tail = rest.partition(end)
        if not found:
            raise ValueError(f"README.md lacks the marker {end}")
        text = f"{head}{start}\n{body}\n{end}{tail}"
    return text


def main(argv: list[str]) -> int:
    """Rewrite README.md, or with --check report whether it is current."""
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md is out of date: run `python -m server.readme`", file=sys.stderr)
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
