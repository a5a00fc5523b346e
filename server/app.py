"""The MCP server: the only module that imports the MCP SDK.

It builds one ``MCPServer`` whose lifespan owns the process's one ``JiraGateway``, registers
the tools of ``tools/`` (each a ``ToolSpec``), and turns the errors a model can act on
(``JiraError``, ``JqlError``, ``ToolInputError``) into ``ToolError``s with their text.
Anything else stays a crash whose details never reach the model.
"""

from __future__ import annotations

import base64
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Annotated, Any

import anyio
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.models import InitializationOptions
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, ImageContent, TextContent, ToolAnnotations
from mcp.types import Tool as MCPTool
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from server import engines
from server.arguments import ArgumentError, check_arguments, given_type
from server.config import Settings
from server.embedded import embedded_sandbox
from server.errors import JiraError
from server.gateway import Clock, JiraGateway, tool_call
from server.gateway.audit import calling
from server.guide import instructions
from server.logging import get_logger
from server.redact import Redactor
from tools import ToolContext, ToolInputError, ToolSpec, selected_tools

if TYPE_CHECKING:
    from server.metrics import Metrics  # HTTP mode only: stdio never loads prometheus-client

SERVER_NAME = "jira-mcp-gateway"
GUARD_LENGTH = 1000  # maxLength from here up is a guard, not advertised (see lean_schema)


def server_version() -> str:
    """The installed distribution's version."""
    try:
        return version(SERVER_NAME)
    except PackageNotFoundError:
        return "0.0.0"


class GatewayServer(MCPServer):
    """MCPServer that refuses unknown arguments and lists lean schemas.

    The SDK drops arguments it does not know, so a typo (``sprint`` for ``sprint_id``)
    would silently run a different query; here it is an error naming the parameters.
    tools/list leaves out what pydantic generates for nothing (see ``lean_schema``): every
    client pays for tools/list in every conversation.
    """

    parameters: dict[str, tuple[str, ...]]
    models: dict[str, type[BaseModel]]
    # maxItems that tools/list advertises for list parameters whose limit is a setting
    # (`fields`: JIRA_MAX_FIELDS), not the model's static ceiling.
    item_limits: dict[str, int]
    # Refusals here can echo what the caller sent, so they pass the one redactor too.
    redactor: Redactor
    # Why /healthz says "degraded" (Redis lost), or None: the gateway's, once it is open.
    health_problem: Callable[[], Awaitable[str | None]]
    # Initialization options the transports took before the lifespan had asked Jira whose
    # account this is: ``set_instructions`` completes them (``record_initialization_options``).
    _waiting_options: list[InitializationOptions] | None = None

    def record_initialization_options(self) -> None:
        """Keep the options each transport builds until ``set_instructions`` is called.

        Every transport builds its options, instructions included, just before it enters the
        lifespan, and sends them when the client initializes, which is after the lifespan has
        started. So instructions finished in the lifespan reach the first client too.
        """
        lowlevel = self._lowlevel_server
        build = lowlevel.create_initialization_options
        waiting: list[InitializationOptions] = []
        self._waiting_options = waiting

        def recorded(*args: Any, **kwargs: Any) -> InitializationOptions:
            options = build(*args, **kwargs)
            if self._waiting_options is not None:
                waiting.append(options)
            return options

        lowlevel.create_initialization_options = recorded  # type: ignore[method-assign]

    def set_instructions(self, text: str) -> None:
        """The instructions from now on, also in the options already handed out."""
        self._lowlevel_server.instructions = text
        for options in self._waiting_options or ():
            options.instructions = text
        self._waiting_options = None

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        """Refuse arguments the tool does not take or cannot use, each with one sentence the
        model can act on, then call it as the SDK does."""
        known = self.parameters.get(name)
        unknown = sorted(set(arguments) - set(known)) if known is not None else []
        if unknown:
            raise ToolError(
                self.redactor.scrub_text(
                    f"{name} does not take {', '.join(unknown)}; "
                    f"its parameters are {', '.join(known or ())}."
                )
            )
        model = self.models.get(name)
        if model is not None:
            try:
                arguments = check_arguments(name, model, arguments or {})
            except ArgumentError as exc:
                raise ToolError(self.redactor.scrub_text(str(exc))) from None
        return await super().call_tool(name, arguments, context)

    async def list_tools(self) -> list[MCPTool]:
        """The tools, with lean schemas and the configured list limits."""
        return [
            tool.model_copy(
                update={
                    "input_schema": with_item_limits(
                        lean_schema(tool.input_schema, output=False), self.item_limits
                    ),
                    "output_schema": outline(
                        lean_schema(
                            inline_refs(tool.output_schema, tool.output_schema), output=True
                        )
                    ),
                }
            )
            for tool in await super().list_tools()
        ]


