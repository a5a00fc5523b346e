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

# Endpoints Jira Cloud has and Data Center does not (Atlassian's Jira Server REST API v2
# reference lists none of them): there their v2 paths answer 404.
CLOUD_ONLY = frozenset(
    {
        "/rest/api/3/search/jql",
        "/rest/api/3/search/approximate-count",
        "/rest/api/3/issue/bulkfetch",
        "/rest/api/3/jql/parse",
        # Data Center lists an issue's history only under GET /issue/{key}?expand=changelog,
        # and serves attachment content at /secure/attachment/{id}/{filename}.
        "/rest/api/3/issue/{key}/changelog",
        "/rest/api/3/attachment/content/{id}",
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
    # Data Center serves REST v2 only: every other route moves to /rest/api/2, and /rest/api/3
    # answers 404 as it does there.
    kept = [_on_v2(r) for r in routes if not (isinstance(r, Route) and r.path in CLOUD_ONLY)]
    gone = frozenset(_v2(p) for p in CLOUD_ONLY)
    return [*dc_search.routes(gone), *attachments.DATACENTER_ROUTES, *kept]


def _v2(path: str) -> str:
    return path.replace("/rest/api/3/", "/rest/api/2/", 1)


def _on_v2(route: BaseRoute) -> BaseRoute:
    if not isinstance(route, Route) or not route.path.startswith("/rest/api/3/"):
        return route
    return Route(_v2(route.path), route.endpoint, methods=sorted(route.methods or ()))
