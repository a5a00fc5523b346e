"""The sandbox's REST routes, one module per resource group."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from sandbox.routes import (
    agile,
    agile_moves,
    attachments,
    comments,
    dc_search,
    edit,
    issues,
    links,
    meta,
    removed,
    search,
    transitions,
)

# Endpoints Jira Cloud has and Data Center does not: there they answer 404 (no route).
CLOUD_ONLY = frozenset(
    {
        "/rest/api/3/search/jql",
        "/rest/api/3/search/approximate-count",
        "/rest/api/3/issue/bulkfetch",
    }
)


def all_routes(deployment: str = "cloud") -> list[BaseRoute]:
    """Every route of the simulated Jira REST API, Cloud's or Data Center's."""
    routes: list[BaseRoute] = [
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
    if deployment == "cloud":
        return [*removed.ROUTES, *routes]
    kept = [r for r in routes if not (isinstance(r, Route) and r.path in CLOUD_ONLY)]
    return [*dc_search.routes(CLOUD_ONLY), *kept]