def with_item_limits(schema: dict[str, Any], limits: dict[str, int]) -> dict[str, Any]:
    """``schema`` with ``maxItems`` of the named list parameters set to ``limits``."""
    properties = dict(schema.get("properties") or {})
    for name, limit in limits.items():
        if isinstance(properties.get(name), dict) and "maxItems" in properties[name]:
            properties[name] = {**properties[name], "maxItems": limit}
    return {**schema, "properties": properties} if properties else schema


def inline_refs(schema: Any, root: Any) -> Any:
    """``schema`` with each ``$ref`` to ``#/$defs/X`` replaced by X itself and ``$defs`` gone.

    Result models are small trees without recursion; a definition used once costs less in
    place than named and referenced (tools/list is read in every conversation).
    """
    if isinstance(schema, list):
        return [inline_refs(item, root) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and isinstance(root, dict):
        target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
        if isinstance(target, dict):
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return inline_refs({**target, **rest}, root)
    return {key: inline_refs(value, root) for key, value in schema.items() if key != "$defs"}


def lean_schema(schema: Any, *, output: bool, root: bool = True) -> Any:
    """``schema`` without what pydantic generates for nothing.

    Everywhere: "title" keys (a property called title is kept), defaults that mean "not
    given" (null), ``"additionalProperties": true`` (JSON Schema's default), and
    ``anyOf [T, null]`` written as ``type: [T, "null"]``. In input schemas, text caps of
    GUARD_LENGTH or more: they guard the server against megabytes, no real value comes near
    them, and a value that does is refused with a sentence naming the cap; and patterns, which
    the server checks with errors in words. In output schemas string formats, and
    also the model docstrings, ``required`` and defaults (a result always carries every key:
    pydantic dumps them all), and ``"type": "object"`` beside ``properties`` below the root.
    """
    if isinstance(schema, list):
        return [lean_schema(item, output=output, root=False) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = _nullable_as_type_list(schema)
    is_model = "properties" in schema
    stripped: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" or (key == "default" and (output or _means_not_given(value))):
            continue
        if not output and key == "maxLength" and value >= GUARD_LENGTH:
            continue
        if not output and key == "pattern" and isinstance(value, str):
            # Key and project patterns are checked by the server, which names the wrong value
            # in words ("an issue key like PROJ-123"); a regex costs every listing ~20 tokens.
            continue
        if output and key == "format":
            continue  # the text says what a value is; "date-time" adds nothing to a string
        if key == "additionalProperties" and value is True:
            continue
        if output and is_model and key in ("description", "required"):
            continue
        if output and is_model and not root and key == "type" and value == "object":
            continue
        if key in ("properties", "$defs"):
            stripped[key] = {
                name: lean_schema(sub, output=output, root=False) for name, sub in value.items()
            }
        else:
            stripped[key] = lean_schema(value, output=output, root=False)
    return stripped


def outline(schema: Any) -> Any:
    """An output schema to one level: each top-level key with its type (and enum), nested
    objects and list items as their type only; what a key means is said in the text.

    The structured content still carries everything and still conforms; tools/list is paid
    for in every conversation, and the nested shapes are read from the answers themselves.
    """
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return schema
    return {**schema, "properties": {k: _outline_part(v) for k, v in schema["properties"].items()}}


def _outline_part(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    kept = {k: v for k, v in schema.items() if k in ("type", "enum")}
    if "properties" in schema or "additionalProperties" in schema:
        kept.setdefault("type", "object")
    items = schema.get("items")
    if isinstance(items, dict):
        kept["items"] = (
            {"type": items.get("type", "object")}
            if "type" in items or ("properties" in items)
            else {}
        )
    return kept


def _means_not_given(value: Any) -> bool:
    """The default that says "not given": tools write it one way, as None (test_tool_shape)."""
    return value is None


def _nullable_as_type_list(schema: dict[str, Any]) -> dict[str, Any]:
    options = schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or {"type": "null"} not in options:
        return schema
    other = next(option for option in options if option != {"type": "null"})
    if not isinstance(other, dict) or not isinstance(other.get("type"), str):
        return schema
    merged = {key: value for key, value in schema.items() if key != "anyOf"}
    merged.update({**other, "type": [other["type"], "null"]})
    return merged


@dataclass
class AppState:
    """What the lifespan shares with every tool call: the one gateway."""

    gateway: JiraGateway
    settings: Settings
    metrics: Metrics | None = None


def build_server(
    settings: Settings,
    *,
    jira_app: object | None = None,
    clock: Clock | None = None,
    metrics: Metrics | None = None,
) -> MCPServer:
    """The MCP server for ``settings``; ``jira_app`` is an ASGI Jira to use in-process;
    ``metrics`` (HTTP mode) counts tool calls and Jira requests."""
    if jira_app is None and settings.is_sandbox:
        jira_app = _default_sandbox(settings)

    @asynccontextmanager
    async def lifespan(server: MCPServer) -> AsyncIterator[AppState]:
        async with JiraGateway.open(settings, asgi_app=jira_app, clock=clock) as gateway:
            if metrics is not None:
                gateway.http.observer = metrics
            mcp.health_problem = gateway.health_problem
            name = await account_name(gateway, settings.jira_identity_wait)
            if name:
                mcp.set_instructions(instructions(settings, offered_names, account=name))
            yield AppState(gateway=gateway, settings=settings, metrics=metrics)

    offered = selected_tools(settings)
    offered_names = [spec.name for spec in offered]
    mcp = GatewayServer(
        SERVER_NAME,
        title="Jira MCP gateway",
        instructions=instructions(settings, offered_names),
        version=server_version(),
        lifespan=lifespan,
    )
    mcp.record_initialization_options()
    redactor = Redactor(settings.secret_forms())
    mcp.redactor = redactor
    mcp.health_problem = _no_health_problem
    mcp.parameters = {}
    mcp.models = {}
    mcp.item_limits = {"fields": settings.jira_max_fields}
    for spec in offered:
        mcp.parameters[spec.name] = tuple(spec.params.model_fields)
        mcp.models[spec.name] = spec.params
        mcp.add_tool(
            _adapter(spec, redactor),
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=ToolAnnotations.model_validate(spec.annotations()),
            structured_output=True,
        )
    return mcp


async def account_name(gateway: JiraGateway, wait: float) -> str | None:
    """The display name of the account the credentials belong to, if Jira says it within
    ``wait`` seconds; else None (logged), and the instructions go without it."""
    if wait <= 0:
        return None
    with anyio.move_on_after(wait):
        try:
            me = await gateway.meta.myself()
        except JiraError as exc:
            get_logger("server").warning("account_unknown", error=str(exc))
            return None
        name = me.get("displayName")
        return str(name) if name else None
    get_logger("server").warning("account_unknown", error=f"no answer from Jira in {wait} s")
    return None


async def _no_health_problem() -> str | None:
    return None


def _default_sandbox(settings: Settings) -> object:
    """The built-in Jira simulator, built on its first request, not at start-up; it plays
    Data Center when JIRA_DEPLOYMENT says so."""
    return LazyAsgi(lambda: embedded_sandbox(settings))


class LazyAsgi:
    """An ASGI app made on first use, so that tools/list never waits for it."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._app is None:
            self._app = self._factory()
        await self._app(scope, receive, send)


def _adapter(spec: ToolSpec[Any, Any], redactor: Redactor) -> Callable[..., Awaitable[Any]]:
    """A function whose signature is the tool's flat parameters, for the SDK to introspect."""

    async def call_tool(ctx: Context[AppState], **arguments: Any) -> CallToolResult:
        state: AppState = ctx.request_context.lifespan_context
        started = time.perf_counter()
        outcome = "error"
        try:
            answer = await _answer(spec, redactor, ctx, state, arguments)
            outcome = "ok"
            return answer
        except ToolError:
            outcome = "tool_error"
            raise
        finally:
            if state.metrics is not None:
                state.metrics.tool_call(spec.name, outcome, time.perf_counter() - started)

    call_tool.__name__ = spec.name
    call_tool.__doc__ = spec.description
    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context[AppState]),
        *_parameters(spec.params),
    ]
    return_type = Annotated[CallToolResult, spec.result]
    call_tool.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by the SDK
        parameters, return_annotation=return_type
    )
    call_tool.__annotations__ = {
        **{p.name: p.annotation for p in parameters},
        "return": return_type,
    }
    return call_tool


