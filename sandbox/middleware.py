"""The sandbox's edges, composed around its routes.

Outermost first: the admin endpoint (only when enabled), authentication, rate limits, faults.
Auth runs before the limits so buckets are per credential; faults run innermost so an injected
error after a write still passes through the real limits first.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.admin import AdminMiddleware
from sandbox.auth import AuthMiddleware
from sandbox.config import Counters, SandboxConfig
from sandbox.faults import FaultMiddleware
from sandbox.limits import RateLimitMiddleware


class SandboxEdges:
    """The wrapped app; keeps `state` of the inner app reachable (`edges.state.site`)."""

    def __init__(self, app: ASGIApp, config: SandboxConfig, site: object | None = None) -> None:
        self.inner = app
        self.config = config
        self.site = site
        chain: ASGIApp = FaultMiddleware(app, config)
        chain = RateLimitMiddleware(chain, config, site)
        chain = AuthMiddleware(chain, config)
        if config.admin_enabled:
            chain = AdminMiddleware(chain, config)
        self.chain = chain

    @property
    def counters(self) -> Counters:
        """Totals kept by the edges (the same object as `config.counters`)."""
        return self.config.counters

    @property
    def state(self) -> Any:
        """The inner app's `state` (a Starlette app keeps its site there)."""
        return getattr(self.inner, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.chain(scope, receive, send)


def wrap(app: ASGIApp, config: SandboxConfig, site: object | None = None) -> SandboxEdges:
    """Put the admin endpoint, auth, rate limits and faults around `app`.

    `site`, when given, lets the per-issue write limit count an issue's id and key as one.
    """
    return SandboxEdges(app, config, site)
