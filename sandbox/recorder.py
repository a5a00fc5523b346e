"""A recorder of the requests the sandbox is sent, for tests and benchmarks that count them."""

from __future__ import annotations

from typing import Any


class RequestRecorder:
    """Wraps a sandbox app and records "METHOD path" of every HTTP request, in order."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[str] = []

    @property
    def state(self) -> Any:
        """The wrapped app's state (``state.site`` is the sandbox's data)."""
        return self.app.state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)

    def take(self) -> list[str]:
        """The requests since the previous take."""
        taken, self.requests = self.requests, []
        return taken

    def writes(self) -> list[str]:
        """The requests so far that were not reads."""
        return [request for request in self.requests if not request.startswith("GET ")]