async def _answer(
    spec: ToolSpec[Any, Any],
    redactor: Redactor,
    ctx: Context[AppState],
    state: AppState,
    arguments: dict[str, Any],
) -> CallToolResult:
    """Run the tool's handler and turn its result into text, images and structured content."""
    params = spec.params.model_validate(arguments)
    tool_ctx = ToolContext(
        gateway=state.gateway, settings=state.settings, progress=ctx.report_progress
    )
    headers = ctx.headers or {}
    try:
        with tool_call(), calling(spec.name, headers.get("mcp-session-id")):
            result = await spec.handler(tool_ctx, params)
    except _model_fixable() as exc:
        get_logger("tools").info("tool_error", tool=spec.name, error=type(exc).__name__)
        raise ToolError(redactor.scrub_text(str(exc))) from exc
    text = redactor.scrub_text(spec.render(result))
    images = [
        ImageContent(
            type="image", data=base64.b64encode(image.data).decode(), mime_type=image.mime_type
        )
        for image in spec.images(result)
    ]
    return CallToolResult(
        content=[TextContent(type="text", text=text), *images],
        structured_content=_scrubbed(result.model_dump(mode="json"), redactor),
    )


def _scrubbed(value: Any, redactor: Redactor) -> Any:
    """Structured content with secrets replaced in every string (keys are kept as they are:
    a result field like next_page_token is data, not a credential)."""
    return redactor.scrub_value(value)


