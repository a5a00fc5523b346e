"""Every tool module has the one shape that makes adding a tool cheap and obvious.

A tool is ``tools/<name>.py`` with its name in the registry (``TOOL_NAMES``), defining
``Params``, ``Result``, ``async def handle(ctx, params) -> Result``, ``def render(result)``
and ``SPEC``; parameters that may be left out are ``T | None = None``; every annotation hint
is chosen; and the heavy engines stay unloaded until a tool runs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

import tools
from server import engines
from tools import TOOL_NAMES, ToolParams, ToolResult, tool_module

HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
# Defaults that would be a second way of writing "not given" (a bool's False is a choice).
NOT_GIVEN_MARKERS: tuple[object, ...] = ("", 0, [], {})
HEAVY = ("server.jql", "server.adf", "server.shaping", "markdown_it")


def tool_modules() -> list[ModuleType]:
    return [tool_module(name) for name in TOOL_NAMES]


def test_every_tool_module_is_registered() -> None:
    """Each module directly in tools/ is a registered tool, and each registered tool a module."""
    found = {m.name for m in pkgutil.iter_modules(tools.__path__) if not m.ispkg}
    assert found == set(TOOL_NAMES), "register each tools/<name>.py in TOOL_NAMES (server.config)"


@pytest.mark.parametrize("name", TOOL_NAMES)
def test_tool_module_has_the_shape(name: str) -> None:
    """Params, Result, handle and render are defined in the module, and SPEC is made of them."""
    module = tool_module(name)
    spec = module.SPEC
    assert spec.name == name, f"SPEC.name of tools/{name}.py is {spec.name!r}"
    assert issubclass(module.Params, ToolParams), f"{name}.Params is not a ToolParams"
    assert issubclass(module.Result, ToolResult), f"{name}.Result is not a ToolResult"
    assert inspect.iscoroutinefunction(module.handle), f"{name}.handle is not async"
    assert list(inspect.signature(module.handle).parameters) == ["ctx", "params"], name
    assert list(inspect.signature(module.render).parameters) == ["result"], name
    made_of = (spec.params, spec.result, spec.handler, spec.render)
    assert made_of == (module.Params, module.Result, module.handle, module.render), name


@pytest.mark.parametrize("name", TOOL_NAMES)
def test_not_given_is_none(name: str) -> None:
    """A parameter that may be left out defaults to None, not to "", 0, [] or {} (a count
    that starts at 0 may default to 0: that is a number of items, not "not given")."""
    params = tool_module(name).Params
    for field_name, field in params.model_fields.items():
        default = field.get_default(call_default_factory=True)
        marker = not isinstance(default, bool) and default in NOT_GIVEN_MARKERS
        # A count from 0 (comments=0: none) states a real choice, as the contract writes it.
        counted = default == 0 and any(getattr(m, "ge", None) == 0 for m in field.metadata)
        assert not marker or counted, (
            f"{name}.Params.{field_name} defaults to {default!r}; write "
            f"`{field_name}: T | None = None` for a parameter that may be left out"
        )


@pytest.mark.parametrize("name", TOOL_NAMES)
def test_every_annotation_hint_is_explicit(name: str) -> None:
    """Each tool states all four hints as booleans (ToolSpec has no default for any)."""
    annotations = tool_module(name).SPEC.annotations()
    assert sorted(annotations) == sorted(HINTS), name
    assert all(isinstance(value, bool) for value in annotations.values()), name


def test_engines_name_what_their_homes_define() -> None:
    """Each name server.engines offers is its home module's object, and __all__ lists them all."""
    names = [name for home_names in engines.HOMES.values() for name in home_names]
    assert sorted(engines.__all__) == sorted([*names, *engines.MODULES])
    for home, home_names in engines.HOMES.items():
        module = importlib.import_module(home)
        for name in home_names:
            assert getattr(engines, name) is getattr(module, name), f"{home}.{name}"
    for name, home in engines.MODULES.items():
        assert getattr(engines, name) is importlib.import_module(home), name


def test_tools_load_without_the_heavy_engines() -> None:
    """Importing every tool and its spec (what tools/list needs) loads no engine yet."""
    script = (
        "import sys, tools; tools.all_tools(); "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(  # noqa: S603  # our own interpreter, a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert not loaded, f"loaded at start-up: {loaded}; reach them through server.engines"
