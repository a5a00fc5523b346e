"""The sandbox's control endpoint: read and set its faults over HTTP.

`GET /__sandbox/faults` shows the faults, `PUT` changes the fields it names (all or nothing),
`POST /__sandbox/faults/reset` clears them, `GET /__sandbox/counters` shows the edge totals.
It sits outside authentication and exists only when `config.admin_enabled`; the server binds
to loopback only, so it is reachable from this machine alone.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.config import Faults, SandboxConfig

PREFIX = "/__sandbox/"
RATES = frozenset({"error_rate", "truncate_rate"})
SECONDS = frozenset({"latency", "write_latency", "hang_writes"})
COUNTS = frozenset({"storm_429", "seed"})


def faults_json(faults: Faults) -> dict[str, Any]:
    """The faults as JSON (tuples become lists)."""
    return {name: list(v) if isinstance(v, tuple) else v for name, v in asdict(faults).items()}


def _number(value: Any) -> bool:
    # JSON true/false arrive as bool, a subclass of int: refuse them where a number is meant.
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_field(name: str, value: Any) -> str | None:
    """Why `value` cannot be set as fault `name`, or None if it can."""
    if name in RATES:
        ok = _number(value) and 0 <= value <= 1
        return None if ok else "must be a number from 0 to 1"
    if name in SECONDS:
        return None if _number(value) and value >= 0 else "must be a number of seconds >= 0"
    if name in COUNTS:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a whole number >= 0"
    if name == "error_after_write":
        return None if isinstance(value, bool) else "must be true or false"
    if name == "error_codes":
        ok = isinstance(value, list) and all(
            isinstance(c, int) and not isinstance(c, bool) and 400 <= c <= 599 for c in value
        )
        return None if ok else "must be a list of HTTP error statuses (400-599)"
    return "is not a fault setting"


def apply(faults: Faults, changes: dict[str, Any]) -> dict[str, str]:
    """Set the named fields if every one is valid; return the problems otherwise."""
    problems = {name: why for name, v in changes.items() if (why := check_field(name, v))}
    if not problems:
        for name, value in changes.items():
            setattr(faults, name, tuple(value) if name == "error_codes" else value)
    return problems


def _bad_request(errors: dict[str, str], message: str | None = None) -> JSONResponse:
    body = {"errorMessages": [message] if message else [], "errors": errors}
    return JSONResponse(body, status_code=400)


class AdminMiddleware:
    """Answers /__sandbox/ paths itself; everything else goes on to the app."""

    def __init__(self, app: ASGIApp, config: SandboxConfig) -> None:
        self.app = app
        self.faults = config.faults
        self.counters = config.counters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        response = await self._answer(Request(scope, receive))
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        route = (request.method, request.url.path.removeprefix(PREFIX).rstrip("/"))
        match route:
            case ("GET", "faults"):
                return JSONResponse(faults_json(self.faults))
            case ("PUT", "faults"):
                return await self._put(request)
            case ("POST", "faults/reset"):
                self.faults.reset()
                return JSONResponse(faults_json(self.faults))
            case ("GET", "counters"):
                return JSONResponse({**asdict(self.counters), "throttled": self.counters.throttled})
            case (_, "faults" | "faults/reset" | "counters"):
                return Response(status_code=405, headers={"Allow": _allowed(route[1])})
        return JSONResponse({"errorMessages": ["Not found."], "errors": {}}, status_code=404)

    async def _put(self, request: Request) -> Response:
        try:
            changes = json.loads(await request.body())
        except ValueError:
            return _bad_request({}, "The body must be a JSON object of fault settings.")
        if not isinstance(changes, dict):
            return _bad_request({}, "The body must be a JSON object of fault settings.")
        problems = apply(self.faults, changes)
        if problems:
            return _bad_request(problems)
        return JSONResponse(faults_json(self.faults))


def _allowed(path: str) -> str:
    return {"faults": "GET, PUT", "faults/reset": "POST", "counters": "GET"}[path]