def _model_fixable() -> tuple[type[Exception], ...]:
    """Errors whose text is written for the model; anything else is a bug and stays generic."""
    return (JiraError, engines.JqlError, ToolInputError)


def _parameters(model: type[BaseModel]) -> list[inspect.Parameter]:
    """The model's fields as keyword-only parameters, descriptions and limits kept."""
    found = []
    for name, field in model.model_fields.items():
        info = field
        default = field.default
        if field.default_factory is not None:
            default = field.default_factory()  # type: ignore[call-arg]  # no-argument factories
            # The parameter carries the default itself; a field may not have both.
            info = FieldInfo.merge_field_infos(field, default_factory=None, default=default)
        if default is PydanticUndefined:
            default = inspect.Parameter.empty
        # An optional parameter (None: not given) is offered as its type alone: the null
        # would only cost tokens in tools/list, and check_arguments drops a null sent anyway.
        annotation = Annotated[given_type(field.annotation), info]  # type: ignore[valid-type]
        found.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )
    return found


LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")
LOOPBACK_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*")


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """Host and Origin checks that stay on whatever the bind address.

    The SDK arms them by itself only for a loopback bind and silently drops them for
    0.0.0.0, so they are always passed explicitly.
    """
    hosts = list(LOOPBACK_HOSTS)
    for host in settings.mcp_allowed_hosts:
        hosts.extend([host] if ":" in host else [host, f"{host}:*"])
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=hosts,
        allowed_origins=[*LOOPBACK_ORIGINS, *settings.mcp_allowed_origins],
    )


def streamable_http_app(mcp: MCPServer, settings: Settings) -> Any:
    """The SDK's streamable HTTP app at /mcp, and the context that runs its sessions."""
    return mcp.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=settings.mcp_stateless,
        # A backstop on real time; server.sessions closes idle sessions on its own clock.
        session_idle_timeout=settings.mcp_session_idle_timeout,
        transport_security=transport_security(settings),
        host=settings.mcp_host,
    )


def session_manager(mcp: MCPServer) -> Any:
    """The running context the mounted HTTP app needs (its own lifespan never runs)."""
    return mcp.session_manager.run()


def run_stdio(mcp: MCPServer) -> None:
    """Serve over stdio until the client closes it."""
    mcp.run("stdio")
