"""The sandbox ASGI app: the seeded (or saved) site, its routes, and the edges around them."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import store
from sandbox.config import SandboxConfig
from sandbox.middleware import SandboxEdges, wrap
from sandbox.routes import all_routes
from sandbox.routes.common import ApiError
from sandbox.seed import build_site
from sandbox.site import Site


def build(config: SandboxConfig) -> Site:
    """The site for a config: loaded from `data_path` when saved there, else freshly seeded."""
    data = store.load(config.data_path) if config.data_path else None
    if data is None:
        anchor = datetime.fromtimestamp(config.clock(), UTC)
        data = build_site(config.seed, anchor, config.flagged_field)
    site = Site(
        data,
        config.base_url,
        config.clock,
        config.search_lag,
        agile_flagged=config.agile_flagged,
        media_url=config.media_url,
        deployment=config.deployment,
    )
    if config.data_path:
        store.attach(site, config.data_path)
    return site


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown paths and methods answer in Jira's error shape too.
    assert isinstance(exc, HTTPException)
    message = "Null" if exc.status_code == 404 else str(exc.detail)
    return JSONResponse({"errorMessages": [message], "errors": {}}, exc.status_code)


def create_app(config: SandboxConfig | None = None) -> SandboxEdges:
    """The whole sandbox: `app.state.site` is the live site, for tests to inspect."""
    config = config or SandboxConfig()
    site = build(config)
    inner = Starlette(
        routes=all_routes(config.deployment),
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    inner.state.site = site
    inner.state.deployment = config.deployment
    inner.state.datacenter_version = config.datacenter_version
    inner.state.counters = config.counters
    return wrap(inner, config, site)
