"""Gateway throughput against a Jira stub that enforces 10 requests/s with a burst of 10.

Prints requests sent, 429s received, wall time and wall/floor, where
floor = (requests - burst) / rate is the fastest any client could finish without a 429.
Targets: 0 x 429 and wall/floor <= 1.10; with 30 % of answers 503, >= 99.5 % of reads succeed.

S8 (20 concurrent searches) runs against the sandbox itself, whose rate limit models Jira's
bucket and headers (10 requests/s, burst 10), with the gateway's default settings (10/s, local
burst 5): floor = (20 - 10) / 10 = 1 s. Targets: wall/floor <= 1.3 and 0 x 429.

Run: .venv/bin/python benchmarks/gateway_throughput.py  (S8 alone: add --s8)
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox.app import create_app
from sandbox.config import DEMO_EMAIL, DEMO_TOKEN, SandboxConfig
from server.config import Settings
from server.errors import JiraError
from server.gateway import JiraGateway
from server.logging import configure_logging

RATE = 10.0
BURST = 10
CALLS = 200
# The failure run needs more calls for its success rate to mean something: with 4 retries
# a read fails only after 5 straight 503s (0.3 ** 5 = 0.24 %).
FAILURE_RUN_CALLS = 1000


@dataclass
class StubState:
    """The stub's bucket and counters (shared by its handler threads)."""

    tokens: float = BURST
    refilled: float = 0.0
    requests: int = 0
    limited: int = 0
    fail_rate: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Seeded, and one per run: the failure run draws the same sequence every time.
    rng: random.Random = field(default_factory=lambda: random.Random(5))

    def admit(self) -> bool:
        """Take a token if one is left (Jira's per-credential burst bucket)."""
        with self.lock:
            self.requests += 1
            now = time.monotonic()
            self.tokens = min(BURST, self.tokens + (now - self.refilled) * RATE)
            self.refilled = now
            if self.tokens < 1:
                self.limited += 1
                return False
            self.tokens -= 1
            return True

    def should_fail(self) -> bool:
        """Whether this answer is a transient 503 (decided under the lock)."""
        with self.lock:
            return self.rng.random() < self.fail_rate


def make_handler(state: StubState) -> type[BaseHTTPRequestHandler]:
    """A handler answering search/jql and issue/bulkfetch like Jira, within its limits."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            if not state.admit():
                self._send(429, {"errorMessages": ["Rate limit exceeded"]}, {"Retry-After": "1"})
                return
            if state.should_fail():
                self._send(503, {"errorMessages": ["Service unavailable"]}, {})
                return
            if self.path.startswith("/rest/api/3/issue/bulkfetch"):
                keys = body["issueIdsOrKeys"]
                issues = [_issue(k) for k in keys]
                self._send(200, {"issues": issues, "issueErrors": []}, {})
            else:
                self._send(200, {"issues": [_issue("BENCH-1")], "isLast": True}, {})

        def _send(self, status: int, payload: object, headers: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # stdlib name
            """Silence the per-request access log."""

    return Handler


def _issue(key: str) -> dict[str, object]:
    return {"id": "1", "key": key, "fields": {"summary": "x", "project": {"key": "BENCH"}}}


@contextmanager
def stub_server(state: StubState) -> Iterator[str]:
    """Serve the stub on 127.0.0.1 in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def drive(url: str, calls: int) -> tuple[int, int]:
    """Concurrent logical calls: searches, and every 4th a bulk fetch of 150 keys (2 requests)."""
    settings = Settings.model_validate(
        {
            "jira_url": url,
            "jira_email": "bench@example.com",
            "jira_api_token": "bench-token",
            "jira_deployment": "cloud",  # the stub speaks Cloud's search only
        }
    )
    ok = 0
    failed = 0

    async def one(index: int) -> None:
        nonlocal ok, failed
        try:
            if index % 4 == 0:
                keys = [f"BENCH-{n}" for n in range(1, 151)]
                await gateway.bulk_fetch(keys, fields=["summary"])
            else:
                await gateway.search_page("project = BENCH", fields=["summary"])
            ok += 1
        except JiraError:
            failed += 1

    async with JiraGateway.open(settings) as gateway, anyio.create_task_group() as group:
        for index in range(calls):
            group.start_soon(one, index)
    return ok, failed


def run(fail_rate: float, calls: int) -> None:
    """One run against a fresh stub; prints its figures."""
    state = StubState(fail_rate=fail_rate, refilled=time.monotonic())
    with stub_server(state) as url:
        started = time.monotonic()
        ok, failed = anyio.run(drive, url, calls)
        wall = time.monotonic() - started
    floor = (state.requests - BURST) / RATE
    label = f"{int(fail_rate * 100)}% 503s"
    print(
        f"{label:>8}, {calls} calls: requests sent {state.requests}, 429s {state.limited}, "
        f"wall {wall:.2f} s, floor {floor:.2f} s, wall/floor {wall / floor:.3f}, "
        f"reads ok {ok}/{ok + failed} ({100 * ok / (ok + failed):.2f} %)"
    )


S8_SEARCHES = 20


async def s8_searches(sandbox: object) -> float:
    """20 concurrent searches through one gateway with default limits; returns wall seconds."""
    settings = Settings.model_validate(
        {
            "jira_url": "sandbox",
            "jira_email": DEMO_EMAIL,
            "jira_api_token": DEMO_TOKEN,
            "jira_deployment": "cloud",  # pacing of searches, not detection
        }
    )
    async with JiraGateway.open(settings, asgi_app=sandbox) as gateway:
        started = time.monotonic()
        async with anyio.create_task_group() as group:
            for _ in range(S8_SEARCHES):
                group.start_soon(lambda: gateway.search_page("project = SHOP"))
        return time.monotonic() - started


def run_s8() -> None:
    """S8: 20 concurrent searches against the sandbox's own rate limit."""
    config = SandboxConfig(rate_limit=RATE, burst=BURST)
    sandbox = create_app(config)
    wall = anyio.run(s8_searches, sandbox)
    floor = (S8_SEARCHES - BURST) / RATE
    print(
        f"S8: {S8_SEARCHES} concurrent searches: requests {config.counters.requests}, "
        f"429s {config.counters.throttled}, wall {wall:.2f} s, floor {floor:.2f} s, "
        f"wall/floor {wall / floor:.2f}"
    )


if __name__ == "__main__":
    configure_logging("WARNING")
    if "--s8" not in sys.argv:
        run(0.0, CALLS)
        run(0.3, FAILURE_RUN_CALLS)
    run_s8()
