"""How a request in Cloud's words is said to Data Center, and how its answer is heard back.

Every gateway method, the scope guard and every tool speak one dialect: Jira Cloud's REST v3
(``/rest/api/3`` paths, ADF documents, users by ``accountId``). Data Center serves only
``/rest/api/2``, with wiki-markup strings and users by ``name`` (Atlassian's Jira Server REST
API v2 reference). ``JiraHttp`` asks the dialect of the site to rewrite each request just
before it is sent and each answer just after it arrives, so the guard checks the request it
was given and filters an answer in the shape it knows, and nothing above the gateway can tell
the two Jiras apart.

A rewrite never changes which object a request names: the same key, id or project goes out.

The Data Center dialect is assembled from small adapters (``Adapter``): one per endpoint whose
parameters or answer differ, plus the rewrites every request and answer gets (path, rich text,
users). ``DataCenterDialect.adapters`` lists them; adding one touches that list only.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

Json = Any
Params = Mapping[str, str | int] | None


@dataclass(frozen=True)
class Wire:
    """One request as it will be sent: method, path, query parameters and JSON body."""

    method: str
    path: str
    params: Params = None
    body: Json = None


class Dialect(Protocol):
    """Rewrites a Cloud-shaped request for one kind of Jira, and its answer back."""

    name: str

    async def outbound(self, request: Wire) -> Wire:
        """The request to send in place of ``request``."""
        ...

    async def inbound(self, asked: Wire, sent: Wire, data: Json) -> Json:
        """``data``, the answer to ``sent`` (what ``asked`` became), in Cloud's shape."""
        ...


class CloudDialect:
    """Jira Cloud: requests and answers pass unchanged."""

    name = "cloud"

    async def outbound(self, request: Wire) -> Wire:
        """Unchanged."""
        return request

    async def inbound(self, asked: Wire, sent: Wire, data: Json) -> Json:
        """Unchanged."""
        return data


# Cloud's dialect keeps no state: one instance serves every gateway.
CLOUD = CloudDialect()


class Adapter(Protocol):
    """One endpoint's difference between Cloud and Data Center."""

    def matches(self, request: Wire) -> bool:
        """True when this adapter rewrites ``request`` (still in Cloud's words)."""
        ...

    async def outbound(self, request: Wire) -> Wire:
        """The Data Center request for the Cloud one."""
        ...

    async def inbound(self, asked: Wire, sent: Wire, data: Json) -> Json:
        """The Data Center answer to ``sent`` reshaped as Cloud answers ``asked``."""
        ...


class DataCenterDialect:
    """Jira Data Center and Server (REST v2): paths, bodies, users and some endpoints differ."""

    name = "datacenter"

    def __init__(
        self,
        adapters: Sequence[Adapter] = (),
        *,
        body_out: Callable[[Json], Json] = lambda body: body,
        answer_in: Callable[[Wire, Json], Awaitable[Json]] | None = None,
    ) -> None:
        # Endpoint adapters, first match wins; then the rewrites every request gets.
        self.adapters = tuple(adapters)
        self._body_out = body_out
        self._answer_in = answer_in

    async def outbound(self, request: Wire) -> Wire:
        """The v2 request: an endpoint's own rewrite, then the path and the body's rich text
        and users in Data Center's form."""
        adapter = self._adapter_for(request)
        rewritten = await adapter.outbound(request) if adapter is not None else request
        return replace(rewritten, path=v2_path(rewritten.path), body=self._body_out(rewritten.body))

    def _adapter_for(self, request: Wire) -> Adapter | None:
        return next((a for a in self.adapters if a.matches(request)), None)

    async def inbound(self, asked: Wire, sent: Wire, data: Json) -> Json:
        """The answer in Cloud's shape: an endpoint's own reshaping, then rich text and users."""
        adapter = self._adapter_for(asked)
        if adapter is not None:
            data = await adapter.inbound(asked, sent, data)
        if self._answer_in is not None:
            data = await self._answer_in(asked, data)
        return data


_CLOUD_PATH = re.compile(r"^/rest/api/3(?=/)")


def v2_path(path: str) -> str:
    """``/rest/api/3/x`` as ``/rest/api/2/x``; any other path unchanged."""
    return _CLOUD_PATH.sub("/rest/api/2", path)
