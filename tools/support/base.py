"""What every tool is made of: input model, result model, handler, annotations, text view.

Tools never import the MCP SDK: ``server.app`` turns each ``ToolSpec`` into an MCP tool,
maps the errors below (and ``JiraError``/``JqlError``) to tool errors the model reads, and
passes progress through ``ToolContext.progress``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from server.config import Settings
from server.gateway import JiraGateway

ParamsT = TypeVar("ParamsT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)

Progress = Callable[[float, float | None, str | None], Awaitable[None]]


async def _no_progress(progress: float, total: float | None, message: str | None) -> None:
    """Progress goes nowhere when the caller did not ask for it."""


class ToolInputError(ValueError):
    """The model asked for something that cannot be done as asked; the text says what to do."""


class ToolParams(BaseModel):
    """Base of every tool's input: unknown arguments are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")
    # List parameters that may be split over several calls when too long (named in errors).
    splittable: ClassVar[tuple[str, ...]] = ()


class ToolResult(BaseModel):
    """Base of every tool's typed result (outputSchema and structuredContent)."""


@dataclass(frozen=True)
class Image:
    """An image a tool answers with, shown to the model as MCP image content."""

    data: bytes
    mime_type: str


def _no_images(result: Any) -> Sequence[Image]:
    return ()


@dataclass
class ToolContext:
    """What a handler may use: the shared gateway, the settings, and a progress reporter."""

    gateway: JiraGateway
    settings: Settings
    progress: Progress = field(default=_no_progress)


@dataclass(frozen=True)
class ToolSpec(Generic[ParamsT, ResultT]):
    """One tool: its contract with the model and the code that fulfils it."""

    name: str
    title: str
    description: str
    params: type[ParamsT]
    result: type[ResultT]
    handler: Callable[[ToolContext, ParamsT], Awaitable[ResultT]]
    render: Callable[[ResultT], str]
    # Every hint is required: no tool is listed with a hint it did not choose.
    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool
    # Images to send beside the text (a screenshot attachment); most tools have none.
    images: Callable[[ResultT], Sequence[Image]] = _no_images

    def annotations(self) -> dict[str, Any]:
        """The MCP tool annotations, every hint explicit. The title is the tool's own
        ``title`` (which MCP clients prefer); repeating it here would cost every listing."""
        return {
            "readOnlyHint": self.read_only,
            "destructiveHint": self.destructive,
            "idempotentHint": self.idempotent,
            "openWorldHint": self.open_world,
        }
