"""Tool tests go through a real MCP client (the SDK's in-memory Client) to the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from server.app import build_server
from server.config import Settings
from server.gateway.meta import Deployment

ClientFactory = Callable[..., AbstractAsyncContextManager[Client]]
# Both flavours of the sandbox, for tests parametrised over ``deployment``.
DEPLOYMENTS = pytest.mark.parametrize("deployment", ["cloud", "datacenter"])


def tool_settings(**overrides: object) -> Settings:
    """Settings for the sandbox, with fast local limits; only these values count."""
    values: dict[str, object] = {
        "jira_url": "sandbox",
        "jira_rate_limit": 1000,
        "jira_rate_burst": 1000,
        "jira_timeout": 5,
        "jira_deployment": "cloud",
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture
def deployment() -> Deployment:
    """Which Jira the sandbox plays and the server is told of; a test parametrises
    ``deployment`` over DEPLOYMENTS to run against both."""
    return "cloud"


@pytest.fixture
def sandbox_config(deployment: Deployment) -> SandboxConfig:
    """A sandbox without its rate limit, so tests measure behaviour, not waiting."""
    return SandboxConfig(rate_limit=None, deployment=deployment)


@pytest.fixture
def sandbox_app(sandbox_config: SandboxConfig) -> Any:
    """A fresh sandbox site; ``sandbox_app.state.site`` is its data, for direct checks."""
    return create_app(sandbox_config)


@pytest.fixture
def connect(sandbox_app: Any, deployment: Deployment) -> ClientFactory:
    """Open an MCP client to a server built from ``tool_settings(**overrides)``, told the
    sandbox's deployment."""

    @asynccontextmanager
    async def factory(**overrides: object) -> AsyncIterator[Client]:
        settings = tool_settings(**{"jira_deployment": deployment, **overrides})
        server = build_server(settings, jira_app=sandbox_app)
        async with Client(server, raise_exceptions=False) as client:
            yield client

    return factory


def on_wire(path: str, deployment: str) -> str:
    """A request line or path in Cloud's words as the sandbox of ``deployment`` receives it
    (Data Center serves REST v2 only)."""
    return path.replace("/rest/api/3/", "/rest/api/2/") if deployment == "datacenter" else path


def text_of(result: CallToolResult) -> str:
    """The text content the model reads."""
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))
