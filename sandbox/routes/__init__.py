"""The sandbox's REST routes, one module per resource group."""

from __future__ import annotations

from starlette.routing import BaseRoute

from sandbox.routes import (
    agile,
    agile_moves,
    attachments,
    comments,
    edit,
    issues,
    links,
    meta,
    removed,
    search,
    transitions,
)


def all_routes() -> list[BaseRoute]:
    """Every route of the simulated Jira Cloud REST API."""
    return [
        *removed.ROUTES,
        *search.ROUTES,
        *issues.ROUTES,
        *attachments.ROUTES,
        *edit.ROUTES,
        *comments.ROUTES,
        *links.ROUTES,
        *transitions.ROUTES,
        *meta.ROUTES,
        *agile.ROUTES,
        *agile_moves.ROUTES,
    ]
