"""Shared set-up for the sandbox API tests: a fixed clock, an app without limits, a client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from sandbox.app import create_app
from sandbox.config import DEMO_EMAIL, DEMO_TOKEN, SandboxConfig
from sandbox.middleware import SandboxEdges
from sandbox.site import Site
from tests.sandbox.openapi import load_spec, reference_dir, validate_response

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def config(seed: int = 7, data_path: Path | None = None) -> SandboxConfig:
    """A sandbox config with a frozen clock and no rate limits (tests send bursts)."""
    return SandboxConfig(
        seed=seed,
        clock=NOW.timestamp,
        rate_limit=None,
        per_issue_writes=None,
        data_path=data_path,
    )


def site_of(app: Any) -> Site:
    """The live site behind an app (or a recorder or fault wrapper around one)."""
    site: Site = app.state.site
    return site


@asynccontextmanager
async def sandbox(app: SandboxEdges | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client logged in as the demo user, talking to the app in-process."""
    transport = httpx.ASGITransport(app=app or create_app(config()))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", auth=(DEMO_EMAIL, DEMO_TOKEN)
    ) as client:
        yield client


def checked(response: httpx.Response, template: str, status: int = 200) -> Any:
    """The JSON body, after asserting the status and Atlassian's schema for the operation."""
    assert response.status_code == status, response.text
    body = response.json() if response.content else None
    validate_response(response.request.method, template, status, body)
    return body


def conforms(schema_name: str, body: object, spec: str = "platform") -> None:
    """Assert `body` matches a named component schema (for operations the spec leaves bare)."""
    validator = load_spec(spec, reference_dir()).validator(
        {"$ref": f"#/components/schemas/{schema_name}"}
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, f"{schema_name}: " + "; ".join(errors[:5])
