"""Which fields a tool asks Jira for."""

from __future__ import annotations

from collections.abc import Sequence


class ShapingError(ValueError):
    """A field selection the server will not send to Jira; the text says what to ask instead."""


def select_fields(
    requested: Sequence[str] | None, *, default: Sequence[str], max_fields: int
) -> tuple[str, ...]:
    """The fields to fetch: `default` when none are named, else the named ones in order,
    without repeats (case-insensitive) and without `key`, which every result has anyway."""
    names = requested if requested else default
    selected: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = raw.strip()
        if name.startswith(("*", "-")):
            raise ShapingError(
                f"fields={[name]} is not allowed: it returns every field, often 100+ per issue. "
                'Name the fields you need instead, e.g. ["summary", "status", "description"].'
            )
        folded = name.casefold()
        if not name or folded == "key" or folded in seen:
            continue
        seen.add(folded)
        selected.append(name)
    if len(selected) > max_fields:
        raise ShapingError(
            f"{len(selected)} fields were asked for; the limit is {max_fields} per request. "
            f"Ask for at most {max_fields} fields, or split the request."
        )
    return tuple(selected)
