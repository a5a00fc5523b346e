"""Tool arguments checked against the tool's input model, with refusals a model can act on.

The SDK checks arguments too, but its refusal is pydantic's report: class names, a link to
errors.pydantic.dev and the offending input echoed back (a megabyte of it, if that is what
was sent). Here each parameter that is wrong gets one sentence: what was wrong with it and
what to send instead, derived from the same model, so the text never drifts from the schema.

Arguments are prepared the way the SDK prepares them (a list or object sent as a JSON string
is parsed), and a null for an optional parameter means "not given", as agents often send it.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Mapping
from typing import Any, Final, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

SHOWN_CHARS: Final = 40  # a wrong value is quoted up to this length, else described by size
# Patterns of the tools' parameters, as a person would describe them (a regex helps no one).
FORMS: Final = {
    r"^([A-Za-z][A-Za-z0-9_]*)-([1-9][0-9]*)$": "an issue key like PROJ-123",
    r"^([A-Za-z][A-Za-z0-9_]*)?$": "a project key like PROJ (letters, digits, _)",
}


class ArgumentError(ValueError):
    """Arguments the tool cannot take; the text has one sentence per wrong parameter."""


def check_arguments(
    tool: str, model: type[BaseModel], arguments: Mapping[str, Any]
) -> dict[str, Any]:
    """The arguments to pass on (nulls of optional parameters left out, JSON strings parsed);
    ArgumentError naming each wrong parameter if ``model`` refuses them."""
    prepared = _prepared(model, arguments)
    try:
        model.model_validate(prepared)
    except ValidationError as exc:
        raise ArgumentError(_explained(tool, model, exc)) from None
    return prepared


def _prepared(model: type[BaseModel], arguments: Mapping[str, Any]) -> dict[str, Any]:
    prepared: dict[str, Any] = {}
    for name, value in arguments.items():
        field = model.model_fields.get(name)
        if field is not None and value is None and not field.is_required():
            continue  # null for an optional parameter: not given
        if field is not None and isinstance(value, str) and given_type(field.annotation) is not str:
            prepared[name] = _parsed_json(value)
        else:
            prepared[name] = value
    return prepared


def given_type(annotation: Any) -> Any:
    """``T`` for an optional parameter's ``T | None``, else ``annotation`` itself.

    Tools write "not given" as None; a null sent for it is dropped (see ``_prepared``), so
    what a caller may send, and what the schema advertises, is ``T`` alone.
    """
    if get_origin(annotation) not in (Union, types.UnionType):
        return annotation
    given = [option for option in get_args(annotation) if option is not type(None)]
    return given[0] if len(given) == 1 else annotation


def _parsed_json(value: str) -> Any:
    """A list or object sent as JSON text (some clients do); anything else stays as sent."""
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return value
    return parsed if isinstance(parsed, list | dict) else value


def _explained(tool: str, model: type[BaseModel], exc: ValidationError) -> str:
    schema = model.model_json_schema()
    properties: dict[str, Any] = schema.get("properties", {})
    first: dict[str, ErrorDetails] = {}
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        first.setdefault(name, error)
    # List parameters a tool can take in parts over several calls (bulk_fetch's keys).
    splittable = getattr(model, "splittable", ())
    sentences = [
        _sentence(name, error, properties.get(name, {}), name in splittable)
        for name, error in first.items()
    ]
    if len(sentences) == 1:
        return f"{tool}: {sentences[0]}"
    return f"{tool} cannot take these arguments:\n" + "\n".join(f"- {s}" for s in sentences)


def _sentence(name: str, error: ErrorDetails, prop: dict[str, Any], splittable: bool) -> str:
    """`name` <what was wrong>; send <what it takes>."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    where = _item(error["loc"])
    given = error.get("input")
    if kind == "missing":
        return f"`{name}` is required; send {_expected(prop)}."
    if kind == "extra_forbidden":
        return f"`{name}` is not a parameter of this tool; leave it out."
    if kind == "too_long" and isinstance(given, list | tuple | dict):
        limit = int(ctx.get("max_length", 0))
        problem = f"`{name}` has {len(given)} items; at most {limit} fit in one call"
        if splittable and limit:
            calls = math.ceil(len(given) / limit)
            return f"{problem}. Split the list into {calls} calls of at most {limit} each."
        return f"{problem}; send at most {limit}."
    if kind == "too_short" and isinstance(given, list | tuple | dict):
        return f"`{name}` is empty; send {_expected(prop)}."
    if kind == "string_too_long":
        size = len(given) if isinstance(given, str) else "too many"
        return (
            f"`{name}`{where} is {size} characters long; the limit is {ctx.get('max_length')}. "
            "Send a shorter one."
        )
    if kind == "string_too_short":
        return f"`{name}`{where} is empty; send {_expected(prop)}."
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        return f"`{name}` is {_shown(given)}, out of range; send {_expected(prop)}."
    if kind == "string_pattern_mismatch":
        return (
            f"`{name}`{where} is {_shown(given)}, not in the expected form; send {_expected(prop)}."
        )
    # Wrong type (or anything else): what came, and what the parameter takes.
    return f"`{name}`{where} is {_shown(given)}; send {_expected(prop)}."


def _item(loc: tuple[int | str, ...]) -> str:
    """` item 3` for an error inside a list (counted from 1), `` for the parameter itself."""
    inner = [part for part in loc[1:] if isinstance(part, int)]
    return f" item {inner[0] + 1}" if inner else ""


def _shown(value: object) -> str:
    """A short description of what was sent: the value itself if short, else its size."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value) if len(value) <= SHOWN_CHARS else f"a {len(value)}-character string"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object with {len(value)} keys"
    return f"a {type(value).__name__}"


def _expected(prop: dict[str, Any]) -> str:
    """What a parameter takes, from its JSON schema: type, limits, form, and its description."""
    options = prop.get("anyOf")
    if isinstance(options, list):
        prop = next((o for o in options if o.get("type") != "null"), prop) | {
            k: v for k, v in prop.items() if k != "anyOf"
        }
    kind = prop.get("type")
    if kind == "string" and prop.get("pattern") in FORMS:
        text = FORMS[prop["pattern"]]
    elif kind == "string":
        text = "a string"
        if prop.get("minLength"):
            text = "a non-empty string"
        if "maxLength" in prop:
            text += f" of at most {prop['maxLength']} characters"
        if "pattern" in prop:
            text += f" matching {prop['pattern']}"
    elif kind in ("integer", "number"):
        text = "an integer" if kind == "integer" else "a number"
        low, high = prop.get("minimum"), prop.get("maximum")
        if low is not None and high is not None:
            text += f" from {low} to {high}"
        elif low is not None:
            text += f" of at least {low}"
        elif high is not None:
            text += f" of at most {high}"
    elif kind == "boolean":
        text = "true or false"
    elif kind == "array":
        items = prop.get("items", {}).get("type", "value")
        text = f"a list of {items}s"
        if prop.get("minItems"):
            text = f"a list of at least {prop['minItems']} {items}s"
        if "maxItems" in prop:
            text += f" (at most {prop['maxItems']})"
    elif kind == "object":
        text = "an object"
    else:
        text = "a valid value"
    description = str(prop.get("description") or "").rstrip(".")
    return f"{text} ({description})" if description else text
